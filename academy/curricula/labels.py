"""Names of course states as people read them."""
from academy.i18n import lazy_gettext as _l

STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "archived": _l("Archived")}
REVIEW_LABELS = {
    None: _l("Own academy only"),
    "pending": _l("Waiting for review"),
    "approved": _l("Shared with the network"),
    "returned": _l("Returned with comments"),
}
