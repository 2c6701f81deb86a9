"""Certificates, click by click: a coordinator issues a cohort's certificates in bulk, the PDFs are
read back (text, rendering, QR code), a stranger checks one from a phone, the coordinator revokes
it; a graduate who reads English downloads theirs and shares the link.

The people are the demo's graduates of "Mandela Rules in practice" (es-cep's course, whose
bilingual design adds Spanish to every certificate), whom no other browser test touches: ENAP's
cohort in the first journey, one graduate each of Portugal, Italy, Spain and Brazil in the
second. Between them the certificates are in all five languages (the Brazilian graduate picks
English first), and every name carries accents. The coordinator's pages are in Spanish; where a
sentence is asserted the page is opened in English (?lang=en), or read by someone whose browser
or profile is English. The PDFs are read with pypdf, rendered with poppler's pdftoppm, and their
QR codes decoded with zxing-cpp.
"""
from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS
from tests.browser.steps import open_nav, sign_in, switch_language

CODE = r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){6}"  # a verification code as printed: 7 blocks of four
# Words of each language's default certificate wording (the same as
# tests/certificates/test_certificates_issue.py).
WORDS = {"es": ["Certificado", "ha superado"], "pt-PT": ["Certificado", "Certifica-se que"],
         "pt-BR": ["Certificado", "Certificamos que"],
         "fr": ["Certificat", "a suivi avec succès"], "it": ["Attestato", "ha completato"],
         "en": ["Certificate of completion", "has successfully completed"]}
ENAP_GRADUATES = {"fr.graduate1": "Élodie Marchand", "fr.graduate2": "François Lemaître",
                  "fr.graduate3": "Maëlle Guérin"}
ENAP_COHORT = "Promotion 2026"  # the only cohort of this name in the demo (ENAP's)
VALID = "This certificate is genuine and valid."
ZIP_LINK = "Download all (zip of PDFs)"
REVOKED = re.compile(r"^\s*This certificate was revoked on .+\. It is no longer valid\.\s*$")


# --- Reading what was downloaded -------------------------------------------------------------

def _shot(page: Page, name: str) -> None:
    """A picture for humans, next to the ones conftest keeps of every page's last state."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"certificates-{name}.png"), full_page=True)


def _download(page: Page, link: Locator) -> tuple[str, bytes]:
    """Click a download link; the file's suggested name and its bytes."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _pdf(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), data[:20]
    return PdfReader(io.BytesIO(data))


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in _pdf(data).pages)


