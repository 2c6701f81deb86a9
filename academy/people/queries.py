"""Reads about the people of an academy and the network's staff."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from academy.academies.models import Membership
from academy.accounts.models import NetworkRole, User
from academy.db import escape_like
from academy.extensions import db
from academy.i18n import sort_key

PAGE_SIZE = 50


@dataclass
class PeoplePage:
    people: list[User]
    total: int
    page: int
    pages: int



def people_of_academy(academy_id: int, *, search: str = "", role: str | None = None,
                      status: str | None = None, page: int = 1) -> PeoplePage:
    """One page of an academy's people, filtered; memberships are loaded in one extra query."""
    stmt = select(User).where(User.academy_id == academy_id)
    if search:
        pattern = f"%{escape_like(sort_key(search))}%"
        stmt = stmt.where(
            or_(
                func.lower(User.username).like(pattern, escape="\\"),
                User.sort_name.like(pattern, escape="\\"),  # accents and case do not matter
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.staff_number).like(pattern, escape="\\"),
            )
        )
    if role:
        stmt = stmt.where(
            User.id.in_(
                select(Membership.user_id).where(
                    Membership.academy_id == academy_id, Membership.role == role
                )
            )
        )
    if status == "active":
        stmt = stmt.where(User.is_active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.is_active.is_(False))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        stmt.order_by(User.sort_name, User.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return PeoplePage(list(rows), total, page, pages)


def network_staff() -> list[User]:
    """Everyone holding a network-wide role."""
    stmt = (
        select(User)
        .where(User.id.in_(select(NetworkRole.user_id)))
        .order_by(User.sort_name, User.id)
    )
    return list(db.session.scalars(stmt))


def people_by_ids(academy_id: int, ids: set[int]) -> list[User]:
    """The academy's people among these ids, by name (ids of other academies are left out)."""
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(
        User.academy_id == academy_id, User.id.in_(ids)).order_by(User.sort_name, User.id)))
