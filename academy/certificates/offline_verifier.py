"""The offline verifier (/verify/offline/): the files its service worker keeps, the settings and
translated texts its page hands to its script, and the headers that page needs.

The script is built from web/verifier/ into academy/static/verifier/ (web/verifier/build.sh);
docs/credentials.md, "The offline verifier", says how it checks a code.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _

from academy.certificates.labels import SIGNED_VERDICT_LABELS
from academy.credentials import queries as key_queries
from academy.credentials.trust_list import b64url
from academy.i18n import current_locale
from academy.locales import bcp47, content_language
from academy.security import PERMISSIONS_POLICY, content_security_policy

ASSET_FOLDER = "verifier"  # under the app's static folder
SCRIPT, PDF, PDF_WORKER, QR_WASM, SERVICE_WORKER = (
    "verifier.js", "pdf.min.mjs", "pdf.worker.min.mjs", "zxing_reader.wasm", "sw.js")
SHELL_FILES = ("campus.css", "favicon.svg", *(f"{ASSET_FOLDER}/{name}" for name in (
    SCRIPT, PDF, PDF_WORKER, QR_WASM)))

# zxing-wasm compiles its WebAssembly module: 'wasm-unsafe-eval' allows that and nothing else
# (no eval of JavaScript). Only this page gets it, and the camera, which the platform's
# Permissions-Policy denies everywhere else.
PAGE_HEADERS = {
    "Content-Security-Policy": content_security_policy(script_src="'wasm-unsafe-eval'"),
    "Permissions-Policy": PERMISSIONS_POLICY.replace("camera=()", "camera=(self)"),
}


def static_path(name: str) -> Path:
    return Path(current_app.static_folder) / name


@lru_cache(maxsize=4)
def _digest(stamps: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for path, _mtime, _size in stamps:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def shell_version() -> str:
    """A fingerprint of the kept files: a new one makes browsers install the new service worker
    (and drop the files it kept before)."""
    paths = [static_path(name) for name in (*SHELL_FILES, f"{ASSET_FOLDER}/{SERVICE_WORKER}")]
    return _digest(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths))


def service_worker_source() -> str:
    """The service worker: its settings on the first line, then the built script."""
    settings = {"version": shell_version(), "page": url_for("certificates.verify_offline"),
                "shell": [url_for("static", filename=name) for name in SHELL_FILES]}
    body = static_path(f"{ASSET_FOLDER}/{SERVICE_WORKER}").read_text("utf-8")
    return f"self.CAMPUS_VERIFIER = {json.dumps(settings)};\n{body}"


def page_settings(status_list_url: str) -> dict:
    """What the page's script needs: addresses, the network's keys, the locale, the texts.

    `status_list_url` is an academy's status list address with `{slug}` in place of the slug."""
    asset = lambda name: url_for("static", filename=f"{ASSET_FOLDER}/{name}")  # noqa: E731
    locale = current_locale()
    return {
        "locale": bcp47(locale), "language": content_language(locale),
        "urls": {"page": url_for("certificates.verify_offline"),
                 "serviceWorker": url_for("certificates.verify_offline_worker"),
                 "trustList": url_for("credentials.trust_list_json"),
                 "statusList": status_list_url,
                 "pdf": asset(PDF), "pdfWorker": asset(PDF_WORKER), "qrWasm": asset(QR_WASM)},
        # The trust list is checked against these: the page pins the network's keys.
        "networkKeys": [{"kid": key.kid, "x": b64url(key.public_key)}
                        for key in key_queries.network_keys_that_verify()],
        "texts": texts(),
    }


def texts() -> dict[str, str]:
    """Every sentence the script may show, in the reader's language. `%(name)s` is filled in by
    the script."""
    verdicts = {key: str(label) for key, label in SIGNED_VERDICT_LABELS.items()}
    return {
        **{f"verdict.{key}": verdicts[key] for key in (
            "valid", "malformed", "signature_invalid", "revoked_key", "expired")},
        "verdict.unknown_key": _(
            "The code is signed with a key that is not in the trust list kept on this device "
            "(of %(date)s). It is not a genuine certificate, unless its academy has a new key: "
            "refresh the lists while connected, then check it again."),
        "verdict.valid_unchecked": _(
            "The signature is genuine and the certificate has not expired, but whether it has "
            "been revoked could not be checked here (see below)."),
        "verdict.revoked_or_replaced": _(
            "The signature is genuine, but the certificate has been revoked or replaced by a "
            "newer one (status list of %(date)s). It is no longer valid."),
        "verdict.no_trust_list": _(
            "This device keeps no trust list yet, so no signature can be checked. Open this page "
            "once while connected."),
        "status.checked": _("Revocations checked against the status list of %(date)s."),
        "status.no_list": _(
            "Revocations not checked: this device keeps no status list of this academy. Refresh "
            "the lists while connected, or check the certificate online."),
        "status.no_index": _(
            "Revocations not checked: this certificate's code has no place in a status list (it "
            "was issued before status lists). Check it online to know whether it was revoked."),
        "key.kid": _("Signing key %(kid)s"),
        "key.current": _("The key is the academy's current one."),
        # i18n: a retired key signs nothing new; what it signed before stays genuine.
        "key.retired": _("The key is retired: it signs nothing new, and what it signed stays "
                         "genuine."),
        **_claim_labels(),
        **_reading_texts(),
        **_list_texts(),
    }


def _claim_labels() -> dict[str, str]:
    return {"claim.serial": _("Serial number"), "claim.name": _("Name"),
            "claim.course": _("Course"), "claim.academy": _("Academy"),
            "claim.hours": _("Hours"), "claim.issued_on": _("Issued"),
            "claim.expires_on": _("Valid until"), "claim.no_expiry": _("No expiry")}


def _reading_texts() -> dict[str, str]:
    return {
        "read.camera_aim": _("Point the camera at the QR code."),
        "read.camera_failed": _(
            "The camera could not be opened. Allow this page to use it, or load a photo instead."),
        "read.reading": _("Reading…"),
        "read.no_code_image": _("No QR code was found in this picture. Try a sharper photo, "
                                "taken straight on."),
        "read.no_code_pdf": _("No QR code was found on the first page of this PDF."),
        "read.bad_pdf": _("This file could not be read as a PDF."),
        "read.failed": _("The reader could not start in this browser."),
    }


def _list_texts() -> dict[str, str]:
    return {
        "lists.trust_list": _("Trust list (the keys of the network and its academies)"),
        # i18n: %(academy)s is an academy's name.
        "lists.status_list": _("Status list of %(academy)s"),
        "lists.dated": _("of %(date)s"),
        "lists.none": _("No list kept yet."),
        "lists.refreshing": _("Fetching the lists…"),
        "lists.refreshed": _("The lists are up to date."),
        "lists.offline": _(
            "The lists could not be fetched: there is no network, or Campus did not answer. The "
            "lists kept before are still used."),
        "lists.bad_trust_list": _(
            "The trust list fetched does not carry a valid signature of the network; it was not "
            "kept."),
        "lists.new_network_key": _(
            "The trust list is signed with a network key this page does not know yet: reload "
            "the page while connected."),
        "lists.bad_status_list": _(
            "The status list of %(academy)s does not carry a valid signature of its academy; it "
            "was not kept."),
        "sw.ready": _("Ready: this page now works without a network on this device."),
        "sw.preparing": _("Getting this page ready to work without a network…"),
        "sw.unsupported": _(
            "This browser cannot keep the page for use without a network: it works only while "
            "connected."),
    }
