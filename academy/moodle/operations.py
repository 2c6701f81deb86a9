"""A Moodle backup into an academy: the preview of what it becomes, and the import (a draft
course, through the course packages' importer; audited). Never commits."""
from __future__ import annotations

from sqlalchemy import select

from academy.curricula.models import Course
from academy.curricula.operations import record_course_event
from academy.extensions import db
from academy.moodle.archive import read_backup
from academy.moodle.mapping import map_backup
from academy.moodle.preview import Preview
from academy.packages.data import PackageInvalid
from academy.packages.importer import create_course_from_package


class BackupInvalid(PackageInvalid):
    """The backup has problems (each with its file); nothing was imported. `preview` is the
    whole preview, what maps and what is skipped included."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(preview.problems)
        self.preview = preview


def preview_backup(data: bytes, academy) -> Preview:
    """What the backup would become in `academy`; nothing is written.
    Raises ArchiveError when the file cannot be unpacked safely."""
    taken = set(db.session.scalars(select(Course.slug).where(Course.academy_id == academy.id)))
    return map_backup(read_backup(data), academy, taken)


def import_backup(data: bytes, academy, *, actor_id: int | None = None) -> Course:
    """Create a draft course of `academy` from a Moodle backup (audited), all or nothing.
    Raises ArchiveError (cannot be unpacked safely) or BackupInvalid (every problem listed)."""
    preview = preview_backup(data, academy)
    if not preview.is_valid:
        raise BackupInvalid(preview)
    course = create_course_from_package(preview.course, academy)
    record_course_event("course.import_moodle", course, actor_id, {
        "slug": course.slug, "moodle_release": preview.release,
        "questions": sum(preview.question_types.values())})
    return course
