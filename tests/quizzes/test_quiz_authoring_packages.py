"""A quiz's slots, marks, pages, random draws and bank questions travel in course packages;
older packages' draw_count still draws; wrong slots in a package are reported."""
from __future__ import annotations

import pytest

from academy.curricula.models import QUIZ, Lesson, LessonText
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.packages.archive import read_zip, write_zip
from academy.packages.writer import export_course
from academy.quizzes import queries as quiz_queries
from academy.quizzes import slots
from tests.factories.packages import QUIZ_TOML, sample_package
from tests.factories.quiz_authoring import layout, new_bank_question, question

# --- Course packages -----------------------------------------------------------------------------

def test_slots_marks_pages_random_draws_and_bank_questions_travel_in_packages(
        app_ctx, academy, other_academy):
    original = package_ops.import_package(sample_package())
    quiz = quiz_queries.quizzes_of(original.id)[0]
    spare = new_bank_question(original, "spare-1", "extra")
    new_bank_question(original, "spare-2", "extra")
    second = Lesson(slug="repaso", kind=QUIZ, position=9, module=original.modules[1],
                    settings={"questions_per_page": 1},
                    texts=[LessonText(locale="es", title="Repaso", body="Antes de **empezar**.")])
    db.session.add(second)
    db.session.flush()
    slots.add_questions(second, [question(original, "p-q3"), spare])
    slots.add_random(second, "extra", 1, ["extra"])
    slots.set_marks(second, {slots.slots_of(second.id)[0].id: 2.5})
    slots.toggle_page_break(quiz, slots.slots_of(quiz.id)[0].id)
    files = export_course(original.id)
    assert b"slots = [" in files["02-practice/repaso.toml"]
    assert "::spare-2::" in files["bank.es.gift"].decode() and "spare-1" not in \
        files["bank.es.gift"].decode()

    copy = package_ops.import_package(read_zip(write_zip(files, "copy")), academy=other_academy)
    copied = {lesson.slug: lesson for module in copy.modules for lesson in module.lessons}
    assert layout(copied["repaso"].id) == [(1, 1, "p-q3", 2.5), (2, 2, "spare-1", 1.0),
                                            (3, 3, "random:extra", 1.0)]
    assert layout(copied["quiz-principles"].id) == layout(quiz.id)
    assert question(copy, "spare-2") is not None
    again = export_course(copy.id)
    again["course.toml"] = again["course.toml"].replace(b'owner = "enap-agen"',
                                                        b'owner = "cep-madrid"')
    assert again == files


def test_older_packages_draw_random_questions_with_draw_count(app_ctx, academy):
    files = sample_package(**{"01-principles__quiz-principles.toml": QUIZ_TOML.replace(
        "[title]", 'draw_category = "searches-with-dignity/principles"\ndraw_count = 2\n\n[title]'
    ).encode()})
    course = package_ops.import_package(files)
    quiz = quiz_queries.quizzes_of(course.id)[0]
    assert layout(quiz.id)[-2:] == [(8, 2, "random:searches-with-dignity/principles", 1.0),
                                    (9, 2, "random:searches-with-dignity/principles", 1.0)]
    assert "draw_count" not in quiz.settings


@pytest.mark.parametrize("slots_toml, expected", [
    ('slots = [{question = "nowhere"}]', "The slot names the question “nowhere”"),
    ('slots = [{question = "p-q1", mark = 500}]', "Slot 1: “mark” must be a number from 0 to 100."),
    ('slots = [{question = "p-q1", page = 2}, {question = "p-q2", page = 1}]',
     "Slot 2: “page” must be a whole number"),
    ('slots = [{mark = 1}]', "Slot 1 needs either a “question” id or a “random” category."),
])
def test_wrong_slots_in_a_package_are_reported(app_ctx, academy, slots_toml, expected):
    from academy.packages.data import PackageInvalid

    files = sample_package(**{"01-principles__quiz-principles.toml": QUIZ_TOML.replace(
        "[title]", f"{slots_toml}\n\n[title]").encode()})
    with pytest.raises(PackageInvalid) as caught:
        package_ops.import_package(files)
    assert any(expected in str(problem) for problem in caught.value.problems), \
        caught.value.problems
