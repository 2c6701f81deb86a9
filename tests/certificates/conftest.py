"""Fixtures of the certificate tests: a network coordinator, a course completed three days ago,
the academy's signing key, and a certificate issued under it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from academy.credentials import operations as key_ops
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import COMPLETED
from academy.extensions import db
from tests.factories.certificates import issue


@pytest.fixture
def coordinator(create_user):
    return create_user(network_roles=["coordinator"], username="laura.coord",
                       display_name="Laura Méndez")


@pytest.fixture
def complete(app_ctx):
    """Factory: enrol a person in a course and mark it completed three days ago (modules that
    need another day import tests.factories.certificates' `complete`)."""

    def _complete(user, course):
        enrolment = enrolment_ops.enrol_by_staff(user, course)
        enrolment.status, enrolment.completed_at = COMPLETED, utcnow() - timedelta(days=3)
        db.session.commit()
        return enrolment

    return _complete


@pytest.fixture
def academy_key(academy):
    """The academy's signing key: its certificates get a signed QR code and a credential."""
    outcome = key_ops.create_key(academy.id)
    db.session.commit()
    return outcome.key


@pytest.fixture
def issued(course, trainee, complete, academy_key):
    """The trainee's certificate for the course, issued under the academy's key."""
    return issue(complete(trainee, course))
