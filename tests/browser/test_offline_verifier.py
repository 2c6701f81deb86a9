"""The offline verifier in Chromium: opened once while connected, then with the network cut it
reads a certificate's QR code from its PDF and says valid, and gives the right verdict for a
changed code, a code signed by a stranger's key and an expired certificate; after a revocation
and a refresh of the lists it says revoked.

A server of its own (an academy with signing keys and one graduate's certificate): the demo
server's academies have no keys, and other browser tests read their QR codes as links.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import Page, expect

from academy.extensions import db
from tests.browser.checks import PHONE, WIDTH_CHECK, assert_accessible
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, serving
from tests.support import PASSWORD, fresh_database_url, make_app, upgrade_schema

HOLDERS = ("Joana Araújo Müller", "Iñaki Ortúzar Peña")  # the second one's is revoked
HOLDER = HOLDERS[0]
VERDICT = "#verdict"


class RequestCounter:
    """Counts the requests that reach the server (none may while the browser is offline)."""

    def __init__(self, wsgi_app):
        self.wsgi_app, self.count, self.lock = wsgi_app, 0, threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.count += 1
        return self.wsgi_app(environ, start_response)


def _world() -> dict:
    """An academy whose key signs, the network's key, a graduate's certificate; the payloads
    the tests paste."""
    from academy import storage
    from academy.academies import operations as academy_ops
    from academy.accounts import operations as account_ops
    from academy.certificates import contents, issuing, signed_qr
    from academy.credentials import keystore
    from academy.credentials import operations as key_ops
    from academy.curricula import operations as course_ops
    from academy.db import utcnow
    from academy.enrolment import operations as enrolment_ops
    from academy.enrolment.models import COMPLETED
    from academy.packages import operations as package_ops
    from tests.factories.certificates import resign
    from tests.factories.packages import sample_package

    academy = academy_ops.create_academy(slug="sin-red", country="ES", default_locale="es",
                                         names={"es": "Academia Sin Red",
                                                "en": "No Network Academy"})
    course = package_ops.import_package(sample_package(), academy=academy)
    course_ops.publish_course(course)
    key_ops.create_key(None)
    academy_key = key_ops.create_key(academy.id).key
    certificates = []
    for number, name in enumerate(HOLDERS):
        person, _ = account_ops.create_user(academy=academy, roles=["trainee"], locale="es",
                                            password=PASSWORD, username=f"graduate{number}",
                                            display_name=name)
        enrolment = enrolment_ops.enrol_by_staff(person, course)
        enrolment.status, enrolment.completed_at = COMPLETED, utcnow() - timedelta(days=3)
        certificates.append(issuing.issue_certificate(enrolment, actor_id=None,
                                                      base_url="https://campus.example.org"))
    db.session.commit()
    certificate, revocable = certificates
    payload = signed_qr.payload_for(certificate, academy)
    private = keystore.load_private(academy_key.kid)
    stranger = Ed25519PrivateKey.generate()

    def expire(claims):
        claims[signed_qr.EXPIRES] = (utcnow() - timedelta(days=1)).date().isoformat()

    return {
        "serial": certificate.serial, "payload": payload,
        "pdf": storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256, ".pdf"),
        "revocable_id": revocable.id,
        "revocable_pdf": storage.stored_path(contents.PDF_KIND, revocable.pdf_sha256, ".pdf"),
        "tampered": resign(payload, lambda claims: claims.update({signed_qr.NAME: "Otra Persona"})),
        "stranger": resign(payload, lambda claims: None, stranger,
                           keystore.kid_of(keystore.raw_public(stranger.public_key()))),
        "expired": resign(payload, expire, private, academy_key.kid),
    }


@pytest.fixture(scope="module")
def verifier_server(tmp_path_factory):
    """(base URL, the app, its request counter, the world's facts)."""
    tmp = tmp_path_factory.mktemp("offline-verifier")
    app = make_app(fresh_database_url(tmp, sqlite=True), tmp)
    upgrade_schema(app)
    with app.test_request_context():
        world = _world()
    counter = RequestCounter(app.wsgi_app)
    app.wsgi_app = counter
    with serving(app, "offline-verifier-server") as url:
        yield url, app, counter, world


@pytest.fixture
def context(browser, verifier_server):
    base, _app, _counter, _world = verifier_server
    context = browser.new_context(locale="en-GB", base_url=base, service_workers="allow",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    yield context
    context.close()


def _open_once_online(page: Page) -> None:
    """Open the page while connected; wait until it works offline with both lists kept."""
    page.goto("/verify/offline/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")
    expect(page.locator("#kept-lists li[data-kept=true]")).to_have_count(2)


def _shot(page: Page, name: str) -> None:
    """A picture for humans (test-artifacts/), as the other journeys leave."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"offline-verifier-{name}.png"), full_page=True)


def _paste(page: Page, text: str) -> None:
    page.locator("#payload").fill(text)
    page.locator("#paste-form button[type=submit]").click()


def test_opened_once_it_checks_certificates_with_the_network_cut(context, verifier_server):
    _base, _app, counter, world = verifier_server
    page = context.new_page()
    _open_once_online(page)
    expect(page.locator("#kept-lists li").first).to_contain_text(
        re.compile(r"^Trust list \(the keys of the network and its academies\) of .*2\d{3}"))
    context.set_offline(True)
    reached = counter.count
    page.reload()
    expect(page.locator("h1")).to_have_text("Check a certificate offline")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")

    page.locator("#pdf").set_input_files(str(world["pdf"]))
    verdict = page.locator(VERDICT)
    expect(verdict).to_have_attribute("data-verdict", "valid", timeout=30_000)
    expect(verdict).to_have_text("The signature is genuine and the certificate is valid.")
    expect(page.locator("#status-note")).to_contain_text(
        "Revocations checked against the status list of ")
    expect(page.locator("#key-note")).to_contain_text("The key is the academy's current one.")
    claims = page.locator("#claims")
    expect(claims).to_contain_text(HOLDER)
    expect(claims).to_contain_text(world["serial"])
    expect(claims).to_contain_text("No Network Academy")
    assert page.locator("#payload").input_value() == world["payload"]
    _shot(page, "valid-offline")

    _paste(page, world["tampered"])
    expect(verdict).to_have_attribute("data-verdict", "signature_invalid")
    expect(verdict).to_have_text(
        "The signature does not match: the code has been changed. It is not a genuine certificate.")
    expect(claims).to_be_hidden()

    _paste(page, world["stranger"])
    expect(verdict).to_have_attribute("data-verdict", "unknown_key")
    expect(verdict).to_contain_text("not in the trust list kept on this device")

    _paste(page, world["expired"])
    expect(verdict).to_have_attribute("data-verdict", "expired")
    expect(verdict).to_have_text("The signature is genuine, but the certificate has expired.")
    expect(claims).to_contain_text(HOLDER)

    _paste(page, "CAMPUS1:NOT-A-CODE")
    expect(verdict).to_have_attribute("data-verdict", "malformed")
    assert counter.count == reached, "the page reached the server while offline"


def test_after_a_revocation_and_a_refresh_of_the_lists_it_says_revoked(context, verifier_server):
    from academy.certificates import revoking
    from academy.certificates.models import Certificate

    _base, app, _counter, world = verifier_server
    page = context.new_page()
    _open_once_online(page)
    expect(page.locator("#kept-lists li").nth(1)).to_contain_text(
        "Status list of No Network Academy of ")
    with app.app_context():
        revoking.revoke(db.session.get(Certificate, world["revocable_id"]),
                        reason="Issued by mistake", actor_id=None)
        db.session.commit()

    context.set_offline(True)
    page.reload()
    page.locator("#pdf").set_input_files(str(world["revocable_pdf"]))
    verdict = page.locator(VERDICT)
    # The list kept before the revocation does not know it yet: the date says how old it is.
    expect(verdict).to_have_attribute("data-verdict", "valid", timeout=30_000)

    context.set_offline(False)
    page.locator("#refresh").click()
    expect(page.locator("#lists-state")).to_have_text("The lists are up to date.")
    context.set_offline(True)
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")
    page.locator("#pdf").set_input_files(str(world["revocable_pdf"]))
    expect(verdict).to_have_attribute("data-verdict", "revoked_or_replaced", timeout=30_000)
    expect(verdict).to_contain_text("The signature is genuine, but the certificate has been "
                                    "revoked or replaced by a newer one (status list of ")
    expect(page.locator("#claims")).to_contain_text(HOLDERS[1])
    _shot(page, "revoked-offline")


def test_on_a_phone_in_portuguese_without_a_network(browser, axe, verifier_server):
    base, _app, _counter, world = verifier_server
    context = browser.new_context(locale="pt-BR", base_url=base, viewport=PHONE, is_mobile=True)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        _open_once_online(page)
        context.set_offline(True)
        page.reload()
        expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
        _paste(page, world["payload"])
        expect(page.locator(VERDICT)).to_have_attribute("data-verdict", "valid")
        claims = page.locator("#claims")
        expect(claims).to_contain_text("Número de série")
        expect(claims.locator("dd").nth(5)).to_have_text(re.compile(r"^\d{1,2} de \w+ de \d{4}$"))
        assert page.evaluate(WIDTH_CHECK) == []
        assert_accessible(page, axe)
        _shot(page, "phone-pt-BR")
    finally:
        context.close()


def _photo_of_the_page(pdf: Path, where: Path) -> Path:
    """The certificate's first page as a scanner gives it: a 150 dpi picture (poppler)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing: run `sh .ci/system-packages.sh --test`", pytrace=False)
    subprocess.run([pdftoppm, "-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf),
                    str(where / "page")], check=True, timeout=60)
    return where / "page.png"


def test_it_reads_a_photo_of_the_certificate(context, verifier_server, tmp_path):
    _base, _app, _counter, world = verifier_server
    page = context.new_page()
    _open_once_online(page)
    context.set_offline(True)
    page.reload()
    page.locator("#photo").set_input_files(str(_photo_of_the_page(world["pdf"], tmp_path)))
    expect(page.locator(VERDICT)).to_have_attribute("data-verdict", "valid", timeout=30_000)
    expect(page.locator("#claims")).to_contain_text(HOLDER)


def _camera_film(payload: str, where: Path) -> Path:
    """A video file for Chromium's fake camera: the QR code held up in front of it (Y4M, 4:2:0)."""
    import segno
    from PIL import Image

    picture = io.BytesIO()
    segno.make(payload, error="m").save(picture, kind="png", scale=6, border=4)
    code = Image.open(picture).convert("RGB")
    frame = Image.new("RGB", (640, 480), "white")
    code.thumbnail((440, 440))
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    planes = y.tobytes() + cb.resize((320, 240)).tobytes() + cr.resize((320, 240)).tobytes()
    film = where / "camera.y4m"
    film.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n"
                     + b"".join(b"FRAME\n" + planes for _ in range(5)))
    return film


def test_it_scans_the_code_with_the_camera(browser, verifier_server, tmp_path):
    base, _app, _counter, world = verifier_server
    film = _camera_film(world["payload"], tmp_path)
    with_camera = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream",
              "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={film}"])
    try:
        context = with_camera.new_context(locale="en-GB", base_url=base)
        context.set_default_timeout(20_000)
        context.grant_permissions(["camera"])
        page = context.new_page()
        _open_once_online(page)
        context.set_offline(True)
        page.reload()
        page.locator("#camera-start").click()
        expect(page.locator(VERDICT)).to_have_attribute("data-verdict", "valid", timeout=30_000)
        expect(page.locator("#claims")).to_contain_text(HOLDER)
        expect(page.locator("#camera")).to_be_hidden()
        assert page.locator("#payload").input_value() == world["payload"]
    finally:
        with_camera.close()
