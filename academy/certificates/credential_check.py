"""The public check of an Open Badges credential (open_badge.py): its VC-JWT, or its JSON.

A VC-JWT, or a JSON with its embedded eddsa-rdfc-2022 proof, is checked as the signed QR code is
(signed_qr.py): the key named by the header's kid (the proof's verificationMethod) must be a key
of the academy whose did:web is the credential's issuer, the signature must hold and the key
must not be revoked; then the certificate, found by the code in the credential's id, is judged
by verdicts.of_certificate. A JSON without a proof counts only if it is exactly the credential
Campus signed for that certificate (a VCDM 2.0 EnvelopedVerifiableCredential wrapping a VC-JWT
is checked as that VC-JWT).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from academy.academies.models import Academy
from academy.academies.queries import academy_by_slug
from academy.certificates import codes, open_badge, queries, verdicts
from academy.certificates.contents import VERIFY_PATH, public_base_url
from academy.certificates.models import Certificate
from academy.credentials import data_integrity, did, vc_jwt
from academy.credentials import queries as key_queries
from academy.credentials.models import REVOKED as KEY_REVOKED
from academy.db import utcnow

# Not issued: a JSON credential without a signature that is not one Campus signed.
NOT_ISSUED = "not_issued"
ENVELOPE_PREFIX = f"data:{vc_jwt.MEDIA_TYPE},"
MAX_CHARS = vc_jwt.MAX_TOKEN_CHARS


@dataclass(frozen=True)
class Verdict:
    verdict: str
    claims: dict = field(default_factory=dict)  # what the credential states, when readable
    kid: str | None = None
    unsigned: bool = False  # a JSON compared with the credential Campus signed

    @property
    def is_valid(self) -> bool:
        return self.verdict == verdicts.VALID

    @property
    def signature_holds(self) -> bool:
        return self.verdict not in (*verdicts.SIGNATURE_FAILED, NOT_ISSUED)


def claims_of(credential: dict) -> dict:
    """Holder, course (and its language), academy, dates and hours, as the credential says."""
    subject = _dict(credential.get("credentialSubject"))
    achievement = _dict(subject.get("achievement"))
    names = [i.get("identityHash") for i in subject.get("identifier") or []
             if isinstance(i, dict) and i.get("identityType") == "name"]
    return {"name": names[0] if names else None, "course": achievement.get("name"),
            "language": achievement.get("inLanguage"),
            "academy": _dict(credential.get("issuer")).get("name"),
            "hours": achievement.get("creditsAvailable"),
            "valid_from": credential.get("validFrom"),
            "valid_until": credential.get("validUntil")}


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def verify(text: str) -> Verdict:
    """Check a pasted or uploaded credential: a VC-JWT, or JSON. Reads only."""
    text = (text or "").strip()
    if not text or len(text) > MAX_CHARS:
        return Verdict(verdicts.MALFORMED)
    if not text.startswith("{"):
        return verify_jwt(text)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested a few thousand deep
        return Verdict(verdicts.MALFORMED)
    if not isinstance(document, dict):
        return Verdict(verdicts.MALFORMED)
    enveloped = str(document.get("id") or "")
    if "EnvelopedVerifiableCredential" in _types(document) and enveloped.startswith(
            ENVELOPE_PREFIX):
        return verify_jwt(enveloped[len(ENVELOPE_PREFIX):])
    return verify_json(document)


def _types(document: dict) -> list:
    found = document.get("type")
    return found if isinstance(found, list) else [found]


def verify_jwt(token: str) -> Verdict:
    try:
        parsed = vc_jwt.parse(token)
    except vc_jwt.MalformedToken:
        return Verdict(verdicts.MALFORMED)
    return _judge(parsed.payload, str(parsed.header.get("kid", "")),
                  lambda key: vc_jwt.verifies(parsed, key.public_key))


def verify_json(credential: dict) -> Verdict:
    """A JSON credential with its embedded proof is checked as the JWT is; without one, it
    counts only as an exact copy of the credential Campus signed."""
    if "proof" in credential:
        proof = credential["proof"] if isinstance(credential["proof"], dict) else {}
        return _judge(credential, str(proof.get("verificationMethod") or ""),
                      lambda key: data_integrity.verifies(credential, key.public_key))
    if "OpenBadgeCredential" not in _types(credential):
        return Verdict(verdicts.MALFORMED)
    academy = academy_of(_issuer_did(credential))
    certificate = certificate_of(credential, academy) if academy else None
    if certificate is None or not certificate.credential \
            or open_badge.payload_of(certificate.credential) != credential:
        return Verdict(NOT_ISSUED, unsigned=True)
    return Verdict(verdicts.of_certificate(certificate, credential.get("validUntil"), utcnow()),
                   claims_of(credential), vc_jwt.parse(certificate.credential).kid,
                   unsigned=True)


def _judge(credential: dict, method: str, holds) -> Verdict:
    """Key (named by `method`, "<did>#<kid>", the issuer's own), signature (`holds(key)`),
    key status, then the certificate."""
    if "OpenBadgeCredential" not in _types(credential):
        return Verdict(verdicts.MALFORMED)
    method_did, _hash, kid = method.rpartition("#")
    claims, issuer = claims_of(credential), _issuer_did(credential)
    academy = academy_of(issuer)
    key = key_queries.by_kid(kid) if kid else None
    if academy is None or key is None or key.academy_id != academy.id or method_did != issuer:
        return Verdict(verdicts.UNKNOWN_KEY, claims, kid or None)
    if not holds(key):
        return Verdict(verdicts.BAD_SIGNATURE, claims, kid)
    if key.status == KEY_REVOKED:
        return Verdict(verdicts.REVOKED_KEY, claims, kid)
    certificate = certificate_of(credential, academy)
    return Verdict(verdicts.of_certificate(certificate, credential.get("validUntil"), utcnow()),
                   claims, kid)


def _issuer_did(credential: dict) -> str:
    issuer = credential.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer or "")


def academy_of(issuer_did: str) -> Academy | None:
    """The academy whose did:web (under this platform's address) is `issuer_did`."""
    slug = issuer_did.rpartition(":")[2]
    academy = academy_by_slug(slug) if slug else None
    if academy is None or did.did_of(public_base_url(), academy.slug) != issuer_did:
        return None
    return academy


def certificate_of(credential: dict, academy: Academy) -> Certificate | None:
    """The certificate the credential's id (its verification address) names, if the academy's."""
    _head, found, grouped = urlsplit(str(credential.get("id") or "")).path.rpartition(
        VERIFY_PATH)
    code = codes.normalise(grouped) if found else None
    certificate = queries.by_code(code) if code else None
    return certificate if certificate is not None and certificate.academy_id == academy.id \
        else None
