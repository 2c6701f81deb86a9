"""Translated names of certificate statuses, issuance modes and page sizes."""
from academy.certificates.models import (
                                         APPROVAL,
                                         AUTOMATIC,
                                         EXPIRED,
                                         NONE,
                                         REVOKED,
                                         SUPERSEDED,
                                         VALID,
)
from academy.i18n import lazy_gettext as _l

ISSUANCE_LABELS = {
    AUTOMATIC: _l("Automatically, when a trainee completes the course"),
    APPROVAL: _l("When a network coordinator issues them"),
    NONE: _l("Never: this course gives no certificate"),
}
STATUS_LABELS = {
    VALID: _l("Valid"),
    EXPIRED: _l("Expired"),
    REVOKED: _l("Revoked"),
    # i18n: a certificate replaced by a newer one (renewal or corrected name).
    SUPERSEDED: _l("Replaced"),
}
PAGE_SIZE_LABELS = {
    "a4-landscape": _l("A4, landscape"),
    "a4-portrait": _l("A4, portrait"),
    "letter-landscape": _l("US Letter, landscape"),
}
# What the check of a signed QR code says (signed_qr.py's verdicts).
SIGNED_VERDICT_LABELS = {
    "valid": _l("The signature is genuine and the certificate is valid."),
    "malformed": _l("This is not a Campus certificate code. Paste the whole text the QR code "
                    "holds, beginning with CAMPUS1:."),
    "unknown_key": _l("The code is signed with a key that no academy of the network holds. "
                      "It is not a genuine certificate."),
    "signature_invalid": _l("The signature does not match: the code has been changed. "
                            "It is not a genuine certificate."),
    "revoked_key": _l("The code was signed with a key that has been revoked. "
                      "Do not trust it; ask the academy."),
    "unknown_certificate": _l("The signature is genuine, but Campus has no record of this "
                              "certificate. Ask the academy."),
    "certificate_revoked": _l("The signature is genuine, but the certificate has been revoked. "
                              "It is no longer valid."),
    "expired": _l("The signature is genuine, but the certificate has expired."),
    # i18n: a certificate replaced by a newer one (renewal or corrected name).
    "replaced": _l("The signature is genuine, but the certificate has been replaced "
                   "by a newer one."),
}
# What the check of an Open Badges credential says (credential_check.py): the QR code's labels
# where they fit, worded for a credential where they speak of a code.
CREDENTIAL_VERDICT_LABELS = {
    **SIGNED_VERDICT_LABELS,
    "malformed": _l("This is not an Open Badges credential of Campus. Paste the whole "
                    "credential: its signed text (three parts joined by dots) or its JSON."),
    "unknown_key": _l("The credential is signed with a key that no academy of the network "
                      "holds. It is not a genuine certificate."),
    "signature_invalid": _l("The signature does not match: the credential has been changed. "
                            "It is not a genuine certificate."),
    "revoked_key": _l("The credential was signed with a key that has been revoked. "
                      "Do not trust it; ask the academy."),
    "not_issued": _l("This credential carries no signature, and it is not one Campus issued: "
                     "it may have been changed. It is not a genuine certificate."),
}
