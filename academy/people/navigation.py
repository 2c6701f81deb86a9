"""The people pages' links in the main menu: the network staff, and each administered
academy's people."""
from __future__ import annotations

from academy.i18n import lazy_gettext as _l
from academy.navigation import Link
from academy.people import policy

NETWORK_STAFF = Link(_l("Network staff"), "people.network_staff", policy.can_manage_network_staff)
PEOPLE = Link(_l("People"), "people.index", policy.can_manage_people)
