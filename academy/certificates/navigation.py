"""The certificates' links in the main menu: a trainee's own, the coordinators' pages, and each
administered academy's certificate design."""
from __future__ import annotations

from academy.accounts.roles import TRAINEE
from academy.certificates import policy
from academy.i18n import lazy_gettext as _l
from academy.navigation import Link

MY_CERTIFICATES = Link(_l("My certificates"), "certificates.mine",
                       lambda user: user.has_role(TRAINEE))
CERTIFICATES = Link(_l("Certificates"), "certificates.index", policy.can_issue)
CERTIFICATE_DESIGN = Link(_l("Certificate design"), "certificates.design_page",
                          policy.can_design)
