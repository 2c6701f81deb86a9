"""Reading and checking a course package: every problem is reported with its file and line."""
from __future__ import annotations

import re
import tomllib

from academy.curricula.files import check_file
from academy.curricula.models import PAGE, VISIBILITIES
from academy.domain_errors import DomainError
from academy.i18n import LOCALES
from academy.i18n import lazy_gettext as _l
from academy.packages.data import CourseData, LessonData, ModuleData, PackageInvalid, Problem
from academy.packages.quiz_files import (
    check_question_ids,
    read_bank,
    read_quiz,
    unknown_locale_files,
)
from academy.slugs import SLUG_RE

ENTRY_RE = re.compile(r"^(?:(\d{2})-)?([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)$")
FORMAT = 1


class _Reader:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.problems: list[Problem] = []

    def problem(self, path: str, message, line: int | None = None) -> None:
        self.problems.append(Problem(path, line, message))

    def text(self, path: str) -> str | None:
        if path not in self.files:
            self.problem(path, _l("The file is missing."))
            return None
        try:
            return self.files[path].decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = self.files[path][: exc.start].count(b"\n") + 1
            self.problem(path, _l("The file is not UTF-8 text."), line)
            return None

    def toml(self, path: str, text: str | None = None) -> dict | None:
        text = self.text(path) if text is None else text
        if text is None:
            return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            self.problem(path, _l("This is not valid TOML: %(reason)s", reason=str(exc)),
                         int(match.group(1)) if match else None)
            return None

    def texts(self, path: str, table, name: str, locales: list[str], default: str,
              required: bool = True) -> dict[str, str]:
        """A per-locale table of texts, e.g. [title]."""
        if not isinstance(table, dict):
            if required or table is not None:
                self.problem(path, _l("[%(name)s] must be a table of texts by language.",
                                      name=name))
            return {}
        result = {}
        for locale, value in table.items():
            if locale not in locales:
                self.problem(path, _l(
                    "[%(name)s] has an unknown or undeclared language “%(locale)s”.",
                    name=name, locale=locale))
            elif not isinstance(value, str):
                self.problem(path, _l("[%(name)s] %(locale)s must be text.",
                                      name=name, locale=locale))
            elif value.strip():
                result[locale] = value.strip()
        if required and default not in result:
            self.problem(path, _l("[%(name)s] needs a text in the default language (%(locale)s).",
                                  name=name, locale=default))
        return result


def read_package(files: dict[str, bytes]) -> CourseData:
    """Check a whole package and return its content. Raises PackageInvalid listing every problem."""
    reader = _Reader(files)
    course = _course(reader)
    if reader.problems or course is None:
        raise PackageInvalid(reader.problems
                             or [Problem("course.toml", None, _l("The file is missing."))])
    return course


def _course(r: _Reader) -> CourseData | None:
    doc = r.toml("course.toml")
    if doc is None:
        return None
    p = "course.toml"
    slug, owner, version = _identity(r, p, doc)
    locales, default = _languages(r, p, doc)
    hours, tags, visibility = _settings(r, p, doc)
    titles = r.texts(p, doc.get("title"), "title", locales, default)
    summaries = r.texts(p, doc.get("summary"), "summary", locales, default, required=False)
    entries = _module_entries(r, p, doc)
    modules = _unique_entries(r, p, entries, lambda e: _module(r, e, locales, default))
    bank = read_bank(r, locales, default)
    check_question_ids(r, modules, bank, default)
    return CourseData(slug=slug, owner=owner, version=version, default_locale=default,
                      locales=locales, hours=hours, tags=tags, visibility=visibility,
                      titles=titles, summaries=summaries, modules=modules, files=_files(r),
                      bank=bank)


def _identity(r: _Reader, p: str, doc: dict) -> tuple:
    """The package's format, the course's slug, its owner academy and its version."""
    if doc.get("format") != FORMAT:
        r.problem(p, _l("“format” must be %(n)d.", n=FORMAT))
    slug = doc.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        r.problem(p, _l("“slug” must be lower-case letters, digits and hyphens."))
    owner = doc.get("owner")
    if not isinstance(owner, str) or not SLUG_RE.match(owner):
        r.problem(p, _l("“owner” must be the short name of an academy."))
    version = doc.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        r.problem(p, _l("“version” must be a whole number from 1."))
    return slug, owner, version


def _languages(r: _Reader, p: str, doc: dict) -> tuple[list, str]:
    """The course's locales and its default one (a usable one even when the package is wrong)."""
    locales = doc.get("locales")
    default = doc.get("default_locale")
    if (not isinstance(locales, list) or not locales
            or any(locale not in LOCALES for locale in locales)):
        r.problem(p, _l("“locales” must list languages among es, pt, fr, en and it."))
        locales = ([locale for locale in locales if locale in LOCALES]
                   if isinstance(locales, list) else [])
    if len(set(locales)) != len(locales):
        r.problem(p, _l("“locales” lists a language twice."))
    if default not in LOCALES or default not in locales:
        r.problem(p, _l("“default_locale” must be one of the course's locales."))
        default = locales[0] if locales else "en"
    return locales, default


