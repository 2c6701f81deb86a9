"""Essays and regrading: an instructor grades an essay, a fixed question is regraded, the
gradebook shows and exports results; overdue attempts closed, long quizzes' submissions kept,
exceptions through the settings page, completing the course through a quiz."""
from __future__ import annotations

from datetime import timedelta

from markupsafe import escape
from sqlalchemy import select

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import answering, closing, marking, queries
from academy.quizzes.models import Attempt
from tests.factories.quizzes import (  # noqa: F401 - fixtures
    quiz_four_questions_a_page,
    slot_of,
    start,
    trainee_enrolled,
)
from tests.support import csrf_token, post_form

EN = {"Accept-Language": "en"}


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
