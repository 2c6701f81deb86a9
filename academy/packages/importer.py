"""Turning a checked package into a course of an academy (all of it, or nothing)."""
from __future__ import annotations

from sqlalchemy import func, select

from academy.curricula import files
from academy.curricula.models import (
    Course,
    CourseFile,
    CourseText,
    Lesson,
    LessonText,
    Module,
    ModuleText,
)
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.packages.data import CourseData, PackageInvalid, Problem, QuizData, SlotData
from academy.quizzes import settings as quiz_settings
from academy.quizzes.gift import GiftQuestion
from academy.quizzes.models import Question, QuestionText, QuizSlot
from academy.quizzes.stored import question_content, question_spec


def create_course_from_package(data: CourseData, academy) -> Course:
    """Create the course in `academy` as a draft. Raises PackageInvalid if its slug is taken."""
    taken = select(func.count()).select_from(Course).where(
        Course.academy_id == academy.id, Course.slug == data.slug)
    if db.session.scalar(taken):
        raise PackageInvalid([Problem("course.toml", None, _l(
            "The academy already has a course with the short name “%(slug)s”.", slug=data.slug))])
    course = Course(academy=academy, slug=data.slug, default_locale=data.default_locale,
                    locales=list(data.locales), version=data.version, hours=data.hours,
                    tags=list(data.tags), visibility="academy")
    for locale in data.locales:
        if data.titles.get(locale) or data.summaries.get(locale):
            course.texts.append(CourseText(locale=locale, title=data.titles.get(locale, ""),
                                           summary=data.summaries.get(locale, "")))
    db.session.add(course)
    for name, content in data.files.items():
        course.files.append(CourseFile(name=name, sha256=files.store(content),
                                       content_type=files.sniff(content, name), size=len(content)))
    quizzes: list[tuple[Lesson, object]] = []
    for position, module_data in enumerate(data.modules, start=1):
        module = Module(slug=module_data.slug, position=position,
                        texts=[ModuleText(locale=locale, title=title)
                               for locale, title in module_data.titles.items()])
        course.modules.append(module)
        for lesson_position, lesson_data in enumerate(module_data.lessons, start=1):
            lesson = new_lesson(lesson_data, lesson_position)
            module.lessons.append(lesson)
            if lesson_data.quiz:
                quizzes.append((lesson, lesson_data.quiz))
    db.session.flush()
    questions: dict[str, Question] = {}
    for _lesson_row, quiz in quizzes:
        _questions(course, quiz.questions, questions)
    _questions(course, data.bank, questions)
    db.session.flush()
    for lesson, quiz in quizzes:
        add_slots(lesson, quiz, questions, course.default_locale)
    db.session.flush()
    return course


def new_lesson(data, position: int) -> Lesson:
    """A lesson (page or quiz) made from the package's data; its quiz's questions come after."""
    lesson = Lesson(slug=data.slug, position=position, kind=data.kind, minutes=data.minutes,
                    settings=dict(data.quiz.settings) if data.quiz else {})
    for locale, title in data.titles.items():
        lesson.texts.append(LessonText(locale=locale, title=title,
                                       body=data.bodies.get(locale, "")))
    return lesson


def _questions(course: Course, by_locale: dict[str, list[GiftQuestion]],
               made: dict[str, Question]) -> None:
    """Add a file's questions to the course's bank, after those already `made` (by id)."""
    for index, question in enumerate(by_locale.get(course.default_locale, [])):
        row = Question(course=course, ident=question.ident, category=question.category,
                       position=len(made) + 1, qtype=question.qtype,
                       spec=question_spec(question))
        for locale, questions in by_locale.items():
            row.texts.append(QuestionText(locale=locale,
                                          content=question_content(questions[index])))
        db.session.add(row)
        made[question.ident] = row


def add_slots(lesson: Lesson, quiz: QuizData, questions: dict[str, Question], default: str) -> None:
    """The quiz's slots as the package lists them; without a list, its file's questions in order
    (then the random draws of older packages), paged by the quiz's questions per page."""
    listed = quiz.slots
    if listed is None or (listed and not listed[0].page):
        listed = [SlotData(q.ident, None, 1.0, 0) for q in quiz.questions.get(default, [])] + \
            (listed or [])
    per_page = quiz_settings.read(lesson.settings).questions_per_page
    for index, slot in enumerate(listed):
        page = slot.page or (index // per_page + 1 if per_page else 1)
        db.session.add(QuizSlot(
            lesson_id=lesson.id, position=index + 1, page=page, mark=slot.mark,
            question_id=questions[slot.question].id if slot.question else None,
            category=slot.category))
