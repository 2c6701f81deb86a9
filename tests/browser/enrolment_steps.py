"""Steps of the enrolment journeys (tests/browser/test_enrolment_*.py): a person signed in in a
language, a course an instructor writes and publishes for one journey (a random suffix in its
title and slug), the course page's enrolment box and lesson links, the roster, and /learning."""
from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.browser.steps import (
    add_lesson,
    add_module,
    create_course,
    open_enrolment,
    publish,
    save_lesson,
    sign_in,
)


def suffix() -> str:
    return secrets.token_hex(3)


def signed_in(new_page, username: str, locale: str) -> Page:
    page = new_page(locale=locale)
    page.goto("/")
    sign_in(page, username)
    return page


def lesson_links(page: Page):
    return page.locator("ol.outline a[href*='/lessons/']")


def box(page: Page):
    return page.locator("section.enrolment-box")


def enrol_button(page: Page):
    return box(page).locator("form[action$='/enrol'] button[type=submit]")


def roster(page: Page):
    """The roster's rows of people (the "Nobody yet." row has no username under the name)."""
    return page.locator("section[aria-labelledby=roster-title] tbody tr:has(td span.muted)")


def interface(language: str):
    """The page's lang for a reader of `language`: that language or one of its varieties
    (pt-BR, pt-PT, es-419)."""
    return re.compile(rf"^{language}(-\w+)?$")


def own_course(page: Page, lang: str, tag: str, *, lessons: int = 1) -> int:
    """As an instructor: write a course of `lessons` lessons in `lang`, publish it; its id.

    Ends on the course's enrolment page, reached from the course editor.
    """
    course_id = create_course(page, f"Curso {tag}", f"inscripcion-{tag}", locales=(lang,))
    add_module(page, f"Módulo {tag}")
    for number in range(1, lessons + 1):
        add_lesson(page, f"Lección {number} {tag}")
        save_lesson(page, body=f"## Lección {number}\n\nTexto de la lección {number}.")
        page.locator("p.breadcrumb a").click()
        expect(page).to_have_url(re.compile(rf"/authoring/courses/{course_id}$"))
    publish(page)
    open_enrolment(page, course_id)
    return course_id


def learning_item(page: Page, section: str, course_id: int):
    """The /learning entry of a course in the "ongoing" or "finished" section."""
    return page.locator(f"section[aria-labelledby={section}-title] ul.course-list > li"
                        f":has(h3 a[href='/courses/{course_id}'])")
