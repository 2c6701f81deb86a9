"""Courses, click by click: finding and reading them, writing, sharing, reviewing and adopting them.

The live server's data is shared by the whole session, so what these tests create carries a
random suffix, and the catalogue is asserted on the demo courses, whose titles are known.
"""
from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.steps import (
    DEMO_PASSWORD,
    add_lesson,
    add_module,
    catalogue_links,
    create_course,
    enrol,
    id_in,
    open_nav,
    publish_and_share,
    save_lesson,
    search_catalogue,
    sign_in,
    sign_out,
    switch_language,
)

MANDELA = "Reglas Nelson Mandela"  # in the Spanish title of the demo course of es-cep
ALTERNATIVES = "Alternativas a la prisión"  # br-espen's
DYNAMIC_SECURITY = "Seguridad dinámica"  # fr-enap's
NARROW = {"width": 320, "height": 640}


def _suffix() -> str:
    return secrets.token_hex(3)


def _lesson_links(page):
    return page.locator("ol.outline a[href*='/lessons/']")


# --- 1. The catalogue -----------------------------------------------------------------------------

def test_a_trainee_finds_a_course_reads_it_and_switches_its_language(page):
    page.goto("/")
    sign_in(page, "co.trainee1")
    open_nav(page, "/courses")
    # Colombia: Latin American Spanish
    expect(page.locator("html")).to_have_attribute("lang", "es-419")
    expect(catalogue_links(page).filter(has_text=MANDELA)).to_have_count(1)

    search_catalogue(page, q="Mandela")
    expect(page).to_have_url(re.compile(r"[?&]q=Mandela"))
    # Titles and summaries are searched: fr-enap's course cites the Mandela Rules in its summary.
    expect(catalogue_links(page).filter(has_text=MANDELA)).to_have_count(1)
    expect(catalogue_links(page).filter(has_text=DYNAMIC_SECURITY)).to_have_count(1)
    expect(catalogue_links(page).filter(has_text=ALTERNATIVES)).to_have_count(0)

    search_catalogue(page, q="alternativas")  # a word of a title in the active language
    expect(catalogue_links(page).filter(has_text=ALTERNATIVES)).to_have_count(1)
    expect(catalogue_links(page).filter(has_text=MANDELA)).to_have_count(0)

    search_catalogue(page, language="it", tag="security")
    expect(page).to_have_url(re.compile(r"language=it.*tag=security"))
    expect(catalogue_links(page).filter(has_text=DYNAMIC_SECURITY)).to_have_count(1)
    expect(catalogue_links(page).filter(has_text=MANDELA)).to_have_count(0)
    search_catalogue(page, language="es", tag="human-rights")
    expect(page.locator("#tag")).to_have_value("human-rights")  # the filters stay as chosen
    expect(page.locator("#language")).to_have_value("es")
    expect(catalogue_links(page).filter(has_text=DYNAMIC_SECURITY)).to_have_count(0)

    catalogue_links(page).filter(has_text=MANDELA).click()
    expect(page).to_have_url(re.compile(r"/courses/\d+$"))
    course_id = id_in(page.url, r"/courses/(\d+)$")
    expect(page.locator("main h1 [lang=es]")).to_contain_text(MANDELA)
    expect(page.locator("ol.outline > li")).to_have_count(3)  # three modules
    expect(page.locator("ol.outline li li")).to_have_count(12)  # three lessons and a quiz each
    expect(_lesson_links(page)).to_have_count(0)  # lessons open to enrolled people
    enrol(page)
    expect(_lesson_links(page)).to_have_count(9)  # the quizzes are not links
    expect(page.locator("ol.outline .badge")).to_have_count(3)
    first, second = (_lesson_links(page).nth(i).get_attribute("href") for i in (0, 1))

    _lesson_links(page).first.click()
    expect(page).to_have_url(re.compile(rf"{re.escape(first)}$"))
    assert first.startswith(f"/courses/{course_id}/lessons/")
    lesson = page.locator("article.lesson")
    expect(lesson.locator(".lesson-body")).to_have_attribute("lang", "es")
    expect(lesson.locator(".lesson-body h2").first).to_be_visible()
    expect(page.locator("nav.pager a[rel=prev]")).to_have_count(0)

    page.locator("nav.pager a[rel=next]").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(second)}$"))
    expect(page.locator("nav.pager a[rel=prev]")).to_have_attribute("href", first)
    spanish_title = lesson.locator("h1 > span[lang]").inner_text()

    # The interface language decides the lesson's language (all demo courses have five).
    for code, language in (("pt_BR", "pt"), ("en", "en")):  # Brazil reads the Portuguese text
        switch_language(page, code)
        expect(page).to_have_url(re.compile(rf"{re.escape(second)}$"))  # still on the lesson
        expect(lesson.locator(".lesson-body")).to_have_attribute("lang", language)
        expect(lesson.locator("h1 > span[lang]")).to_have_attribute("lang", language)
        expect(lesson.locator(".shown-in")).to_have_count(0)  # no fallback: it is written in it
        assert lesson.locator("h1 > span[lang]").inner_text() != spanish_title
    switch_language(page, "es")
    expect(lesson.locator("h1 > span[lang]")).to_have_text(spanish_title)


