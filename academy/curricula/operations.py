"""Every change to courses. Never commits."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from academy.academies import queries as academy_queries
from academy.curricula.models import (NETWORK, PUBLISHED, REVIEW_APPROVED, Course, CourseReview)
from academy.curricula.packages.archive import ArchiveError
from academy.curricula.packages.importer import create_course_from_package
from academy.curricula.packages.reader import PackageInvalid, Problem, read_package
from academy.db import utcnow
from academy.extensions import db


def import_package(files: dict[str, bytes], academy=None) -> Course:
    """Create a draft course from package files, in `academy` or the package's owner academy.

    Raises PackageInvalid listing every problem; then nothing is written.
    """
    data = read_package(files)
    if academy is None:
        academy = academy_queries.academy_by_slug(data.owner)
        if academy is None:
            raise PackageInvalid([Problem("course.toml", None, _l(
                "There is no academy with the short name “%(slug)s”.", slug=data.owner))])
    course = create_course_from_package(data, academy)
    course.visibility = data.visibility
    return course


def archive_problem(error: ArchiveError) -> PackageInvalid:
    """An unreadable archive, reported like any other package problem."""
    return PackageInvalid([Problem(error.path or "", None, error.reason)])


def publish_course(course: Course) -> None:
    """Make the course visible to the people who may see it."""
    course.status = PUBLISHED
    course.published_at = course.published_at or utcnow()
    db.session.flush()


def approve_sharing(course: Course, reviewer, comment: str = "") -> CourseReview:
    """A coordinator shares this version of the course with the whole network."""
    course.visibility = NETWORK
    course.review_status = REVIEW_APPROVED
    course.approved_version = course.version
    review = CourseReview(course_id=course.id, version=course.version, decision=REVIEW_APPROVED,
                          comment=comment, reviewer_id=reviewer.id if reviewer else None)
    db.session.add(review)
    db.session.flush()
    return review
