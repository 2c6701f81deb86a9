"""Issuing, renewing, reissuing and revoking certificates; course policies; academy templates."""
from __future__ import annotations

import calendar
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy import images, ratelimit, storage
from academy.academies.models import Academy
from academy.accounts.models import User
from academy.audit import operations as audit
from academy.certificates import (codes, documents, open_badge, rendering, serials, signed_qr,
                                  status_list)
from academy.certificates.models import (APPROVAL, AUTOMATIC, NAME_CORRECTION, NONE, RENEWAL,
                                         Certificate, CertificatePolicy, CertificateTemplate)
from academy.curricula.models import Course
from academy.db import utcnow
from academy.domain import DomainError
from academy.enrolment.models import COMPLETED, Enrolment
from academy.extensions import db
from academy.i18n import (LazyText, content_language, format_percent, is_interface_locale,
                          lazy_gettext as _l)
from academy.quizzes import queries as quiz_queries

PDF_KIND = "certificates"
VERIFY_PATH = "/verify/"
log = logging.getLogger(__name__)


class NotEligible(DomainError):
    """This certificate cannot be issued (or changed) as asked."""


def count_lookup(address: str) -> bool:
    """Count one public check from this address; False once it is over the limit."""
    cfg = current_app.config
    limit = ratelimit.Limit(cfg["VERIFY_MAX_PER_ADDRESS"], cfg["VERIFY_WINDOW_SECONDS"])
    return ratelimit.record_hit(f"verify:{address}", limit) <= limit.hits


# --- Policies and templates ---------------------------------------------------------------------

def policy_of(course_id: int) -> CertificatePolicy:
    """The course's policy, or the default one (on approval, no minimum, never expires)."""
    return db.session.get(CertificatePolicy, course_id) or CertificatePolicy(
        course_id=course_id, issuance=APPROVAL, min_grade=None, validity_months=None,
        shows_grade=False)


def template_of(academy_id: int) -> CertificateTemplate:
    """The academy's template, or the default design."""
    return db.session.get(CertificateTemplate, academy_id) or CertificateTemplate(
        academy_id=academy_id, page_size="a4-landscape", accent="#1f3d6b", is_bilingual=False,
        texts={}, signatures=[], extra_css="")


def save_policy(course: Course, *, issuance: str, min_grade: int | None,
                validity_months: int | None, shows_grade: bool, actor_id: int) -> CertificatePolicy:
    """Store a course's certificate policy (audited with what it was before)."""
    policy = db.session.get(CertificatePolicy, course.id)
    before = _policy_dict(policy) if policy else None
    if policy is None:
        policy = CertificatePolicy(course_id=course.id)
        db.session.add(policy)
    policy.issuance, policy.min_grade = issuance, min_grade
    policy.validity_months, policy.shows_grade = validity_months, shows_grade
    db.session.flush()
    audit.record("certificate_policy.update", actor_id=actor_id, target_type="course",
                 target_id=course.id, academy_id=course.academy_id,
                 details={"before": before, "after": _policy_dict(policy)})
    return policy


def _policy_dict(policy: CertificatePolicy) -> dict:
    return {"issuance": policy.issuance, "min_grade": policy.min_grade,
            "validity_months": policy.validity_months, "shows_grade": policy.shows_grade}


def save_template(academy: Academy, *, actor_id: int, **fields) -> CertificateTemplate:
    """Store an academy's certificate template (fields already validated by the form)."""
    template = db.session.get(CertificateTemplate, academy.id)
    if template is None:
        template = CertificateTemplate(academy_id=academy.id)
        db.session.add(template)
    for name, value in fields.items():
        setattr(template, name, value)
    template.updated_at = utcnow()
    db.session.flush()
    audit.record("certificate_template.update", actor_id=actor_id, target_type="academy",
                 target_id=academy.id, academy_id=academy.id,
                 details={"fields": sorted(fields)})
    return template


def store_signature(data: bytes) -> str:
    """Keep an uploaded signature as a clean PNG; return its file name. Raises DomainError."""
    png = images.normalise_image(data, max_bytes=current_app.config["LOGO_MAX_BYTES"],
                                 box=(600, 200), field="image")
    return images.store_image(documents.SIGNATURES, png)


# --- What a certificate says --------------------------------------------------------------------

