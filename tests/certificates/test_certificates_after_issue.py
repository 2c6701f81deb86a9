"""Certificates after issue: revocation, renewal and reissue after a name correction."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from academy.audit.models import AuditEvent
from academy.certificates import configuring, issuing, replacing, revoking
from academy.db import utcnow
from academy.extensions import db
from tests.factories.certificates import (
    complete_a_week_ago,  # noqa: F401 - fixtures
    issue,
    pdf_text,
)

# --- After issue ----------------------------------------------------------------------------------

def test_revocation_keeps_the_reason_and_who_did_it(course, trainee, complete, coordinator):
    certificate = issue(complete(trainee, course))
    revoking.revoke(certificate, reason="Obtained by fraud", actor_id=coordinator.id)
    db.session.commit()
    assert certificate.status_at(utcnow()) == "revoked"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert event.actor_id == coordinator.id and event.details["reason"] == "Obtained by fraud"
    with pytest.raises(issuing.NotEligible):
        revoking.revoke(certificate, reason="again", actor_id=coordinator.id)


def test_renewal_supersedes_the_old_certificate_with_a_new_serial(course, trainee, complete,
                                                                 coordinator):
    configuring.save_policy(course, issuance="approval", min_grade=None, validity_months=6,
                            shows_grade=False, actor_id=coordinator.id)
    old = issue(complete(trainee, course))
    new = replacing.renew(old, actor_id=coordinator.id, reason="Recertified")
    db.session.commit()
    assert new.serial != old.serial and new.code != old.code
    assert old.status_at(utcnow()) == "superseded" and old.superseded_by_id == new.id
    assert new.status_at(utcnow()) == "valid"
    assert issuing.current_certificate(trainee.id, course.id).id == new.id
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "certificate")).all()
    assert actions.count("certificate.renew") == 2  # on the new one and on the old one


def test_reissue_after_a_name_correction_shows_the_new_name_and_keeps_the_expiry(
        course, trainee, complete, coordinator):
    configuring.save_policy(course, issuance="approval", min_grade=None, validity_months=24,
                            shows_grade=False, actor_id=coordinator.id)
    old = issue(complete(trainee, course))
    trainee.display_name = "María López-Fernández de Castro"
    db.session.commit()
    new = replacing.reissue(old, actor_id=coordinator.id, reason="Second surname was missing")
    db.session.commit()
    assert new.name == "María López-Fernández de Castro"
    assert "María López-Fernández de Castro" in pdf_text(new)
    assert new.expires_at == old.expires_at
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "certificate.reissue", AuditEvent.target_id == new.id))
    assert event.details["name_before"] == "María López Fernández"
    with pytest.raises(issuing.NotEligible):
        replacing.renew(old, actor_id=coordinator.id)
