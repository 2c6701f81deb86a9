"""Reading a package's quizzes and question bank: `<quiz>.toml` (settings, titles, introduction,
slots), `<quiz>.<locale>.gift` and the course's `bank.<locale>.gift`; where a file's questions
include types GIFT cannot hold (embedded answers, select missing words), it is Moodle XML instead:
`<quiz>.<locale>.xml`, `bank.<locale>.xml`.

Every function takes the package reader `r` and reports problems through it, with file and line.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from academy.curricula.models import QUIZ
from academy.i18n import lazy_gettext as _l
from academy.packages.data import LessonData, ModuleData, QuizData, SlotData
from academy.quizzes import settings as quiz_settings
from academy.quizzes.gift import GiftError, GiftQuestion, parse_gift, unique_name
from academy.quizzes.moodle_xml import read_moodle_xml

if TYPE_CHECKING:
    from academy.packages.reader import _Reader

BANK = "bank"  # bank.<locale>.gift at the package's top
QUESTION_FILES = (".gift", ".xml")  # GIFT, or Moodle XML for the types GIFT cannot hold
MAX_MARK = 100
# Older packages name one group of random questions with these two keys.
DRAW_CATEGORY, DRAW_COUNT = "draw_category", "draw_count"


def read_quiz(r: _Reader, folder: str, entry: str, slug: str, locales: list[str],
              default: str) -> LessonData | None:
    path = f"{folder}/{entry}.toml"
    doc = r.toml(path)
    if doc is None:
        return None
    settings = _settings(r, path, doc)
    titles = r.texts(path, doc.get("title"), "title", locales, default)
    introductions = r.texts(path, doc.get("introduction"), "introduction", locales, default,
                            required=False)
    slots = _slots(r, path, doc, settings.get("questions_per_page", 5))
    for suffix in QUESTION_FILES:
        unknown_locale_files(r, f"{folder}/{entry}.", suffix, locales)
    questions = read_question_files(r, f"{folder}/{entry}", locales, default,
                                    required="slots" not in doc)
    if "slots" not in doc and not questions.get(default, [None]):
        r.problem(question_file(r, f"{folder}/{entry}", default),
                  _l("The quiz has no questions."))
    return LessonData(slug, QUIZ, titles, bodies=introductions,
                      quiz=QuizData(settings, questions, slots, f"{folder}/{entry}"))


def _settings(r: _Reader, path: str, doc: dict) -> dict:
    settings = {}
    for key, fallback in quiz_settings.PACKAGE_DEFAULTS.items():
        if key not in doc and key not in quiz_settings.PACKAGE_REQUIRED:
            continue
        value = doc.get(key, fallback)
        if key == "pass_mark" and isinstance(value, int) and not 0 <= value <= 100:
            r.problem(path, _l("“pass_mark” must be a percentage from 0 to 100."))
        elif quiz_settings.problem_with(key, value):
            r.problem(path, _l("“%(key)s” has a wrong value.", key=key))
        settings[key] = value
    return settings


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _slots(r: _Reader, path: str, doc: dict, per_page) -> list[SlotData] | None:
    """The quiz's slots as written, or None for its GIFT questions in order. Older packages'
    `draw_category` and `draw_count` become that many random slots at the end."""
    if "slots" in doc:
        if DRAW_CATEGORY in doc or DRAW_COUNT in doc:
            r.problem(path, _l("Give random questions either in “slots” or with “draw_count”, "
                               "not both."))
        return _listed_slots(r, path, doc["slots"])
    category, count = doc.get(DRAW_CATEGORY, ""), doc.get(DRAW_COUNT, 0)
    if not isinstance(category, str) or not _whole(count) or not 0 <= count <= 200:
        r.problem(path, _l("“draw_category” must be a category and “draw_count” a number "
                           "from 0 to 200."))
        return None
    if count and not category:
        r.problem(path, _l("“draw_count” needs the “draw_category” to draw from."))
    if not (count and category):
        return None
    return [SlotData(None, category, 1.0, 0) for _ in range(count)]  # page 0: laid out on import


def _listed_slots(r: _Reader, path: str, listed) -> list[SlotData]:
    if not isinstance(listed, list):
        r.problem(path, _l("“slots” must be a list of questions and random draws."))
        return []
    slots, last_page = [], 1
    for number, item in enumerate(listed, start=1):
        if not isinstance(item, dict):
            r.problem(path, _l("Slot %(n)d must be a table such as {question = \"id\"}.", n=number))
            continue
        question, category = item.get("question"), item.get("random")
        mark, page = item.get("mark", 1), item.get("page", last_page)
        if (question is None) == (category is None) or not isinstance(question or category, str):
            r.problem(path, _l("Slot %(n)d needs either a “question” id or a “random” category.",
                               n=number))
            continue
        if isinstance(mark, bool) or not isinstance(mark, (int, float)) or \
                not 0 <= mark <= MAX_MARK:
            r.problem(path, _l("Slot %(n)d: “mark” must be a number from 0 to 100.", n=number))
            continue
        if not _whole(page) or page < last_page:
            r.problem(path, _l("Slot %(n)d: “page” must be a whole number, never smaller than "
                               "the page before.", n=number))
            continue
        last_page = page
        slots.append(SlotData(question, category, float(mark), page))
    return slots


def question_file(r: _Reader, stem: str, locale: str) -> str:
    """The file holding `stem`'s questions in `locale`: Moodle XML when the package has it,
    else GIFT (also the name a missing file is reported by)."""
    xml_path = f"{stem}.{locale}.xml"
    return xml_path if xml_path in r.files else f"{stem}.{locale}.gift"


def read_question_files(r: _Reader, stem: str, locales: list[str], default: str,
                        required: bool = True) -> dict[str, list[GiftQuestion]]:
    """The questions of `<stem>.<locale>.gift` (or `.xml`) by locale, translations checked
    against the default language's file."""
    questions: dict[str, list[GiftQuestion]] = {}
    for locale in locales:
        path = question_file(r, stem, locale)
        if path.endswith(".xml") and f"{stem}.{locale}.gift" in r.files:
            r.problem(path, _l("Give a language's questions in one file: GIFT or Moodle XML, "
                               "not both."))
            continue
        if path not in r.files:
            if locale == default and required:
                r.problem(path, _l("The file is missing."))
            continue
        found = _xml_questions(r, path) if path.endswith(".xml") else _gift_questions(r, path)
        if found is not None:
            questions[locale] = found
    _check_translations(r, stem, questions, default)
    return questions


