"""Quiz authoring through its pages: an instructor who reads English signed in as the author, the
sample course's first quiz, a trainee enrolled, a question of the course, a quiz's slots as
(position, page, question, mark), posting a form as the author, a question written straight in.

Fixtures named apart from the names tests ask for (instructor, author, quiz, learner): a module
imports them without shadowing a test's argument of the same name."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import queries as quiz_queries
from academy.quizzes import slots
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.gift import GiftQuestion
from academy.quizzes.models import Question
from tests.support import csrf_token

EN = {"Accept-Language": "en"}


@pytest.fixture(name="instructor")
def english_instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"], username="ana.instructora",
                       locale="en")


@pytest.fixture(name="author")
def english_author(client, instructor, login_as):
    login_as(instructor)
    return client


@pytest.fixture(name="quiz")
def sample_quiz(course):
    return quiz_queries.quizzes_of(course.id)[0]


@pytest.fixture(name="learner")
def enrolled_learner(course, create_user, academy):
    person = create_user(academy=academy, roles=["trainee"], locale="en")
    enrolment_ops.enrol_self(person, course)
    db.session.commit()
    return person


def question(course, ident: str) -> Question:
    return db.session.scalar(select(Question).where(Question.course_id == course.id,
                                                    Question.ident == ident))


def layout(lesson_id: int) -> list[tuple]:
    """(position, page, question id or random category, mark) of each slot, in order."""
    db.session.expire_all()
    return [(s.position, s.page, s.question.ident if s.question else f"random:{s.category}",
             s.mark) for s in slots.slots_of(lesson_id)]


def post(client, path: str, data: dict, token_from: str, **kwargs):
    return client.post(path, data={"csrf_token": csrf_token(client, token_from), **data},
                       headers=EN, **kwargs)


def new_bank_question(course, ident: str, category: str = "extra") -> Question:
    made = bank_ops.create_question(course, GiftQuestion(
        0, ident, category, "truefalse", f"¿{ident}?", "moodle", correct=True), None)
    db.session.commit()
    return made
