"""Revoking a certificate, and issuing a new one after a revocation (a coordinator's decision,
with its reason). Never commits."""
from __future__ import annotations

from sqlalchemy import select

from academy.certificates.issuing import NotEligible, issue_certificate, record_event
from academy.certificates.models import Certificate
from academy.db import utcnow
from academy.enrolment.models import Enrolment
from academy.extensions import db
from academy.i18n import lazy_gettext as _l


def revoke(certificate: Certificate, *, reason: str, actor_id: int) -> None:
    """Revoke a certificate for good, with the reason. Raises NotEligible if already revoked."""
    if certificate.revoked_at is not None:
        raise NotEligible(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_reason = utcnow(), reason
    db.session.flush()
    record_event("certificate.revoke", certificate, actor_id, {"reason": reason})


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
    record_event("certificate.issue_again", certificate, actor_id,
           {"after_revocation_of": revoked.serial, "reason": reason})
    return certificate