def public_base_url() -> str:
    """The address printed on certificates: PUBLIC_URL (required in production), else, in
    development, the address of this request."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://localhost:5000"


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}{VERIFY_PATH}{codes.grouped(code)}"


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month,
                          day=min(moment.day, calendar.monthrange(year, month)[1]))


def certificate_locales(user: User, course: Course,
                        template: CertificateTemplate) -> tuple[str, str | None]:
    """The trainee's locale (their variety: pt_BR, es_419 …), and the academy's as a second one
    when the template asks."""
    academy = course.academy
    locale = user.locale if is_interface_locale(user.locale) else academy.default_locale
    locale = locale if is_interface_locale(locale) else current_app.config["DEFAULT_LOCALE"]
    return locale, second_locale(academy, template, locale)


def second_locale(academy: Academy, template: CertificateTemplate, locale: str) -> str | None:
    """The academy's language beside `locale`, when the design is bilingual and they differ (a
    pt_PT reader of a pt_BR academy reads one Portuguese, not two)."""
    second = academy.default_locale if template.is_bilingual else None
    if not is_interface_locale(second) or content_language(second) == content_language(locale):
        return None
    return second


def facts_of(certificate: Certificate, course: Course, base_url: str) -> documents.Facts:
    titles = {certificate.locale: certificate.course_title}
    if certificate.second_locale:
        titles[certificate.second_locale] = course.title_in(certificate.second_locale)
    return documents.Facts(
        serial=certificate.serial, code=certificate.code, name=certificate.name,
        course_titles=titles, hours=certificate.hours, grade=certificate.grade,
        completed_at=certificate.completed_at, issued_at=certificate.issued_at,
        expires_at=certificate.expires_at, academy_names=dict(course.academy.names or {}),
        logo_filename=course.academy.logo_filename,
        verify_url=verify_url(base_url, certificate.code),
        signed_payload=signed_qr.payload_for(certificate, course.academy))


def document_of(certificate: Certificate, course: Course, base_url: str,
                template: CertificateTemplate | None = None) -> tuple[str, str]:
    """The (html, css) a certificate's PDF is rendered from."""
    template = template or template_of(course.academy_id)
    values = documents.values(facts_of(certificate, course, base_url), template,
                              certificate.locale, certificate.second_locale)
    return documents.html(values), documents.stylesheet(template)


def attach_pdf(certificate: Certificate, pdf: bytes) -> None:
    certificate.pdf_sha256 = storage.store(PDF_KIND, pdf, ".pdf")
    certificate.pdf_size = len(pdf)


# --- Issuing ------------------------------------------------------------------------------------

def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id,
        Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None)))


def unanswered_revocation(user_id: int, course_id: int) -> Certificate | None:
    """A revoked certificate of this person and course that nothing was issued after."""
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id,
        Certificate.revoked_at.is_not(None), Certificate.superseded_by_id.is_(None)))


def refusal(enrolment: Enrolment, policy: CertificatePolicy, grade: float | None,
            has_current: bool, was_revoked: bool = False):
    """Why this enrolment cannot have a certificate now, or None if it can."""
    if enrolment.status != COMPLETED or enrolment.completed_at is None:
        return _l("The trainee has not completed this course.")
    if policy.issuance == NONE:
        return _l("This course does not give certificates.")
    if policy.min_grade is not None and (grade is None or grade + 1e-9 < policy.min_grade):
        return _l("The course grade is below the minimum of %(min)s.",
                  min=LazyText(format_percent, policy.min_grade / 100, 0))
    if has_current:
        return _l("This trainee already holds a current certificate for this course.")
    if was_revoked:
        return _l("This trainee's certificate for this course was revoked. A coordinator may "
                  "issue a new one from the revoked certificate's page.")
    return None


@dataclass
class Draft:
    """A certificate added to the session, with the document its PDF will be rendered from."""

    certificate: Certificate
    html: str
    css: str
    attachments: tuple[rendering.Attachment, ...] = ()  # its credential (open_badge.py)

    def render(self) -> bytes:
        return rendering.render_pdf(self.html, self.css, documents.file_roots(), self.attachments)


_FROM_POLICY = object()


def draft_certificate(completed_at: datetime, user: User, course: Course, *, serial: str,
                      actor_id: int | None, base_url: str, now: datetime,
                      grade: float | None, job_id: str | None = None,
                      expires_at=_FROM_POLICY, policy: CertificatePolicy | None = None,
                      template: CertificateTemplate | None = None,
                      status_index: int | None = None) -> Draft:
    """A new certificate (for a course completed at `completed_at`, not yet in the session)
    and the document its PDF is rendered from.

    It expires as the course's policy says, unless `expires_at` is given; `policy`,
    `template` and its place in the status list save their lookups when many are drafted.
    """
    policy = policy or policy_of(course.id)
    template = template or template_of(course.academy_id)
    if expires_at is _FROM_POLICY:
        expires_at = add_months(now, policy.validity_months) if policy.validity_months else None
    locale, second = certificate_locales(user, course, template)
    certificate = Certificate(
        serial=serial, code=codes.new_code(), user_id=user.id, course_id=course.id,
        academy_id=course.academy_id, locale=locale, second_locale=second,
        name=user.display_name, course_title=course.title_in(locale), hours=course.hours or 0,
        grade=round(grade, 1) if policy.shows_grade and grade is not None else None,
        completed_at=completed_at, issued_at=now,
        expires_at=expires_at, issued_by_id=actor_id, job_id=job_id,
        status_index=(status_index if status_index is not None
                      else status_list.free_places(course.academy_id, 1)[0]))
    open_badge.issue(certificate, course, base_url, policy.min_grade)
    html, css = document_of(certificate, course, base_url, template)
    return Draft(certificate, html, css, open_badge.attachments(certificate))