def test_anonymous_visitors_see_the_outline_and_are_asked_to_sign_in_for_lessons(page):
    page.goto("/")
    open_nav(page, "/courses")
    catalogue_links(page).filter(has_text=MANDELA).click()
    course_path = re.sub(r"^https?://[^/]+", "", page.url)
    expect(page.locator("ol.outline > li")).to_have_count(3)
    expect(page.locator("ol.outline li li")).to_have_count(12)  # 9 lessons and 3 quizzes, listed
    expect(_lesson_links(page)).to_have_count(0)
    expect(page.locator("form[action$='/adopt']")).to_have_count(0)

    invitation = page.locator("main a[href^='/login?next=']")
    expect(invitation).to_be_visible()
    invitation.click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.locator("#username").fill("co.trainee2")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(course_path)}$"))  # back on the course
    enrol(page)
    expect(_lesson_links(page)).to_have_count(9)
    lesson_path = _lesson_links(page).first.get_attribute("href")
    sign_out(page)

    page.goto(lesson_path)  # a lesson's address, signed out: the sign-in form, then the lesson
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.locator(".flash-info")).to_be_visible()
    page.locator("#username").fill("co.trainee2")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(lesson_path)}$"))
    expect(page.locator("article.lesson .lesson-body")).to_be_visible()


# --- 2. Writing, translating, sharing, reviewing and adopting a course ----------------------------

