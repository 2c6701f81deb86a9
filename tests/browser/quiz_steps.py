"""A trainee's way into a quiz of the demo's Mandela course, click by click: signed in, the quiz
opened, an attempt started, a page answered, the attempt's pages walked and submitted."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.steps import catalogue_links, enrol, id_in, open_nav, search_catalogue, sign_in

MANDELA = "Reglas Nelson Mandela"  # in the Spanish title of the demo course of es-cep


def signed_in(new_page, username: str) -> Page:
    page = new_page(locale="es-ES")
    page.goto("/")
    sign_in(page, username)
    # their academy's Spanish: Spain's (es) or Latin America's (es-419)
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^es(-419)?$"))
    return page


def open_first_quiz(page: Page, *, enrolling: bool = True) -> str:
    """Courses → the Mandela course → (enrol) → its first quiz in the outline; the quiz's path."""
    open_nav(page, "/courses")
    search_catalogue(page, q="Mandela")
    catalogue_links(page).filter(has_text=MANDELA).click()
    expect(page).to_have_url(re.compile(r"/courses/\d+$"))
    if enrolling:
        enrol(page)
    quiz = page.locator("ol.outline a[href*='/quizzes/']").first
    path = quiz.get_attribute("href")
    quiz.click()
    expect(page).to_have_url(re.compile(rf"{re.escape(path)}$"))
    return path


def start_attempt(page: Page) -> int:
    """On the quiz page: the start button; lands on page 1 of the attempt; the attempt's id."""
    page.locator("form[action$='/start'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    expect(page.locator("#attempt-form")).to_be_visible()
    return id_in(page.url, r"/attempts/(\d+)")


def answer_page(page: Page) -> dict[str, tuple[str, str]]:
    """Answer every question on the page: the first choice of each radio group, the first box of
    each checkbox group, a text in each text field. Returns {field: ("checked"|"value", what)}."""
    given: dict[str, tuple[str, str]] = {}
    for question in page.locator("#attempt-form fieldset.question").all():
        for kind in ("radio", "checkbox"):
            choices = question.locator(f"input[type={kind}]:not([name=flagged])")
            if choices.count():
                first = choices.first
                first.check()
                given[first.get_attribute("id")] = ("checked", first.get_attribute("value"))
        for field in question.locator("input[type=text], textarea").all():
            text = "122" if field.get_attribute("inputmode") == "decimal" else "70/175"
            field.fill(text)
            given[field.get_attribute("id")] = ("value", text)
    assert given, "the attempt's page shows no question"
    return given


def go(page: Page, where: str) -> None:
    """The attempt's navigation: a page number, or "summary" ("Finish attempt…")."""
    page.locator(f"#attempt-form .attempt-nav button[name=go][value='{where}']").click()


def submit_attempt(page: Page) -> None:
    """From the last page: "Finish attempt…" → the summary → "Submit all and finish"."""
    go(page, "summary")
    expect(page).to_have_url(re.compile(r"/attempts/\d+/summary$"))
    page.locator("form[action$='/submit'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/review$"))
    expect(page.locator(".flash-success")).to_be_visible()