def issue_certificate(enrolment: Enrolment, *, actor_id: int | None,
                      base_url: str | None = None, after_revocation: bool = False) -> Certificate:
    """Issue one certificate now (serial, code, PDF, audit). Raises NotEligible.

    A revoked certificate blocks a new one unless `after_revocation` says a coordinator decided.
    """
    course = db.session.get(Course, enrolment.course_id)
    user = db.session.get(User, enrolment.user_id)
    grade = quiz_queries.course_grade(user.id, course.id)
    blocked_by_revocation = (not after_revocation
                             and unanswered_revocation(user.id, course.id) is not None)
    reason = refusal(enrolment, policy_of(course.id), grade,
                     current_certificate(user.id, course.id) is not None, blocked_by_revocation)
    if reason:
        raise NotEligible(reason)
    now = utcnow()
    draft = draft_certificate(enrolment.completed_at, user, course,
                              serial=serials.next_serials(now.year)[0], actor_id=actor_id,
                              base_url=base_url or public_base_url(), now=now, grade=grade)
    attach_pdf(draft.certificate, draft.render())
    db.session.add(draft.certificate)
    db.session.flush()
    _audit("certificate.issue", draft.certificate, actor_id)
    return draft.certificate


def issue_on_completion(enrolment: Enrolment) -> Certificate | None:
    """Called when a course is completed: issue at once if the course's policy says so.

    A failure to render leaves the completion standing; the trainee then appears among those a
    coordinator can issue to.
    """
    if policy_of(enrolment.course_id).issuance != AUTOMATIC:
        return None
    try:
        with db.session.begin_nested():
            return issue_certificate(enrolment, actor_id=None)
    except NotEligible:
        return None
    except Exception:  # the course stays completed whatever the renderer did
        log.exception("automatic certificate for enrolment %s failed", enrolment.id)
        return None


def draft_batch(enrolment_ids: list[int], serial_list: list[str], *, actor_id: int,
                base_url: str, job_id: str | None) -> list[Draft]:
    """Draft certificates for the eligible enrolments among these ids, one serial each (in
    order; serials left over when fewer are eligible now are a gap). Reads only."""
    from academy.certificates import queries

    now, policies, templates = utcnow(), {}, {}
    rows = list(zip(queries.batch_candidates(enrolment_ids), serial_list))
    places = _places_for([row.course.academy_id for row, _serial in rows])
    drafts = []
    for row, serial in rows:
        course = row.course
        if course.id not in policies:
            policies[course.id] = policy_of(course.id)
        if course.academy_id not in templates:
            templates[course.academy_id] = template_of(course.academy_id)
        policy, template = policies[course.id], templates[course.academy_id]
        drafts.append(draft_certificate(
            row.enrolment.completed_at, row.user, course, serial=serial, actor_id=actor_id,
            base_url=base_url, now=now, grade=row.grade, job_id=job_id, policy=policy,
            template=template, status_index=next(places[course.academy_id])))
    return drafts


def _places_for(academy_ids: list[int]) -> dict:
    """Per academy, an iterator of free status-list places, one per certificate to draft."""
    counts = Counter(academy_ids)
    return {academy_id: iter(status_list.free_places(academy_id, count))
            for academy_id, count in counts.items()}


def keep_batch(drafts: list[Draft], pdfs: list[bytes], *, actor_id: int,
               job_id: str | None) -> int:
    """Add drafted certificates with their rendered PDFs, audited; return how many.

    Certificates issued to the same people by someone else meanwhile are left out (the partial
    unique index would refuse them), so the rest still go through.
    """
    from academy.certificates import queries

    taken = queries.holding_current([(d.certificate.user_id, d.certificate.course_id)
                                     for d in drafts])
    wanted = [(draft, pdf) for draft, pdf in zip(drafts, pdfs, strict=True)
              if (draft.certificate.user_id, draft.certificate.course_id) not in taken]
    try:
        with db.session.begin_nested():
            _add_all(wanted)
        kept = [draft for draft, _pdf in wanted]
    except IntegrityError:  # issued meanwhile by someone else: keep the others, one by one
        kept = []
        for draft, pdf in wanted:
            try:
                with db.session.begin_nested():
                    _add_all([(_fresh(draft), pdf)])
            except IntegrityError:
                continue
            kept.append(draft)
    for draft in kept:
        _audit("certificate.issue", draft.certificate, actor_id, {"job": job_id})
    return len(kept)