def _gift_questions(r: _Reader, path: str) -> list[GiftQuestion] | None:
    text = r.text(path)
    if text is None:
        return None
    try:
        return parse_gift(text)
    except GiftError as error:
        for each in error.errors:
            r.problem(path, _l("GIFT: %(reason)s", reason=each.reason), each.line)
    return None


def _xml_questions(r: _Reader, path: str) -> list[GiftQuestion] | None:
    """A package's Moodle XML file: every problem with its line; a type Campus does not have is
    a problem here (a package is Campus's own), not a question skipped."""
    found = read_moodle_xml(r.files[path])
    for line, reason in found.problems:
        r.problem(path, _l("Moodle XML: %(reason)s", reason=reason), line)
    for qtype, lines in found.skipped.items():
        for line in lines:
            r.problem(path, _l("Moodle XML: Campus has no “%(type)s” questions.", type=qtype),
                      line)
    return None if found.problems or found.skipped else found.questions


def read_bank(r: _Reader, locales: list[str], default: str) -> dict[str, list[GiftQuestion]]:
    """The course's questions that no quiz file holds (bank.<locale>.gift or .xml, optional)."""
    for suffix in QUESTION_FILES:
        unknown_locale_files(r, f"{BANK}.", suffix, locales)
    if not any(f"{BANK}.{locale}{suffix}" in r.files
               for locale in locales for suffix in QUESTION_FILES):
        return {}
    return read_question_files(r, BANK, locales, default)


def unknown_locale_files(r: _Reader, prefix: str, suffix: str, locales: list[str]) -> None:
    for name in r.files:
        if name.startswith(prefix) and name.endswith(suffix):
            code = name[len(prefix):-len(suffix)]
            if code not in locales:
                r.problem(name, _l("“%(locale)s” is not one of the course's languages.",
                                   locale=code))


def _check_translations(r: _Reader, stem: str, questions: dict, default: str) -> None:
    reference = questions.get(default)
    if reference is None:
        return
    path = question_file(r, stem, default)
    ids = [q.ident for q in reference]
    if len(set(ids)) != len(ids):
        r.problem(path, _l("Two questions have the same ::title::."))
    for locale, others in questions.items():
        if locale == default:
            continue
        other_path = question_file(r, stem, locale)
        _align_untitled(reference, others)
        if [q.ident for q in others] != ids:
            r.problem(other_path, _l("The questions' ::titles:: differ from the %(locale)s file.",
                                     locale=default))
            continue
        for mine, theirs in zip(reference, others, strict=True):
            if mine.structure() != theirs.structure():
                r.problem(other_path, _l(
                    "Question “%(id)s” has other answers than in the %(locale)s file.",
                    id=theirs.ident, locale=default), theirs.line)


def _align_untitled(reference: list[GiftQuestion], others: list[GiftQuestion]) -> None:
    """A translation's untitled question takes the id of the question at its place in the
    default language's file (its words, and so the id made from them, differ)."""
    if len(reference) != len(others):
        return
    for mine, theirs in zip(reference, others, strict=True):
        if theirs.is_named_from_text:
            theirs.ident = mine.ident


def _rename(by_locale: dict[str, list[GiftQuestion]], index: int, ident: str) -> None:
    """Give the question at `index` of a file a new id, in every language's file."""
    for questions in by_locale.values():
        if index < len(questions):
            questions[index].ident = ident


def check_question_ids(r: _Reader, modules: list[ModuleData], bank: dict, default: str) -> None:
    """Question ids are unique in the whole course (they identify questions in its bank; an
    untitled question's id gets a number instead), and every slot names a question of the course."""
    seen: set[str] = set()
    files = [(question_file(r, lesson.quiz.source, default), lesson.quiz.questions)
             for module in modules for lesson in module.lessons if lesson.quiz is not None]
    files.append((question_file(r, BANK, default), bank))
    for path, by_locale in files:
        for index, question in enumerate(by_locale.get(default, [])):
            if question.is_named_from_text and question.ident in seen:
                _rename(by_locale, index, unique_name(question.ident, seen))
            elif question.ident and question.ident in seen:
                r.problem(path, _l("The question id “%(id)s” is used twice in the course.",
                                   id=question.ident), question.line)
            seen.add(question.ident)
    for module in modules:
        for lesson in module.lessons:
            for slot in (lesson.quiz.slots or []) if lesson.quiz else []:
                if slot.question is not None and slot.question not in seen:
                    r.problem(f"{module.slug}/{lesson.slug}.toml", _l(
                        "The slot names the question “%(id)s”, which the package does not hold.",
                        id=slot.question))
