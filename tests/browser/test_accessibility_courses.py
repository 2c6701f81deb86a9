"""axe-core on the course pages: catalogue, lessons, course editor, reviews and package import.

As in test_accessibility.py, each page is reached the way a person reaches it, in the state people
see (a preview shown, a review waiting, a broken package's problems listed), and no serious or
critical violation is allowed.
"""
from __future__ import annotations

import io
import re
import secrets
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import assert_accessible
from tests.browser.steps import (
    catalogue_links,
    create_course,
    enrol,
    open_nav,
    publish_and_share,
    search_catalogue,
    sign_in,
    sign_out,
)

MANDELA = "Reglas Nelson Mandela"


def _signed_in(page: Page, username: str) -> None:
    page.goto("/")
    sign_in(page, username)


def catalogue(page):
    _signed_in(page, "ar.trainee1")
    open_nav(page, "/courses")
    search_catalogue(page, tag="standards")
    expect(catalogue_links(page).first).to_be_visible()


def course_page(page):
    """As a trainee who is not enrolled: the outline and the enrolment box."""
    catalogue(page)
    catalogue_links(page).filter(has_text=MANDELA).click()
    expect(page.locator("form[action$='/enrol']")).to_be_visible()


def course_page_anonymous(page):
    page.goto("/")
    open_nav(page, "/courses")
    catalogue_links(page).filter(has_text=MANDELA).click()
    expect(page.locator("main a[href^='/login?next=']")).to_be_visible()


def lesson_page(page):
    _signed_in(page, "ar.trainee2")
    open_nav(page, "/courses")
    catalogue_links(page).filter(has_text=MANDELA).click()
    enrol(page)
    page.locator("ol.outline a[href*='/lessons/']").nth(3).click()
    expect(page.locator("article.lesson .lesson-body")).to_be_visible()


def my_courses(page):
    _signed_in(page, "es.instructor")
    open_nav(page, "/authoring")
    expect(page.locator("main table")).to_be_visible()


def course_editor(page):
    my_courses(page)
    page.locator("main table a[href^='/authoring/courses/']").filter(has_text=MANDELA).click()
    expect(page.locator("ol.outline.editable")).to_be_visible()


def revision_editor(page):
    """The demo course is shared with the network: its authors write in its revision."""
    course_editor(page)
    page.locator("#revision form button, #revision a.button").first.click()
    expect(page.locator("#revision")).to_be_visible()
    expect(page.locator("ol.outline.editable li.row .locale-links").first).to_be_visible()


def lesson_editor_with_preview(page):
    """The English text of a lesson beside the Spanish one, after pressing Preview."""
    revision_editor(page)
    page.locator("ol.outline li.row .locale-links a[lang=en]").first.click()
    expect(page.locator("section.reference")).to_be_visible()
    page.locator("#body").fill("## Preview\n\nA **bold** word, a [link](https://example.org) "
                               "and a list:\n\n- one\n- two\n")
    page.locator("button[name=action][value=preview]").click()
    expect(page.locator("#live-preview strong")).to_have_text("bold")


def quiz_questions(page):
    """A quiz's questions page (in the revision): slots, the bank picker, random draws."""
    revision_editor(page)
    page.locator("ol.outline a[href$='/questions']").first.click()
    expect(page.locator("table.slots")).to_be_visible()


def quiz_preview(page):
    quiz_questions(page)
    page.locator("nav.subnav a[href$='/preview']").click()
    expect(page.locator("fieldset.question").first).to_be_visible()


def revision_changes(page):
    revision_editor(page)
    page.locator("#revision a[href$='/changes']").click()
    expect(page.locator("main h1")).to_be_visible()


def course_texts_in_english(page):
    revision_editor(page)
    page.locator("main a[href$='/texts/en'][href*='/authoring/courses/']").click()
    expect(page.locator("section.reference")).to_be_visible()
    expect(page.locator("main form[lang=en]")).to_be_visible()


def _course_waiting_for_review(page) -> int:
    """es.instructor writes, publishes and shares a course; the coordinator signs in."""
    _signed_in(page, "es.instructor")
    tag = secrets.token_hex(3)
    course_id = create_course(page, f"Curso por revisar {tag}", f"revisar-{tag}")
    publish_and_share(page)
    sign_out(page)
    sign_in(page, "coordinator")
    open_nav(page, "/reviews")
    return course_id


def topics_page(page):
    """The coordinators' vocabulary of topics, reached from the reviews."""
    _signed_in(page, "coordinator")
    open_nav(page, "/reviews")
    page.locator(".page-head a[href='/topics']").click()
    expect(page.locator("main table")).to_be_visible()


def reviews_list(page):
    course_id = _course_waiting_for_review(page)
    expect(page.locator(f"main a[href='/reviews/{course_id}']")).to_be_visible()


def review_page_with_error(page):
    """A review returned without the comment it needs: the error is shown."""
    course_id = _course_waiting_for_review(page)
    page.locator(f"main a[href='/reviews/{course_id}']").click()
    page.locator("button[name=decision][value=return]").click()
    expect(page.locator("#comment-error")).to_be_visible()


def _broken_package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("broken/course.toml", 'format = 2\nslug = "Not A Slug"\n')
        archive.writestr("broken/01-intro/module.toml", "this is = = not toml")
    return buffer.getvalue()


def package_import_with_problems(page):
    my_courses(page)
    page.locator(".page-head a.button[href$='/authoring/import']").click()
    page.locator("#package").set_input_files(
        {"name": "broken.zip", "mimeType": "application/zip", "buffer": _broken_package()})
    page.locator("main form button.primary[type=submit]").click()
    expect(page.locator("main .problems li").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/authoring/import$"))


PAGES = [catalogue, course_page, course_page_anonymous, lesson_page, my_courses, course_editor,
         lesson_editor_with_preview, course_texts_in_english, revision_editor, quiz_questions,
         quiz_preview, revision_changes, topics_page, reviews_list, review_page_with_error,
         package_import_with_problems]


@pytest.mark.parametrize("open_page", PAGES, ids=[p.__name__.replace("_", "-") for p in PAGES])
def test_course_page_has_no_serious_accessibility_problem(page, axe, open_page):
    open_page(page)
    assert_accessible(page, axe)
