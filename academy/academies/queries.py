"""Reads about academies."""
from __future__ import annotations

from sqlalchemy import func, select

from academy.academies.models import Academy, Membership
from academy.accounts.models import User
from academy.extensions import db


def all_academies() -> list[Academy]:
    """Every academy, in a stable order (the page sorts by localised name)."""
    return list(db.session.scalars(select(Academy).order_by(Academy.country, Academy.slug)))


def academy_by_slug(slug: str) -> Academy | None:
    return db.session.scalar(select(Academy).where(Academy.slug == slug))


def people_counts() -> dict[int, int]:
    """How many active people each academy has (one grouped query)."""
    stmt = (
        select(User.academy_id, func.count(User.id))
        .where(User.is_active.is_(True), User.academy_id.is_not(None))
        .group_by(User.academy_id)
    )
    return {academy_id: count for academy_id, count in db.session.execute(stmt)}


def academies_administered_by(user: User) -> list[Academy]:
    """The academies where this person is an academy admin."""
    stmt = (
        select(Academy)
        .join(Membership, Membership.academy_id == Academy.id)
        .where(Membership.user_id == user.id, Membership.role == "academy_admin")
        .order_by(Academy.slug)
    )
    return list(db.session.scalars(stmt))
