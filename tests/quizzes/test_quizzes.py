"""Taking quizzes: attempts the server owns, answers that are never lost, grading and review."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import LessonProgress
from academy.extensions import db
from academy.quizzes import answering, closing, configuring, marking, queries, slots, starting
from academy.quizzes.models import Attempt, AttemptSlot
from tests.factories.quizzes import (  # noqa: F401 - fixtures
    pass_quiz,
    quiz_four_questions_a_page,
    right_answers,
    slot_of,
    start,
    trainee_enrolled,
)
from tests.support import csrf_token, post_form

EN = {"Accept-Language": "en"}


def test_trainee_takes_the_quiz_through_the_pages_and_sees_the_review(
        app, client, login_as, trainee, quiz, course):
    login_as(trainee)
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}", headers=EN)
    assert page.status_code == 200 and "Start the quiz" in page.text
    started = post_form(client, f"/courses/{course.id}/quizzes/{quiz.id}/start", {})
    assert started.status_code == 302
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == trainee.id))
    assert started.headers["Location"].endswith(f"/attempts/{attempt.id}")
    assert attempt.pages == 2 and attempt.deadline_at is not None
    for number, fields in right_answers(attempt).items():
        go = "summary" if number == attempt.pages else str(number + 1)
        saved = post_form(client, f"/attempts/{attempt.id}", {**fields, "go": go},
                          token_from=f"/attempts/{attempt.id}?page={number}")
        assert saved.status_code == 302, saved.text
    summary = client.get(f"/attempts/{attempt.id}/summary", headers=EN)
    assert "Not answered yet" not in summary.text
    done = post_form(client, f"/attempts/{attempt.id}/submit", {},
                     token_from=f"/attempts/{attempt.id}/summary")
    assert done.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.status == "finished" and attempt.fraction is None  # the essay waits
    assert [s.fraction for s in attempt.slots if s.version.qtype != "essay"] == [1.0] * 6
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN)
    assert "Waiting for an instructor to grade the written answers." in review.text


def test_the_answering_page_holds_no_right_answer_nor_feedback(
        app, client, login_as, trainee, quiz, course):
    attempt = start(trainee, quiz, course)
    login_as(trainee)
    html = client.get(f"/attempts/{attempt.id}", headers=EN).text
    html += client.get(f"/attempts/{attempt.id}?page=2", headers=EN).text
    assert "¿Quién decide un registro integral?" in html
    for secret in ("Correcto", "Las normas exigen", "Así es", "Revise la lección", "respeto",
                   "fraction", "Espacio\" selected", "verdict"):
        assert secret not in html
    q1 = slot_of(attempt, "p-q1")
    # Choices are numbered as shown; the right one is not given away by a stored index.
    assert f'name="q{q1.position}" id="q{q1.position}-0" value="0"' in html


def test_review_shows_right_answers_only_when_the_options_allow(
        app, client, login_as, trainee, quiz, course):
    quiz.settings = {**quiz.settings, "review_answers": "after_close", "review_feedback": "never"}
    db.session.commit()
    attempt = start(trainee, quiz, course)
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    login_as(trainee)
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).text
    assert "The right answers are not shown yet." in review
    assert "Right answer:" not in review and 'class="verdict"' not in review
    assert "Las normas exigen" not in review and "Correcto" not in review
    quiz.settings = {**quiz.settings, "closes_at": (utcnow() - timedelta(minutes=1)).isoformat(),
                     "review_feedback": "immediately"}
    db.session.commit()
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).text
    assert "Right answer:" in review and 'class="verdict"' in review
    assert "Las normas exigen" in review


def test_saving_is_an_idempotent_upsert_and_an_older_save_never_wins(trainee, quiz, course):
    attempt = start(trainee, quiz, course)
    q6 = slot_of(attempt, "p-q6")
    now = utcnow()
    assert answering.save_answers(attempt, {q6.position: "respeto"}, 2000, now) == 1
    assert answering.save_answers(attempt, {q6.position: "respeto"}, 2000, now) == 1  # retried
    assert answering.save_answers(attempt, {q6.position: "viejo"}, 1000, now) == 0  # late
    db.session.commit()
    db.session.expire_all()
    rows = db.session.scalars(select(AttemptSlot).where(AttemptSlot.attempt_id == attempt.id,
                                                        AttemptSlot.position == q6.position)).all()
    assert [row.response for row in rows] == ["respeto"]


def test_a_double_submission_records_one(app, client, login_as, trainee, quiz, course):
    attempt = start(trainee, quiz, course)
    login_as(trainee)
    token = csrf_token(client, f"/attempts/{attempt.id}/summary")
    first = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    second = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert closing.submit_attempt(db.session.get(Attempt, attempt.id), utcnow()) is False
    assert db.session.scalar(select(func.count()).select_from(Attempt)
                             .where(Attempt.user_id == trainee.id)) == 1


def test_the_server_closes_an_overdue_attempt_with_what_was_saved(
        app, client, login_as, trainee, quiz, course):
    long_ago = utcnow() - timedelta(hours=1)
    attempt = start(trainee, quiz, course, now=long_ago)
    q2 = slot_of(attempt, "p-q2")
    answering.save_answers(attempt, {q2.position: True}, 1, long_ago + timedelta(minutes=1))
    db.session.commit()
    login_as(trainee)
    page = client.get(f"/attempts/{attempt.id}", headers=EN)  # a read shows it over, no form
    assert page.status_code == 200 and "The time for this attempt is over" in page.text
    assert f'name="q{q2.position}"' not in page.text
    late = post_form(client, f"/attempts/{attempt.id}", {"page": "1", f"q{q2.position}": "false"},
                     token_from=f"/attempts/{attempt.id}")
    assert late.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.status == "finished"  # the late save closed it, and did not take its answer
    assert attempt.finished_at == attempt.deadline_at  # it ended when the time ran out
    assert slot_of(attempt, "p-q2").fraction == 1.0
    assert slot_of(attempt, "p-q2").response is True


def test_answers_within_the_grace_period_are_taken(trainee, quiz, course):
    attempt = start(trainee, quiz, course, now=utcnow() - timedelta(minutes=11))
    q2 = slot_of(attempt, "p-q2")  # 10-minute limit, 2 minutes of grace
    assert answering.save_answers(attempt, {q2.position: True}, 5, utcnow()) == 1


def test_no_more_attempts_than_allowed(trainee, quiz, course):
    for _ in range(2):
        closing.submit_attempt(start(trainee, quiz, course), utcnow())
    with pytest.raises(starting.QuizRefused):
        start(trainee, quiz, course)


def test_a_double_click_on_start_makes_one_attempt(trainee, quiz, course):
    assert start(trainee, quiz, course).id == start(trainee, quiz, course).id


def test_passing_the_quiz_marks_it_done_for_the_course(trainee, quiz, course):
    quiz.settings = {**quiz.settings, "pass_mark": 50}
    db.session.commit()
    attempt = pass_quiz(trainee, course)
    assert attempt.fraction == pytest.approx(6.5 / 7)
    assert queries.result_of(quiz.id, trainee.id).is_passed
    assert db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == trainee.id, LessonProgress.lesson_id == quiz.id)) is not None


# --- Tampered and oversized answers ------------------------------------------------------------

def test_tampered_values_are_refused_with_a_message_and_spoil_nothing(
        app, client, login_as, trainee, quiz, course):
    attempt = start(trainee, quiz, course)
    q1, q3 = slot_of(attempt, "p-q1"), slot_of(attempt, "p-q3")
    assert q1.page == q3.page == 1
    login_as(trainee)
    url = f"/attempts/{attempt.id}"
    for bad in ("9", "-1", "x"):
        page = post_form(client, url, {"page": "1", f"q{q1.position}": bad, f"q{q3.position}": "2",
                                       "go": "2"}, headers=EN)
        assert page.status_code == 400
        assert "This choice is not one of the question’s choices." in page.text
    db.session.expire_all()
    saved = {s.position: s.response for s in db.session.get(Attempt, attempt.id).slots}
    assert saved[q1.position] is None and saved[q3.position] == "2"  # the good answer is kept
    page = post_form(client, url, {"page": "1", f"q{q3.position}": "dos"}, headers=EN)
    assert "Write a number, for example 12.5." in page.text and 'value="dos"' in page.text
    foreign = post_form(client, url, {"page": "1", "q99": "1", f"q{q3.position}": "7"}, headers=EN)
    assert foreign.status_code == 400 and "not on this page of your attempt" in foreign.text
    db.session.expire_all()
    assert slot_of(db.session.get(Attempt, attempt.id), "p-q3").response == "2"


def test_an_essay_too_long_is_refused_and_the_attempt_keeps_its_answers(
        app, client, login_as, trainee, quiz, course):
    attempt = start(trainee, quiz, course)
    q7 = slot_of(attempt, "p-q7")
    answering.save_answers(attempt, {q7.position: "Mi respuesta"}, 1, utcnow())
    db.session.commit()
    login_as(trainee)
    url = f"/attempts/{attempt.id}"
    long = post_form(client, url, {"page": str(q7.page), f"q{q7.position}": "x" * 20_001},
                     headers=EN)
    assert long.status_code == 400 and "This answer is too long" in long.text
    huge = post_form(client, url, {"page": str(q7.page), f"q{q7.position}": "x" * 1_000_000},
                     headers=EN)
    assert huge.status_code == 400 and "This answer is too long" in huge.text
    # Sent as multipart, a 1 MB field is over the form memory limit: refused before reading.
    fields = {"csrf_token": csrf_token(client, url), "page": str(q7.page),
              f"q{q7.position}": "x" * 1_000_000}
    body = b"".join(f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                    for k, v in fields.items()) + b"--b--\r\n"
    huge = client.post(url, data=body, content_type="multipart/form-data; boundary=b")
    assert huge.status_code == 303
    follow = client.get(huge.headers["Location"], headers=EN)
    assert "an answer is far too long" in follow.text
    db.session.expire_all()
    assert slot_of(db.session.get(Attempt, attempt.id), "p-q7").response == "Mi respuesta"


def test_background_saves_answer_in_json(app, client, login_as, trainee, quiz, course):
    attempt = start(trainee, quiz, course)
    q2 = slot_of(attempt, "p-q2")
    login_as(trainee)
    token = csrf_token(client, f"/attempts/{attempt.id}?page={q2.page}")
    url = f"/attempts/{attempt.id}/autosave"
    saved = client.post(url, data={"csrf_token": token, "page": str(q2.page),
                                   f"q{q2.position}": "false", "seq": "500"})
    assert saved.status_code == 200 and saved.json["saved"] >= 1
    stale = client.post(url, data={"csrf_token": token, "page": str(q2.page),
                                   f"q{q2.position}": "true", "seq": "400"})
    assert stale.status_code == 200
    db.session.expire_all()
    assert slot_of(db.session.get(Attempt, attempt.id), "p-q2").response is False
    bad = client.post(url, data={"csrf_token": token, "page": "1", "q1": "7", "q77": "1"})
    assert bad.status_code == 400 and "error" in bad.json
    closing.submit_attempt(db.session.get(Attempt, attempt.id), utcnow())
    db.session.commit()
    closed = client.post(url, data={"csrf_token": token, "page": "1", "seq": "900"})
    assert closed.status_code == 409 and closed.json["review"].endswith("/review")


def test_another_trainee_can_neither_read_nor_answer_an_attempt(
        app, client, login_as, trainee, quiz, course, create_user, academy):
    attempt = start(trainee, quiz, course)
    other = create_user(academy=academy, roles=["trainee"])
    enrolment_ops.enrol_self(other, course)
    db.session.commit()
    login_as(other)
    for path in (f"/attempts/{attempt.id}", f"/attempts/{attempt.id}/summary",
                 f"/attempts/{attempt.id}/review"):
        assert client.get(path).status_code == 404
    token = csrf_token(client, f"/courses/{course.id}/quizzes/{quiz.id}")
    answer = client.post(f"/attempts/{attempt.id}", data={"csrf_token": token, "page": "1"})
    assert answer.status_code == 404


def test_the_attempt_page_runs_a_bounded_number_of_queries(
        app, client, login_as, trainee, quiz, course, count_queries):
    quiz.settings = {**quiz.settings, "questions_per_page": 1, "attempts": 0}
    slots.repaginate(quiz.id, 1)
    db.session.commit()
    login_as(trainee)
    one = start(trainee, quiz, course)  # one question on a page
    with_one = count_queries(lambda: client.get(f"/attempts/{one.id}"))
    closing.submit_attempt(one, utcnow())
    quiz.settings = {**quiz.settings, "questions_per_page": 0}
    slots.repaginate(quiz.id, 0)
    db.session.commit()
    seven = start(trainee, quiz, course)  # seven questions on a page
    assert count_queries(lambda: client.get(f"/attempts/{seven.id}")) == with_one
    closing.submit_attempt(seven, utcnow())
    db.session.commit()
    assert count_queries(lambda: client.get(f"/attempts/{seven.id}/review")) <= with_one + 4


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


# --- Essays and regrading ----------------------------------------------------------------------

def test_an_instructor_grades_an_essay_and_the_trainee_reads_the_comment(
        app, client, login_as, trainee, quiz, course, create_user, academy):
    attempt = start(trainee, quiz, course)
    q7 = slot_of(attempt, "p-q7")
    answering.save_answers(attempt, {q7.position: "Solo lo necesario."}, 1, utcnow())
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    instructor = create_user(academy=academy, roles=["instructor"])
    login_as(instructor)
    queue = client.get(f"/courses/{course.id}/grading", headers=EN)
    assert queue.status_code == 200 and trainee.display_name in queue.text
    url = f"/attempts/{attempt.id}/questions/{q7.position}/grade"
    assert "Solo lo necesario." in client.get(url, headers=EN).text
    bad = post_form(client, url, {"mark": "150", "comment": ""}, headers=EN)
    assert bad.status_code == 400 and "Give a percentage from 0 to 100." in bad.text
    done = post_form(client, url, {"mark": "80", "comment": "Bien argumentado."}, headers=EN)
    assert done.status_code == 302
    assert trainee.display_name not in client.get(f"/courses/{course.id}/grading").text
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).fraction is not None
    login_as(trainee)
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).text
    assert "Bien argumentado." in review


def test_regrading_after_a_fix_updates_attempts_and_results(
        app, client, login_as, trainee, quiz, course, create_user, academy):
    from academy.quizzes.models import Question

    attempt = start(trainee, quiz, course)
    q3 = slot_of(attempt, "p-q3")
    answering.save_answers(attempt, {q3.position: "3"}, 1, utcnow())
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    assert slot_of(attempt, "p-q3").fraction == 0.0
    question = db.session.get(Question, q3.question_id)
    question.version += 1  # the author fixes the right answer: 3, not 2
    question.spec = {**question.spec, "answers": [{"fraction": 1.0, "value": 3.0,
                                                   "tolerance": 0.0}]}
    db.session.commit()
    instructor = create_user(academy=academy, roles=["instructor"])
    login_as(instructor)
    url = f"/courses/{course.id}/questions/{question.id}/regrade"
    assert "1 answer in a submitted attempt" in client.get(url, headers=EN).text
    refused = post_form(client, url, {}, headers=EN)
    assert refused.status_code == 400
    done = post_form(client, url, {"confirm": "y"}, headers=EN)
    assert done.status_code == 302
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    regraded = slot_of(attempt, "p-q3")
    assert regraded.fraction == 1.0 and regraded.version.version == question.version


def test_the_gradebook_shows_and_exports_results(
        app, client, login_as, trainee, quiz, course, create_user, academy):
    attempt = start(trainee, quiz, course)
    closing.submit_attempt(attempt, utcnow())
    attempt.fraction = 0.75
    marking.update_result(quiz.id, trainee.id)
    db.session.commit()
    login_as(create_user(academy=academy, roles=["instructor"]))
    page = client.get(f"/courses/{course.id}/gradebook", headers=EN)
    assert trainee.display_name in page.text and "75%" in page.text
    token = csrf_token(client, f"/courses/{course.id}/gradebook")
    csv = client.post(f"/courses/{course.id}/gradebook.csv", headers=EN, data={"csrf_token": token})
    assert csv.data.startswith(b"\xef\xbb\xbf") and b"75.0" in csv.data
    xlsx = client.post(f"/courses/{course.id}/gradebook.xlsx", data={"csrf_token": token})
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_a_save_naming_one_question_leaves_the_others_as_they_were(trainee, quiz, course):
    from werkzeug.datastructures import MultiDict

    attempt = start(trainee, quiz, course)
    q2, q3, q4 = (slot_of(attempt, i) for i in ("p-q2", "p-q3", "p-q4"))
    answering.save_answers(attempt, {q2.position: True, q4.position: [0]}, 1, utcnow())
    values, _ = answering.read_page(attempt, 1, MultiDict({f"q{q3.position}": "2"}))
    assert values == {q3.position: "2"}
    # The page lists its questions: an unticked checkbox list then means "no choice".
    values, _ = answering.read_page(attempt, 1, MultiDict([("shown", str(q4.position))]))
    assert values == {q4.position: []}


def test_the_command_line_closes_overdue_attempts(app, trainee, quiz, course):
    attempt = start(trainee, quiz, course, now=utcnow() - timedelta(hours=2))
    result = app.test_cli_runner().invoke(args=["quizzes", "close-overdue"])
    assert result.exit_code == 0 and "Closed 1 overdue attempt(s)." in result.output
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).status == "finished"


def test_a_quiz_longer_than_an_hour_still_takes_its_final_submission(
        app, client, login_as, trainee, quiz, course, monkeypatch):
    """The CSRF token of a page opened three hours ago is still good (Flask-WTF's default
    would refuse it after one hour)."""
    import time

    from itsdangerous import TimestampSigner

    quiz.settings = {**quiz.settings, "time_limit_minutes": 240}
    db.session.commit()
    attempt = start(trainee, quiz, course)
    login_as(trainee)
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - (
            3 * 3600 if self.salt == b"wtf-csrf-token" else 0))
        token = csrf_token(client, f"/attempts/{attempt.id}/summary")
    with monkeypatch.context() as patched:  # the token really is three hours old:
        patched.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
        refused = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
        assert refused.status_code == 400
    submitted = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    assert submitted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).is_finished


def test_staff_add_and_remove_an_exception_through_the_settings_page(
        app, client, login_as, trainee, quiz, course, create_user, academy):
    login_as(create_user(academy=academy, roles=["instructor"]))
    url = f"/courses/{course.id}/quizzes/{quiz.id}/overrides"
    settings_page = f"/courses/{course.id}/quizzes/{quiz.id}/settings"
    page = client.get(settings_page, headers=EN).text
    assert 'id="override-time_limit_minutes"' in page and 'id="time_limit_minutes"' in page
    unknown = post_form(client, url, {"override-username": "nobody", "override-cohort": "0",
                                      "override-time_limit_minutes": "30"},
                        token_from=settings_page, headers=EN)
    assert unknown.status_code == 400
    assert "No trainee of this course has this username." in unknown.text
    added = post_form(client, url, {"override-username": trainee.username, "override-cohort": "0",
                                    "override-time_limit_minutes": "30"},
                      token_from=settings_page, headers=EN)
    assert added.status_code == 302
    assert queries.effective_settings(quiz, trainee.id).time_limit_minutes == 30
    override = queries.overrides_of(quiz.id)[0]
    removed = post_form(client, f"{url}/{override.id}/delete", {}, token_from=settings_page)
    assert removed.status_code == 302 and queries.overrides_of(quiz.id) == []


def test_passing_a_quiz_leads_on_and_completing_the_course_says_so(
        app, client, login_as, trainee, quiz, course):
    from academy.curricula.models import Lesson, Module
    from academy.enrolment.models import Enrolment

    pages = db.session.scalars(select(Lesson).join(Module).where(
        Module.course_id == course.id, Lesson.kind == "page")
        .order_by(Module.position, Lesson.position)).all()  # in course order, on any database
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == trainee.id))
    for page in pages:
        enrolment_ops.complete_lesson(enrolment, page)
    quiz.settings = {**quiz.settings, "pass_mark": 0}
    db.session.commit()
    attempt = start(trainee, quiz, course)
    login_as(trainee)
    done = post_form(client, f"/attempts/{attempt.id}/submit", {},
                     token_from=f"/attempts/{attempt.id}/summary")
    review = client.get(done.headers["Location"], headers=EN).text
    assert "Congratulations: you have completed the course." in review
    db.session.expire_all()
    enrolment = db.session.get(Enrolment, enrolment.id)
    assert enrolment.status == "completed"
    following = pages[-1].id  # the quiz of module 1 leads on to module 2's page
    assert enrolment.last_lesson_id == following
    assert f"/courses/{course.id}/lessons/{following}" in review  # "Next lesson"


def test_a_cleared_essay_is_not_waiting_to_be_graded(trainee, quiz, course):
    attempt = start(trainee, quiz, course)
    q7 = slot_of(attempt, "p-q7")
    answering.save_answers(attempt, {q7.position: "Un borrador"}, 1, utcnow())
    answering.save_answers(attempt, {q7.position: None}, 2, utcnow())  # the trainee erased it
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    assert queries.essays_to_grade(course.id) == []
    assert slot_of(attempt, "p-q7").fraction == 0.0 and attempt.fraction is not None


def test_the_quiz_pages_are_titled_in_the_readers_language(client, login_as, trainee, quiz,
                                                           course):
    """The browser tab names the quiz in the language of the page, not in whichever language
    its texts were written first."""
    titles = {text.locale: text.title for text in quiz.texts if text.title}
    assert len(titles) >= 2, titles  # the sample course's quiz is written in several languages
    login_as(trainee)
    attempt = start(trainee, quiz, course)
    for locale, title in titles.items():
        for path in (f"/courses/{course.id}/quizzes/{quiz.id}", f"/attempts/{attempt.id}"):
            page = client.get(f"{path}?lang={locale}")
            assert page.status_code == 200
            assert f"<title>{escape(title)} · " in page.text, (locale, path)
