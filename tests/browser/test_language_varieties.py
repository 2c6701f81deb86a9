"""Seven interface locales in the browser: the same pages read in each variety, with `lang` in
BCP 47 (pt-BR, es-419), each variety's own words, and the content in its five languages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import catalogue_links, sign_in, switch_language

# locale: (the browser's language, the html lang, the sign-in form's words, its switcher name)
VARIETIES = {
    "es": ("es-ES", "es", ["Nombre de usuario", "Contraseña"], "Español (España)"),
    "es_419": ("es-MX", "es-419", ["Nombre de usuario", "Contraseña"], "Español (Latinoamérica)"),
    "pt_BR": ("pt-BR", "pt-BR", ["Nome de usuário", "Senha"], "Português (Brasil)"),
    "pt_PT": ("pt-PT", "pt-PT", ["Nome de utilizador", "Palavra-passe"], "Português (Portugal)"),
    "fr": ("fr-FR", "fr", ["Nom d’utilisateur", "Mot de passe"], "Français"),
    "it": ("it-IT", "it", ["Nome utente", "Password"], "Italiano"),
    "en": ("en-GB", "en", ["Username", "Password"], "English"),
}

# A demo trainee of an academy of each variety, one no other browser test signs in as (they
# share the live server): its academy's default reaches its people (academy/demo).
TRAINEES = {
    "es": ("es.trainee9", "Le damos la bienvenida"),
    "es_419": ("co.trainee9", "Le damos la bienvenida"),
    "pt_BR": ("br.trainee9", "Boas-vindas"),
    "pt_PT": ("pt.trainee9", "Boas-vindas"),
    "fr": ("fr.trainee9", "Bienvenue"),
    "it": ("it.trainee9", "Le diamo il benvenuto"),
}


@pytest.mark.parametrize("locale", list(VARIETIES))
def test_the_sign_in_page_reads_in_each_variety(new_page, locale):
    browser_language, html_lang, words, name = VARIETIES[locale]
    page = new_page(locale=browser_language)
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    form = page.locator("main form")
    for word in words:
        expect(form).to_contain_text(word)
    pressed = page.locator(".language-switcher button[aria-pressed=true]")
    expect(pressed).to_have_attribute("value", locale)
    expect(pressed).to_have_attribute("lang", html_lang)
    expect(pressed).to_have_attribute("title", name)
    # every variety is offered, each in its own language and named in it
    switcher = page.locator(".language-switcher button")
    expect(switcher).to_have_count(7)
    for code, (_browser, code_lang, _words, code_name) in VARIETIES.items():
        button = page.locator(f".language-switcher button[value={code}]")
        expect(button).to_have_attribute("lang", code_lang)
        expect(button).to_have_attribute("title", code_name)


@pytest.mark.parametrize("locale", list(TRAINEES))
def test_each_academys_trainees_read_their_variety_and_their_languages_content(new_page,
                                                                                locale):
    username, greeting = TRAINEES[locale]
    html_lang = VARIETIES[locale][1]
    page = new_page(locale="en-GB")  # the profile (the academy's variety) wins over the browser
    page.goto("/")
    sign_in(page, username)
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    expect(page.locator("main .greeting")).to_contain_text(greeting)

    page.goto("/courses")
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    catalogue_links(page).first.click()
    # the course is written in five languages: a variety reads its language's text, unmarked
    language = html_lang.split("-")[0]
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    expect(page.locator("main .summary").first).to_have_attribute("lang", language)
    expect(page.locator("main h1 .shown-in")).to_have_count(0)


def test_the_same_page_switches_through_all_seven(new_page):
    page = new_page(locale="es-ES")
    page.goto("/login")
    headings = {}
    for locale, (_browser, html_lang, words, _name) in VARIETIES.items():
        switch_language(page, locale)
        expect(page).to_have_url(re.compile(r"/login$"))
        expect(page.locator("html")).to_have_attribute("lang", html_lang)
        expect(page.locator("main form")).to_contain_text(words[0])
        headings[locale] = page.locator("main form").inner_text()
    # Portugal and Brazil differ on this very form; so do Spain and French, Italian, English
    assert headings["pt_BR"] != headings["pt_PT"]
