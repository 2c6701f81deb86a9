"""Time zones: every date and time in the reader's zone (their own, else their academy's), named
where it matters; staff type dates in their zone; everything is stored in UTC."""
from __future__ import annotations

from datetime import UTC, datetime

from academy import zones
from academy.academies import operations as academy_ops
from academy.extensions import db
from academy.quizzes import queries
from tests.factories.quizzes import quiz_four_questions_a_page, start, trainee_enrolled  # noqa: F401 - fixtures
from tests.support import post_form

EN = {"Accept-Language": "en"}
CLOSES = datetime(2026, 12, 20, 17, 0, tzinfo=UTC)  # 18:00 in Madrid, 12:00 in Bogotá


def test_an_academy_starts_in_its_countrys_zone(app_ctx):
    brazil = academy_ops.create_academy(slug="br-test", names={"pt": "Escola"}, country="BR",
                                        default_locale="pt")
    chile = academy_ops.create_academy(slug="cl-test", names={"es": "Escuela"}, country="CL",
                                       default_locale="es", zone="Pacific/Easter")
    elsewhere = academy_ops.create_academy(slug="xx-test", names={"en": "School"}, country="DE",
                                           default_locale="en")
    assert (brazil.timezone, chile.timezone, elsewhere.timezone) == (
        "America/Sao_Paulo", "Pacific/Easter", "UTC")


def test_a_quiz_closes_in_the_readers_time_and_says_which(
        client, login_as, trainee, quiz, course):  # noqa: F811
    quiz.settings = {**quiz.settings, "closes_at": CLOSES.isoformat()}
    db.session.commit()
    login_as(trainee)  # of a Spanish academy: Madrid
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}", headers=EN).text
    assert "6:00:00\u202fPM (Madrid)" in page or "18:00:00 (Madrid)" in page
    grades = client.get(f"/grades/{course.id}", headers=EN).text
    assert "(Madrid)" in grades

    trainee.timezone = "America/Bogota"
    db.session.commit()
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}", headers=EN).text
    assert "12:00:00\u202fPM (Bogotá)" in page or "12:00:00 (Bogotá)" in page


def test_the_attempts_clock_names_the_zone(client, login_as, trainee, quiz, course):  # noqa: F811
    quiz.settings = {**quiz.settings, "time_limit_minutes": 30}
    db.session.commit()
    attempt = start(trainee, quiz, course)
    login_as(trainee)
    page = client.get(f"/attempts/{attempt.id}", headers=EN).text
    assert ", Madrid time)" in page and " UTC)" not in page
    spanish = client.get(f"/attempts/{attempt.id}?lang=es").text
    assert ", hora de Madrid)" in spanish


def test_a_person_chooses_their_zone_in_their_profile(client, login_as, trainee):  # noqa: F811
    login_as(trainee)
    page = client.get("/account", headers=EN).text
    assert "Time zone" in page and 'value="America/Sao_Paulo"' in page
    saved = post_form(client, "/account", {"display_name": trainee.display_name, "email": "",
                                           "locale": "en", "timezone": "America/Sao_Paulo"})
    assert saved.status_code == 302
    db.session.refresh(trainee)
    assert trainee.timezone == "America/Sao_Paulo" and zones.zone_of(trainee) == "America/Sao_Paulo"
    wrong = post_form(client, "/account", {"display_name": trainee.display_name, "email": "",
                                           "locale": "en", "timezone": "Mars/Olympus"})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.text  # shown, not saved
    db.session.refresh(trainee)
    assert trainee.timezone == "America/Sao_Paulo"
    post_form(client, "/account", {"display_name": trainee.display_name, "email": "",
                                   "locale": "en", "timezone": ""})
    db.session.refresh(trainee)
    assert trainee.timezone is None and zones.zone_of(trainee) == "Europe/Madrid"


def test_staff_type_dates_in_their_zone_and_read_them_back_as_typed(
        client, login_as, quiz, course, create_user, other_academy):  # noqa: F811
    # An instructor of the owner academy who lives in Lima (UTC-5), by their own choice.
    instructor = create_user(academy=course.academy, roles=["instructor"])
    instructor.timezone = "America/Lima"
    db.session.commit()
    login_as(instructor)
    url = f"/courses/{course.id}/quizzes/{quiz.id}/settings"
    page = client.get(url, headers=EN).text
    assert "Date and time in Lima time." in page
    fields = {"time_limit_minutes": "0", "grace_minutes": "1", "attempts": "0",
              "grading_method": "highest", "pass_mark": "50", "questions_per_page": "4",
              "review_score": "immediately", "review_feedback": "immediately",
              "review_answers": "after_close", "opens_at": "", "closes_at": "2026-12-20T12:00"}
    assert post_form(client, url, fields).status_code == 302
    db.session.expire_all()
    assert queries.effective_settings(quiz, None).closes_at == CLOSES
    assert 'value="2026-12-20T12:00"' in client.get(url, headers=EN).text
