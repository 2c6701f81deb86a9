"""Reads about cohorts."""
from __future__ import annotations

from sqlalchemy import func, select

from academy.accounts.models import User
from academy.cohorts.models import Cohort, CohortMember
from academy.extensions import db


def cohorts_of(academy_id: int) -> list[tuple[Cohort, int]]:
    """The academy's cohorts with their sizes (one query)."""
    stmt = (select(Cohort, func.count(CohortMember.user_id))
            .outerjoin(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(Cohort.academy_id == academy_id).group_by(Cohort.id).order_by(Cohort.name))
    return [(cohort, n) for cohort, n in db.session.execute(stmt)]


def members_of(cohort_id: int) -> list[User]:
    stmt = (select(User).join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort_id).order_by(User.sort_name, User.id))
    return list(db.session.scalars(stmt))
