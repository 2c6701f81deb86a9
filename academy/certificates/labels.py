"""Translated names of certificate statuses, issuance modes and page sizes."""
from academy.certificates.models import (APPROVAL, AUTOMATIC, EXPIRED, NONE, REVOKED, SUPERSEDED,
                                         VALID)
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
