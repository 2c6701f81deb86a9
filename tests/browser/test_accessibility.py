"""axe-core on every page of the foundation: no serious or critical violation anywhere.

Each page is reached the way a person reaches it (signing in, following links, sending forms),
so the state axe sees is the one people see, error messages included.
"""
from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import BLOCKING, assert_accessible, describe_violations
from tests.browser.steps import add_person, open_people, sign_in, sign_out

_serial = itertools.count(1)


def _signed_in(page: Page, username: str) -> None:
    page.goto("/")
    sign_in(page, username)


def home_anonymous(page):
    page.goto("/")


def home_signed_in(page):
    _signed_in(page, "es.instructor")
    expect(page.locator("main h1")).to_contain_text("Javier Montoya Sanz")


def login(page):
    page.goto("/login")


def login_failed(page):
    page.goto("/login")
    page.locator("#username").fill("nobody.at.all")
    page.locator("#password").fill("not the password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .form-errors")).to_be_visible()


def change_password(page):
    """The forced change of a new person, with the one-time notice and a too-short password."""
    _signed_in(page, "es.admin")
    username, one_time = add_person(page, f"axe.person{next(_serial)}", "Persona de Prueba Axe")
    page.locator("a.button[href$='/people']").click()  # "Done" on the slip page
    sign_out(page)
    sign_in(page, username, one_time)
    page.locator("#current_password").fill(one_time)
    page.locator("#new_password").fill("corta")
    page.locator("#confirm_password").fill("corta")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#new_password-error")).to_be_visible()
    expect(page.locator("main .notice")).to_be_visible()


def profile(page):
    _signed_in(page, "es.instructor")
    page.locator(".account-nav a[href='/account']").click()
    expect(page.locator("#display_name")).to_be_visible()


def not_found(page):
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404


def people_list(page):
    _signed_in(page, "es.admin")
    open_people(page)


def add_person_with_errors(page):
    _signed_in(page, "es.admin")
    open_people(page)
    page.locator(".page-head a.button.primary[href$='/people/new']").click()
    page.locator("#username").fill("No Vale!")
    page.locator("#roles-0").uncheck()
    page.locator("main form button.primary[type=submit]").click()
    expect(page.locator("#username-error")).to_be_visible()
    expect(page.locator("#display_name-error")).to_be_visible()
    expect(page.locator("main .form-errors")).to_be_visible()


def csv_import(page):
    _signed_in(page, "es.admin")
    open_people(page)
    page.locator(".page-head a.button[href$='/people/import']").click()
    expect(page.locator("#csv_file")).to_be_visible()


def slip(page):
    _signed_in(page, "es.admin")
    add_person(page, f"axe.slip{next(_serial)}", "Persona con Hoja de Acceso")


def academies_list(page):
    _signed_in(page, "admin")
    page.locator(".main-nav a[href='/admin/academies']").click()
    expect(page.locator("table")).to_be_visible()


def academy_form(page):
    academies_list(page)
    page.locator(".page-head a.button.primary[href='/admin/academies/new']").click()
    expect(page.locator("#slug")).to_be_visible()


def network_staff(page):
    _signed_in(page, "admin")
    page.locator(".main-nav a[href='/admin/staff']").click()
    expect(page.locator("table")).to_be_visible()


PAGES = [home_anonymous, home_signed_in, login, login_failed, change_password, profile, not_found,
         people_list, add_person_with_errors, csv_import, slip, academies_list, academy_form,
         network_staff]


@pytest.mark.parametrize("open_page", PAGES, ids=[p.__name__.replace("_", "-") for p in PAGES])
def test_page_has_no_serious_accessibility_problem(page, axe, open_page):
    open_page(page)
    assert_accessible(page, axe)


def test_axe_does_report_a_known_problem(page, axe):
    """The checker itself works here: a page built to fail is refused (else green means nothing)."""
    page.set_content('<html><head><title>Bad</title></head><body><main>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                     '<input type="text"></main></body></html>')
    violations = axe.run(page).response["violations"]
    found = {v["id"] for v in violations if v.get("impact") in BLOCKING}
    assert {"image-alt", "label"} <= found, describe_violations(violations)