def _render(data: bytes, dpi: int, where: Path) -> Image.Image:
    """The PDF's first page as poppler draws it (pdftoppm), at `dpi`."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is not installed: run `sh .ci/system-packages.sh --test` (it adds "
                    "Debian's poppler-utils) to run the certificate journeys", pytrace=False)
    source = where / f"certificate-{dpi}.pdf"
    source.write_bytes(data)
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", "-f", "1", "-singlefile", str(source),
                    str(where / f"page-{dpi}")], check=True, timeout=60)
    image = Image.open(where / f"page-{dpi}.png")
    image.load()
    return image


def _qr_texts(image: Image.Image) -> list[str]:
    import zxingcpp

    return [found.text for found in zxingcpp.read_barcodes(image)
            if found.format == zxingcpp.BarcodeFormat.QRCode]


def _check_language_and_name(data: bytes, locale: str, name: str) -> str:
    """The certificate is in `locale` (its PDF says so, and its words) and names `name` exactly,
    accents and all; returns its text."""
    reader = _pdf(data)
    assert reader.trailer["/Root"].get("/Lang") == locale
    assert name in reader.metadata.title
    text = _text(data)
    assert name in text, (name, text)
    for word in WORDS[locale]:
        assert word in text, (locale, word, text)
    return text


def _zip_of_pdfs(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        assert bundle.testzip() is None
        return {name: bundle.read(name) for name in bundle.namelist()}


# --- The coordinator's pages -----------------------------------------------------------------

def _signed_in(new_page, username: str, locale: str = "es-ES") -> Page:
    page = new_page(locale=locale)
    page.goto("/")
    sign_in(page, username)
    return page


def _open_eligible(page: Page) -> None:
    """Certificates → "Trainees who can receive one"."""
    open_nav(page, "/certificates")
    page.locator(".page-head a.button.primary[href='/certificates/eligible']").click()
    expect(page).to_have_url(re.compile(r"/certificates/eligible$"))


def _confirm_issue(staff: Page, count: int) -> None:
    """The confirmation of a bulk issue: the count and the names, then the button."""
    expect(staff.locator("main form input[name=confirmed]")).to_have_count(1)
    expect(staff.locator("main form input[name=enrolments]")).to_have_count(count)
    staff.locator("main form button.primary[type=submit]").click()


def _eligible_rows(page: Page) -> Locator:
    return page.locator("form[action$='/certificates/issue'] tbody tr:has(input[name=enrolments])")


def _eligible_usernames(page: Page) -> list[str]:
    codes = _eligible_rows(page).locator("td code").all_inner_texts()
    return sorted(text.strip() for text in codes)


def _in_english(page: Page) -> None:
    """The same page again, in English (the URL's ?lang=, which no profile keeps)."""
    page.goto(page.url + ("&" if "?" in page.url else "?") + "lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _wait_for_job(page: Page) -> str:
    """On a job's page: wait (it reloads itself every 2 s) until its downloads are offered;
    then show it in English. Returns the job's path."""
    expect(page).to_have_url(re.compile(r"/certificates/jobs/[0-9a-f]{32}$"))
    path = re.search(r"/certificates/jobs/[0-9a-f]{32}$", page.url).group(0)
    expect(page.locator("a[href$='/certificates.zip']")).to_be_visible(timeout=30_000)
    _in_english(page)
    expect(page.locator("meta[http-equiv=refresh]")).to_have_count(0)
    return path


def _job_row(page: Page, name: str) -> Locator:
    return page.locator("main table tbody tr").filter(has_text=name)


# --- A stranger with a phone -----------------------------------------------------------------

def _phone(new_page) -> Page:
    """An anonymous visitor whose browser reads English, on a 360 px wide screen."""
    return new_page(locale="en-GB", viewport={"width": 360, "height": 740}, is_mobile=True,
                    has_touch=True)


def _expect_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide on a {widths[1]} px screen"


# --- 1. A cohort's certificates, checked by a stranger, then one revoked ----------------------

def test_coordinator_issues_a_cohorts_certificates_a_stranger_checks_one_then_it_is_revoked(
        new_page, live_server, tmp_path):
    staff = _signed_in(new_page, "coordinator")
    _open_eligible(staff)
    filters = staff.locator("form.filters")
    cohort = filters.locator("select[name=cohort] option", has_text=ENAP_COHORT)
    expect(cohort).to_have_count(1)
    cohort_id = cohort.get_attribute("value")
    filters.locator("select[name=cohort]").select_option(cohort_id)
    filters.locator("button[type=submit]").click()
    expect(staff).to_have_url(re.compile(rf"/certificates/eligible\?.*\bcohort={cohort_id}\b"))
    expect(_eligible_rows(staff)).to_have_count(3)
    assert _eligible_usernames(staff) == sorted(ENAP_GRADUATES)
    for name in ENAP_GRADUATES.values():
        expect(_eligible_rows(staff).locator("label", has_text=re.compile(
            rf"^{re.escape(name)}$"))).to_have_count(1)

    _in_english(staff)
    expect(filters.locator("select[name=cohort]")).to_have_value(cohort_id)
    issue_all = staff.locator("form[action$='/certificates/issue-all']")
    expect(issue_all.locator("input[name=cohort]")).to_have_value(cohort_id)
    expect(issue_all.locator("button[type=submit]")).to_have_text(
        "Issue 3 certificates to everyone listed")
    _shot(staff, "eligible")
    issue_all.locator("button[type=submit]").click()
    _confirm_issue(staff, 3)

    job_path = _wait_for_job(staff)
    expect(staff.locator("main [role=status]")).to_have_text("3 certificates issued.")
    expect(staff.locator("main table tbody tr")).to_have_count(3)
    for name in ENAP_GRADUATES.values():
        expect(_job_row(staff, name)).to_have_count(1)
    _shot(staff, "job-done")

    zip_name, zip_data = _download(staff, staff.get_by_role("link", name=ZIP_LINK))
    assert re.fullmatch(r"certificates-\d{8}-\d{4}\.zip", zip_name)
    pdfs = _zip_of_pdfs(zip_data)
    assert len(pdfs) == 3 and all(re.fullmatch(r"PAN-\d{4}-\d{6}-[a-z-]+\.pdf", n) for n in pdfs)
    texts = {name: _check_language_and_name(data, "fr", name)
             for name in ENAP_GRADUATES.values()
             for data in pdfs.values() if name in _text(data)}
    assert sorted(texts) == sorted(ENAP_GRADUATES.values())  # one PDF each

    print_name, print_data = _download(
        staff, staff.get_by_role("link", name="Download one PDF for printing"))
    assert print_name.endswith(".pdf") and len(_pdf(print_data).pages) == 3
    assert {name for name in ENAP_GRADUATES.values() if name in _text(print_data)} == set(
        ENAP_GRADUATES.values())

    # Élodie's certificate as poppler draws it: a real picture, with a QR code of its address.
    elodie = next(data for data in pdfs.values() if "Élodie Marchand" in _text(data))
    small = _render(elodie, 60, tmp_path)
    assert small.width > 600 and small.height > 400 and small.width > small.height  # landscape
    grey = small.convert("L").histogram()  # pixels per grey level, 0 (black) to 255 (white)
    assert sum(1 for count in grey if count) > 16  # text and lines, not a blank page
    assert 0.01 < sum(grey[:128]) / sum(grey) < 0.5
    assert (tmp_path / "page-60.png").stat().st_size > 10_000
    urls = _qr_texts(_render(elodie, 150, tmp_path))
    assert len(urls) == 1, urls
    match = re.fullmatch(rf"{re.escape(live_server)}/verify/({CODE})", urls[0])
    assert match, urls[0]
    code = match.group(1)
    assert code in texts["Élodie Marchand"]  # the code printed under the QR code is the same

    # A stranger scans the QR code with a phone: the certificate is genuine.
    phone = _phone(new_page)
    response = phone.goto(urls[0])
    assert response.status == 200
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("h1 .cert-status")).to_have_class(re.compile(r"\bcert-valid\b"))
    expect(phone.locator(".cert-verdict")).to_have_text(VALID)
    expect(phone.locator("main dl.facts")).to_contain_text("Élodie Marchand")
    expect(phone.locator("a[href='/login']").first).to_be_visible()  # nobody is signed in
    _expect_no_sideways_scroll(phone)
    _shot(phone, "verdict-valid-360")

    # The coordinator opens it from the job's list and revokes it: first without a reason.
    staff.goto(job_path)
    _job_row(staff, "Élodie Marchand").locator("a[href^='/certificates/']").click()
    expect(staff).to_have_url(re.compile(r"/certificates/\d+$"))
    certificate_path = re.search(r"/certificates/\d+$", staff.url).group(0)
    expect(staff.locator("main dl.facts")).to_contain_text(f"{live_server}/verify/{code}")
    revoke = staff.locator(f"form[action='{certificate_path}/revoke']")
    revoke.locator("button[type=submit]").click()
    expect(staff.locator("#revoke-reason-error")).to_be_visible()
    expect(staff.locator("h1 .cert-status")).to_have_class(re.compile(r"\bcert-valid\b"))
    reason = "Completion recorded for the wrong person"
    staff.locator("#revoke-reason").fill(reason)
    revoke.locator("button[type=submit]").click()
    expect(staff).to_have_url(re.compile(rf"{certificate_path}$"))
    expect(staff.locator(".flash-success")).to_be_visible()
    expect(staff.locator("h1 .cert-status")).to_have_class(re.compile(r"\bcert-revoked\b"))
    expect(staff.locator(f"form[action='{certificate_path}/revoke']")).to_have_count(0)
    expect(staff.locator("main dl.facts")).to_contain_text(reason)

    # The stranger types the code from the paper (lower case, spaces): now it is revoked.
    phone.goto("/verify")
    phone.locator("#code").fill(code.lower().replace("-", " "))
    phone.locator("form[method=get]", has=phone.locator("#code")).locator(
        "button[type=submit]").click()
    expect(phone).to_have_url(f"{live_server}/verify/{code}")
    expect(phone.locator("h1 .cert-status")).to_have_class(re.compile(r"\bcert-revoked\b"))
    expect(phone.locator(".cert-verdict")).to_have_text(REVOKED)
    expect(phone.locator("main")).not_to_contain_text(reason)  # the reason stays inside
    _expect_no_sideways_scroll(phone)
    _shot(phone, "verdict-revoked-360")
    answer = phone.request.get(f"/verify/{code}.json")
    assert answer.status == 200 and answer.json()["status"] == "revoked"
    assert answer.json()["name"] == "Élodie Marchand"


# --- 2. A graduate who reads English: the same PDF every time, and a link to share ------------

# One graduate each of four academies, ticked by hand: (username, name, certificate language).
TICKED = [("pt.graduate1", "Beatriz Magalhães", "pt-PT"),
          ("it.graduate3", "Piergiorgio Sàlvati", "it"),
          ("es.graduate2", "Óscar Lázaro Peña", "es"),
          ("br.graduate3", "Letícia Antônia Pereira", "en")]  # switches to English first


def test_a_graduate_who_reads_english_downloads_the_same_pdf_twice_and_shares_its_link(
        new_page, live_server):
    graduate = _signed_in(new_page, "br.graduate3", "pt-BR")
    expect(graduate.locator("html")).to_have_attribute("lang", "pt-BR")
    open_nav(graduate, "/my/certificates")
    expect(graduate.locator("article.certificate-card")).to_have_count(0)
    expect(graduate.locator("main a[href='/learning']")).to_be_visible()  # nothing yet
    switch_language(graduate, "en")  # kept in the profile: certificates follow it

    staff = _signed_in(new_page, "coordinator")
    _open_eligible(staff)
    for username, name, _locale in TICKED:
        row = _eligible_rows(staff).filter(has=staff.locator("td code", has_text=re.compile(
            rf"^{re.escape(username)}$")))
        expect(row.locator("label")).to_have_text(name)
        staff.get_by_label(name, exact=True).check()
    expect(_eligible_rows(staff).locator("input[name=enrolments]:checked")).to_have_count(4)
    staff.locator("form[action$='/certificates/issue'] button[type=submit]").click()
    _confirm_issue(staff, 4)
    _wait_for_job(staff)
    expect(staff.locator("main [role=status]")).to_have_text("4 certificates issued.")
    expect(staff.locator("main table tbody tr")).to_have_count(4)

    _zip_name, zip_data = _download(staff, staff.get_by_role("link", name=ZIP_LINK))
    pdfs = list(_zip_of_pdfs(zip_data).values())
    assert len(pdfs) == 4
    by_name = {}
    for _username, name, locale in TICKED:  # pt, it, es and en: the name's accents in each
        (data,) = [data for data in pdfs if name in _text(data)]
        _check_language_and_name(data, locale, name)
        by_name[name] = data

    # The graduate, now reading English, finds the certificate and downloads it twice.
    graduate.reload()
    expect(graduate.locator("html")).to_have_attribute("lang", "en")
    card = graduate.locator("article.certificate-card")
    expect(card).to_have_count(1)
    expect(card.locator("h2")).to_have_attribute("lang", "en")
    expect(card.locator(".cert-status")).to_have_class(re.compile(r"\bcert-valid\b"))
    serial = card.locator("code").first.inner_text().strip()
    assert re.fullmatch(r"PAN-\d{4}-\d{6}", serial)
    download = card.get_by_role("link", name="Download the PDF")
    first_name, first = _download(graduate, download)
    second_name, second = _download(graduate, download)
    assert first_name == second_name == f"{serial}.pdf"
    assert first == second == by_name["Letícia Antônia Pereira"]  # byte for byte, as issued
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    _check_language_and_name(first, "en", "Letícia Antônia Pereira")

    share = card.get_by_label("Link to share: anyone can check this certificate with it")
    expect(share).to_have_attribute("readonly", "")
    link = share.input_value()
    assert re.fullmatch(rf"{re.escape(live_server)}/verify/{CODE}", link), link
    assert link.rsplit("/", 1)[1] in _text(first)  # the code printed on the PDF
    _shot(graduate, "my-certificates")

    visitor = new_page(locale="en-GB")
    visitor.goto(link)
    expect(visitor.locator(".cert-verdict")).to_have_text(VALID)
    expect(visitor.locator("h1")).to_contain_text(serial)
    expect(visitor.locator("main dl.facts")).to_contain_text("Letícia Antônia Pereira")
