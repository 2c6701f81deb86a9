"""Course packages whose questions are in Moodle XML (`<quiz>.<locale>.xml`, `bank.<locale>.xml`):
the format for the question types GIFT cannot hold, read with every problem's file and line."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from academy.extensions import db
from academy.packages import operations as package_ops
from academy.packages.data import PackageInvalid
from academy.quizzes.gift import parse_gift
from academy.quizzes.models import Question
from academy.quizzes.moodle_xml_writer import moodle_xml_file
from tests.factories.packages import GIFT_EN, GIFT_ES, sample_package

QUIZ = "01-principles/quiz-principles"


def _xml(gift: str) -> bytes:
    return moodle_xml_file(parse_gift(gift))


def _questions(course) -> list[tuple]:
    rows = db.session.scalars(select(Question).where(Question.course_id == course.id)
                              .order_by(Question.position)).all()
    return [(q.ident, q.category, q.qtype, q.spec,
             sorted((t.locale, t.content["text"]) for t in q.texts)) for q in rows]


def _problems(files) -> list[str]:
    with pytest.raises(PackageInvalid) as caught:
        package_ops.import_package(files)
    return [str(problem) for problem in caught.value.problems]


def test_a_quiz_in_moodle_xml_imports_as_its_gift_twin(app_ctx, academy, other_academy):
    from_gift = package_ops.import_package(sample_package())
    files = sample_package(**{f"{QUIZ}.es.gift".replace("/", "__"): None,
                              f"{QUIZ}.en.gift".replace("/", "__"): None,
                              f"{QUIZ}.es.xml".replace("/", "__"): _xml(GIFT_ES),
                              f"{QUIZ}.en.xml".replace("/", "__"): _xml(GIFT_EN)})
    from_xml = package_ops.import_package(files, academy=other_academy)
    assert _questions(from_xml) == _questions(from_gift)


def test_one_language_may_be_gift_and_another_moodle_xml(app_ctx, academy):
    files = sample_package(**{f"{QUIZ}.en.gift".replace("/", "__"): None,
                              f"{QUIZ}.en.xml".replace("/", "__"): _xml(GIFT_EN)})
    course = package_ops.import_package(files)
    texts = dict(_questions(course)[0][4])
    assert texts["en"] == "Who decides a full search?"


def test_both_formats_for_one_language_are_refused(app_ctx, academy):
    files = sample_package(**{f"{QUIZ}.es.xml".replace("/", "__"): _xml(GIFT_ES)})
    assert any(p.startswith(f"{QUIZ}.es.xml: Give a language's questions in one file")
               for p in _problems(files))


def test_problems_in_a_moodle_xml_file_carry_its_name_and_line(app_ctx, academy):
    broken = _xml(GIFT_ES).replace(b"<question type=\"numerical\">",
                                   b"<question type=\"calculated\">")
    bad_number = _xml(GIFT_ES).replace(b"<tolerance>0</tolerance>", b"<tolerance>x</tolerance>")
    problems = _problems(sample_package(**{f"{QUIZ}.es.gift".replace("/", "__"): None,
                                           f"{QUIZ}.es.xml".replace("/", "__"): broken}))
    line = broken.decode().splitlines().index('  <question type="calculated">') + 1
    assert f"{QUIZ}.es.xml:{line}: Moodle XML: Campus has no “calculated” questions." in problems
    problems = _problems(sample_package(**{f"{QUIZ}.es.gift".replace("/", "__"): None,
                                           f"{QUIZ}.es.xml".replace("/", "__"): bad_number}))
    assert any(p.startswith(f"{QUIZ}.es.xml:") and "Moodle XML:" in p for p in problems), problems


def test_a_translation_in_moodle_xml_is_checked_against_the_default_file(app_ctx, academy):
    other = _xml(GIFT_EN.replace("{#2:0}", "{#3:0}"))
    problems = _problems(sample_package(**{f"{QUIZ}.en.gift".replace("/", "__"): None,
                                           f"{QUIZ}.en.xml".replace("/", "__"): other}))
    assert any(p.startswith(f"{QUIZ}.en.xml:") and "“p-q3” has other answers" in p
               for p in problems), problems


def test_a_missing_default_file_and_a_stray_language_are_named(app_ctx, academy):
    files = sample_package(**{f"{QUIZ}.es.gift".replace("/", "__"): None,
                              f"{QUIZ}.xx.xml".replace("/", "__"): _xml(GIFT_ES)})
    problems = _problems(files)
    assert f"{QUIZ}.es.gift: The file is missing." in problems
    assert f"{QUIZ}.xx.xml: “xx” is not one of the course's languages." in problems
