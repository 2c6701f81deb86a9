"""The signed payload in certificates' QR codes: round trip, what the PDF's QR code holds (read
at 150 dpi), and every verdict of the check (in Python and on the public page)."""
from __future__ import annotations

import secrets
import shutil
import subprocess
import zlib
from datetime import timedelta
from urllib.parse import quote

import base45
import cbor2
import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from academy import storage
from academy.certificates import contents, revoking, signed_qr, status_list
from academy.credentials import keystore
from academy.credentials import operations as key_ops
from academy.db import utcnow
from academy.extensions import db
from tests.factories.certificates import issue, resign


def qr_texts(certificate, where) -> list[str]:
    """The QR codes read from the certificate's first page rasterised at 150 dpi."""
    import zxingcpp

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing: run `sh .ci/system-packages.sh --test`", pytrace=False)
    path = storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256, ".pdf")
    subprocess.run([pdftoppm, "-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1",
                    str(path), str(where / "page")], check=True, timeout=60)
    return [found.text for found in zxingcpp.read_barcodes(Image.open(where / "page.png"))
            if found.format == zxingcpp.BarcodeFormat.QRCode]


# --- Round trip and the printed page ------------------------------------------------------------

def test_the_pdfs_qr_code_read_at_150_dpi_is_a_signed_payload_that_verifies(
        course, trainee, complete, academy, academy_key, tmp_path):
    certificate = issue(complete(trainee, course))
    texts = qr_texts(certificate, tmp_path)
    assert len(texts) == 1 and texts[0].startswith("CAMPUS1:")
    verdict = signed_qr.verify(texts[0])
    assert verdict.verdict == signed_qr.VALID and verdict.kid == academy_key.kid
    assert verdict.claims == {
        "serial": certificate.serial, "name": "María López Fernández",
        "course": certificate.course_title, "academy": academy.slug, "hours": certificate.hours,
        "issued_on": certificate.issued_at.date().isoformat(), "expires_on": None,
        "locale": certificate.locale, "status_index": certificate.status_index}
    assert 0 <= certificate.status_index < status_list.LIST_BITS


def test_without_an_academy_key_the_qr_code_holds_the_link_as_before(
        course, trainee, complete, tmp_path):
    certificate = issue(complete(trainee, course))
    assert qr_texts(certificate, tmp_path) == [
        contents.verify_url("https://campus.example.org", certificate.code)]


def test_long_names_and_titles_still_fit_a_qr_code_read_at_150_dpi(
        course, create_user, academy, complete, academy_key, tmp_path):
    person = create_user(academy=academy, roles=["trainee"],
                         display_name="Maria da Conceição Albuquerque Vasconcelos de Figueiredo")
    for text in course.texts:
        text.title = ("Prevención y gestión de incidentes críticos en establecimientos "
                      "penitenciarios de alta seguridad")
    db.session.commit()
    certificate = issue(complete(person, course))
    payload = signed_qr.payload_for(certificate, academy)
    assert segno.make(payload, error="m").version <= signed_qr.MAX_QR_VERSION
    texts = qr_texts(certificate, tmp_path)
    assert texts == [payload] and signed_qr.verify(payload).is_valid


def test_a_payload_too_long_for_the_printed_size_falls_back_to_the_link(
        course, trainee, complete, academy, academy_key):
    certificate = issue(complete(trainee, course))
    certificate.course_title = secrets.token_hex(150)  # 300 characters zlib cannot shorten
    assert signed_qr.payload_for(certificate, academy) is None


# --- Verdicts -----------------------------------------------------------------------------------

@pytest.fixture
def payload(course, trainee, complete, academy, academy_key):
    certificate = issue(complete(trainee, course))
    return signed_qr.payload_for(certificate, academy)


def test_a_rotated_key_still_verifies_what_it_signed(payload, academy):
    key_ops.rotate_key(academy.id)
    db.session.commit()
    verdict = signed_qr.verify(payload)
    assert verdict.is_valid and verdict.key_status == "retired"


