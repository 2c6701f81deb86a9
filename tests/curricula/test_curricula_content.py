"""The network's curricula in courses/ are valid packages, complete in all five languages."""
from __future__ import annotations

from pathlib import Path

import pytest

from academy.i18n import LOCALES
from academy.packages.archive import read_folder
from academy.packages.reader import read_package

COURSES = sorted(p for p in (Path(__file__).resolve().parents[2] / "courses").iterdir()
                 if (p / "course.toml").is_file())


def test_there_are_at_least_three_curricula():
    assert len(COURSES) >= 3


@pytest.mark.parametrize("folder", COURSES, ids=[p.name for p in COURSES])
def test_curriculum_is_complete_in_every_language(app_ctx, folder):
    course = read_package(read_folder(folder))
    assert sorted(course.locales) == sorted(LOCALES)
    assert set(course.titles) == set(LOCALES) and set(course.summaries) == set(LOCALES)
    assert len(course.modules) >= 3
    for module in course.modules:
        assert set(module.titles) == set(LOCALES), module.slug
        pages = [lesson for lesson in module.lessons if lesson.kind == "page"]
        quizzes = [lesson for lesson in module.lessons if lesson.kind == "quiz"]
        assert len(pages) >= 3 and len(quizzes) >= 1, module.slug
        for lesson in pages:
            assert set(lesson.bodies) == set(LOCALES), lesson.slug
            words = len(lesson.bodies[course.default_locale].split())
            assert words >= 350, f"{lesson.slug} has only {words} words"
        for quiz in quizzes:
            assert set(quiz.quiz.questions) == set(LOCALES), quiz.slug
            assert len(quiz.quiz.questions[course.default_locale]) >= 5


@pytest.mark.parametrize("folder", COURSES, ids=[p.name for p in COURSES])
def test_every_quiz_of_the_curriculum_is_playable_in_every_language(
        app_ctx, folder, academy, create_user):
    """Each quiz starts, shows its questions, and grades a right answer to every question."""
    from academy.curricula import operations as course_ops
    from academy.db import utcnow
    from academy.enrolment import operations as enrolment_ops
    from academy.packages import operations as package_ops
    from academy.quizzes import closing, display, grading, queries, starting

    course = package_ops.import_package(read_folder(folder), academy=academy)
    course_ops.publish_course(course)
    for locale in LOCALES:
        trainee = create_user(academy=academy, roles=["trainee"])
        enrolment = enrolment_ops.enrol_self(trainee, course).enrolment
        for quiz in queries.quizzes_of(course.id):
            settings = queries.effective_settings(quiz, trainee.id)
            attempt = starting.start_attempt(enrolment, quiz, course, settings, locale,
                                             utcnow())
            for slot in attempt.slots:
                content = queries.content_of(slot.version, locale, course.default_locale)
                assert display.show(slot, content, locale, None).text, slot.version.ident
                slot.response = _right_response(slot.version, content)
                assert grading.grade(slot.version.qtype, slot.version.spec, content,
                                     slot.response) in (1.0, None), slot.version.ident
            closing.submit_attempt(attempt, utcnow())
            assert attempt.is_finished


def _right_response(version, content):
    """A response that earns full marks (None for an essay)."""
    answers = version.spec.get("answers", [])
    if version.qtype == "single":
        return max(range(len(answers)), key=lambda i: answers[i].get("fraction", 0))
    if version.qtype == "multiple":
        return [i for i, a in enumerate(answers) if a.get("fraction", 0) > 0]
    if version.qtype == "truefalse":
        return bool(version.spec.get("correct"))
    if version.qtype == "shortanswer":
        best = max(range(len(answers)), key=lambda i: answers[i].get("fraction", 0))
        return content["answers"][best]["text"].replace("*", "x")
    if version.qtype == "numerical":
        best = max(answers, key=lambda a: a.get("fraction", 0))
        return str(best.get("value", best.get("minimum")))
    if version.qtype == "matching":
        return list(range(len(content["answers"])))
    return None


@pytest.mark.parametrize("folder", COURSES, ids=[p.name for p in COURSES])
def test_reading_times_match_the_lessons_and_the_hours_match_the_times(app_ctx, folder, academy):
    """At a careful study pace (120 words a minute) each page takes what it says, give or take
    rounding up to 5 minutes; the hours certificates print come from those times."""
    from academy.authoring.checklist import hours_range, study_minutes
    from academy.packages import operations as package_ops

    data = read_package(read_folder(folder))
    for module in data.modules:
        for lesson in module.lessons:
            if lesson.kind == "page":
                words = len(lesson.bodies[data.default_locale].split())
                assert words / 120 <= lesson.minutes <= words / 120 + 5, (lesson.slug, words)
    course = package_ops.import_package(read_folder(folder), academy=academy)
    low, high = hours_range(study_minutes(course))
    assert low <= course.hours <= high
