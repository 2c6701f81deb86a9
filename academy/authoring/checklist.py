"""What to check before a course is published or shared: texts missing in each language (with
where to write them), empty modules, pages without text, quizzes without questions or with fewer
questions than their random draws need, lessons without an estimated time.

Missing translations and times are warnings; what would leave trainees in front of nothing (a
text missing in the course's default language, an empty module, an empty quiz, random draws
from a category that cannot fill them), and hours that the lessons' and quizzes' times do not
bear out (certificates print them), block sharing with the network.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from flask import flash, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from academy.curricula.models import PAGE, Course, best_text
from academy.extensions import db
from academy.i18n import current_locale, lazy_ngettext
from academy.i18n import lazy_gettext as _l
from academy.quizzes import settings as quiz_settings
from academy.quizzes.models import Question, QuizSlot

MAX_LINKS = 8  # empty fields linked per language


@dataclass
class Finding:
    message: object  # a lazy translated message
    url: str | None = None
    blocks: bool = False


@dataclass
class Checklist:
    findings: list[Finding] = field(default_factory=list)
    missing: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # locale -> links
    minutes: int = 0  # the study time of the lessons and quizzes
    hours: tuple[int, int] = (0, 1)  # the hours the course may state, from `minutes`

    @property
    def blockers(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocks]

    @property
    def is_clear(self) -> bool:
        return not self.findings and not any(self.missing.values())


def readable_name(item, course: Course) -> str:
    """A module's or lesson's title in the reader's language (else the course's), or its slug."""
    found, _locale = best_text(item.texts, current_locale(), course.default_locale)
    return found.title if found else item.slug


def _title(texts, locale: str) -> bool:
    return any(t.locale == locale and t.title.strip() for t in texts)


def _missing_texts(course: Course, result: Checklist) -> None:
    for locale in course.locales:
        links = []
        if not _title(course.texts, locale):
            links.append((str(_l("Course title")),
                          url_for("authoring.course_texts", course_id=course.id, locale=locale)))
        for module in course.modules:
            if not _title(module.texts, locale):
                links.append((readable_name(module, course), url_for(
                    "authoring.module_texts", module_id=module.id, locale=locale)))
            for lesson in module.lessons:
                text = next((t for t in lesson.texts if t.locale == locale), None)
                empty = text is None or not text.title.strip() or (
                    lesson.kind == PAGE and not text.body.strip())
                if empty:
                    links.append((readable_name(lesson, course), url_for("authoring.lesson_texts",
                                                       lesson_id=lesson.id, locale=locale)))
        result.missing[locale] = links
        if links and locale == course.default_locale:
            result.findings.append(Finding(_l(
                "Texts missing in the course's default language: %(count)d. Trainees would "
                "find empty pages.", count=len(links)), blocks=True))


def _outline(course: Course, result: Checklist) -> None:
    for module in course.modules:
        if not module.lessons:
            result.findings.append(Finding(
                _l("The module “%(name)s” has no lessons.", name=readable_name(module, course)),
                url_for("authoring.course", course_id=course.id, _anchor="outline"), True))
        for lesson in module.lessons:
            if not lesson.minutes:
                result.findings.append(Finding(
                    _l("“%(name)s” has no estimated time.", name=readable_name(lesson, course)),
                    url_for("authoring.lesson_texts", lesson_id=lesson.id,
                            locale=course.default_locale)))


def _quizzes(course: Course, result: Checklist) -> None:
    quizzes = [lesson for module in course.modules for lesson in module.lessons
               if lesson.kind != PAGE]
    if not quizzes:
        return
    slots = db.session.execute(
        select(QuizSlot.lesson_id, QuizSlot.category, Question.category)
        .outerjoin(Question, Question.id == QuizSlot.question_id)
        .where(QuizSlot.lesson_id.in_([quiz.id for quiz in quizzes]))).all()
    pools = dict(db.session.execute(select(Question.category, func.count()).where(
        Question.course_id == course.id).group_by(Question.category)).all())
    for quiz in quizzes:
        mine = [(drawn, placed) for lesson_id, drawn, placed in slots if lesson_id == quiz.id]
        url = url_for("quiz_editor.questions", course_id=course.id, lesson_id=quiz.id)
        if not mine:
            result.findings.append(Finding(
                _l("The quiz “%(name)s” has no questions.", name=readable_name(quiz, course)),
                url, True))
        wanted = Counter(drawn for drawn, _placed in mine if drawn is not None)
        for category, count in sorted(wanted.items()):
            # a draw never repeats a question the quiz already shows
            left = pools.get(category, 0) - sum(1 for drawn, placed in mine
                                                if drawn is None and placed == category)
            if left < count:
                result.findings.append(Finding(lazy_ngettext(
                    "The quiz “%(name)s” draws %(num)d random question from “%(category)s”, "
                    "which has %(held)d left to draw.",
                    "The quiz “%(name)s” draws %(num)d random questions from “%(category)s”, "
                    "which has %(held)d left to draw.", count, name=readable_name(quiz, course),
                    category=category, held=max(left, 0)), url, True))


def study_minutes(course: Course) -> int:
    """The time the course's lessons and quizzes take: each page's estimate, and each quiz's
    estimate or time limit, whichever is longer."""
    return sum(lesson.minutes if lesson.kind == PAGE else
               max(lesson.minutes, quiz_settings.read(lesson.settings).time_limit_minutes)
               for module in course.modules for lesson in module.lessons)


def hours_range(minutes: int) -> tuple[int, int]:
    """The hours a certificate may print for a study time: rounded up to whole hours, and one
    more (an author rounds up, never invents)."""
    low = math.ceil(minutes / 60)
    return low, low + 1


def _hours(course: Course, result: Checklist) -> None:
    result.minutes = study_minutes(course)
    result.hours = low, high = hours_range(result.minutes)
    if not low <= course.hours <= high:
        result.findings.append(Finding(lazy_ngettext(
            "The course says %(hours)d hours, which certificates print, but its lessons and "
            "quizzes take %(num)d minute: give from %(low)d to %(high)d hours.",
            "The course says %(hours)d hours, which certificates print, but its lessons and "
            "quizzes take %(num)d minutes: give from %(low)d to %(high)d hours.",
            result.minutes, hours=course.hours, low=low, high=high),
            url_for("authoring.course", course_id=course.id, _anchor="settings-title"), True))


def checklist(course: Course) -> Checklist:
    """Everything worth checking before the course is published or shared (a few queries)."""
    result = Checklist()
    _missing_texts(course, result)
    _outline(course, result)
    _quizzes(course, result)
    _hours(course, result)
    return result


def refuse_unready(course: Course) -> bool:
    """Whether the course cannot be shared yet; if so, says why (for the next page)."""
    blockers = checklist(course).blockers
    if blockers:
        flash(_("Sharing with the network needs these fixed first: %(problems)s",
                problems=" ".join(str(finding.message) for finding in blockers)), "error")
    return bool(blockers)
