"""The signed payload a certificate's QR code carries, and its check.

`CAMPUS1:` + Base45(zlib(COSE_Sign1(CBOR claims))), signed with the academy's current key
(docs/credentials.md lists the claim keys). Anyone holding the trust list can check
it offline; `verify` here also reads the certificate's current status in the database.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import base45
import cbor2

from academy.academies.models import Academy
from academy.academies.queries import academy_by_slug
from academy.certificates import queries, verdicts
from academy.certificates.models import Certificate
from academy.certificates.verdicts import (  # noqa: F401
    BAD_SIGNATURE,
    CERTIFICATE_EXPIRED,
    CERTIFICATE_REPLACED,
    CERTIFICATE_REVOKED,
    MALFORMED,
    REVOKED_KEY,
    UNKNOWN_CERTIFICATE,
    UNKNOWN_KEY,
    VALID,
)
from academy.credentials import cose, keystore
from academy.credentials import queries as key_queries
from academy.credentials.models import REVOKED as KEY_REVOKED
from academy.db import utcnow

PREFIX = "CAMPUS1:"
# Claim keys: small integers keep the QR code small.
SERIAL, NAME, COURSE, ACADEMY, HOURS, ISSUED, EXPIRES, LOCALE, STATUS = range(1, 10)
CLAIM_NAMES = {SERIAL: "serial", NAME: "name", COURSE: "course", ACADEMY: "academy",
               HOURS: "hours", ISSUED: "issued_on", EXPIRES: "expires_on", LOCALE: "locale",
               STATUS: "status_index"}
MAX_PAYLOAD_CHARS = 2000  # far above a real one (about 300); refuses a pasted novel early
# The printed QR code (30 mm, medium error correction) reads at 150 dpi up to version 13: 483
# alphanumeric characters. A longer payload (a very long name and title) is not printed; the
# certificate's QR code then holds its link, as without a key.
MAX_QR_VERSION, MAX_QR_CHARS = 13, 483


class MalformedPayload(ValueError):
    """Not a Campus signed payload."""


def claims_of(certificate: Certificate, academy_slug: str) -> dict[int, object]:
    """What the QR code states, with the short claim keys; its place in the academy's status
    list (status_list.py) lets a verifier offline see a revocation."""
    claims = {SERIAL: certificate.serial, NAME: certificate.name,
              COURSE: certificate.course_title, ACADEMY: academy_slug, HOURS: certificate.hours,
              ISSUED: certificate.issued_at.date().isoformat(),
              EXPIRES: (certificate.expires_at.date().isoformat() if certificate.expires_at
                        else None),
              LOCALE: certificate.locale}
    if certificate.status_index is not None:
        claims[STATUS] = certificate.status_index
    return claims


def encode(claims: dict, kid: str, private) -> str:
    """The printable payload of these claims signed by `private` (key id `kid`)."""
    message = cose.sign1(cbor2.dumps(claims), keystore.kid_bytes(kid), private)
    return PREFIX + base45.b45encode(zlib.compress(message, 9)).decode("ascii")


def payload_for(certificate: Certificate, academy: Academy) -> str | None:
    """The certificate's signed payload; None while the academy has no key here (the QR code
    then holds the verification link, as before)."""
    key = key_queries.current_key(academy.id)
    private = keystore.load_private(key.kid) if key else None
    if private is None:
        return None
    payload = encode(claims_of(certificate, academy.slug), key.kid, private)
    return payload if len(payload) <= MAX_QR_CHARS else None


def decode(text: str) -> tuple[cose.Sign1, dict]:
    """The COSE message and its claims. Raises MalformedPayload."""
    text = (text or "").strip()
    if not text.startswith(PREFIX) or len(text) > MAX_PAYLOAD_CHARS:
        raise MalformedPayload("no Campus prefix")
    try:
        message = cose.parse(_inflate(base45.b45decode(text[len(PREFIX):])))
        claims = cbor2.loads(message.payload)
    except (ValueError, zlib.error, cbor2.CBORDecodeError) as error:
        raise MalformedPayload(str(error)) from error
    if not isinstance(claims, dict) or not isinstance(claims.get(SERIAL), str) \
            or not isinstance(claims.get(ACADEMY), str):
        raise MalformedPayload("claims missing")
    return message, claims


def _inflate(data: bytes, limit: int = 8192) -> bytes:
    """zlib-decompress at most `limit` bytes (a small code must not inflate to gigabytes)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, limit)
    if inflater.unconsumed_tail or not inflater.eof:
        raise MalformedPayload("not a complete, small zlib stream")
    return out


@dataclass(frozen=True)
class Verdict:
    verdict: str
    claims: dict = field(default_factory=dict)  # by name (CLAIM_NAMES), when readable
    kid: str | None = None
    key_status: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.verdict == VALID

    @property
    def signature_holds(self) -> bool:
        """The claims are the academy's own (whatever became of the certificate since)."""
        return self.verdict not in verdicts.SIGNATURE_FAILED


def verify(text: str) -> Verdict:
    """Check a payload: format, key (known, the academy's, not revoked), signature, then the
    certificate's status now. Reads only."""
    try:
        message, claims = decode(text)
    except MalformedPayload:
        return Verdict(MALFORMED)
    named = {CLAIM_NAMES[k]: v for k, v in claims.items() if k in CLAIM_NAMES}
    kid = keystore.kid_from_bytes(message.kid)
    key = key_queries.by_kid(kid)
    academy = academy_by_slug(claims[ACADEMY])
    if key is None or academy is None or key.academy_id != academy.id:
        return Verdict(UNKNOWN_KEY, named, kid)
    if not cose.verifies(message, key.public_key):
        return Verdict(BAD_SIGNATURE, named, kid, key.status)
    if key.status == KEY_REVOKED:
        return Verdict(REVOKED_KEY, named, kid, key.status)
    return Verdict(verdicts.of_certificate(queries.by_serial(claims[SERIAL]), claims.get(EXPIRES),
                                           utcnow()), named, kid, key.status)
