"""axe-core on the quiz pages, for trainees and instructors, in the state people see them.

As in test_accessibility.py: each page is reached the way a person reaches it, and no serious
or critical violation is allowed.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import assert_accessible
from tests.browser.quiz_steps import (
    answer_page,
    go,
    open_first_quiz,
    signed_in,
    start_attempt,
    submit_attempt,
)
from tests.browser.steps import open_nav


def attempt_page(new_page, username: str = "pe.trainee1") -> Page:
    """Page 1 of a timed attempt, the clock running, an answer saved in the background."""
    page = signed_in(new_page, username)
    open_first_quiz(page)
    start_attempt(page)
    page.locator("#attempt-form fieldset.question input[type=radio]").first.check()
    expect(page.locator("#save-status")).not_to_be_empty(timeout=15_000)
    return page


def attempt_page_with_errors(new_page) -> Page:
    """A number that is not one: the message next to the question, the answers kept."""
    page = attempt_page(new_page, "pe.trainee3")
    numbers = page.locator("#attempt-form input[inputmode=decimal]")
    if not numbers.count():
        go(page, "2")
    numbers.first.fill("twelve")
    page.locator("#attempt-form .attempt-nav button.primary").click()
    expect(page.locator("#attempt-form p.error").first).to_be_visible()
    return page


def summary_page(new_page) -> Page:
    page = attempt_page(new_page, "co.trainee3")
    page.locator("#attempt-form .quiz-panel button[value=summary]").click()
    expect(page).to_have_url(re.compile(r"/summary$"))
    return page


def review_page(new_page, username: str = "pe.trainee2") -> Page:
    page = signed_in(new_page, username)
    open_first_quiz(page)
    start_attempt(page)
    answer_page(page)
    go(page, "2")
    answer_page(page)
    submit_attempt(page)
    return page


def quiz_page_after_an_attempt(new_page) -> Page:
    page = review_page(new_page, "cr.trainee3")
    page.locator("p.breadcrumb a").last.click()
    expect(page.locator("main table")).to_be_visible()
    return page


def _staff(new_page) -> Page:
    page = signed_in(new_page, "es.instructor")
    open_first_quiz(page, enrolling=False)
    return page


def quiz_settings(new_page) -> Page:
    page = _staff(new_page)
    page.locator(".page-head a[href$='/settings']").click()
    expect(page.locator("#override-username")).to_be_visible()
    return page


def gradebook(new_page) -> Page:
    page = _staff(new_page)
    page.locator(".page-head a[href$='/gradebook']").click()
    expect(page).to_have_url(re.compile(r"/gradebook$"))
    return page


def question_bank(new_page) -> Page:
    page = signed_in(new_page, "es.instructor")
    open_nav(page, "/authoring")
    page.locator("main table a[href^='/authoring/courses/']").filter(
        has_text="Mandela").first.click()
    page.locator("main a[href$='/questions']").first.click()
    expect(page).to_have_url(re.compile(r"/questions$"))
    return page


def question_editor(new_page) -> Page:
    """A question of the demo course, edited in the course's revision (the course is shared)."""
    page = signed_in(new_page, "es.instructor")
    open_nav(page, "/authoring")
    page.locator("main table a[href^='/authoring/courses/']").filter(
        has_text="Mandela").first.click()
    page.locator("#revision form button, #revision a.button").first.click()
    page.locator("main a[href$='/questions']").first.click()
    page.locator("main table td a[href*='/questions/']").first.click()
    expect(page.locator("main form")).to_be_visible()
    return page


PAGES = [attempt_page, attempt_page_with_errors, summary_page, review_page,
         quiz_page_after_an_attempt, quiz_settings, gradebook, question_bank, question_editor]


@pytest.mark.parametrize("open_page", PAGES, ids=[p.__name__.replace("_", "-") for p in PAGES])
def test_quiz_page_has_no_serious_accessibility_problem(new_page, axe, open_page):
    assert_accessible(open_page(new_page), axe)
