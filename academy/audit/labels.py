"""Translated names of the audited actions (the stored events stay untranslated data)."""
from flask_babel import lazy_gettext as _l

AUDIT_ACTION_LABELS = {
    "certificate.issue": _l("Issued"),
    "certificate.renew": _l("Renewed"),
    "certificate.reissue": _l("Reissued after a correction"),
    "certificate.revoke": _l("Revoked"),
    "certificate.issue_again": _l("Issued again after a revocation"),
    "certificate_policy.update": _l("Certificate settings changed"),
    "certificate_template.update": _l("Certificate design changed"),
}
