"""A whole backup as a course package's CourseData (ready for the packages' importer), with the
preview of what maps, what is skipped and why, and every problem with its file."""
from __future__ import annotations

from flask_babel import force_locale

from academy.curricula.models import PAGE
from academy.curricula.operations import slugify
from academy.i18n import LOCALES, content_language
from academy.i18n import lazy_gettext as _l
from academy.moodle import xml
from academy.moodle.activities import CONTENT, SKIP_REASONS, Lessons
from academy.moodle.backup import DESCRIPTION, NEWEST, Activity, Backup, Section, read_backup_parts
from academy.moodle.bank import map_bank
from academy.moodle.files import CourseFiles
from academy.moodle.markdown import to_markdown
from academy.moodle.preview import Item, Preview
from academy.moodle.questions import read_questions
from academy.moodle.quizzes import quiz_lesson
from academy.packages.data import CourseData, LessonData, ModuleData


def map_backup(files: dict[str, bytes], academy, taken_slugs: set[str]) -> Preview:
    """What the backup becomes in `academy` (its course in `preview.course`, valid when there
    are no problems); nothing is written."""
    backup = read_backup_parts(files)
    preview = Preview(release=backup.release)
    if backup.problems and not backup.activities:
        preview.problems = backup.problems
        return preview
    if backup.version > NEWEST:
        preview.notes.append(Item(DESCRIPTION, backup.release, _l(
            "Made by a Moodle newer than 4.5: read as a 4.5 backup.")))
    locale = _locale(backup, academy)
    course_files = CourseFiles(backup)
    bank = read_questions(backup)
    mapped_bank = map_bank(backup, bank, course_files, preview)
    lessons = Lessons(backup, course_files, preview, locale)
    modules = []
    for section, activities in _by_section(backup):
        made = [lesson for activity in activities for lesson in
                _activity(backup, activity, lessons, bank, mapped_bank, course_files, preview,
                          locale)]
        summary = _section_summary(backup, section, course_files)
        title = _section_title(section, locale)
        if summary:
            made.insert(0, LessonData("", PAGE, {locale: title}, {locale: summary}))
        if made:
            modules.append(_module(title, made, locale, {m.slug for m in modules}))
    for skipped in course_files.skipped:
        preview.skipped.append(Item(skipped.where, skipped.name, skipped.reason))
    if not modules and not backup.problems:
        backup.problem(DESCRIPTION, _l("The backup holds nothing Campus can import."))
    preview.problems = backup.problems
    title = backup.course_title or (backup.activities[0].title if backup.activities else "")
    summary = ""
    if backup.course is not None:
        title = xml.text(backup.course, "fullname") or title
        summary = to_markdown(course_files.rewrite(
            xml.text(backup.course, "summary"), backup.course.get("contextid", ""), "course",
            "summary"), xml.whole(backup.course, "summaryformat", 1))
    slug = slugify(backup.course_shortname or title or "moodle-course", taken_slugs)
    preview.course = CourseData(
        slug=slug, owner=academy.slug, version=1, default_locale=locale, locales=[locale],
        hours=0, tags=[], visibility="academy", titles={locale: (title or slug)[:300]},
        summaries={locale: summary} if summary else {}, modules=modules,
        files=dict(course_files.taken), bank={locale: mapped_bank.questions})
    return preview


def _locale(backup: Backup, academy) -> str:
    """The course's `lang` (`pt_br` -> pt) if Campus writes content in it, else the academy's
    language (its default is an interface variety: pt_BR writes `pt`)."""
    lang = xml.text(backup.course, "lang").lower() if backup.course is not None else ""
    code = lang.split("_", 1)[0]
    return code if code in LOCALES else content_language(academy.default_locale)


def _by_section(backup: Backup) -> list[tuple[Section | None, list[Activity]]]:
    """The sections in order with their activities; an activity backup is one module."""
    if not backup.sections:
        return [(None, list(backup.activities))]
    groups = [(section, [a for a in backup.activities if a.section_id == section.id])
              for section in sorted(backup.sections, key=lambda s: s.number)]
    known = {section.id for section in backup.sections}
    stray = [a for a in backup.activities if a.section_id not in known]
    return groups + ([(None, stray)] if stray else [])


def _activity(backup, activity, lessons, bank, mapped_bank, files, preview, locale):
    if activity.modname not in CONTENT and activity.modname != "quiz":
        reason = SKIP_REASONS.get(activity.modname, _l("Campus has no such activity."))
        preview.skipped.append(Item(activity.directory, f"{activity.title} ({activity.modname})",
                                    reason))
        return []
    root = backup.xml(activity.path)
    if root is None:
        return []
    if activity.modname == "quiz":
        made = quiz_lesson(backup, activity, root, bank, mapped_bank, files, preview, locale)
        return [made] if made else []
    return lessons.of(activity, root)


def _section_summary(backup: Backup, section: Section | None, files: CourseFiles) -> str:
    if section is None or not section.summary:
        return ""
    context = backup.course.get("contextid", "") if backup.course is not None else ""
    text = files.rewrite(section.summary, context, "course", "section", section.id)
    return to_markdown(text, section.summary_format)


def _section_title(section: Section | None, locale: str) -> str:
    if section is not None and section.title:
        return section.title[:300]
    with force_locale(locale):
        if section is None or section.number == 0:
            return str(_l("General"))
        return str(_l("Section %(n)d", n=section.number))


def _module(title: str, lessons: list[LessonData], locale: str, taken: set[str]) -> ModuleData:
    slugs: set[str] = set()
    for lesson in lessons:
        lesson.slug = slugify(next(iter(lesson.titles.values()), "lesson"), slugs)
        slugs.add(lesson.slug)
    return ModuleData(slugify(title, taken), {locale: title}, lessons)


