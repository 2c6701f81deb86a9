"""The dashboards' links in the main menu: the network's, and an academy's for whoever does not
see the whole network."""
from __future__ import annotations

from academy.i18n import lazy_gettext as _l
from academy.navigation import Link
from academy.reports import policy


def _sees_this_academy_only(user, academy) -> bool:
    return policy.can_see_academy(user, academy) and not policy.can_see_network(user)


NETWORK_DASHBOARD = Link(_l("Network dashboard"), "reports.network", policy.can_see_network)
ACADEMY_DASHBOARD = Link(_l("Academy dashboard"), "reports.academy", _sees_this_academy_only)
