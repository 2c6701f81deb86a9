"""Quiz settings: overrides for a trainee or a cohort, grading methods, opening and closing
times, and staff saving settings with errors next to their fields."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from academy.db import utcnow
from academy.extensions import db
from academy.quizzes import closing, configuring, marking, queries, starting
from tests.factories.quizzes import (  # noqa: F401 - fixtures
    quiz_four_questions_a_page,
    start,
    trainee_enrolled,
)
from tests.support import post_form

EN = {"Accept-Language": "en"}


# --- Settings, overrides, grading methods ------------------------------------------------------

def test_an_override_gives_one_trainee_more_attempts_and_time(trainee, quiz, course):
    configuring.add_override(quiz, user_id=trainee.id, cohort_id=None, attempts=3,
                             time_limit_minutes=30)
    db.session.commit()
    settings = queries.effective_settings(quiz, trainee.id)
    assert settings.attempts == 3 and settings.time_limit_minutes == 30
    for _ in range(3):
        attempt = start(trainee, quiz, course)
        assert attempt.deadline_at - attempt.started_at == timedelta(minutes=30)
        closing.submit_attempt(attempt, utcnow())
    with pytest.raises(starting.QuizRefused):
        start(trainee, quiz, course)


def test_a_cohort_override_applies_to_its_members(trainee, quiz, course, academy):
    from academy.cohorts import operations as cohort_ops

    cohort = cohort_ops.create_cohort(academy, "Turno de noche")
    cohort_ops.add_members(cohort, [trainee.username])
    configuring.add_override(quiz, user_id=None, cohort_id=cohort.id, time_limit_minutes=45)
    db.session.commit()
    assert queries.effective_settings(quiz, trainee.id).time_limit_minutes == 45


@pytest.mark.parametrize("method, expected", [("highest", 1.0), ("average", 0.5),
                                              ("first", 0.0), ("last", 1.0)])
def test_grading_methods(trainee, quiz, course, method, expected):
    quiz.settings = {**quiz.settings, "grading_method": method}
    db.session.commit()
    for fraction in (0.0, 1.0):
        attempt = start(trainee, quiz, course)
        closing.submit_attempt(attempt, utcnow())
        attempt.fraction = fraction
        db.session.flush()
    result = marking.update_result(quiz.id, trainee.id)
    assert result.fraction == pytest.approx(expected)


def test_a_quiz_that_is_closed_or_not_open_refuses_to_start(trainee, quiz, course):
    quiz.settings = {**quiz.settings, "opens_at": (utcnow() + timedelta(days=1)).isoformat()}
    with pytest.raises(starting.QuizRefused):
        start(trainee, quiz, course)
    quiz.settings = {**quiz.settings, "opens_at": None,
                     "closes_at": (utcnow() - timedelta(days=1)).isoformat()}
    with pytest.raises(starting.QuizRefused):
        start(trainee, quiz, course)


def test_an_attempt_ends_when_the_quiz_closes_if_that_comes_first(trainee, quiz, course):
    closes = utcnow() + timedelta(minutes=3)
    quiz.settings = {**quiz.settings, "closes_at": closes.isoformat()}
    attempt = start(trainee, quiz, course)
    assert attempt.deadline_at == closes.replace(microsecond=closes.microsecond)


def test_staff_save_settings_and_see_errors_next_to_fields(
        app, client, login_as, quiz, course, create_user, academy):
    instructor = create_user(academy=academy, roles=["instructor"])
    login_as(instructor)
    url = f"/courses/{course.id}/quizzes/{quiz.id}/settings"
    fields = {"time_limit_minutes": "90", "grace_minutes": "1", "attempts": "3",
              "grading_method": "average", "pass_mark": "80", "questions_per_page": "2",
              "draw_category": "", "draw_count": "0", "review_score": "immediately",
              "review_feedback": "after_close", "review_answers": "never",
              "opens_at": "2026-12-01T08:00", "closes_at": "2026-12-20T18:00"}
    saved = post_form(client, url, fields, headers=EN)
    assert saved.status_code == 302
    db.session.expire_all()
    settings = queries.effective_settings(quiz, None)
    assert (settings.time_limit_minutes, settings.pass_mark, settings.grading_method) == (
        90, 80, "average")
    # Typed in the instructor's zone (their academy's: Madrid, UTC+1 in December), kept in UTC,
    # and shown back as typed.
    assert settings.closes_at.isoformat() == "2026-12-20T17:00:00+00:00"
    shown = client.get(url, headers=EN).text
    assert 'value="2026-12-20T18:00"' in shown, re.findall(r"<input[^>]*closes_at[^>]*>", shown)
    wrong = post_form(client, url, {**fields, "pass_mark": "120", "closes_at": "2026-11-01T08:00"},
                      headers=EN)
    assert wrong.status_code == 400 and "Give a percentage from 0 to 100." in wrong.text
    wrong = post_form(client, url, {**fields, "closes_at": "2026-11-01T08:00"}, headers=EN)
    assert wrong.status_code == 400 and "The quiz must close after it opens." in wrong.text
