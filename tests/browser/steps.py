"""What a person does in the browser, written once: sign in, sign out, pick a language, add someone.

Fields are found by their ids (WTForms names them after the form fields) so the steps work in
every language; what a person reads is asserted in the tests themselves.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from playwright.sync_api import Page, expect

from tests.support import CSRF_RE

DEMO_PASSWORD = "campus-demo"


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as the sign-in form does, then open the page it leads to.

    The form's own request (its CSRF token, the POST, the new session's cookie) is sent from
    the page's browser context without drawing the form: most journeys only start signed in.
    The form itself is filled in by hand in test_journeys.py and `first_sign_in`.
    """
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    form = page.request.get(f"{origin}/login")
    token = CSRF_RE.search(form.text())
    assert token, "no CSRF token on the sign-in page"
    answer = page.request.post(f"{origin}/login", max_redirects=0, form={
        "username": username, "password": password, "csrf_token": token.group(1)})
    assert answer.status == 302, f"signing in as {username}: {answer.status}"
    page.goto(urljoin(origin, answer.headers["location"]))


def sign_in_with_form(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Follow the header's sign-in link and fill in the form, as a person would."""
    page.locator(".account-nav a[href='/login']").click()
    expect(page.locator("#username")).to_be_visible()
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    page.locator(".account-nav form button[type=submit]").click()
    expect(page.locator(".account-nav a[href='/login']")).to_be_visible()


def switch_language(page: Page, code: str) -> None:
    """Click the switcher's button for the locale `code` (pt_BR: the one reading "PT-BR")."""
    label = code.replace("_", "-").upper()
    page.locator(".language-switcher").get_by_role(
        "button", name=re.compile(rf"^{re.escape(label)}(?![\w-])")).click()
    expect(page.locator("html")).to_have_attribute("lang", code.replace("_", "-"))


def open_people(page: Page) -> None:
    """The academy admin's "People" entry of the main navigation."""
    page.locator(".main-nav a[href*='/people']").first.click()
    expect(page.locator("table")).to_be_visible()


def add_person(page: Page, username: str, display_name: str) -> tuple[str, str]:
    """As an academy admin: People → Add a person → fill in → read the slip.

    Returns (username, one-time password) as printed on the slip.
    """
    open_people(page)
    page.locator(".page-head a.button.primary[href$='/people/new']").click()
    page.locator("#username").fill(username)
    page.locator("#display_name").fill(display_name)
    page.locator("#locale").select_option("")
    page.locator("main form button.primary[type=submit]").click()
    slip = page.locator("article.slip")
    expect(slip).to_be_visible()
    expect(slip).to_contain_text(display_name)
    shown_username = slip.locator("dd code").first.inner_text().strip()
    one_time = slip.locator("code.secret").inner_text().strip()
    return shown_username, one_time


# --- Courses: the catalogue and the course editor -------------------------------------------

def id_in(url: str, pattern: str) -> int:
    """The number captured by `pattern` (e.g. r"/courses/(\\d+)") in a page address."""
    match = re.search(pattern, url)
    assert match, f"{pattern} not in {url}"
    return int(match.group(1))


def open_nav(page: Page, path: str) -> None:
    """Click the main navigation's entry that leads to `path` (e.g. "/courses", "/reviews")."""
    page.locator(f".main-nav a[href='{path}']").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(path)}$"))


def search_catalogue(page: Page, *, q: str = "", language: str = "", tag: str = "") -> None:
    """Fill in the catalogue's search form and send it (empty values mean "all")."""
    filters = page.locator("form.filters")
    filters.locator("#q").fill(q)
    filters.locator("#language").select_option(language)
    filters.locator("#tag").select_option(tag)
    filters.locator("button[type=submit]").click()
    page.wait_for_load_state()


def catalogue_links(page: Page):
    """The course links of the catalogue's result list."""
    return page.locator(".course-list h2 a[href^='/courses/']")


def create_course(page: Page, title: str, slug: str, *, locales=("es", "en"),
                  tags: str = "") -> int:
    """As an author: My courses → New course → fill in → create. Returns the course's id."""
    open_nav(page, "/authoring")
    page.locator(".page-head a.button.primary[href$='/authoring/courses/new']").click()
    page.locator("#title").fill(title)
    page.locator("#slug").fill(slug)
    page.locator("#summary").fill(f"{title}: un curso de prueba.")
    page.locator("#default_locale").select_option(locales[0])
    for box in page.locator("input[name=locales]").all():
        box.set_checked(box.get_attribute("value") in locales)
    page.locator("#tags").fill(tags)  # always typed: the empty form shows "[]" here (a bug)
    page.locator("main form button.primary[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/authoring/courses/\d+$"))
    expect(page.locator(".flash-success")).to_be_visible()
    return id_in(page.url, r"/authoring/courses/(\d+)$")


