"""Names of enrolment states as people read them."""
from academy.i18n import lazy_gettext as _l

ENROLMENT_STATUS_LABELS = {
    "pending": _l("Requested"),
    "active": _l("Enrolled"),
    "waitlisted": _l("Waiting list"),
    "completed": _l("Completed"),
    "withdrawn": _l("Withdrawn"),
}
