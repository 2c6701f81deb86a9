"""A trainee's every day, click by click: signing in lands on their courses with their grades;
the quiz's navigation shows each question's state and flags; a save that fails is retried without
the trainee typing anything more, and an answer the server refuses is marked at its question.

The quiz journeys take the first quiz of es-cep's Mandela course ("fundamentos": 7 questions, 5 a
page, a numerical one among them) with Brazilian trainees whom no other browser test enrols there.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.steps import catalogue_links, enrol, id_in, open_nav, search_catalogue, sign_in

SAVED = re.compile(r"salvas|guardadas|are saved")
PERCENT = re.compile(r"\d+(,\d)?\s?%")


def _signed_in(new_page, username: str, locale: str = "pt-BR", **options) -> Page:
    page = new_page(locale=locale, **options)
    page.goto("/")
    sign_in(page, username)
    return page


def _start_first_quiz(page: Page) -> int:
    """Courses → the Mandela course → enrol → its first quiz → start; the attempt's id."""
    open_nav(page, "/courses")
    search_catalogue(page, q="Mandela")
    catalogue_links(page).filter(has_text="Mandela").first.click()
    enrol(page)
    page.locator("ol.outline a[href*='/quizzes/']").first.click()
    page.locator("form[action$='/start'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    return id_in(page.url, r"/attempts/(\d+)")


def test_a_trainee_signs_in_to_their_courses_and_reads_their_grades(new_page):
    page = new_page(locale="es-ES")
    page.goto("/")
    sign_in(page, "es.trainee5")  # two courses completed in the demo, every quiz passed
    expect(page).to_have_url(re.compile(r"/learning$"))
    expect(page.locator("h1")).to_have_text("Mi formación")
    finished = page.locator(".course-list li").first
    expect(finished.locator("dl.facts")).to_contain_text(PERCENT)

    page.locator(".main-nav a[href='/grades']").click()
    expect(page.locator("h1")).to_have_text("Mis calificaciones")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first.locator("td").nth(1)).to_have_text(PERCENT)
    rows.first.locator("th a").click()
    expect(page).to_have_url(re.compile(r"/grades/\d+$"))
    expect(page.locator("dl.facts")).to_contain_text("Calificación del curso")
    quizzes = page.locator("table tbody tr")
    expect(quizzes).to_have_count(3)
    expect(quizzes.first).to_contain_text("aprobado")
    quizzes.first.get_by_role("link", name="Revisar el intento").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/review$"))


def test_the_quiz_panel_shows_answers_and_flags_and_leads_to_the_summary(new_page):
    page = _signed_in(new_page, "br.trainee1")
    attempt_id = _start_first_quiz(page)
    panel = page.locator(".quiz-panel")
    expect(panel.locator(".qnav")).to_have_count(7)
    expect(panel.locator(".qnav-words").first).to_have_text("Questão 1: sem resposta")

    questions = page.locator("#attempt-form fieldset.question")
    choice = questions.locator("input[type=radio]").first
    choice.check()
    answered = choice.locator("xpath=ancestor::fieldset").get_attribute("id").split("-")[1]
    other = next(q.get_attribute("id").split("-")[1] for q in questions.all()
                 if q.get_attribute("id").split("-")[1] != answered)
    page.locator(f"#q{other}-flag").check()
    button = lambda position: panel.locator(f".qnav[data-position='{position}']")  # noqa: E731
    expect(button(answered)).to_have_class(re.compile(r"\banswered\b"))  # at once, in the page
    expect(button(other)).to_have_class(re.compile(r"\bflagged\b"))
    expect(button(other).locator(".qnav-words")).to_contain_text("marcada")

    panel.get_by_role("button", name=re.compile("Terminar|Finish")).click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/summary$"))
    expect(page.locator("main")).to_contain_text("1 questão está marcada")
    page.locator(".quiz-panel a.flagged").click()  # back to the flagged question, kept
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}\?page=\d#question-{other}$"))
    expect(page.locator(f"#q{other}-flag")).to_be_checked()


def test_a_failed_save_is_retried_without_typing_and_a_refused_answer_is_marked(new_page):
    page = _signed_in(new_page, "br.trainee2", viewport={"width": 360, "height": 740})
    attempt_id = _start_first_quiz(page)
    failures = {"left": 1}

    def flaky(route):
        if failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=503, body="down for a moment")
        else:
            route.continue_()

    page.route("**/autosave", flaky)
    choice = page.locator("#attempt-form input[type=radio]").first
    choice.check()
    status = page.locator("#save-status")
    expect(status).to_have_class(re.compile(r"\bsave-offline\b"), timeout=12_000)
    status_box = status.bounding_box()
    assert status_box is not None and 0 <= status_box["y"] < 740  # in view, wherever one is
    # Nothing more is typed: the kept answers go again by themselves.
    expect(status).to_have_text(SAVED, timeout=15_000)
    page.unroute("**/autosave")
    page.reload()
    expect(page.locator("#attempt-form input[type=radio]").first).to_be_checked()

    number = page.locator("#attempt-form input[inputmode=decimal]")
    if number.count() == 0:  # the numerical question is on the second page
        page.locator(".attempt-nav button[name=go]").first.click()
        number = page.locator("#attempt-form input[inputmode=decimal]")
    number.fill("122 reglas")
    expect(status).to_have_class(re.compile(r"\bsave-error\b"), timeout=12_000)
    question = number.locator("xpath=ancestor::fieldset")
    expect(question.locator("p.error")).to_be_visible()
    expect(number).to_have_attribute("aria-invalid", "true")
    number.fill("122")
    # The refusal also says "the others are saved": wait for the save that takes the number.
    expect(status).to_have_class(re.compile(r"\bsave-ok\b"), timeout=12_000)
    expect(status).to_have_text(SAVED)
    expect(question.locator("p.error")).to_have_count(0)
    assert attempt_id
