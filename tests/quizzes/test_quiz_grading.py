"""Automatic grading of every question type, read from real GIFT as the packages store it."""
from __future__ import annotations

import pytest

from academy.quizzes.gift import parse_gift
from academy.quizzes.grading import grade
from academy.quizzes.stored import question_content, question_spec

GIFT = r"""::single:: Who decides a full search? {=The governor #Right ~%50%A senior officer ~Any officer}

::multi:: Choose the two principles {~%50%Necessity ~%50%Proportionality ~%-100%Humiliation ~Speed}

::tf:: Restraints are never a punishment. {T}

::short:: Name the rules {=Mandela* =Nelson Mandela Rules =%50%SMR}

::num:: Days after which solitary confinement is prolonged {#15}

::tol:: Pi {#3.14:0.01}

::range:: A number from 1 to 5 {#1..5}

::graded:: Year of the Tokyo Rules {#=1990 =%50%1991}

::match:: Match {=Dynamic -> relationships =Physical -> walls =Procedural -> rules}

::essay:: Explain the principle of necessity. {}
"""  # noqa: E501 - the data as it is


@pytest.fixture(scope="module")
def questions():
    return {q.ident: (q.qtype, question_spec(q), question_content(q)) for q in parse_gift(GIFT)}


def _grade(questions, ident, response):
    qtype, spec, content = questions[ident]
    return grade(qtype, spec, content, response)


@pytest.mark.parametrize("ident, response, expected", [
    ("single", 0, 1.0), ("single", 1, 0.5), ("single", 2, 0.0), ("single", None, 0.0),
                                                       ("single", 9, 0.0),
    ("multi", [0, 1], 1.0), ("multi", [0], 0.5), ("multi", [0, 2], 0.0), ("multi", [2], 0.0),
    ("multi", [0, 1, 3], 1.0), ("multi", [], 0.0), ("multi", [0, 0, 1], 1.0),
    ("tf", True, 1.0), ("tf", False, 0.0), ("tf", None, 0.0),
    ("short", "mandela", 1.0), ("short", "  Mandela   rules ", 1.0),
                                                       ("short", "NELSON MANDELA RULES", 1.0),
    ("short", "smr", 0.5), ("short", "Tokyo", 0.0), ("short", "", 0.0),
    ("num", "15", 1.0), ("num", 15, 1.0), ("num", "14", 0.0), ("num", "fifteen", 0.0),
    ("tol", "3,145", 1.0), ("tol", "3.16", 0.0),
    ("range", "4.5", 1.0), ("range", "5.5", 0.0),
    ("graded", "1990", 1.0), ("graded", "1991", 0.5), ("graded", "1992", 0.0),
    ("match", [0, 1, 2], 1.0),
    ("match", [0, 2, 1], pytest.approx(1 / 3)),
    ("match", [0, None, 9], pytest.approx(1 / 3)),
    ("match", [], 0.0),
])
def test_automatic_grading(questions, ident, response, expected):
    assert _grade(questions, ident, response) == expected


def test_essays_are_left_to_a_person(questions):
    assert _grade(questions, "essay", "Because…") is None


def test_wildcards_match_only_where_the_author_put_them(questions):
    assert _grade(questions, "short", "Mandela (2015)") == 1.0
    assert _grade(questions, "short", "The Mandela Rules") == 0.0  # the * is at the end only


def test_writing_questions_back_to_gift_keeps_every_weight_and_number(questions):
    from academy.quizzes.gift_writer import question_to_gift

    again = parse_gift("\n\n".join(question_to_gift(ident, qtype, spec, content)
                                   for ident, (qtype, spec, content) in questions.items()))
    assert {q.ident: (q.qtype, question_spec(q), question_content(q)) for q in again} == questions
