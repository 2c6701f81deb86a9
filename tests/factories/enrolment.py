"""Enrolment rules set straight on a course."""
from __future__ import annotations

from academy.enrolment import operations
from academy.extensions import db


def set_rules(course, **changes):
    values = dict(policy="open", enrolment_key=None, capacity=None, opens_at=None, closes_at=None,
                  starts_at=None, ends_at=None, allow_withdrawal=True, completion_mode="viewed",
                  allowed_academy_ids=set())
    values.update(changes)
    operations.save_rules(course, **values)
    db.session.commit()
