"""Certificates: a course completed a week ago, a certificate issued and committed, its stored PDF
as text or bytes; and signed QR payloads, changed and signed again (or forged) for the checks."""
from __future__ import annotations

import zlib
from datetime import timedelta

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader

from academy import storage
from academy.certificates import contents, issuing, signed_qr
from academy.certificates.models import Certificate
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import COMPLETED
from academy.extensions import db


# Named apart from `complete`: other certificate modules have a `complete` of their own (three
# days ago), and a module imports this one without shadowing a test's argument of that name.
@pytest.fixture(name="complete")
def complete_a_week_ago(app_ctx):
    """Factory: enrol a person in a course and mark it completed (a week ago)."""

    def _complete(user, course, days_ago: int = 7):
        enrolment = enrolment_ops.enrol_by_staff(user, course)
        enrolment.status, enrolment.completed_at = COMPLETED, utcnow() - timedelta(days=days_ago)
        db.session.commit()
        return enrolment

    return _complete


def pdf_text(certificate: Certificate) -> str:
    path = storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256, ".pdf")
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def pdf_bytes(certificate: Certificate) -> bytes:
    return storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256, ".pdf").read_bytes()


def issue(enrolment, actor=None) -> Certificate:
    certificate = issuing.issue_certificate(enrolment, actor_id=actor.id if actor else None,
                                            base_url="https://campus.example.org")
    db.session.commit()
    return certificate


def resign(payload: str, change, key: Ed25519PrivateKey | None = None, kid: str | None = None):
    """The payload's claims changed by `change`, then signed again by `key` (or not at all)."""
    message, claims = signed_qr.decode(payload)
    change(claims)
    if key is not None:
        return signed_qr.encode(claims, kid, key)
    tag = cbor2.loads(zlib.decompress(base45.b45decode(payload[len(signed_qr.PREFIX):])))
    parts = list(tag.value)
    parts[2] = cbor2.dumps(claims)  # the old signature over new claims
    forged = cbor2.dumps(cbor2.CBORTag(18, parts))
    return signed_qr.PREFIX + base45.b45encode(zlib.compress(forged)).decode()
