"""The quizzes' link in the main menu: a trainee's own grades."""
from __future__ import annotations

from academy.accounts.roles import TRAINEE
from academy.i18n import lazy_gettext as _l
from academy.navigation import Link

MY_GRADES = Link(_l("My grades"), "grades.mine", lambda user: user.has_role(TRAINEE))
