"""The cohorts' link in the main menu, for each academy whose cohorts the person manages."""
from __future__ import annotations

from academy.cohorts import policy
from academy.i18n import lazy_gettext as _l
from academy.navigation import Link

COHORTS = Link(_l("Cohorts"), "cohorts.index", policy.can_manage_cohorts)