def add_module(page: Page, title: str) -> None:
    """In the course editor: type a module title and add it."""
    form = page.locator("form.add-item:has(#new-module)")
    form.locator("#new-module").fill(title)
    form.locator("button[type=submit]").click()
    expect(page.locator("ol.outline h3", has_text=title)).to_be_visible()


def add_lesson(page: Page, title: str) -> int:
    """In the course editor: add a page to the last module, landing on its editor; its id."""
    return _add_to_last_module(page, title, "page")


def add_quiz(page: Page, title: str) -> int:
    """In the course editor: add a quiz to the last module, landing on its title and
    introduction; its id."""
    return _add_to_last_module(page, title, "quiz")


def _add_to_last_module(page: Page, title: str, kind: str) -> int:
    form = page.locator("form.add-item:has(input[id^='new-lesson-'])").last
    form.locator("input[id^='new-lesson-']").fill(title)
    form.locator(f"button[name=kind][value={kind}]").click()
    expect(page).to_have_url(re.compile(r"/authoring/lessons/\d+/texts/[a-z]{2}$"))
    expect(page.locator("#title")).to_have_value(title)
    return id_in(page.url, r"/authoring/lessons/(\d+)/")


def save_lesson(page: Page, *, body: str, title: str | None = None,
                minutes: int | None = None) -> None:
    """In the lesson editor: write the text (and title, reading time) and press Save."""
    if title is not None:
        page.locator("#title").fill(title)
    if minutes is not None:
        page.locator("#minutes").fill(str(minutes))
    page.locator("#body").fill(body)
    page.locator("button[name=action][value=save]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#body")).to_have_value(body)


def publish_and_share(page: Page) -> None:
    """In the course editor: Publish, then ask a coordinator to share the course."""
    page.locator("button[name=change][value=publish]").click()
    expect(page.locator("button[name=change][value=unpublish]")).to_be_visible()
    page.locator("form[action$='/share'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("form[action$='/share']")).to_have_count(0)  # waiting for review


def enrol(page: Page) -> None:
    """On a course page: press the enrolment box's button (open enrolment: lessons then open)."""
    page.locator("form[action$='/enrol'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/courses/\d+$"))
    expect(page.locator("form[action$='/enrol']")).to_have_count(0)
    expect(page.locator("ol.outline a[href*='/lessons/']").first).to_be_visible()


def first_sign_in(page: Page, username: str, one_time: str, new_password: str) -> None:
    """A new person signs in with the slip's one-time password and chooses their own."""
    page.goto("/")
    sign_in_with_form(page, username, one_time)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.locator("#current_password").fill(one_time)
    page.locator("#new_password").fill(new_password)
    page.locator("#confirm_password").fill(new_password)
    page.locator("main form button[type=submit]").click()
    # Where signing in leads: a trainee's courses, anyone else's home page.
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/(learning)?$"))


def publish(page: Page) -> None:
    """In the course editor: Publish (the course's own academy then sees it)."""
    page.locator("button[name=change][value=publish]").click()
    expect(page.locator("button[name=change][value=unpublish]")).to_be_visible()


def open_enrolment(page: Page, course_id: int) -> None:
    """In the course editor: the "Participants and enrolment" button (rules and roster)."""
    page.locator(f".page-head a.button[href='/authoring/courses/{course_id}/enrolment']").click()
    expect(page).to_have_url(re.compile(rf"/authoring/courses/{course_id}/enrolment$"))
    expect(page.locator("form[action$='/enrolment/rules']")).to_be_visible()


def import_questions(page: Page, course_id: int, path, locale: str) -> None:
    """In the question bank: import a GIFT file in one language into the bank (no quiz)."""
    page.goto(f"/courses/{course_id}/questions/import")
    page.locator("#upload").set_input_files(str(path))
    page.locator("#locale").select_option(locale)
    page.locator("main form button.primary[type=submit]").click()
    page.locator("form[action$='/questions/import/apply'] button.primary").click()
    expect(page.locator(".flash-success")).to_be_visible()


def approve_review(page: Page, course_id: int) -> None:
    """As a coordinator: Reviews → the course → Approve."""
    open_nav(page, "/reviews")
    page.locator(f"main a[href='/reviews/{course_id}']").click()
    page.locator("button[name=decision][value=approve]").click()
    expect(page).to_have_url(re.compile(r"/reviews$"))
    expect(page.locator(".flash-success")).to_be_visible()


def coordinator_approves(page: Page, course_id: int) -> None:
    """The network coordinator signs in and approves the course waiting for review."""
    page.goto("/")
    sign_in(page, "coordinator")
    approve_review(page, course_id)


def find_in_catalogue(page: Page, username: str, query: str) -> None:
    """Someone signs in, searches the catalogue and opens the one course it finds."""
    page.goto("/")
    sign_in(page, username)
    open_nav(page, "/courses")
    search_catalogue(page, q=query)
    catalogue_links(page).click()
