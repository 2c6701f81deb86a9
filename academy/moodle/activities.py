"""Moodle's content activities as Campus lessons: page, label, book chapters, url, and resource
and folder files (course files, and a lesson linking them, as a course package shows files)."""
from __future__ import annotations

from academy.curricula.models import PAGE
from academy.i18n import lazy_gettext as _l
from academy.i18n import lazy_ngettext
from academy.moodle import xml
from academy.moodle.backup import Activity, Backup
from academy.moodle.files import CourseFiles
from academy.moodle.markdown import to_markdown
from academy.moodle.preview import Item, Preview
from academy.packages.data import LessonData

CONTENT = ("page", "label", "book", "resource", "folder", "url")
# Why the activities Campus has no equivalent for are left out (the preview says it).
_NO_EQUIVALENT = _l("Campus has no such activity.")
_USER_WORK = _l("Campus has no such activity; what trainees wrote there is never imported.")
SKIP_REASONS = {
    "forum": _USER_WORK, "assign": _l("Campus has no assignments."), "scorm": _l(
        "Campus cannot play SCORM packages."), "h5pactivity": _l("Campus cannot play H5P content."),
    "hvp": _l("Campus cannot play H5P content."), "glossary": _USER_WORK, "wiki": _USER_WORK,
    "data": _USER_WORK, "workshop": _USER_WORK, "chat": _USER_WORK, "choice": _USER_WORK,
    "feedback": _USER_WORK, "survey": _USER_WORK, "lesson": _NO_EQUIVALENT,
    "lti": _l("Campus does not connect to outside tools."), "imscp": _NO_EQUIVALENT,
}


class Lessons:
    """Makes the lessons of content activities, noting each in the preview."""

    def __init__(self, backup: Backup, files: CourseFiles, preview: Preview, locale: str) -> None:
        self.backup, self.files, self.preview, self.locale = backup, files, preview, locale

    def of(self, activity: Activity, root) -> list[LessonData]:
        element = root.find(activity.modname)
        context = root.get("contextid", "")
        if element is None:
            self.backup.problem(activity.path, _l("The activity's description is missing."))
            return []
        return getattr(self, f"_{activity.modname}")(activity, element, context)

    def _lesson(self, title: str, body: str) -> LessonData:
        return LessonData("", PAGE, {self.locale: (title or "-")[:300]}, {self.locale: body})

    def _text(self, element, name: str, context: str, component: str, area: str,
              itemid: str = "0") -> str:
        text = self.files.rewrite(xml.text(element, name), context, component, area, itemid)
        return to_markdown(text, xml.whole(element, f"{name}format", 1))

    def _mapped(self, activity: Activity, title: str, what) -> None:
        self.preview.mapped.append(Item(activity.path, title, what))

    def _page(self, activity, element, context):
        title = xml.text(element, "name") or activity.title
        self._mapped(activity, title, _l("a lesson"))
        return [self._lesson(title, self._text(element, "content", context, "mod_page", "content"))]

    def _label(self, activity, element, context):
        title = xml.text(element, "name") or activity.title
        self._mapped(activity, title, _l("a lesson"))
        return [self._lesson(title, self._text(element, "intro", context, "mod_label", "intro"))]

    def _book(self, activity, element, context):
        lessons = []
        chapters = sorted(element.iterfind("chapters/chapter"),
                          key=lambda c: xml.whole(c, "pagenum"))
        for chapter in chapters:
            title = xml.text(chapter, "title")
            if xml.flag(chapter, "hidden"):
                self.preview.skipped.append(Item(activity.path, title, _l(
                    "A hidden chapter is not imported.")))
                continue
            lessons.append(self._lesson(title, self._text(chapter, "content", context, "mod_book",
                                                          "chapter", chapter.get("id", ""))))
        self._mapped(activity, xml.text(element, "name") or activity.title,
                     lazy_ngettext("%(num)d lesson, one per chapter",
                                   "%(num)d lessons, one per chapter", len(lessons)))
        return lessons

    def _url(self, activity, element, context):
        title = xml.text(element, "name") or activity.title
        address = xml.text(element, "externalurl")
        intro = self._text(element, "intro", context, "mod_url", "intro")
        if not address.lower().startswith(("http://", "https://", "mailto:")):
            self.preview.notes.append(Item(activity.path, title, _l(
                "Only http, https and mailto links can be followed: the address is kept as text.")))
            link = f"`{address.replace('`', '')}`"
        else:
            link = f"[{_escape_label(title)}](<{address.replace('>', '%3E')}>)"
        self._mapped(activity, title, _l("a lesson with the link"))
        return [self._lesson(title, (intro + "\n" if intro else "") + link + "\n")]

    def _resource(self, activity, element, context):
        return self._files(activity, element, context, "mod_resource")

    def _folder(self, activity, element, context):
        return self._files(activity, element, context, "mod_folder")

    def _files(self, activity, element, context, component):
        title = xml.text(element, "name") or activity.title
        links = []
        for record in sorted(self.files.in_area(context, component, "content"),
                             key=lambda r: r.path):
            name = self.files.take(record)
            if name:
                links.append(f"- [{_escape_label(record.path.lstrip('/'))}](files/{name})")
        intro = self._text(element, "intro", context, component, "intro")
        self._mapped(activity, title, lazy_ngettext(
            "%(num)d course file and a lesson linking it",
            "%(num)d course files and a lesson linking them", len(links)))
        return [self._lesson(title, (intro + "\n" if intro else "") + "\n".join(links) + "\n")]


def _escape_label(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