def _settings(r: _Reader, p: str, doc: dict) -> tuple:
    """The course's hours, tags and visibility."""
    hours = doc.get("hours", 0)
    if not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= 1000:
        r.problem(p, _l("“hours” must be a whole number from 0 to 1000."))
    tags = doc.get("tags", [])
    if (not isinstance(tags, list)
            or any(not isinstance(t, str) or not SLUG_RE.match(t) for t in tags)):
        r.problem(p, _l("“tags” must be a list of lower-case words joined by hyphens."))
        tags = []
    visibility = doc.get("visibility", "academy")
    if visibility not in VISIBILITIES:
        r.problem(p, _l("“visibility” must be “academy” or “network”."))
    return hours, tags, visibility


def _module_entries(r: _Reader, p: str, doc: dict) -> list:
    """The module folders the course lists, in order (none when the list is wrong)."""
    entries = doc.get("modules")
    if (not isinstance(entries, list) or not entries
            or not all(isinstance(e, str) for e in entries)):
        r.problem(p, _l("“modules” must list the module folders, in order."))
        entries = []
    return entries


def _files(r: _Reader) -> dict[str, bytes]:
    """The course's images and documents, each checked like an upload."""
    found = {}
    for path, data in r.files.items():
        if not path.startswith("files/"):
            continue
        name = path[len("files/"):]
        try:
            cleaned, _kind = check_file(name, data)
        except DomainError as error:
            r.problem(path, error.message)
            continue
        if cleaned != name:
            r.problem(path, _l("Rename the file to “%(name)s” (lower case, no spaces).",
                               name=cleaned))
            continue
        found[name] = data
    return found


def _unique_entries(r: _Reader, path: str, entries: list[str], build) -> list:
    seen, built = set(), []
    for entry in entries:
        match = ENTRY_RE.match(entry) if isinstance(entry, str) else None
        if not match:
            r.problem(path, _l("“%(entry)s” is not a valid name: use NN-lower-case-words.",
                               entry=entry))
            continue
        if match.group(2) in seen:
            r.problem(path, _l("“%(entry)s” appears twice.", entry=entry))
            continue
        seen.add(match.group(2))
        item = build(entry)
        if item is not None:
            built.append(item)
    return built


def _slug_of(entry: str) -> str:
    return ENTRY_RE.match(entry).group(2)


def _module(r: _Reader, folder: str, locales: list[str], default: str) -> ModuleData | None:
    path = f"{folder}/module.toml"
    doc = r.toml(path)
    if doc is None:
        return None
    titles = r.texts(path, doc.get("title"), "title", locales, default)
    entries = doc.get("lessons")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
        r.problem(path, _l("“lessons” must list the module's lessons and quizzes, in order."))
        return None
    lessons = _unique_entries(r, path, entries, lambda e: _lesson(r, folder, e, locales, default))
    return ModuleData(_slug_of(folder), titles, lessons)


def _lesson(r: _Reader, folder: str, entry: str, locales: list[str], default: str):
    if f"{folder}/{entry}.toml" in r.files:
        return read_quiz(r, folder, entry, _slug_of(entry), locales, default)
    present = {locale for locale in LOCALES if f"{folder}/{entry}.{locale}.md" in r.files}
    unknown_locale_files(r, f"{folder}/{entry}.", ".md", locales)
    if default not in present:
        r.problem(f"{folder}/{entry}.{default}.md", _l("The file is missing."))
        return None
    lesson = LessonData(_slug_of(entry), PAGE, {})
    for locale in sorted(present & set(locales)):
        path = f"{folder}/{entry}.{locale}.md"
        parsed = _page(r, path)
        if parsed:
            lesson.titles[locale], lesson.bodies[locale], minutes = parsed
            if locale == default:
                lesson.minutes = minutes
    return lesson


def _page(r: _Reader, path: str) -> tuple[str, str, int] | None:
    text = r.text(path)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        r.problem(path, _l("A lesson starts with a +++ front matter holding its title."), 1)
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        r.problem(path, _l("The front matter is not closed with +++."), 1)
        return None
    meta = r.toml(path, "\n".join(lines[1:end]))
    if meta is None:
        return None
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        r.problem(path, _l("The front matter needs a title."), 2)
        return None
    minutes = meta.get("minutes", 0)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
        r.problem(path, _l("“minutes” must be a whole number."), 2)
        minutes = 0
    return title.strip(), "\n".join(lines[end + 1:]).strip() + "\n", minutes