def test_a_course_is_written_in_two_languages_reviewed_shared_and_adopted(new_page):
    tag = _suffix()
    title = f"Registros con dignidad {tag}"
    author = new_page(locale="es-ES")
    author.goto("/")
    sign_in(author, "es.instructor")
    course_id = create_course(author, title, f"registros-{tag}", locales=("es", "en"),
                              tags=f"searches, test-{tag}")
    course_url = re.compile(rf"/authoring/courses/{course_id}(#\w+)?$")
    expect(author.locator("main h1 [lang=es]")).to_have_text(title)
    add_module(author, "Principios")
    lesson_id = add_lesson(author, "Por qué importa")
    expect(author.locator("main form[lang=es]")).to_be_visible()
    expect(author.locator("section.reference")).to_have_count(0)  # the default language itself

    # The live preview follows the typing (JavaScript on) …
    author.locator("#minutes").fill("15")
    body = author.locator("#body")
    body.fill("## Dignidad\n\nUn registro ")
    body.press_sequentially("**proporcional**.", delay=10)
    expect(author.locator("#live-preview h2")).to_have_text("Dignidad")
    expect(author.locator("#live-preview")).to_have_attribute("lang", "es")
    expect(author.locator("#live-preview strong")).to_have_text("proporcional")
    # … and the Preview button shows it from the server, without saving.
    body.fill("## Dignidad\n\nUn registro *proporcional* y **necesario**.")
    author.locator("button[name=action][value=preview]").click()
    expect(author.locator("#live-preview em")).to_have_text("proporcional")
    expect(author.locator("#live-preview strong")).to_have_text("necesario")
    expect(author.locator(".flash-success")).to_have_count(0)
    expect(author.locator(".page-head .locale-links a[lang=en]")).to_have_class(
        re.compile(r"\bmissing\b"))
    save_lesson(author, body="## Dignidad\n\nUn registro *proporcional* y **necesario**.")
    expect(author).to_have_url(re.compile(rf"/authoring/lessons/{lesson_id}/texts/es$"))

    # The English version, side by side with the Spanish one.
    author.locator(".page-head .locale-links a[lang=en]").click()
    expect(author).to_have_url(re.compile(rf"/authoring/lessons/{lesson_id}/texts/en$"))
    reference = author.locator("section.reference")
    expect(reference).to_be_visible()
    expect(reference).to_have_attribute("lang", "es")
    expect(reference).to_contain_text("Por qué importa")
    expect(reference.locator(".lesson-body strong")).to_have_text("necesario")
    expect(author.locator("main form[lang=en]")).to_be_visible()
    expect(author.locator("#body")).to_have_value("")
    expect(author.locator("#live-preview")).to_have_attribute("lang", "en")
    save_lesson(author, title="Why it matters", minutes=15,
                body="## Dignity\n\nA *proportionate* and **necessary** search.")
    expect(author.locator(".page-head .locale-links a[lang=en]")).to_have_class(
        re.compile(r"\bdone\b"))

    author.locator("p.breadcrumb a").click()
    expect(author).to_have_url(course_url)
    english_row = author.locator(f"tr:has(a[href$='/courses/{course_id}/texts/en'])")
    spanish_row = author.locator(f"tr:has(a[href$='/courses/{course_id}/texts/es'])")
    expect(spanish_row.locator("td.num").first).to_have_text("3 / 3")
    expect(english_row.locator("td.num").first).to_have_text("1 / 3")  # the lesson only
    english_row.locator("a").click()  # the course's title and summary in English
    expect(author.locator("section.reference")).to_contain_text(title)
    author.locator("#title").fill(f"Searches with dignity {tag}")
    author.locator("#summary").fill("How to search people and cells with respect.")
    author.locator("main form[lang=en] button[type=submit]").click()
    expect(author).to_have_url(course_url)
    author.locator("ol.outline .row .locale-links a[lang=en]").first.click()  # the module's title
    author.locator("#title").fill("Principles")
    author.locator("main form[lang=en] button[type=submit]").click()
    expect(author).to_have_url(course_url)
    expect(english_row.locator("td.num").first).to_have_text("3 / 3")

    publish_and_share(author)

    # The coordinator returns it with a comment …
    reviewer = new_page(locale="es-ES")
    reviewer.goto("/")
    sign_in(reviewer, "coordinator")
    open_nav(reviewer, "/reviews")
    reviewer.locator(f"main a[href='/reviews/{course_id}']").click()
    expect(reviewer.locator("main h1 [lang=es]")).to_have_text(title)
    reviewer.locator("button[name=decision][value=return]").click()
    expect(reviewer.locator("#comment-error")).to_be_visible()  # returning needs a reason
    comment = f"Añadan un caso práctico ({tag})."
    reviewer.locator("#comment").fill(comment)
    reviewer.locator("button[name=decision][value=return]").click()
    expect(reviewer).to_have_url(re.compile(r"/reviews$"))
    expect(reviewer.locator(f"main a[href='/reviews/{course_id}']")).to_have_count(0)

    # … the author reads it and asks again …
    author.reload()
    expect(author.locator("ul.reviews blockquote").first).to_have_text(comment)
    author.locator("form[action$='/share'] button[type=submit]").click()
    expect(author.locator("form[action$='/share']")).to_have_count(0)

    # … and the coordinator approves.
    reviewer.reload()
    reviewer.locator(f"main a[href='/reviews/{course_id}']").click()
    reviewer.locator("button[name=decision][value=approve]").click()
    expect(reviewer).to_have_url(re.compile(r"/reviews$"))
    expect(reviewer.locator(".flash-success")).to_be_visible()
    expect(reviewer.locator(f"main a[href='/reviews/{course_id}']")).to_have_count(0)
    author.reload()
    expect(author.locator("ul.reviews > li")).to_have_count(2)

    # Another academy's instructor finds it in the catalogue and adopts it.
    adopter = new_page(locale="fr-FR")
    adopter.goto("/")
    sign_in(adopter, "fr.instructor")
    open_nav(adopter, "/courses")
    search_catalogue(adopter, q=f"dignidad {tag}")
    expect(catalogue_links(adopter)).to_have_count(1)
    catalogue_links(adopter).click()
    expect(adopter).to_have_url(re.compile(rf"/courses/{course_id}$"))
    adopter.locator("form[action$='/adopt'] button[type=submit]").click()
    expect(adopter).to_have_url(re.compile(r"/authoring/courses/\d+$"))
    copy_id = id_in(adopter.url, r"/authoring/courses/(\d+)$")
    assert copy_id != course_id
    expect(adopter.locator(".flash-success")).to_be_visible()
    adopted_note = adopter.locator(f"main p:has(a[href='/courses/{course_id}'])")
    expect(adopted_note).to_be_visible()  # "Adopted from another academy's course … the original"
    expect(adopter.locator("main h1 [lang]").first).to_contain_text(tag)
    expect(adopter.locator("button[name=change][value=publish]")).to_be_visible()  # a draft


