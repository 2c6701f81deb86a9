"""The parts of a Moodle backup: its description (moodle_backup.xml), the course, its sections
and activities, each read from the file the description names. Problems are collected, each with
its file inside the backup."""
from __future__ import annotations

from dataclasses import dataclass, field

from academy.i18n import lazy_gettext as _l
from academy.moodle import xml
from academy.packages.data import Problem

DESCRIPTION = "moodle_backup.xml"
OLDEST = 2020061500  # Moodle 3.9
NEWEST = 2024100799  # Moodle 4.5.x
MISSING = _l("The file is missing from the backup.")


@dataclass
class Section:
    id: str
    number: int
    title: str
    summary: str
    summary_format: int
    directory: str
    context_id: str = ""


@dataclass
class Activity:
    module_id: str
    section_id: str
    modname: str
    title: str
    directory: str

    @property
    def path(self) -> str:
        """The activity's own file (`activities/quiz_12/quiz.xml`)."""
        return f"{self.directory}/{self.modname}.xml"


@dataclass
class Backup:
    files: dict[str, bytes]
    problems: list[Problem] = field(default_factory=list)
    kind: str = "course"
    release: str = ""
    version: int = 0
    course_title: str = ""
    course_shortname: str = ""
    sections: list[Section] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    course: object = None  # course/course.xml's <course>, or None in an activity backup

    def problem(self, path: str, message, line: int | None = None) -> None:
        self.problems.append(Problem(path, line, message))

    def xml(self, path: str, required: bool = True):
        """The root of one XML file of the backup, or None (its problem noted)."""
        if path not in self.files:
            if required:
                self.problem(path, MISSING)
            return None
        try:
            return xml.parse(self.files[path])
        except xml.XmlProblem as error:
            self.problem(path, error.message, error.line)
            return None


def read_backup_parts(files: dict[str, bytes]) -> Backup:
    """The backup's description, course and sections; problems are kept in `problems`."""
    backup = Backup(_without_top_folder(files))
    root = backup.xml(DESCRIPTION)
    if root is None:
        return backup
    info = root.find("information")
    if root.tag != "moodle_backup" or info is None:
        backup.problem(DESCRIPTION, _l("This is not a Moodle backup's description."))
        return backup
    backup.release = xml.text(info, "backup_release") or xml.text(info, "moodle_release")
    backup.version = xml.whole(info, "backup_version")
    if backup.version and backup.version < OLDEST:
        backup.problem(DESCRIPTION, _l(
            "The backup was made by Moodle %(release)s: Campus reads backups of Moodle 3.9 to 4.5.",
            release=backup.release or backup.version))
    backup.kind = xml.text(info, "details/detail/type") or "course"
    backup.course_title = xml.text(info, "original_course_fullname")
    backup.course_shortname = xml.text(info, "original_course_shortname")
    included = _included(info)
    for element in info.iterfind("contents/sections/section"):
        directory = xml.text(element, "directory")
        if included.get(directory.rsplit("/", 1)[-1], True):
            backup.sections.append(_section(backup, element, directory))
    for element in info.iterfind("contents/activities/activity"):
        activity = Activity(xml.text(element, "moduleid"), xml.text(element, "sectionid"),
                            xml.text(element, "modulename"), xml.text(element, "title"),
                            xml.text(element, "directory"))
        if included.get(activity.directory.rsplit("/", 1)[-1], True):
            backup.activities.append(activity)
    if info.find("contents/course") is not None:
        backup.course = backup.xml("course/course.xml")
    return backup


def _included(info) -> dict[str, bool]:
    """`quiz_12` -> whether the backup's settings include it (those not named are)."""
    found = {}
    for setting in info.iterfind("settings/setting"):
        name = xml.text(setting, "name")
        if name.endswith("_included"):
            found[name[: -len("_included")]] = xml.flag(setting, "value")
    return found


def _section(backup: Backup, element, directory: str) -> Section:
    # The description's title of an unnamed section is its number: not a title.
    title = xml.text(element, "title")
    section = Section(xml.text(element, "sectionid"), 0, "" if title.isdigit() else title, "", 1,
                      directory)
    root = backup.xml(f"{directory}/section.xml")
    if root is not None:
        section.number = xml.whole(root, "number")
        section.title = xml.text(root, "name") or section.title
        section.summary = xml.text(root, "summary")
        section.summary_format = xml.whole(root, "summaryformat", 1)
    return section


def _without_top_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """A backup zipped inside one folder is read as if it were not."""
    if DESCRIPTION in files:
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and f"{next(iter(tops))}/{DESCRIPTION}" in files:
        prefix = next(iter(tops)) + "/"
        return {name[len(prefix):]: data for name, data in files.items() if name.startswith(prefix)}
    return files
