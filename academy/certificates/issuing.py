"""Issuing certificates: one at a time (by a coordinator, or on completion when the course's
policy says so) and in batches (the bulk job drafts, renders, then keeps them). Never commits."""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.audit import operations as audit
from academy.certificates import codes, documents, open_badge, rendering, serials, status_list
from academy.certificates.configuring import policy_of, template_of
from academy.certificates.contents import (
    add_months,
    attach_pdf,
    certificate_locales,
    document_of,
    public_base_url,
)
from academy.certificates.models import (
    AUTOMATIC,
    NONE,
    Certificate,
    CertificatePolicy,
    CertificateTemplate,
)
from academy.curricula.models import Course
from academy.db import utcnow
from academy.domain_errors import DomainError
from academy.enrolment.models import COMPLETED, Enrolment
from academy.extensions import db
from academy.i18n import LazyText, format_percent
from academy.i18n import lazy_gettext as _l
from academy.quizzes import queries as quiz_queries

log = logging.getLogger(__name__)


class NotEligible(DomainError):
    """This certificate cannot be issued (or changed) as asked."""


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


FROM_POLICY = object()  # `expires_at` of a draft: as the course's policy says


def draft_certificate(completed_at: datetime, user: User, course: Course, *, serial: str,
                      actor_id: int | None, base_url: str, now: datetime,
                      grade: float | None, job_id: str | None = None,
                      expires_at=FROM_POLICY, policy: CertificatePolicy | None = None,
                      template: CertificateTemplate | None = None,
                      status_index: int | None = None) -> Draft:
    """A new certificate (for a course completed at `completed_at`, not yet in the session)
    and the document its PDF is rendered from.

    It expires as the course's policy says, unless `expires_at` is given; `policy`,
    `template` and its place in the status list save their lookups when many are drafted.
    """
    policy = policy or policy_of(course.id)
    template = template or template_of(course.academy_id)
    if expires_at is FROM_POLICY:
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
    record_event("certificate.issue", draft.certificate, actor_id)
    return draft.certificate


def issue_on_completion(enrolment: Enrolment) -> Certificate | None:
    """Called when a course is completed (a receiver of `enrolment.signals.course_completed`):
    issue at once if the course's policy says so. The grade it prints is computed here, from
    the quiz results, not read from `enrolments.final_grade`: receivers run in no set order.

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
    rows = list(zip(queries.batch_candidates(enrolment_ids), serial_list, strict=False))
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
        record_event("certificate.issue", draft.certificate, actor_id, {"job": job_id})
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


def record_event(action: str, certificate: Certificate, actor_id: int | None,
                 details: dict | None = None) -> None:
    """Audit a change to a certificate (filed under its academy, with its serial)."""
    audit.record(action, actor_id=actor_id, target_type="certificate", target_id=certificate.id,
                 academy_id=certificate.academy_id,
                 details={"serial": certificate.serial, **(details or {})})
