"""Quiz statistics: facility, discrimination, chosen answers, flags and the grade histogram,
computed by the database in a bounded number of queries."""
from __future__ import annotations

import pytest

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import operations as quiz_ops
from academy.quizzes import queries as quiz_queries
from academy.quizzes.models import FINISHED
from academy.quizzes.statistics import quiz_statistics


def _finished_attempt(trainee, course, scores: dict[str, float], responses: dict | None = None):
    """An attempt whose slots scored `scores` (by question ident), finished and graded."""
    quiz = quiz_queries.quizzes_of(course.id)[0]
    enrolment = enrolment_ops.enrol_by_staff(trainee, course)
    settings = quiz_queries.effective_settings(quiz, trainee.id)
    attempt = quiz_ops.start_attempt(enrolment, quiz, course, settings, "es", utcnow())
    for slot in attempt.slots:
        slot.fraction = scores.get(slot.version.ident, 0.0)
        slot.response = (responses or {}).get(slot.version.ident)
    attempt.status, attempt.finished_at = FINISHED, utcnow()
    attempt.fraction = sum(s.fraction for s in attempt.slots) / len(attempt.slots)
    db.session.commit()
    return quiz, attempt


@pytest.fixture
def graded(course, create_user, academy):
    """Four trainees: two strong, two weak. `good` follows them, `bad` goes against them,
    `hard` nobody gets right; the other questions follow strength too."""
    quiz = quiz_queries.quizzes_of(course.id)[0]
    idents = sorted({q.ident for q in db.session.scalars(db.select(quiz_queries.Question).where(
        quiz_queries.Question.lesson_id == quiz.id))})
    good, bad, hard, *others = idents
    single = next(q.ident for q in db.session.scalars(db.select(quiz_queries.Question).where(
        quiz_queries.Question.lesson_id == quiz.id, quiz_queries.Question.qtype == "single")))
    for strong in (True, True, False, False):
        scores = {ident: 1.0 if strong else 0.0 for ident in others}
        scores.update({good: 1.0 if strong else 0.0, bad: 0.0 if strong else 1.0, hard: 0.0})
        _finished_attempt(create_user(academy=academy, roles=["trainee"]), course, scores,
                          {single: 0 if strong else 1})
    return quiz, good, bad, hard, single


def test_facility_discrimination_and_flags(graded, course):
    quiz, good, bad, hard, _single = graded
    stats = quiz_statistics(quiz.id, "es", course.default_locale)
    by_ident = {q.ident: q for q in stats.questions}
    assert stats.attempts == 4 and sum(stats.histogram) == 4
    assert by_ident[good].facility == pytest.approx(0.5)
    assert by_ident[good].discrimination > 0.9 and by_ident[good].flags == []
    assert by_ident[bad].discrimination < 0 and "negative_discrimination" in by_ident[bad].flags
    assert by_ident[hard].fully_right == 0 and "nobody_right" in by_ident[hard].flags
    assert by_ident[hard].discrimination is None  # no spread: nothing to correlate


def test_chosen_answers_are_counted_per_choice(graded, course):
    quiz, *_rest, single = graded
    stats = quiz_statistics(quiz.id, "es", course.default_locale)
    choices = next(q for q in stats.questions if q.ident == single).choices
    assert [c.count for c in choices][:2] == [2, 2] and sum(c.count for c in choices) == 4
    assert sum(1 for c in choices if c.is_right) == 1 and choices[0].label


def test_an_instructor_reads_the_statistics_page(graded, client, login_as, create_user, academy,
                                                 course):
    quiz = graded[0]
    login_as(create_user(academy=academy, roles=["instructor"]))
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}/statistics?lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "4 graded attempts" in text and "Negative discrimination" in text
    assert "Nobody got it fully right" in text and "<svg" in text and "<title" in text


def test_the_statistics_use_a_bounded_number_of_queries(graded, client, login_as, create_user,
                                                        academy, course, count_queries):
    quiz = graded[0]
    login_as(create_user(academy=academy, roles=["instructor"]))
    url = f"/courses/{course.id}/quizzes/{quiz.id}/statistics"
    few = count_queries(lambda: client.get(url))
    for _ in range(6):
        _finished_attempt(create_user(academy=academy, roles=["trainee"]), course, {})
    assert count_queries(lambda: client.get(url)) == few


def test_a_quiz_without_attempts_says_so(course, client, login_as, create_user, academy):
    quiz = quiz_queries.quizzes_of(course.id)[0]
    login_as(create_user(academy=academy, roles=["instructor"]))
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}/statistics?lang=en")
    assert page.status_code == 200 and "No graded attempt yet" in page.get_data(as_text=True)
