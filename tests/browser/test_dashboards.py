"""The network's view, click by click, on the demo's months of activity: a coordinator reads the
network dashboard in Spanish, narrows the period, downloads a table as .xlsx and finds in it the
figures the page shows, then reads it again in Portuguese; an academy admin reads their academy's
dashboard and cannot open another's; an instructor reads a demo quiz's statistics. Every page
passes axe."""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.checks import assert_accessible
from tests.browser.steps import open_nav, sign_in, switch_language


def _number(text: str) -> int:
    """A count as the page writes it (digit groups in the person's language)."""
    return int(re.sub(r"\D", "", text))


def _signed_in(new_page, username: str, locale: str = "es-ES") -> Page:
    page = new_page(locale=locale)
    page.goto("/")
    sign_in(page, username)
    return page


def _headline(page: Page) -> dict[int, int]:
    """The headline figures by position: 0 active trainees, 1 enrolments, 2 completions…"""
    values = page.locator("dl.headline dd")
    return {i: values.nth(i).inner_text() for i in range(values.count())}


def _month_rows(page: Page) -> list[tuple[str, int]]:
    rows = page.locator("section[aria-labelledby=months-title] tbody tr")
    return [(rows.nth(i).locator("th").inner_text(),
             _number(rows.nth(i).locator("td").first.inner_text())) for i in range(rows.count())]


def test_a_coordinator_reads_the_network_dashboard_in_two_languages(new_page, axe):
    page = _signed_in(new_page, "coordinator")
    open_nav(page, "/reports")
    expect(page.locator("h1")).to_have_text("Panel de la red")
    figures = _headline(page)
    enrolments, completions = _number(figures[1]), _number(figures[2])
    assert enrolments > 0 and completions > 0 and _number(figures[0]) > 0
    # Several months of activity, across every demo academy, with a chart beside each table.
    months = _month_rows(page)
    assert len(months) == 12 and sum(1 for _label, n in months if n) >= 6, months
    assert sum(n for _label, n in months) == enrolments
    academies = page.locator("section[aria-labelledby=academies-title] tbody tr")
    expect(academies).to_have_count(10)
    assert sum(1 for i in range(10)
               if _number(academies.nth(i).locator("td").nth(2).inner_text())) == 10
    expect(page.locator("figure.chart svg[role=img]")).to_have_count(4)
    expect(page.locator("section[aria-labelledby=exchange-title] tbody tr")
           .first).not_to_contain_text(
        "Ningún")
    assert_accessible(page, axe)

    # The academies' table as .xlsx: the same academies, and the page's totals in its last row.
    names = [academies.nth(i).locator("th").inner_text().strip() for i in range(10)]
    with page.expect_download() as info:
        page.locator(
            "section[aria-labelledby=academies-title] a[href*='/reports/academies.xlsx']").click()
    download = info.value
    assert download.failure() is None and download.suggested_filename.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active.iter_rows(
        values_only=True))
    assert [row[0] for row in rows[1:-1]] == names
    assert (rows[-1][3], rows[-1][4]) == (enrolments, completions)

    # A shorter period: the last three months hold fewer enrolments, and the form keeps them.
    today = date.today()
    first = date(today.year - (today.month <= 3), (today.month - 4) % 12 + 1, 1)
    page.locator("#since").fill(first.isoformat())
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("#since")).to_have_value(first.isoformat())
    assert len(_month_rows(page)) == 4
    assert 0 < _number(_headline(page)[1]) < enrolments

    switch_language(page, "pt_BR")
    expect(page.locator("h1")).to_have_text("Painel da rede")
    expect(page.locator("#since")).to_have_value(first.isoformat())
    assert _month_rows(page)[-1][0].lower().startswith(
        ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
         "outubro", "novembro", "dezembro"][today.month - 1])
    assert_accessible(page, axe)


def test_an_academy_admin_reads_only_their_academys_dashboard(new_page, axe):
    page = _signed_in(new_page, "fr.admin", locale="fr-FR")
    page.locator(".main-nav a[href^='/reports/academies/']").click()
    expect(page).to_have_url(re.compile(r"/reports/academies/\d+$"))
    expect(page.locator("h1 .subtitle")).to_contain_text("ENAP")
    assert _number(_headline(page)[1]) > 0
    # ENAP's trainees follow the Spanish academy's course: the exchange shows it.
    expect(page.locator("section[aria-labelledby=exchange-title] tbody")).to_contain_text("es-cep")
    assert_accessible(page, axe)
    own = int(re.search(r"/reports/academies/(\d+)", page.url).group(1))
    assert page.goto(f"/reports/academies/{1 if own != 1 else 2}").status == 403
    assert page.goto("/reports").status == 403


def test_an_instructor_reads_the_statistics_of_a_demo_quiz(new_page, axe):
    page = _signed_in(new_page, "es.instructor")
    page.locator(".main-nav a[href='/authoring']").click()
    page.locator("main a[href^='/authoring/courses/']").filter(has_text="Mandela").first.click()
    page.locator("main a[href$='/report']").first.click()  # the course report, on the way
    expect(page).to_have_url(re.compile(r"/courses/\d+/report$"))
    expect(page.locator("h1")).to_be_visible()
    page.go_back()
    course_id = re.search(r"/authoring/courses/(\d+)", page.url).group(1)
    page.locator(f"main a[href='/courses/{course_id}']").first.click()  # see it as a reader
    page.locator("ol.outline ol > li").filter(has=page.locator(".badge")).locator("a").first.click()
    page.locator("main a[href$='/results']").click()
    page.locator("main a[href$='/statistics']").click()
    expect(page).to_have_url(re.compile(r"/statistics$"))
    questions = page.locator("section[aria-labelledby=questions-title] tbody tr")
    assert questions.count() >= 3
    facility = questions.first.locator("td.num").nth(1).inner_text()
    assert re.search(r"\d\s?%", facility), facility
    expect(page.locator("section[aria-labelledby=distribution-title] svg[role=img]")
           ).to_have_count(1)
    assert_accessible(page, axe)
