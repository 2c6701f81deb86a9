"""Adopted copies and the new versions of their original: what changed upstream since the copy
was made, and taking those changes into the copy wherever its academy has not changed the same
part (a lesson in a language, a quiz's questions in a language, a module…). Never commits."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from academy.curricula import policy
from academy.curricula.models import Course, CourseVersion
from academy.curricula.operations import record_course_event
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.packages import diff
from academy.packages.reader import read_package
from academy.packages.revisions import apply_package, package_text
from academy.packages.writer import export_course


@dataclass
class Upstream:
    """The original of an adopted copy, and what its newer version changes."""

    source: Course
    adopted: int | None  # the version the copy was made from (or last took changes from)
    available: int
    changes: list[diff.FileChange] = field(default_factory=list)
    known: bool = True  # False when the adopted version's content was not kept


def _kept(course_id: int, version: int | None) -> dict[str, str] | None:
    if version is None:
        return None
    row = db.session.scalar(select(CourseVersion).where(
        CourseVersion.course_id == course_id, CourseVersion.version == version))
    return row.files if row is not None else None


def upstream_of(course: Course) -> Upstream | None:
    """The newer approved version of the course's original, if there is one."""
    if course.source_course_id is None:
        return None
    source = db.session.get(Course, course.source_course_id)
    if source is None or not source.is_shared or \
            (course.source_version or 0) >= source.approved_version:
        return None
    old, new = _kept(source.id, course.source_version), _kept(source.id, source.approved_version)
    if old is None or new is None:
        return Upstream(source, course.source_version, source.approved_version, known=False)
    return Upstream(source, course.source_version, source.approved_version,
                    changes=diff.changes(old, new))


def _with_own_lines(theirs: str, ours: str) -> str:
    """The original's course.toml with the copy's own short name, owner, version, visibility."""
    own = {match.group(1): match.group(0) for match in diff.OWN_LINES.finditer(ours)}
    return diff.OWN_LINES.sub(lambda match: own.get(match.group(1), match.group(0)), theirs)


@dataclass
class Merge:
    taken: list[str] = field(default_factory=list)  # package paths updated from the original
    kept: list[str] = field(default_factory=list)  # changed on both sides: the copy's stays


def merge(old: dict[str, str], new: dict[str, str], mine: dict[str, str],
          result: Merge) -> dict[str, str]:
    """Three-way merge of package texts, part by part: the original's change is taken where
    the copy left that part as it was adopted; where both changed it, the copy's stays."""
    merged: dict[str, str] = {}
    for path in sorted(set(old) | set(new) | set(mine)):
        base, theirs, ours = old.get(path), new.get(path), mine.get(path)
        if path == "course.toml":
            base, theirs_cmp, ours_cmp = (diff.without_own_lines(base),
                                          diff.without_own_lines(theirs),
                                          diff.without_own_lines(ours))
        else:
            theirs_cmp, ours_cmp = theirs, ours
        if theirs_cmp in (base, ours_cmp):
            chosen = ours
        elif ours_cmp == base:
            chosen = theirs
            if path == "course.toml" and ours is not None and theirs is not None:
                chosen = _with_own_lines(theirs, ours)
            result.taken.append(path)
        else:
            chosen = ours
            result.kept.append(path)
        if chosen is not None:
            merged[path] = chosen
    return merged


def take_changes(course: Course, *, actor_id: int | None = None) -> Merge:
    """Bring the original's newer version into the copy (audited). Raises DomainError when
    there is nothing to take, when the adopted version's content is unknown, or when the copy
    is shared itself (it then changes through a revision); PackageInvalid before writing."""
    found = upstream_of(course)
    if found is None:
        raise DomainError(_l("There is no newer version of the original."))
    if not found.known:
        raise DomainError(_l("The version you adopted was approved before versions were "
                             "kept, so its changes cannot be merged: compare it by hand."))
    if policy.is_locked(course):
        raise DomainError(_l("Your copy is shared with the network: start a revision of it "
                             "first."))
    result = Merge()
    texts = merge(_kept(found.source.id, found.adopted), _kept(found.source.id, found.available),
                  package_text(course.id), result)
    files = {path: text.encode("utf-8") for path, text in texts.items()}
    for source_id in (found.source.id, course.id):  # images and documents: both, the copy's last
        files.update({path: data for path, data in export_course(source_id).items()
                      if path.startswith("files/")})
    apply_package(course, read_package(files))
    course.source_version = found.available
    record_course_event("course.adopt_update", course, actor_id, {
        "source_course_id": found.source.id, "version": found.available,
        "taken": len(result.taken), "kept": len(result.kept)})
    db.session.flush()
    return result
