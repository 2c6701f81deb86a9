"""Enrolling many, click by click: an academy enrols people from a file and a cohort and exports
their progress (in Italian); an academy admin enrols a cohort in another academy's shared
course as it is (in Brazilian Portuguese).

The live server's data is shared by the whole session, so a journey that changes enrolment
rules does it on a course its instructor writes and publishes here (a random suffix in its
title and slug); the demo courses keep their open rules. The people are demo people whom no
other test enrols in these courses, or people created here. What is asserted is the page's
language, addresses, ids, classes, form values and counts, never a translated sentence.
"""
from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Page, expect

from tests.browser.enrolment_steps import interface, own_course, roster, signed_in, suffix
from tests.browser.steps import catalogue_links, open_nav, search_catalogue, sign_in

BOM = b"\xef\xbb\xbf"


def _roster_usernames(page: Page) -> list[str]:
    return sorted(name.strip() for name in roster(page).locator("td span.muted").all_inner_texts())


# --- Cohorts and files ------------------------------------------------------------------------

def _download(page: Page, selector: str):
    with page.expect_download() as info:
        page.locator(selector).click()
    download = info.value
    assert download.failure() is None, download.failure()
    return download


def test_an_academy_enrols_people_from_a_file_and_a_cohort_then_exports_progress(
        new_page, tmp_path):
    from openpyxl import load_workbook

    tag = suffix()
    cc, lang, locale = "it", "it", "it-IT"
    names = {"it.trainee1": "Chiara Ricci", "it.trainee2": "Niccolò Fabbri",
             "it.trainee3": "Francesca Galli"}

    # The academy admin groups two trainees into a cohort.
    admin = signed_in(new_page, f"{cc}.admin", locale)
    admin.locator(".main-nav a[href$='/cohorts']").click()
    expect(admin).to_have_url(re.compile(r"/academies/\d+/cohorts$"))
    expect(admin.locator("html")).to_have_attribute("lang", interface(lang))
    admin.locator("#name").fill(f"Corso {tag}")
    admin.locator("main form button.primary[type=submit]").click()
    expect(admin).to_have_url(re.compile(r"/cohorts/\d+$"))
    cohort_id = int(re.search(r"/cohorts/(\d+)$", admin.url).group(1))
    expect(admin.locator(".flash-success")).to_be_visible()
    expect(admin.locator("main h1")).to_contain_text(f"Corso {tag}")
    admin.locator("#people").fill(f"it.trainee2\nIT.Trainee3\nnessuno.{tag}\n")
    admin.locator("form[action$='/members'] button[type=submit]").click()
    expect(admin.locator(".flash-success")).to_be_visible()
    expect(admin.locator(".flash-warning")).to_contain_text(f"nessuno.{tag}")
    members = admin.locator("section[aria-labelledby=members-title] tbody td code")
    expect(members).to_have_count(2)
    assert sorted(members.all_inner_texts()) == ["it.trainee2", "it.trainee3"]
    admin.locator("p.breadcrumb a").click()
    expect(admin.locator(f"main a[href='/cohorts/{cohort_id}']")).to_be_visible()

    # The instructor enrols people from a spreadsheet saved as CSV (UTF-8, semicolons, accents).
    staff = signed_in(new_page, f"{cc}.instructor", locale)
    course_id = own_course(staff, lang, tag)
    sheet = tmp_path / f"iscrizioni-{tag}.csv"
    sheet.write_text("username;nome\nit.trainee1;Chiara Ricci\nit.trainee2;Niccolò Fabbri\n",
                     encoding="utf-8")
    staff.locator("#csv_file").set_input_files(sheet)
    staff.locator("form[action$='/enrolment/import'] button[type=submit]").click()
    expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/enrolment/import$"))
    expect(staff.locator("main p.notice")).to_be_visible()
    expect(staff.locator("main .form-errors")).to_have_count(0)
    preview = staff.locator("main table tbody tr")
    expect(preview).to_have_count(2)
    expect(staff.locator("main table tr.row-error")).to_have_count(0)
    expect(preview.locator("td code")).to_have_text(["it.trainee1", "it.trainee2"])
    expect(preview.nth(1).locator("td").nth(2)).to_have_text(names["it.trainee2"])
    staff.locator("form[action$='/import/apply'] button[type=submit]").click()  # "Confirm"
    expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/enrolment$"))
    expect(staff.locator(".flash-success")).to_be_visible()
    assert _roster_usernames(staff) == ["it.trainee1", "it.trainee2"]

    # … and the cohort: one more person, one already there.
    cohort_select = staff.locator("#cohort_id")
    expect(cohort_select.locator(f"option[value='{cohort_id}']")).to_contain_text(
        f"Corso {tag} (2)")
    cohort_select.select_option(str(cohort_id))
    staff.locator("form[action$='/enrolment/cohort'] button[type=submit]").click()
    expect(staff.locator("main ul li")).to_have_count(2)  # first who, then the enrolment
    staff.locator("main form:has(input[name=confirmed]) button.primary").click()
    expect(roster(staff)).to_have_count(3)  # the page came back (same address as before)
    expect(staff.locator(".flash-success")).to_have_count(1)
    expect(staff.locator(".flash-info")).to_have_count(0)  # nobody waits: no limit of places
    assert _roster_usernames(staff) == sorted(names)

    # The progress grid and its exports.
    staff.locator(f"a.button[href='/authoring/courses/{course_id}/progress']").click()
    expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/progress$"))
    expect(staff.locator("table.grid tbody tr")).to_have_count(3)
    expect(staff.locator("table.grid thead th.lesson-col")).to_have_count(1)

    download = _download(staff,
                         f"form[action='/authoring/courses/{course_id}/progress.csv'] button")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(BOM), data[:20]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 4, rows  # a header and three people
    assert len(rows[0]) == 6  # name, username, status, progress, completed on, one lesson
    assert {row[1]: row[0] for row in rows[1:]} == names  # accents intact

    download = _download(staff,
                         f"form[action='/authoring/courses/{course_id}/progress.xlsx'] button")
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    cells = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    assert [row[:2] for row in cells[1:]] == [[row[0], row[1]] for row in rows[1:]]
    assert {row[1] for row in cells[1:]} == set(names)