def test_a_changed_claim_breaks_the_signature(payload):
    forged = resign(payload, lambda claims: claims.update({signed_qr.HOURS: 900}))
    verdict = signed_qr.verify(forged)
    assert verdict.verdict == signed_qr.BAD_SIGNATURE and not verdict.signature_holds


def test_a_key_unknown_to_the_trust_list_is_refused(payload):
    stranger = Ed25519PrivateKey.generate()
    kid = keystore.kid_of(keystore.raw_public(stranger.public_key()))
    assert signed_qr.verify(resign(payload, lambda c: None, stranger, kid)).verdict == \
        signed_qr.UNKNOWN_KEY


def test_another_academys_key_cannot_sign_for_this_one(payload, create_academy):
    other = create_academy()
    key = key_ops.create_key(other.id).key
    forged = resign(payload, lambda c: None, keystore.load_private(key.kid), key.kid)
    assert signed_qr.verify(forged).verdict == signed_qr.UNKNOWN_KEY


def test_a_revoked_key_is_refused(payload, academy_key):
    key_ops.revoke_key(academy_key.kid)
    db.session.commit()
    assert signed_qr.verify(payload).verdict == signed_qr.REVOKED_KEY


def test_a_revoked_certificate_says_so(payload):
    from academy.certificates import queries as certificate_queries

    _, claims = signed_qr.decode(payload)

    certificate = certificate_queries.by_serial(claims[signed_qr.SERIAL])
    revoking.revoke(certificate, reason="Issued by mistake", actor_id=None)
    db.session.commit()
    verdict = signed_qr.verify(payload)
    assert verdict.verdict == signed_qr.CERTIFICATE_REVOKED and verdict.signature_holds


def test_an_expired_certificate_says_so(payload):
    from academy.certificates import queries as certificate_queries

    _, claims = signed_qr.decode(payload)
    certificate = certificate_queries.by_serial(claims[signed_qr.SERIAL])
    certificate.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert signed_qr.verify(payload).verdict == signed_qr.CERTIFICATE_EXPIRED


@pytest.mark.parametrize("text", ["", "hello", "CAMPUS1:", "CAMPUS1:%%%%", "CAMPUS1:" + "A" * 30,
                                  "CAMPUS1:" + base45.b45encode(zlib.compress(b"\xa0")).decode(),
                                  "CAMPUS1:" + base45.b45encode(zlib.compress(b"\0" * 10**6))
                                  .decode()])
def test_anything_else_is_not_a_campus_code(app_ctx, text):
    assert signed_qr.verify(text).verdict == signed_qr.MALFORMED


def test_the_kid_header_and_algorithm_follow_cose(payload, academy_key):
    tag = cbor2.loads(zlib.decompress(base45.b45decode(payload[len(signed_qr.PREFIX):])))
    assert tag.tag == 18
    assert cbor2.loads(tag.value[0]) == {1: -8, 4: keystore.kid_bytes(academy_key.kid)}


# --- The public page ----------------------------------------------------------------------------

def test_the_check_page_shows_the_claims_and_the_verdict(client, payload):
    page = client.get("/verify/signed?payload=" + quote(payload)).get_data(as_text=True)
    assert 'data-verdict="valid"' in page and "María López Fernández" in page
    forged = resign(payload, lambda claims: claims.update({signed_qr.NAME: "Someone Else"}))
    page = client.get("/verify/signed?payload=" + quote(forged)).get_data(as_text=True)
    assert 'data-verdict="signature_invalid"' in page and "Someone Else" not in page


def test_the_check_page_explains_an_empty_field_next_to_it(client, app_ctx):
    response = client.get("/verify/signed?payload=")
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert client.get("/verify").get_data(as_text=True).count('name="payload"') == 1


def test_a_scanner_typing_the_qr_code_into_the_code_field_is_led_to_the_signed_check(
        client, payload):
    response = client.get("/verify?code=" + quote(payload))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-verdict="valid"' in page
