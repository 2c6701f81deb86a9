"""The offline verifier's page and service worker as the server sends them: what the page hands
its script (the network's keys, the addresses, the texts in the reader's language), the headers
only this page gets, and the built files the service worker keeps. The checking itself runs in
Chromium (tests/browser/test_offline_verifier.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from academy.credentials import operations as key_ops
from academy.credentials.trust_list import b64url
from academy.extensions import db

ROOT = Path(__file__).resolve().parents[2]
EN = {"Accept-Language": "en"}
SETTINGS = re.compile(
    r'<script type="application/json" id="verifier-settings">(.*?)</script>', re.S)


def settings_of(html: str) -> dict:
    return json.loads(SETTINGS.search(html).group(1))


@pytest.fixture
def network_keys(app_ctx):
    """Three network keys: one revoked, one retired, one current."""
    revoked = key_ops.create_key(None).key
    retired = key_ops.rotate_key(None).key
    key_ops.revoke_key(revoked.kid)
    current = key_ops.rotate_key(None).key
    db.session.commit()
    return revoked, retired, current


def test_the_page_pins_the_network_keys_that_still_verify(client, network_keys):
    revoked, retired, current = network_keys
    settings = settings_of(client.get("/verify/offline/", headers=EN).get_data(as_text=True))
    assert settings["networkKeys"] == [{"kid": key.kid, "x": b64url(key.public_key)}
                                       for key in (retired, current)]


def test_the_page_gives_its_script_addresses_and_texts_in_the_readers_language(client, app_ctx):
    response = client.get("/verify/offline/", headers={"Accept-Language": "pt-BR"})
    assert response.status_code == 200
    settings = settings_of(response.get_data(as_text=True))
    assert settings["locale"] == "pt-BR" and settings["language"] == "pt"
    assert settings["urls"]["page"] == "/verify/offline/"
    assert settings["urls"]["serviceWorker"] == "/verify/offline/sw.js"
    assert settings["urls"]["trustList"] == "/.well-known/campus-trust-list.json"
    assert settings["urls"]["statusList"].replace("{slug}", "cep-madrid") \
        == "/academies/cep-madrid/status-list"
    assert settings["networkKeys"] == []  # no network key yet: the page still opens
    texts = settings["texts"]
    assert texts["claim.serial"] == "Número de série"  # translated by the server, not the script
    for key in ("verdict.valid", "verdict.malformed", "verdict.unknown_key",
                "verdict.signature_invalid", "verdict.revoked_key", "verdict.expired",
                "verdict.revoked_or_replaced", "verdict.valid_unchecked", "status.checked"):
        assert texts[key], key
    assert "%(date)s" in texts["verdict.revoked_or_replaced"]


def test_without_javascript_the_page_says_so_and_links_to_the_online_check(client, app_ctx):
    html = client.get("/verify/offline/", headers=EN).get_data(as_text=True)
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S).group(1)
    assert "This tool needs JavaScript, which is turned off in this browser." in noscript
    assert 'href="/verify"' in noscript
    assert re.search(r'<div id="verifier" class="offline-verifier" hidden>', html)


def test_the_page_runs_no_inline_script_and_loads_nothing_from_outside(client, app_ctx):
    html = client.get("/verify/offline/", headers=EN).get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script type="application/json" id="verifier-settings">',
                       '<script type="module" src="/static/verifier/verifier.js">']
    assert not re.search(r'(src|href|action)="(https?:)?//', html)
    assert "style=" not in html and "onclick=" not in html


def test_only_this_page_may_compile_webassembly_and_use_the_camera(client, app_ctx):
    headers = client.get("/verify/offline/", headers=EN).headers
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in headers["Content-Security-Policy"]
    assert csp["connect-src"] == "'self'" and csp["default-src"] == "'self'"
    assert headers["Permissions-Policy"] == "camera=(self), microphone=(), geolocation=()"
    assert headers["Cache-Control"] == "no-cache"
    elsewhere = client.get("/verify", headers=EN).headers
    assert "wasm-unsafe-eval" not in elsewhere["Content-Security-Policy"]
    assert "camera=()" in elsewhere["Permissions-Policy"]


def test_the_service_worker_is_served_fresh_with_the_files_it_keeps(client, app_ctx):
    response = client.get("/verify/offline/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    first_line, body = response.get_data(as_text=True).split("\n", 1)
    settings = json.loads(first_line.removeprefix("self.CAMPUS_VERIFIER = ").removesuffix(";"))
    assert settings["page"] == "/verify/offline/" and re.fullmatch(r"[0-9a-f]{16}",
                                                                    settings["version"])
    assert "/static/verifier/verifier.js" in settings["shell"]
    assert "/static/campus.css" in settings["shell"]
    assert "CAMPUS_VERIFIER" in body and '"fetch"' in body
    kinds = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
             ".css": "text/css", ".svg": "image/svg+xml"}
    for url in settings["shell"]:
        kept = client.get(url)
        assert kept.status_code == 200, url
        assert kept.mimetype == kinds[Path(url).suffix] or (
            Path(url).suffix in (".js", ".mjs") and kept.mimetype == "application/javascript"), url
        kept.close()


def test_a_new_build_is_a_new_service_worker(app, app_ctx, tmp_path, monkeypatch):
    from academy.certificates import offline_verifier

    folder = tmp_path / "static"
    for name in (*offline_verifier.SHELL_FILES, "verifier/sw.js"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name)
    monkeypatch.setattr(app, "static_folder", str(folder))
    before = offline_verifier.shell_version()
    (folder / "verifier" / "verifier.js").write_text("a new build")
    assert offline_verifier.shell_version() != before


def test_the_online_check_links_to_the_offline_one(client, app_ctx):
    html = client.get("/verify", headers=EN).get_data(as_text=True)
    assert '<a href="/verify/offline/">Open the offline check</a>' in html


def test_the_built_files_and_the_licences_of_their_libraries_are_committed():
    built = ROOT / "academy" / "static" / "verifier"
    for name in ("verifier.js", "sw.js", "pdf.min.mjs", "pdf.worker.min.mjs", "zxing_reader.wasm"):
        assert (built / name).stat().st_size > 0, name
    package = json.loads((ROOT / "web" / "verifier" / "package.json").read_text())
    for library in package["dependencies"]:
        licence = built / "licenses" / (library.replace("@", "").replace("/", "-") + ".txt")
        text = licence.read_text() if licence.is_file() else ""
        assert "Permission is hereby granted" in text or "Apache License" in text, library
    assert (ROOT / "web" / "verifier" / "package-lock.json").is_file()
