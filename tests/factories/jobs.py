"""Background jobs on apps of a test's own, on a committed database: certificate graduates, a
bulk issue started, and waiting for a job to end."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from academy.academies import operations as academy_ops
from academy.accounts import operations as account_ops
from academy.certificates import bulk
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import COMPLETED
from academy.extensions import db
from academy.jobs import queries as job_queries
from academy.jobs import runner
from tests.support import drop_fresh_database, fresh_database_url, make_app, upgrade_schema


# Named apart from `committed_app`, the name tests ask for: a module imports it without
# shadowing a test's argument.
@pytest.fixture(name="committed_app")
def committed_app_fixture(tmp_path):
    """Make apps (keyword arguments: settings) on one fresh committed database, dropped after."""
    url = fresh_database_url(tmp_path)
    apps = []

    def _make(**overrides):
        app = make_app(url, tmp_path, **overrides)
        if not apps:
            upgrade_schema(app)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    drop_fresh_database(url)


def graduates(app, n: int) -> tuple[list[int], int]:
    """A published course and n trainees who completed it; returns (enrolment ids, owner id)."""
    from academy.curricula import operations as course_ops
    from academy.packages import operations as package_ops
    from tests.factories.packages import sample_package

    with app.test_request_context():
        academy = academy_ops.create_academy(slug="cep-madrid", names={"es": "CEP"},
                                             country="ES", default_locale="es")
        course = package_ops.import_package(sample_package(), academy=academy)
        course_ops.publish_course(course)
        coordinator, _ = account_ops.create_user(username="coord", display_name="Coordinación",
                                                 password="not-used-here-123",
                                                 network_roles=["coordinator"])
        ids = []
        for i in range(n):
            person, _ = account_ops.create_user(
                username=f"graduado{i}", display_name=f"Graduada Ñandú {i}", academy=academy,
                password="not-used-here-123", roles=["trainee"], locale="es")
            enrolment = enrolment_ops.enrol_by_staff(person, course)
            enrolment.status = COMPLETED
            enrolment.completed_at = utcnow() - timedelta(days=3)
            db.session.flush()
            ids.append(enrolment.id)
        db.session.commit()
        return ids, coordinator.id


def start_bulk_issue(app, ids: list[int], owner_id: int) -> str:
    with app.test_request_context():
        job = runner.create_job(bulk.KIND, owner_id=owner_id, total=len(ids),
                                payload={"enrolment_ids": ids, "actor_id": owner_id,
                                         "base_url": "https://campus.example.org"})
        db.session.commit()
        runner.start(job.id)
        return job.id


def wait_for_job(app, job_id: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = job_queries.job(job_id)
            if job.is_over:
                return job.status, dict(job.result), job.error
        time.sleep(0.2)
    raise AssertionError("the job did not finish in time")
