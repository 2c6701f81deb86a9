"""What a check of a signed certificate concludes (the signed QR code, signed_qr.py, and the
Open Badges credential, credential_check.py), and the part both share: once the signature
holds, what became of the certificate since."""
from __future__ import annotations

from datetime import datetime

from academy.certificates.models import EXPIRED, REVOKED, SUPERSEDED, Certificate

VALID, MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, REVOKED_KEY = (
    "valid", "malformed", "unknown_key", "signature_invalid", "revoked_key")
UNKNOWN_CERTIFICATE, CERTIFICATE_REVOKED, CERTIFICATE_EXPIRED, CERTIFICATE_REPLACED = (
    "unknown_certificate", "certificate_revoked", "expired", "replaced")
# Verdicts that say nothing about the certificate: the signature itself failed.
SIGNATURE_FAILED = (MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, REVOKED_KEY)


def of_certificate(certificate: Certificate | None, signed_expiry: str | None,
                   now: datetime) -> str:
    """The verdict on a genuinely signed certificate: its status in the database now, and
    expired also when the expiry date it was signed with (ISO 8601) is past, even if the
    record was extended since."""
    if certificate is None:
        return UNKNOWN_CERTIFICATE
    status = certificate.status_at(now)
    if status == VALID and isinstance(signed_expiry, str) \
            and signed_expiry[:10] <= now.date().isoformat():
        status = EXPIRED
    return {REVOKED: CERTIFICATE_REVOKED, SUPERSEDED: CERTIFICATE_REPLACED,
            EXPIRED: CERTIFICATE_EXPIRED}.get(status, VALID)
