"""Certificates that always fit: with the longest texts the design form allows, a 70-letter name
and a second language, every word is printed above the signatures and the verification block,
on one page, and the QR code still decodes from a 150 dpi print."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from PIL import Image
from pypdf import PdfReader

from academy.certificates import codes, documents, rendering, serials
from academy.certificates.forms import TextsForm
from academy.certificates.models import CertificateTemplate
from academy.i18n import content_language

NAME = "Maria José Gonçalves-Núñez d'Ávila de la Cruz y Fernández-Sotomayor Pé"
assert len(NAME) == 70
END = "Zfin"  # the closing line's last word, looked for on the page
WORDS = {  # a word of each language, repeated to each field's longest length
    "es": "Certificado de aprovechamiento académico", "pt": "Certificado de aproveitamento",
    "fr": "Attestation de réussite et d'assiduité", "en": "Certificate of achievement",
    "it": "Attestato di frequenza con profitto"}
BOTTOM_ZONE_PT = (12 + 30) * 72 / 25.4  # the signatures and the QR block: 42 mm from the bottom


def _longest(text: str, field) -> str:
    limit = next(v.max for v in field.validators if hasattr(v, "max"))
    return (text + " ") * (limit // (len(text) + 1)) + text[: limit % (len(text) + 1)]


def _certificate(locale: str, second: str | None) -> bytes:
    form = TextsForm(formdata=None, meta={"csrf": False})
    language = content_language(locale)  # texts are per language; the locale is a variety
    texts = {name: _longest(WORDS[language], getattr(form, name)) for name in (
        "title", "intro", "statement")}
    texts["closing"] = _longest(WORDS[language], form.closing)[: -len(END) - 1] + " " + END
    template = CertificateTemplate(texts={language: texts}, signatures=[
        {"name": "Dra. Ana Beatriz Carvalho", "title": _longest("Directora general", form.title)},
        {"name": "Luis Ortega", "title": "Coordinador"}], page_size="A4", accent="#1f3d6b",
        extra_css="")
    now = datetime(2026, 12, 6, tzinfo=UTC)
    facts = documents.Facts(
        serial=serials.format_serial(2026, 123456), code=codes.new_code(), name=NAME,
        course_titles={code: _longest(WORDS[content_language(code)], form.title)
                       for code in filter(None, (locale, second))}, hours=120, grade=93.5,
                            completed_at=now, issued_at=now,
        expires_at=now, academy_names={language: "Escola Nacional de Administração Penitenciária"},
        logo_filename=None, verify_url="https://campus.example.org/verify/" + "7" * 26)
    values = documents.values(facts, template, locale, second)
    return rendering.render_pdf(documents.html(values), documents.stylesheet(template),
                                documents.file_roots()), facts.verify_url


def _lowest_y_of(reader: PdfReader, word: str) -> float | None:
    found: list[float] = []

    def visit(text, cm, tm, *_):
        if word in text:
            found.append(tm[5] * cm[3] + cm[5])

    reader.pages[0].extract_text(visitor_text=visit)
    return min(found) if found else None


def _qr_texts(data: bytes, where) -> list[str]:
    import zxingcpp

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing: run `sh .ci/system-packages.sh --test`", pytrace=False)
    (where / "c.pdf").write_bytes(data)
    subprocess.run([pdftoppm, "-r", "150", "-png", "-singlefile", str(where / "c.pdf"),
                    str(where / "page")], check=True, timeout=60)
    image = Image.open(where / "page.png")
    return [found.text for found in zxingcpp.read_barcodes(image)
            if found.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize(("locale", "second"), [
    ("es", None), ("pt_BR", None), ("fr", None), ("en", None), ("it", None), ("fr", "es_419")])
def test_the_longest_texts_fit_above_the_signatures_and_the_qr_code_decodes(
        app_ctx, tmp_path, locale, second):
    data, url = _certificate(locale, second)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert END in text and NAME.split()[-1] in text  # nothing was cut away
    end_y = _lowest_y_of(reader, END)
    assert end_y is not None and end_y > BOTTOM_ZONE_PT, (end_y, BOTTOM_ZONE_PT)
    assert _qr_texts(data, tmp_path) == [url]


def test_texts_of_ordinary_length_keep_their_full_size(app_ctx):
    from academy.certificates import weasyprint_pdf

    template = CertificateTemplate(texts={}, signatures=[], page_size="A4", accent="#1f3d6b",
                                   extra_css="")
    now = datetime(2026, 12, 6, tzinfo=UTC)
    facts = documents.Facts(
        serial=serials.format_serial(2026, 1), code=codes.new_code(), name="Ana Ruiz",
        course_titles={"es": "Seguridad dinámica"}, hours=20, grade=None, completed_at=now,
        issued_at=now, expires_at=None, academy_names={"es": "CEP"}, logo_filename=None,
        verify_url="https://campus.example.org/verify/X")
    html = documents.html(documents.values(facts, template, "es", None))
    fetcher = weasyprint_pdf.AppFilesFetcher(documents.file_roots())
    document = weasyprint_pdf._layout(html, [weasyprint_pdf._stylesheet(
        documents.stylesheet(template), fetcher)], fetcher, "file:///")
    assert weasyprint_pdf._room_left(document) is None  # one layout, no shrinking
