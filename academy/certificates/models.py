"""Certificate policies, templates, the serial counter and the certificates themselves."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from academy.db import UTCDateTime, utcnow
from academy.extensions import db

AUTOMATIC, APPROVAL, NONE = "automatic", "approval", "none"
ISSUANCE_MODES = (AUTOMATIC, APPROVAL, NONE)
VALID, EXPIRED, REVOKED, SUPERSEDED = "valid", "expired", "revoked", "superseded"
RENEWAL, NAME_CORRECTION = "renewal", "name_correction"
PAGE_SIZES = {  # name: (CSS page size, sheet height)
    "a4-landscape": ("A4 landscape", "210mm"),
    "a4-portrait": ("A4 portrait", "297mm"),
    "letter-landscape": ("letter landscape", "215.9mm"),
}
TEMPLATE_TEXTS = ("title", "intro", "statement", "closing")


class CertificatePolicy(db.Model):
    """How a course's certificates are issued (absent: on a coordinator's approval, no minimum)."""

    __tablename__ = "certificate_policies"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           primary_key=True)
    issuance: Mapped[str] = mapped_column(String(16), default=APPROVAL)
    min_grade: Mapped[int | None] = mapped_column(Integer)  # percent of the course grade
    validity_months: Mapped[int | None] = mapped_column(Integer)  # None: never expires
    shows_grade: Mapped[bool] = mapped_column(default=False)


class CertificateTemplate(db.Model):
    """An academy's certificate design: texts per locale, signatures, colour, extra CSS."""

    __tablename__ = "certificate_templates"

    academy_id: Mapped[int] = mapped_column(ForeignKey("academies.id", ondelete="CASCADE"),
                                            primary_key=True)
    page_size: Mapped[str] = mapped_column(String(24), default="a4-landscape")
    accent: Mapped[str] = mapped_column(String(7), default="#1f3d6b")
    is_bilingual: Mapped[bool] = mapped_column(default=False)
    texts: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: {title, intro, ...}}
    signatures: Mapped[list] = mapped_column(JSON, default=list)  # [{name, title, image}]
    extra_css: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)


class CertificateSerial(db.Model):
    """The last serial number given in a year: incremented in place, never computed as max+1."""

    __tablename__ = "certificate_serials"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Certificate(db.Model):
    """One certificate as issued: what it says, its PDF's hash, and what became of it."""

    __tablename__ = "certificates"
    __table_args__ = (
        # At most one current (neither revoked nor superseded) certificate per person and course.
        Index("uq_certificates_current", "user_id", "course_id", unique=True,
              sqlite_where=text("revoked_at IS NULL AND superseded_at IS NULL"),
              postgresql_where=text("revoked_at IS NULL AND superseded_at IS NULL")),
        # Each certificate's place in its academy's status list (status_list.py).
        Index("uq_certificates_status_index", "academy_id", "status_index", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # normalised, without dashes
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"),
                                           index=True)
    academy_id: Mapped[int] = mapped_column(ForeignKey("academies.id", ondelete="RESTRICT"),
                                            index=True)
    locale: Mapped[str] = mapped_column(String(8))
    second_locale: Mapped[str | None] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))  # as registered when issued
    course_title: Mapped[str] = mapped_column(String(300))
    hours: Mapped[int] = mapped_column(Integer, default=0)
    grade: Mapped[float | None] = mapped_column(Float)  # percent, only when the policy shows it
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL"))
    supersede_reason: Mapped[str | None] = mapped_column(String(32))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"),
                                               index=True)
    # Its bit in the academy's Bitstring Status List (set when revoked or replaced); random, so
    # the order of issue is not read off the list. None only for certificates whose academy's
    # list was full.
    status_index: Mapped[int | None] = mapped_column(Integer)
    # Its Open Badges 3.0 credential as a VC-JWT, and as JSON with an embedded Data Integrity
    # proof, both signed when it was drafted (open_badge.py) and attached inside its PDF; None
    # when its academy had no key then.
    credential: Mapped[str | None] = mapped_column(Text)
    credential_json: Mapped[str | None] = mapped_column(Text)

    def status_at(self, now: datetime) -> str:
        """valid, expired, revoked or superseded (revocation wins over everything)."""
        if self.revoked_at is not None:
            return REVOKED
        if self.superseded_at is not None:
            return SUPERSEDED
        if self.expires_at is not None and self.expires_at <= now:
            return EXPIRED
        return VALID
