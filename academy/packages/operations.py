"""Course packages into and out of the platform: import, and adoption (a copy of a shared course,
its quizzes and question bank included). Never commits."""
from __future__ import annotations

from sqlalchemy import select

from academy.academies import queries as academy_queries
from academy.curricula.models import Course
from academy.curricula.operations import record_course_event, slugify
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.packages.data import PackageInvalid, Problem
from academy.packages.importer import create_course_from_package
from academy.packages.reader import read_package
from academy.packages.writer import export_course


class OwnerMissing(PackageInvalid):
    """The package's owner academy does not exist here; `slug` is its short name."""

    def __init__(self, slug: str) -> None:
        super().__init__([Problem("course.toml", None, _l(
            "There is no academy with the short name “%(slug)s”.", slug=slug))])
        self.slug = slug


def import_package(files: dict[str, bytes], academy=None, *, actor_id: int | None = None) -> Course:
    """Create a draft course from package files, in `academy` or the package's owner academy
    (audited).

    Raises PackageInvalid listing every problem (OwnerMissing when the owner academy is not
    here); then nothing is written.
    """
    data = read_package(files)
    if academy is None:
        academy = academy_queries.academy_by_slug(data.owner)
        if academy is None:
            raise OwnerMissing(data.owner)
    course = create_course_from_package(data, academy)
    course.visibility = data.visibility
    record_course_event("course.import", course, actor_id,
                        {"slug": course.slug, "version": course.version})
    return course


def adopt_course(source: Course, academy, *, actor_id: int | None = None) -> Course:
    """Copy a shared course into `academy` as a draft that remembers its source and version
    (audited on the copy). Raises DomainError when the source is not shared."""
    if not source.is_shared:
        raise DomainError(_l("Only courses shared with the network can be adopted."))
    data = read_package(export_course(source.id))
    taken = set(db.session.scalars(select(Course.slug).where(Course.academy_id == academy.id)))
    data.slug = slugify(data.slug, taken)
    course = create_course_from_package(data, academy)
    course.source_course_id = source.id
    course.source_version = source.approved_version
    course.version = 1
    record_course_event("course.adopt", course, actor_id, {
        "source_course_id": source.id, "source_academy_id": source.academy_id,
        "source_version": source.approved_version})
    return course
