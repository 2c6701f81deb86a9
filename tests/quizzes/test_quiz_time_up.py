"""An attempt whose time ran out: every page shows it over without writing; the trainee's next
write (a save, "See the result", a new start) or `flask quizzes close-overdue` closes it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from academy.db import utcnow
from academy.extensions import db
from academy.quizzes import answering
from academy.quizzes.models import Attempt
from tests.factories.quizzes import quiz_four_questions_a_page, slot_of, start, trainee_enrolled  # noqa: F401 - fixtures
from tests.support import csrf_token, post_form

EN = {"Accept-Language": "en"}
TIME_UP = "The time for this attempt is over"


def _overdue(trainee, quiz, course) -> Attempt:  # noqa: F811
    """An attempt started an hour ago (10 minutes allowed), one answer saved in time."""
    long_ago = utcnow() - timedelta(hours=1)
    attempt = start(trainee, quiz, course, now=long_ago)
    q2 = slot_of(attempt, "p-q2")
    answering.save_answers(attempt, {q2.position: True}, 1, long_ago + timedelta(minutes=1))
    db.session.commit()
    return attempt


def _status(attempt_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id).status


def test_every_page_shows_an_overdue_attempt_over_and_leaves_it_as_it_was(
        client, login_as, trainee, quiz, course):  # noqa: F811
    attempt = _overdue(trainee, quiz, course)
    login_as(trainee)
    for path in (f"/attempts/{attempt.id}", f"/attempts/{attempt.id}/summary",
                 f"/attempts/{attempt.id}/review"):
        page = client.get(path, headers=EN)
        assert page.status_code == 200 and TIME_UP in page.text, path
        assert "See the result" in page.text and 'name="q' not in page.text, path
    listing = client.get(f"/courses/{course.id}/quizzes/{quiz.id}", headers=EN)
    assert "Time is up" in listing.text and "Continue your attempt" not in listing.text
    assert _status(attempt.id) == "in_progress"  # reading wrote nothing


def test_see_the_result_closes_it_with_the_answers_saved_in_time(
        client, login_as, trainee, quiz, course):  # noqa: F811
    attempt = _overdue(trainee, quiz, course)
    login_as(trainee)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    done = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    assert done.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    review = client.get(done.headers["Location"], headers=EN)
    assert TIME_UP in review.text and "It was submitted with the answers saved" in review.text
    db.session.expire_all()
    closed = db.session.get(Attempt, attempt.id)
    assert closed.status == "finished" and closed.finished_at == closed.deadline_at
    assert slot_of(closed, "p-q2").fraction == 1.0


def test_a_background_save_after_the_deadline_closes_it_and_says_so(
        client, login_as, trainee, quiz, course):  # noqa: F811
    attempt = _overdue(trainee, quiz, course)
    q2 = slot_of(attempt, "p-q2")
    login_as(trainee)
    token = csrf_token(client, f"/courses/{course.id}/quizzes/{quiz.id}")
    answer = client.post(f"/attempts/{attempt.id}/autosave", headers=EN, data={
        "csrf_token": token, "page": "1", f"q{q2.position}": "false", "seq": "5"})
    assert answer.status_code == 409 and answer.json["closed"] is True
    assert TIME_UP in answer.json["error"]
    assert _status(attempt.id) == "finished"
    assert slot_of(db.session.get(Attempt, attempt.id), "p-q2").response is True


def test_starting_again_closes_the_overdue_attempt_first(
        client, login_as, trainee, quiz, course):  # noqa: F811
    attempt = _overdue(trainee, quiz, course)
    login_as(trainee)
    started = post_form(client, f"/courses/{course.id}/quizzes/{quiz.id}/start", {},
                        token_from=f"/courses/{course.id}/quizzes/{quiz.id}")
    assert _status(attempt.id) == "finished"
    new = db.session.scalar(select(Attempt).where(Attempt.user_id == trainee.id,
                                                  Attempt.number == 2))
    assert started.headers["Location"].endswith(f"/attempts/{new.id}")


def test_a_refused_start_still_keeps_the_overdue_attempt_closed(
        client, login_as, trainee, quiz, course):  # noqa: F811
    quiz.settings = {**quiz.settings, "attempts": 1}
    db.session.commit()
    attempt = _overdue(trainee, quiz, course)
    login_as(trainee)
    post_form(client, f"/courses/{course.id}/quizzes/{quiz.id}/start", {},
              token_from=f"/courses/{course.id}/quizzes/{quiz.id}")
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}", headers=EN)
    assert "You have used every attempt this quiz allows." in page.text
    assert _status(attempt.id) == "finished"
    assert db.session.scalar(select(func.count()).select_from(Attempt)
                             .where(Attempt.user_id == trainee.id)) == 1


def test_staff_pages_show_it_over_and_the_schedule_closes_it(
        app, login_as, trainee, quiz, course, create_user, academy):  # noqa: F811
    attempt = _overdue(trainee, quiz, course)
    staff = app.test_client()
    login_as(create_user(academy=academy, roles=["instructor"]), staff)
    results = staff.get(f"/courses/{course.id}/quizzes/{quiz.id}/results", headers=EN)
    assert "Time is up" in results.text
    assert staff.get(f"/courses/{course.id}/grading").status_code == 200
    assert _status(attempt.id) == "in_progress"
    outcome = app.test_cli_runner().invoke(args=["quizzes", "close-overdue"])
    assert "Closed 1 overdue attempt(s)." in outcome.output
    assert _status(attempt.id) == "finished"


def test_an_overdue_attempt_refuses_answers_without_writing(trainee, quiz, course):  # noqa: F811
    attempt = _overdue(trainee, quiz, course)
    refusal = answering.refusal_to_answer(attempt, utcnow())
    assert refusal is not None and not refusal.closed and attempt.status == "in_progress"
    closing = answering.close_if_over(attempt, utcnow())
    assert closing.closed and attempt.status == "finished"
    assert answering.close_if_over(attempt, utcnow()).closed is False  # said once, done once


def test_the_background_sweep_closes_it_too_where_no_timer_runs(
        app, trainee, quiz, course):  # noqa: F811
    """Every web process and jobs worker sweeps every few seconds; its chores close overdue
    attempts, so grades follow even on a node where nobody set up the timer."""
    from academy.jobs import sweeper

    attempt = _overdue(trainee, quiz, course)
    assert sweeper.CHORES, "the app registers its chores"
    for chore in sweeper.CHORES:
        chore(app)
    assert _status(attempt.id) == "finished"