def test_an_academy_admin_enrols_a_cohort_in_another_academys_shared_course(new_page):
    """ESPEN (Brazil) enrols its group A in ENAP's shared course as it is, without adopting it:
    a cohort, a confirmation with the count and the names, then each person's outcome."""
    page = new_page(locale="pt-BR")
    page.goto("/")
    sign_in(page, "br.admin")
    open_nav(page, "/courses")
    search_catalogue(page, q="")
    catalogue_links(page).filter(has_text=re.compile("[Ss]egurança dinâmica")).first.click()
    expect(page).to_have_url(re.compile(r"/courses/\d+$"))
    page.locator("section.panel a.button.primary[href*='/people?academy=']").click()
    expect(page).to_have_url(re.compile(r"/courses/\d+/people\?academy=\d+$"))
    group = page.locator("#cohort_id option", has_text="capacitação A").get_attribute("value")
    page.locator("#cohort_id").select_option(group)
    page.locator("form:has(#cohort_id) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/courses/\d+/people/confirm$"))
    names = page.locator("main ul li")
    expect(names).to_have_count(8)  # eight people: every name shown before anything happens
    expect(page.locator("main form button.primary")).to_contain_text("8")
    page.locator("main form button.primary").click()
    expect(page).to_have_url(re.compile(r"/courses/\d+/people/apply$"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(8)
    expect(page.locator("ul.summary-counts li").first).to_contain_text(re.compile(r"\d+"))
    for row in rows.all():
        expect(row.locator("td")).not_to_be_empty()  # an outcome for each, with its reason
