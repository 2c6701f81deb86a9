"""What a person does in the browser, written once: sign in, sign out, pick a language, add someone.

Fields are found by their ids (WTForms names them after the form fields) so the steps work in
every language; what a person reads is asserted in the tests themselves.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "campus-demo"


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
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
    """Click the switcher's button for `code` (e.g. the one reading "PT")."""
    page.locator(".language-switcher").get_by_role(
        "button", name=re.compile(rf"^{code.upper()}\b")).click()
    expect(page.locator("html")).to_have_attribute("lang", code)


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
