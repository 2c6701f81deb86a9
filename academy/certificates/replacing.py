"""Replacing a current certificate: renewed (fresh dates) or reissued (the name as registered
now, same validity); the old one is marked superseded by the new. Never commits."""
from __future__ import annotations

from sqlalchemy import select

from academy.accounts.models import User
from academy.certificates import serials
from academy.certificates.contents import attach_pdf, public_base_url
from academy.certificates.issuing import FROM_POLICY, NotEligible, draft_certificate, record_event
from academy.certificates.models import NAME_CORRECTION, RENEWAL, Certificate
from academy.curricula.models import Course
from academy.db import utcnow
from academy.enrolment.models import Enrolment
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.quizzes import queries as quiz_queries


def renew(old: Certificate, *, actor_id: int, reason: str = "",
          base_url: str | None = None) -> Certificate:
    """A new certificate with fresh dates superseding `old`. Raises NotEligible."""
    return _replace(old, why=RENEWAL, actor_id=actor_id, reason=reason, base_url=base_url)


def reissue(old: Certificate, *, actor_id: int, reason: str,
            base_url: str | None = None) -> Certificate:
    """A new certificate with the trainee's name as registered now, same validity. Raises
    NotEligible."""
    return _replace(old, why=NAME_CORRECTION, actor_id=actor_id, reason=reason, base_url=base_url)


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
    expires_at = old.expires_at if why == NAME_CORRECTION else FROM_POLICY
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
    record_event(action, draft.certificate, actor_id,
           {"replaces": old.serial, "reason": reason, "name_before": old.name,
            "name_after": draft.certificate.name})
    record_event(action, old, actor_id, {"replaced_by": draft.certificate.serial, "reason": reason})
    return draft.certificate
