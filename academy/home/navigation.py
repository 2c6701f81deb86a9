"""The home domain's links in the main menu: the front page, and a person's own courses."""
from __future__ import annotations

from academy.i18n import lazy_gettext as _l
from academy.navigation import Link

HOME = Link(_l("Home"), "home.index")
MY_LEARNING = Link(_l("My learning"), "home.learning")
