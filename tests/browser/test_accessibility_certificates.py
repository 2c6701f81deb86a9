"""axe-core on the certificate pages: no serious or critical violation, error states included."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import assert_accessible
from tests.browser.steps import sign_in


def _signed_in(page: Page, username: str) -> None:
    page.goto("/")
    sign_in(page, username)


def verify_form(page):
    page.goto("/verify")


def verify_malformed_code(page):
    page.goto("/verify?code=ABC-123")
    expect(page.locator("#code-error")).to_be_visible()


def verify_unknown_code(page):
    page.goto("/verify/" + "-".join(["ABCD"] * 7))
    expect(page.locator("main .flash-error")).to_be_visible()


def eligible_list(page):
    _signed_in(page, "coordinator")
    page.goto("/certificates/eligible")
    expect(page.locator("input[name=enrolments]").first).to_be_visible()


def issued_list_with_a_wrong_filter(page):
    _signed_in(page, "coordinator")
    page.goto("/certificates?status=lost")
    expect(page.locator("#status-error")).to_be_visible()


def certificate_design(page):
    _signed_in(page, "it.admin")
    page.get_by_role("link", name=re.compile("attestato", re.I)).first.click()
    expect(page.locator("#page_size")).to_be_visible()


def course_certificate_settings(page):
    _signed_in(page, "fr.instructor")
    page.goto("/authoring")
    page.locator("main table td a").first.click()
    page.locator("a[href$='/certificate']").click()
    page.locator("#min_grade").fill("150")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#min_grade-error")).to_be_visible()


def my_certificates_empty(page):
    _signed_in(page, "cr.graduate2")
    page.goto("/my/certificates")


def _issue_to(page, username: str) -> None:
    """Issue one certificate through the eligible list and open its page."""
    _signed_in(page, "coordinator")
    page.goto("/certificates/eligible")
    row = page.locator("tr", has_text=username)
    row.locator("input[name=enrolments]").check()
    page.locator("form[action$='/certificates/issue'] button[type=submit]").click()
    page.locator("main form:has(input[name=confirmed]) button.primary").click()  # confirm
    expect(page.locator("main table a[href^='/certificates/']")).to_be_visible(timeout=30_000)
    page.locator("main table a[href^='/certificates/']").first.click()
    expect(page.locator("#revoke-reason")).to_be_visible()


def issued_certificate(page):
    _issue_to(page, "pe.graduate2")


def public_check_of_a_valid_certificate(page):
    _issue_to(page, "pe.graduate3")
    link = page.locator("main dl a[href*='/verify/']").get_attribute("href")
    page.goto(link)
    expect(page.locator("main .cert-verdict")).to_be_visible()


PAGES = [verify_form, verify_malformed_code, verify_unknown_code, eligible_list,
         issued_list_with_a_wrong_filter, certificate_design, course_certificate_settings,
         my_certificates_empty, issued_certificate, public_check_of_a_valid_certificate]


@pytest.mark.parametrize("open_page", PAGES, ids=[p.__name__.replace("_", "-") for p in PAGES])
def test_certificate_page_has_no_serious_accessibility_problem(page, axe, open_page):
    open_page(page)
    assert_accessible(page, axe)
