"""Credential slips on paper: an academy imports a class and prints its slips eight to an A4
sheet with lines to cut along, or one to a page, chosen on the page itself (no JavaScript)."""
from __future__ import annotations

import io
import secrets

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.steps import open_people, sign_in

PEOPLE = 16


def _pages(page) -> int:
    return len(PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True))).pages)


def test_sixteen_slips_print_on_two_sheets_or_one_a_page(new_page, tmp_path):
    tag = secrets.token_hex(3)
    rows = "\r\n".join(f"slip.{tag}.{n:02d};Cadete {n:02d} de la promoción {tag};alumno"
                       for n in range(PEOPLE))
    upload = tmp_path / "promocion.csv"
    upload.write_text(f"usuario;nombre;rol\r\n{rows}\r\n", encoding="utf-8")
    page = new_page(locale="es-ES", java_script_enabled=False)
    page.goto("/")
    sign_in(page, "es.admin")
    open_people(page)
    page.locator("main a[href$='/people/import']").click()
    page.locator("input[type=file]").set_input_files(str(upload))
    page.locator("main form[enctype] button[type=submit]").click()
    page.locator("form[action$='/import/apply'] button[type=submit]").click()
    slips = page.locator(".slips .slip")
    expect(slips).to_have_count(PEOPLE)
    expect(page.locator("#layout-eight")).to_be_checked()
    assert _pages(page) == 2  # eight to a sheet
    page.locator("label[for=layout-one]").click()
    expect(page.locator("#layout-one")).to_be_checked()
    assert _pages(page) == PEOPLE  # one to a page
