"""The network's curricula in courses/ are valid packages, complete in all five languages."""
from __future__ import annotations

from pathlib import Path

import pytest

from academy.curricula.packages.archive import read_folder
from academy.curricula.packages.reader import read_package
from academy.i18n import LOCALES

COURSES = sorted(p for p in (Path(__file__).resolve().parent.parent / "courses").iterdir()
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