def _fresh(draft: Draft) -> Draft:
    """The draft's certificate as a new object (a rolled-back flush leaves it half-persisted)."""
    old = draft.certificate
    columns = {c.key: getattr(old, c.key) for c in Certificate.__table__.columns if c.key != "id"}
    # The same status-list place: the PDF's QR code and credential name it. Had another batch
    # drawn that place meanwhile (1 in 131,072), this one is left out like one issued meanwhile,
    # and the trainee stays among those waiting for a certificate.
    draft.certificate = Certificate(**columns)
    return draft


def _add_all(items: list[tuple[Draft, bytes]]) -> None:
    for draft, pdf in items:
        attach_pdf(draft.certificate, pdf)
        db.session.add(draft.certificate)
    db.session.flush()


# --- After issue --------------------------------------------------------------------------------

def revoke(certificate: Certificate, *, reason: str, actor_id: int) -> None:
    """Revoke a certificate for good, with the reason. Raises NotEligible if already revoked."""
    if certificate.revoked_at is not None:
        raise NotEligible(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_reason = utcnow(), reason
    db.session.flush()
    _audit("certificate.revoke", certificate, actor_id, {"reason": reason})


def _supersede(old: Certificate, why: str) -> None:
    """Mark a current certificate as replaced (before its replacement is added)."""
    if old.revoked_at is not None or old.superseded_at is not None:
        raise NotEligible(_l("Only a current certificate can be renewed or reissued."))
    old.superseded_at, old.supersede_reason = utcnow(), why
    db.session.flush()


def _replace(old: Certificate, *, why: str, actor_id: int, reason: str,
             base_url: str | None) -> Certificate:
    _supersede(old, why)
    course = db.session.get(Course, old.course_id)
    user = db.session.get(User, old.user_id)
    enrolment = db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course.id))
    completed_at = (enrolment.completed_at if enrolment and enrolment.completed_at
                    else old.completed_at)
    now = old.superseded_at
    # A corrected name keeps the old validity; a renewal starts a new one.
    expires_at = old.expires_at if why == NAME_CORRECTION else _FROM_POLICY
    draft = draft_certificate(completed_at, user, course,
                              serial=serials.next_serials(now.year)[0], actor_id=actor_id,
                              base_url=base_url or public_base_url(), now=now,
                              grade=quiz_queries.course_grade(user.id, course.id),
                              expires_at=expires_at)
    attach_pdf(draft.certificate, draft.render())
    db.session.add(draft.certificate)
    db.session.flush()
    old.superseded_by_id = draft.certificate.id
    action = "certificate.renew" if why == RENEWAL else "certificate.reissue"
    _audit(action, draft.certificate, actor_id,
           {"replaces": old.serial, "reason": reason, "name_before": old.name,
            "name_after": draft.certificate.name})
    _audit(action, old, actor_id, {"replaced_by": draft.certificate.serial, "reason": reason})
    return draft.certificate


def issue_again(revoked: Certificate, *, actor_id: int, reason: str,
                base_url: str | None = None) -> Certificate:
    """A new certificate for the person and course of a revoked one (a coordinator's decision,
    with its reason). Raises NotEligible."""
    if revoked.revoked_at is None or revoked.superseded_by_id is not None:
        raise NotEligible(_l("Only a revoked certificate that nothing replaced can be issued "
                             "again."))
    enrolment = db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == revoked.user_id, Enrolment.course_id == revoked.course_id))
    if enrolment is None:
        raise NotEligible(_l("The trainee has not completed this course."))
    certificate = issue_certificate(enrolment, actor_id=actor_id, base_url=base_url,
                                    after_revocation=True)
    revoked.superseded_by_id = certificate.id
    _audit("certificate.issue_again", certificate, actor_id,
           {"after_revocation_of": revoked.serial, "reason": reason})
    return certificate


def renew(old: Certificate, *, actor_id: int, reason: str = "",
          base_url: str | None = None) -> Certificate:
    """A new certificate with fresh dates superseding `old`. Raises NotEligible."""
    return _replace(old, why=RENEWAL, actor_id=actor_id, reason=reason, base_url=base_url)


def reissue(old: Certificate, *, actor_id: int, reason: str,
            base_url: str | None = None) -> Certificate:
    """A new certificate with the trainee's name as registered now, same validity. Raises
    NotEligible."""
    return _replace(old, why=NAME_CORRECTION, actor_id=actor_id, reason=reason, base_url=base_url)


def _audit(action: str, certificate: Certificate, actor_id: int | None,
           details: dict | None = None) -> None:
    audit.record(action, actor_id=actor_id, target_type="certificate", target_id=certificate.id,
                 academy_id=certificate.academy_id,
                 details={"serial": certificate.serial, **(details or {})})
