"""The catalogue's link in the main menu, for everyone."""
from __future__ import annotations

from academy.i18n import lazy_gettext as _l
from academy.navigation import Link

COURSES = Link(_l("Courses"), "catalog.index")
