"""Reads about courses, shaped for the pages that need them."""
from __future__ import annotations

from sqlalchemy import select

from academy.academies.models import Academy
from academy.curricula.models import Course
from academy.extensions import db


def courses_by_slug(slug: str, academy_slug: str | None = None) -> list[Course]:
    """Courses with this short name (one per academy at most)."""
    stmt = select(Course).where(Course.slug == slug)
    if academy_slug:
        stmt = stmt.join(Course.academy).where(Academy.slug == academy_slug)
    return list(db.session.scalars(stmt))
