"""Quiz attempts on the sample course: the quiz laid out four questions a page, an enrolled trainee
who reads English, an attempt started, answered right and graded."""
from __future__ import annotations

import pytest

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import answering, closing, marking, queries, slots, starting
from academy.quizzes.models import Attempt, AttemptSlot


# Fixtures named apart from the names tests ask for: a module imports them without shadowing
# a test's argument of the same name.
@pytest.fixture(name="quiz")
def quiz_four_questions_a_page(course):
    """The sample quiz in its order (no shuffling), four questions a page."""
    lesson = queries.quizzes_of(course.id)[0]
    lesson.settings = {**lesson.settings, "shuffle_questions": False, "questions_per_page": 4}
    slots.repaginate(lesson.id, 4)
    db.session.commit()
    return lesson


@pytest.fixture(name="trainee")
def trainee_enrolled(course, create_user, academy):
    """A trainee of the academy who reads English, enrolled in the course."""
    person = create_user(academy=academy, roles=["trainee"], locale="en")
    enrolment_ops.enrol_self(person, course)
    db.session.commit()
    return person


def start(trainee, quiz, course, now=None) -> Attempt:
    enrolment = enrolment_ops._enrolment(course, trainee)
    settings = queries.effective_settings(quiz, trainee.id)
    attempt = starting.start_attempt(enrolment, quiz, course, settings, "es", now or utcnow())
    db.session.commit()
    return attempt


def slot_of(attempt: Attempt, ident: str) -> AttemptSlot:
    return next(s for s in attempt.slots if s.version.ident == ident)


def shown(slot: AttemptSlot, stored: int) -> str:
    """The form value of a stored choice: its place in the order the attempt showed it."""
    return str(slot.choice_order.index(stored))


def right_answers(attempt: Attempt) -> dict[int, dict]:
    """Form fields answering every question of the sample quiz right, per page."""
    pages: dict[int, dict] = {}
    for slot in attempt.slots:
        name, ident = f"q{slot.position}", slot.version.ident
        fields = pages.setdefault(slot.page, {"page": str(slot.page), "shown": []})
        fields["shown"].append(str(slot.position))
        if ident == "p-q1":
            fields[name] = shown(slot, 0)
        elif ident == "p-q2":
            fields[name] = "true"
        elif ident == "p-q3":
            fields[name] = "2"
        elif ident == "p-q4":
            fields[name] = [shown(slot, 0), shown(slot, 1)]
        elif ident == "p-q5":
            for item in range(2):
                fields[f"{name}-{item}"] = shown(slot, item)
        elif ident == "p-q6":
            fields[name] = "Dignidad"
        else:
            fields[name] = "Porque el registro debe ser el mínimo necesario."
    return pages


def pass_quiz(trainee, course) -> Attempt:
    """Take the sample course's quiz, answer every question right, have the essay graded."""
    from werkzeug.datastructures import MultiDict

    quiz = queries.quizzes_of(course.id)[0]
    attempt = start(trainee, quiz, course)
    for page, fields in right_answers(attempt).items():
        form = MultiDict([(k, v) for k, vs in fields.items()
                          for v in (vs if isinstance(vs, list) else [vs])])
        values, problems = answering.read_page(attempt, page, form)
        assert not problems
        answering.save_answers(attempt, values, 10, utcnow())
    closing.submit_attempt(attempt, utcnow())
    marking.grade_essay(attempt, slot_of(attempt, "p-q7"), 0.5, "Bien", trainee, utcnow())
    db.session.commit()
    return attempt
