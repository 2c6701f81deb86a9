"""Every change to academies and to the roles people hold in them. Never commits."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from academy import zones
from academy.academies import logos
from academy.academies.models import Academy, Membership
from academy.accounts.roles import ACADEMY_ROLES
from academy.audit import operations as audit
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import (
    INTERFACE_LOCALES,
    LOCALES,
    as_interface_locale,
    content_language,
    is_interface_locale,
    locale_for_country,
)
from academy.i18n import lazy_gettext as _l
from academy.slugs import SLUG_RE

MAX_NAME = 200


def _validate(slug: str, names: dict[str, str], country: str, default_locale: str,
              academy_id: int | None) -> dict[str, str]:
    if not SLUG_RE.match(slug or ""):
        raise DomainError(
            _l("Use lower-case letters without accents, digits and hyphens (at most 64)."), "slug"
        )
    taken = select(func.count()).select_from(Academy).where(Academy.slug == slug)
    if academy_id is not None:
        taken = taken.where(Academy.id != academy_id)
    if db.session.scalar(taken):
        raise DomainError(_l("Another academy already uses this short name."), "slug")
    if not (isinstance(country, str) and len(country) == 2 and country.isalpha()
            and country.isupper()):
        raise DomainError(_l("Choose a country."), "country")
    if not is_interface_locale(default_locale):
        raise DomainError(_l("Choose one of the platform's languages: %(codes)s.",
                             codes=", ".join(INTERFACE_LOCALES)), "default_locale")
    clean = {code: (names.get(code) or "").strip() for code in LOCALES}
    clean = {code: name for code, name in clean.items() if name}
    for code, name in clean.items():
        if len(name) > MAX_NAME:
            raise DomainError(_l("Use at most %(n)d characters.", n=MAX_NAME), f"name_{code}")
    language = content_language(default_locale)
    if not clean.get(language):
        raise DomainError(_l("Give the academy's name in its default language."),
                          f"name_{language}")
    return clean


def _default_locale(given: str | None, country: str, names: dict[str, str]) -> str:
    """The interface locale asked for ("pt" in Brazil is pt_BR), or the country's when none."""
    if not given:
        return locale_for_country(country, _language_of(names))
    return as_interface_locale(given, locale_for_country(country)) or given


def _language_of(names: dict[str, str]) -> str | None:
    """The one content language an academy is named in, if only one (to pick a variety)."""
    written = [code for code in LOCALES if (names.get(code) or "").strip()]
    return written[0] if len(written) == 1 else None


def create_academy(*, slug: str, names: dict[str, str], country: str, default_locale: str,
                   logo: bytes | None = None, zone: str | None = None) -> Academy:
    """Create a member academy; its default locale, if not given, is its country's (Brazil:
    pt_BR, Colombia: es_419). Raises DomainError naming the field at fault."""
    default_locale = _default_locale(default_locale, country, names)
    clean = _validate(slug, names, country, default_locale, None)
    academy = Academy(slug=slug, names=clean, country=country, default_locale=default_locale,
                      timezone=(zone if zone and zones.is_zone(zone)
                                else zones.default_zone(country)))
    if logo:
        academy.logo_filename = logos.store_logo(logos.normalise_logo(logo))
    db.session.add(academy)
    db.session.flush()
    return academy


def update_academy(academy: Academy, *, slug: str, names: dict[str, str], country: str,
                   default_locale: str, logo: bytes | None = None, remove_logo: bool = False,
                   zone: str | None = None) -> None:
    """Change an academy's names, country, language, time zone or logo. Raises DomainError."""
    default_locale = _default_locale(default_locale, country, names)
    clean = _validate(slug, names, country, default_locale, academy.id)
    if zone is not None and not zones.is_zone(zone):
        raise DomainError(_l("Choose a time zone from the list."), "timezone")
    new_logo = logos.store_logo(logos.normalise_logo(logo)) if logo else None
    academy.slug = slug
    academy.names = clean
    academy.country = country
    academy.default_locale = default_locale
    if zone is not None:
        academy.timezone = zone
    if new_logo:
        academy.logo_filename = new_logo
    elif remove_logo:
        academy.logo_filename = None
    db.session.flush()


def set_roles(user, academy: Academy, roles: Iterable[str], *, actor_id: int | None = None) -> None:
    """Give the user exactly these roles in this academy (other academies are untouched); a
    change is audited. Raises DomainError on an unknown role."""
    before = sorted(user.roles_in(academy.id))
    _apply_roles(user, academy, roles)
    after = sorted(user.roles_in(academy.id))
    if after != before:
        audit.record("account.roles_change", actor_id=actor_id, target_type="user",
                     target_id=user.id, academy_id=academy.id,
                     details={"before": before, "after": after})


def give_first_roles(user, academy: Academy, roles: Iterable[str]) -> None:
    """The roles of a person being created (audited with the creation itself)."""
    _apply_roles(user, academy, roles)


def _apply_roles(user, academy: Academy, roles: Iterable[str]) -> None:
    wanted = set(roles)
    if wanted - set(ACADEMY_ROLES):
        raise DomainError(_l("Unknown role."), "roles")
    for membership in list(user.memberships):
        if membership.academy_id == academy.id and membership.role not in wanted:
            user.memberships.remove(membership)
    held = {m.role for m in user.memberships if m.academy_id == academy.id}
    for role in ACADEMY_ROLES:  # a stable order keeps tests and listings predictable
        if role in wanted and role not in held:
            user.memberships.append(Membership(academy=academy, academy_id=academy.id, role=role))