# --- 3. Images in lessons -------------------------------------------------------------------------

def test_an_uploaded_image_shows_in_the_lesson(page, tmp_path):
    from PIL import Image

    tag = _suffix()
    picture = tmp_path / f"esquema-{tag}.png"
    Image.new("RGB", (64, 40), (11, 79, 108)).save(picture)

    page.goto("/")
    sign_in(page, "es.instructor")
    course_id = create_course(page, f"Curso con imagen {tag}", f"imagen-{tag}", locales=("es",))
    add_module(page, "Módulo")
    lesson_id = add_lesson(page, "Con un esquema")
    page.locator("p.breadcrumb a").click()

    page.locator("#upload").set_input_files(picture)
    page.locator("form[action$='/files'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/authoring/courses/{course_id}#files$"))
    expect(page.locator(".flash-success")).to_contain_text(picture.name)
    row = page.locator(f"#files tr:has(a[href='/courses/{course_id}/files/{picture.name}'])")
    expect(row.locator("code")).to_have_text(f"![…](files/{picture.name})")

    page.locator(
        f"ol.outline .locale-links a[href$='/authoring/lessons/{lesson_id}/texts/es']").click()
    save_lesson(page, body=f"Mire el esquema:\n\n![Esquema del módulo](files/{picture.name})")
    page.locator("p.breadcrumb a").click()
    page.locator(f"a.button[href='/courses/{course_id}']").click()  # "See as a reader"
    _lesson_links(page).first.click()
    image = page.locator(".lesson-body img")
    expect(image).to_have_attribute("alt", "Esquema del módulo")
    expect(image).to_have_attribute("src", f"/courses/{course_id}/files/{picture.name}")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") == 64


# --- 5. Small screens -----------------------------------------------------------------------------

def _narrow_catalogue(page):
    page.goto("/")
    open_nav(page, "/courses")


def _narrow_lesson(page):
    page.goto("/")
    sign_in(page, "ar.trainee3")
    page.goto("/courses?q=Nelson+Mandela")
    catalogue_links(page).filter(has_text=MANDELA).click()
    enrol(page)
    _lesson_links(page).first.click()
    expect(page.locator("article.lesson .lesson-body")).to_be_visible()


def _narrow_course_editor(page):
    page.goto("/")
    sign_in(page, "es.instructor")
    open_nav(page, "/authoring")
    page.locator("main table a[href^='/authoring/courses/']").filter(has_text=MANDELA).click()
    expect(page.locator("ol.outline.editable")).to_be_visible()


@pytest.mark.parametrize("open_page", [_narrow_catalogue, _narrow_lesson, _narrow_course_editor],
                         ids=["catalogue", "lesson", "course-editor"])
def test_course_pages_do_not_scroll_sideways_on_a_320px_screen(new_page, open_page):
    page = new_page(viewport=NARROW)
    open_page(page)
    page.wait_for_load_state("load")  # measured with the stylesheet applied
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide on a 320px screen"
    expect(page.locator(".language-switcher button[value=pt_PT]")).to_be_in_viewport()
