"""The navigation: each role sees what it may do, decided by the domains' policies."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import LazyString

from academy.academies import policy as academy_policy
from academy.academies.queries import academies_administered_by
from academy.audit import policy as audit_policy
from academy.accounts.roles import TRAINEE
from academy.certificates import policy as certificate_policy
from academy.curricula import policy as curricula_policy
from academy.i18n import lazy_gettext as _l
from academy.people import policy as people_policy
from academy.reports import policy as report_policy


@dataclass(frozen=True)
class NavItem:
    label: LazyString | str
    url: str
    is_current: bool


def _item(label, endpoint: str, **values) -> NavItem:
    url = url_for(endpoint, **values)
    inside = url != "/" and request.path.startswith(url.rstrip("/") + "/")
    return NavItem(label, url, request.path == url or inside)


def main_navigation(user) -> list[NavItem]:
    """Links for the pages this person may open."""
    items = [_item(_l("Home"), "home.index"), _item(_l("Courses"), "catalog.index")]
    if not user.is_authenticated:
        return items
    items.append(_item(_l("My learning"), "home.learning"))
    if user.has_role(TRAINEE):
        items.append(_item(_l("My grades"), "grades.mine"))
        items.append(_item(_l("My certificates"), "certificates.mine"))
    if curricula_policy.authoring_academy_ids(user):
        items.append(_item(_l("My courses"), "authoring.index"))
    if curricula_policy.can_review_sharing(user):
        items.append(_item(_l("Reviews"), "authoring.reviews"))
    if certificate_policy.can_issue(user):
        items.append(_item(_l("Certificates"), "certificates.index"))
    if report_policy.can_see_network(user):
        items.append(_item(_l("Network dashboard"), "reports.network"))
    if academy_policy.can_manage_academies(user):
        items.append(_item(_l("Academies"), "academies.index"))
    if audit_policy.can_read_log(user):
        items.append(_item(_l("Audit log"), "audit.index"))
    if people_policy.can_manage_network_staff(user):
        items.append(_item(_l("Network staff"), "people.network_staff"))
    if user.admin_academy_ids:
        for academy in academies_administered_by(user):
            if people_policy.can_manage_people(user, academy):
                items.append(_item(_l("People"), "people.index", academy_id=academy.id))
                items.append(_item(_l("Cohorts"), "cohorts.index", academy_id=academy.id))
            if report_policy.can_see_academy(user, academy) and not report_policy.can_see_network(user):
                items.append(_item(_l("Academy dashboard"), "reports.academy",
                                   academy_id=academy.id))
            if certificate_policy.can_design(user, academy):
                items.append(_item(_l("Certificate design"), "certificates.design_page",
                                   academy_id=academy.id))
    return items
