"""Taking quizzes: attempts the server owns, answers that are never lost, the review; tampered
and oversized answers refused, and another trainee's attempt out of reach."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import LessonProgress
from academy.extensions import db
from academy.quizzes import answering, closing, queries, slots, starting
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
