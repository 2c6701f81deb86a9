"""What the academies domain gives every template: an academy's name in the reader's language
(the `academy_name` filter)."""
from __future__ import annotations

from academy.i18n import current_locale

TEMPLATE_FILTERS = {
    "academy_name": lambda academy: academy.name_in(current_locale()),
}
