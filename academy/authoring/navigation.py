"""The authoring links in the main menu: an author's courses, a coordinator's reviews."""
from __future__ import annotations

from academy.curricula import policy
from academy.i18n import lazy_gettext as _l
from academy.navigation import Link

MY_COURSES = Link(_l("My courses"), "authoring.index",
                  lambda user: bool(policy.authoring_academy_ids(user)))
REVIEWS = Link(_l("Reviews"), "authoring.reviews", policy.can_review_sharing)
