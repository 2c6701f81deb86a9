"""What people do, click by click: languages, first sign-in, no JavaScript, small screens,
keyboard."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import add_person, open_people, sign_out, switch_language
from tests.browser.steps import sign_in_with_form as sign_in  # the form, by hand

HOME_GREETING = {
    "es": "Le damos la bienvenida, {}",
    "pt_PT": "Boas-vindas, {}",
    "it": "Le diamo il benvenuto, {}",
    "en": "Welcome, {}",
}


def expect_home_greets(page, name: str, locale: str) -> None:
    """A trainee's landing page after signing in (their courses, issue 15) greets them."""
    expect(page.locator("html")).to_have_attribute("lang", locale.replace("_", "-"))
    expect(page).to_have_url(re.compile(r"/learning$"))
    expect(page.locator("main .greeting")).to_have_text(HOME_GREETING[locale].format(name))


def test_language_chosen_before_sign_in_is_kept_then_remembered_in_the_profile(new_page):
    page = new_page(locale="es-ES")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Formación")

    switch_language(page, "pt_PT")
    expect(page.locator(".language-switcher button[value=pt_PT]")).to_have_attribute("aria-pressed",
                                                                                     "true")
    sign_in(page, "es.trainee1")
    expect_home_greets(page, "Lucía Fernández Gil", "pt_PT")
    sign_out(page)
    expect(page.locator("html")).to_have_attribute("lang", "pt-PT")

    # Another computer whose browser asks for English: the profile's choice wins.
    elsewhere = new_page(locale="en-GB")
    elsewhere.goto("/")
    expect(elsewhere.locator("html")).to_have_attribute("lang", "en")
    sign_in(elsewhere, "es.trainee1")
    expect_home_greets(elsewhere, "Lucía Fernández Gil", "pt_PT")


def test_language_chosen_while_signed_in_is_kept(new_page):
    page = new_page(locale="es-ES")
    page.goto("/")
    sign_in(page, "es.trainee2")
    expect_home_greets(page, "Álvaro Núñez Pérez", "es")

    switch_language(page, "it")
    expect_home_greets(page, "Álvaro Núñez Pérez", "it")  # back on the same page, now in Italian
    page.locator(".account-nav a[href='/account']").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.locator("#locale")).to_have_value("it")  # saved in the profile
    sign_out(page)

    again = new_page(locale="es-ES")
    again.goto("/")
    sign_in(again, "es.trainee2")
    expect_home_greets(again, "Álvaro Núñez Pérez", "it")


def test_new_person_must_choose_a_password_at_first_sign_in(new_page):
    admin = new_page()
    admin.goto("/")
    sign_in(admin, "es.admin")
    username, one_time = add_person(admin, "nerea.prueba", "Nerea Prueba Gómez")
    assert username == "nerea.prueba"
    assert len(one_time) >= 8
    expect(admin.locator(".flash-success")).to_contain_text("Nerea Prueba Gómez")

    page = new_page()
    page.goto("/")
    sign_in(page, username, one_time)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    expect(page.locator("main h1")).to_have_text("Cambiar su contraseña")
    expect(page.locator("main .notice")).to_be_visible()

    # Going elsewhere is not possible before the password is changed.
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/account/password$"))

    page.locator("#current_password").fill(one_time)
    page.locator("#new_password").fill("corta")
    page.locator("#confirm_password").fill("corta")
    page.locator("main form button[type=submit]").click()
    error = page.locator("#new_password-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("Use al menos 10 caracteres.")
    expect(page.locator("#new_password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#new_password")).to_have_attribute("aria-describedby",
                                                            "new_password-hint new_password-error")
    expect(page.locator("main .form-errors")).to_be_visible()

    page.locator("#current_password").fill(one_time)
    page.locator("#new_password").fill("mi frase secreta de la academia")
    page.locator("#confirm_password").fill("mi frase secreta de la academia")
    page.locator("main form button[type=submit]").click()
    expect_home_greets(page, "Nerea Prueba Gómez", "es")
    expect(page.locator(".flash-success")).to_be_visible()


def test_without_javascript_one_can_sign_in_and_switch_language(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    switch_language(page, "fr")
    sign_in(page, "es.trainee3")
    expect(page.locator("main .greeting")).to_contain_text("Begoña Iñíguez Martín")
    switch_language(page, "en")
    expect_home_greets(page, "Begoña Iñíguez Martín", "en")
    sign_out(page)


NARROW = {"width": 320, "height": 640}


def _narrow_home(page):
    page.goto("/")


def _narrow_login(page):
    page.goto("/login")


def _narrow_people(page):
    page.goto("/")
    sign_in(page, "es.admin")
    open_people(page)


@pytest.mark.parametrize("open_page, signed_in", [(_narrow_home, False), (_narrow_login, False),
                                                  (_narrow_people, True)],
                         ids=["home", "login", "people-list"])
def test_nothing_scrolls_sideways_on_a_320px_screen(new_page, open_page, signed_in):
    page = new_page(viewport=NARROW)
    open_page(page)
    page.wait_for_load_state("load")  # the stylesheet too: without it the table is wider
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width}px wide on a 320px screen"
    expect(page.locator(".language-switcher")).to_be_visible()
    expect(page.locator(".language-switcher button[value=pt_PT]")).to_be_in_viewport()
    if signed_in:
        expect(page.locator(".account-nav form button")).to_be_visible()
    else:
        expect(page.locator(".account-nav a[href='/login']")).to_be_visible()
        expect(page.locator(".account-nav a[href='/login']")).to_be_in_viewport()


def test_first_tab_reaches_the_skip_link_which_shows_itself(page):
    page.goto("/")
    skip = page.locator("a.skip-link")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Ir al contenido")
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()
