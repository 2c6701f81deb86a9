"""A Cloze question in Chromium: a trainee fills in its gaps (a text box, a number, a list,
checkboxes,
each labelled "Gap n", here in Spanish: "Hueco n"), with JavaScript and without it, submits and
reads per-gap marks.

It runs against its own server (a committed SQLite database with one course whose quiz holds only
a Cloze question), so the demo's quizzes stay as the other browser tests expect them.
"""
from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from academy.extensions import db
from tests.browser.checks import assert_accessible
from tests.browser.conftest import ARTIFACTS, _QuietHandler
from tests.browser.steps import sign_in
from tests.support import PASSWORD, fresh_database_url, make_app, upgrade_schema

SOURCE = ("La capital de Alemania es {1:SHORTANSWER:=Berlín#Correcto~%50%Bonn#Antes de 1990}. "
          "Un registro dura {2:NUMERICAL:=30:5#Bien} minutos; "
          "el color es {1:MULTICHOICE:=rojo#Sí~verde#No~azul}. "
          "Derechos: {1:MULTIRESPONSE:%50%dignidad~%50%intimidad~%-100%ninguno}")


def _world() -> str:
    """An academy, the sample course with a quiz of one Cloze question, two enrolled trainees;
    returns the quiz's path."""
    from academy.academies import operations as academy_ops
    from academy.accounts import operations as account_ops
    from academy.curricula import operations as course_ops
    from academy.enrolment import operations as enrolment_ops
    from academy.packages import operations as package_ops
    from academy.quizzes import cloze, queries, slots
    from academy.quizzes.bank import operations as bank_ops
    from academy.quizzes.gift import GiftQuestion
    from tests.factories.packages import sample_package

    academy = academy_ops.create_academy(slug="cloze-academy", names={"es": "Academia Cloze"},
                                         country="ES", default_locale="es")
    course = package_ops.import_package(sample_package(), academy=academy)
    course_ops.publish_course(course)
    lesson = queries.quizzes_of(course.id)[0]
    for slot in slots.slots_of(lesson.id):
        slots.remove_slot(lesson, slot.id)
    text, gaps = cloze.parse_embedded(SOURCE)
    bank_ops.create_cloze(course, GiftQuestion(0, "cloze-1", "", "cloze", text, "html", gaps=gaps,
                                               general_feedback="Repase la lección."), {}, lesson)
    lesson.settings = {**lesson.settings, "time_limit_minutes": 0, "review_answers": "immediately",
                       "review_feedback": "immediately", "review_score": "immediately"}
    for username in ("cloze.js", "cloze.nojs"):
        person, _ = account_ops.create_user(academy=academy, roles=["trainee"], password=PASSWORD,
                                            username=username, display_name=username, locale="es")
        enrolment_ops.enrol_self(person, course)
    db.session.commit()
    return f"/courses/{course.id}/quizzes/{lesson.id}"


@pytest.fixture(scope="module")
def cloze_server(tmp_path_factory):
    """(base URL, quiz path) of a server of its own."""
    tmp = tmp_path_factory.mktemp("cloze-browser")
    app = make_app(fresh_database_url(tmp, sqlite=True), tmp)
    upgrade_schema(app)
    with app.test_request_context():
        quiz = _world()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="cloze-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", quiz
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _take_quiz(page: Page, quiz: str, username: str, axe=None) -> None:
    page.goto("/")
    sign_in(page, username, PASSWORD)
    page.goto(quiz)
    page.locator("form[action$='/start'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    if axe is not None:  # axe-core runs in the page: only with JavaScript
        assert_accessible(page, axe)
    question = page.locator("#attempt-form fieldset.question")
    question.get_by_role("textbox", name="Hueco 1").fill("Bonn")
    question.get_by_role("textbox", name="Hueco 2").fill("31")
    question.get_by_role("combobox", name="Hueco 3").select_option(label="rojo")
    rights = question.get_by_role("group", name="Hueco 4")
    rights.get_by_label("dignidad").check()
    rights.get_by_label("intimidad").check()
    page.locator("#attempt-form .attempt-nav button[name=go][value='summary']").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/summary$"))
    page.locator("form[action$='/submit'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/review$"))
    review = page.locator("fieldset.question")
    expect(review.locator(".cloze-gap.is-partial")).to_have_count(1)
    expect(review.locator(".cloze-gap.is-right")).to_have_count(3)
    expect(review).to_contain_text("Antes de 1990")
    expect(review.get_by_role("textbox", name="Hueco 1")).to_have_value("Bonn")
    expect(review.get_by_role("textbox", name="Hueco 1")).to_be_disabled()
    if axe is not None:
        assert_accessible(page, axe)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_trainee_fills_in_a_cloze_question_and_reads_the_marks_per_gap(
        browser, axe, cloze_server, javascript):
    base, quiz = cloze_server
    context = browser.new_context(locale="es-ES", base_url=base, java_script_enabled=javascript,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _take_quiz(page, quiz, "cloze.js" if javascript else "cloze.nojs",
                   axe if javascript else None)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)  # the review as it ended, for humans
        page.screenshot(path=str(ARTIFACTS / f"cloze-review-{'js' if javascript else 'nojs'}.png"),
                        full_page=True)
        context.close()
