"""Every change to people, their passwords and their login sessions (signing in itself:
signin.py). Never commits."""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from academy import zones
from academy.accounts import passwords, queries, validation
from academy.accounts.models import NetworkRole, User, UserSession
from academy.accounts.roles import NETWORK_ROLES
from academy.audit import operations as audit
from academy.db import utcnow
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import as_interface_locale, sort_key
from academy.i18n import lazy_gettext as _l


def _check(problem, field: str) -> None:
    if problem is not None:
        raise DomainError(problem, field)


def _record_about(user: User, action: str, *, actor_id: int | None,
                  details: dict | None = None) -> None:
    """Audit an action on a person's account (filed under their academy)."""
    audit.record(action, actor_id=actor_id, target_type="user", target_id=user.id,
                 academy_id=user.academy_id, details=details)


def start_session(user: User, ip_address: str | None, user_agent: str | None) -> str:
    """Open a server-side login session for the user; return its token for the cookie."""
    token = secrets.token_urlsafe(32)
    hours = current_app.config["SESSION_LIFETIME_HOURS"]
    now = utcnow()
    db.session.add(
        UserSession(
            user=user,
            token_hash=queries.token_hash(token),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
            ip_address=(ip_address or "")[:45] or None,
            user_agent=(user_agent or "")[:255] or None,
        )
    )
    user.last_login_at = now
    user.session_token = token
    db.session.flush()
    return token


def end_session(token: str | None, *, user: User | None = None) -> None:
    """End one login session: its cookie is refused from now on (audited as `user` signing
    out when given)."""
    if user is not None:
        _record_about(user, "account.logout", actor_id=user.id)
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == queries.token_hash(token),
                   UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def end_all_sessions(user: User) -> None:
    """End every login session of the user, on every device."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    user.session_token = None


def create_user(
    *,
    username: str,
    display_name: str,
    email: str | None = None,
    staff_number: str | None = None,
    academy=None,
    locale: str | None = None,
    password: str | None = None,
    roles: Iterable[str] = (),
    network_roles: Iterable[str] = (),
    actor_id: int | None = None,
) -> tuple[User, str | None]:
    """Create a person (audited as created by `actor_id`). Without a password, one is generated
    and must be changed at first login.

    Returns the user and the one-time password (None when a password was given).
    Raises DomainError naming the field at fault.
    """
    # Memberships are the academies domain's.
    from academy.academies import operations as academy_ops

    username = validation.normalize_username(username)
    email = validation.normalize_email(email)
    staff_number = (staff_number or "").strip() or None
    _check(validation.username_problem(username), "username")
    _check(validation.display_name_problem(display_name), "display_name")
    _check(validation.email_problem(email), "email")
    _check(validation.staff_number_problem(staff_number), "staff_number")
    _check(validation.locale_problem(locale), "locale")
    if queries.username_taken(username):
        raise DomainError(_l("This username is already taken."), "username")
    if queries.email_taken(email):
        raise DomainError(_l("This e-mail address is already used by another person."), "email")
    if academy is not None and queries.staff_number_taken(academy.id, staff_number):
        raise DomainError(_l("This staff number is already used in the academy."), "staff_number")
    one_time = None
    if password is None:
        one_time = password = passwords.generate_one_time_password()
    else:
        _check(validation.password_problem(password, username), "password")
    user = User(
        username=username,
        display_name=display_name.strip(),
        email=email,
        staff_number=staff_number,
        academy=academy,
        locale=as_interface_locale(locale, academy.default_locale if academy else None),
        password_hash=passwords.hash_password(password),
        must_change_password=one_time is not None,
    )
    db.session.add(user)
    _apply_network_roles(user, network_roles)
    if academy is not None:
        academy_ops.give_first_roles(user, academy, roles)
    db.session.flush()
    # The roles given at creation belong to this event, not to a roles change.
    _record_about(user, "account.create", actor_id=actor_id, details={
        "roles": sorted(user.roles_in(academy.id)) if academy is not None else [],
        "network_roles": sorted(user.network_role_names)})
    return user, one_time


def update_person(
    user: User,
    *,
    display_name: str,
    email: str | None,
    staff_number: str | None,
    locale: str | None,
) -> None:
    """Change a person's details. Raises DomainError naming the field at fault."""
    email = validation.normalize_email(email)
    staff_number = (staff_number or "").strip() or None
    _check(validation.display_name_problem(display_name), "display_name")
    _check(validation.email_problem(email), "email")
    _check(validation.staff_number_problem(staff_number), "staff_number")
    _check(validation.locale_problem(locale), "locale")
    if queries.email_taken(email, except_id=user.id):
        raise DomainError(_l("This e-mail address is already used by another person."), "email")
    if queries.staff_number_taken(user.academy_id, staff_number, except_id=user.id):
        raise DomainError(_l("This staff number is already used in the academy."), "staff_number")
    user.display_name = display_name.strip()
    user.sort_name = sort_key(user.display_name)
    user.email = email
    user.staff_number = staff_number
    user.locale = as_interface_locale(
        locale, user.academy.default_locale if user.academy is not None else None)
    db.session.flush()


def update_profile(user: User, *, display_name: str, email: str | None, locale: str | None,
                   zone: str | None = None) -> None:
    """A person changes their own details (not their staff number, which the academy keeps);
    `zone` None: their academy's time zone. Raises DomainError."""
    if zone is not None and not zones.is_zone(zone):
        raise DomainError(_l("Choose a time zone from the list."), "timezone")
    update_person(
        user, display_name=display_name, email=email, staff_number=user.staff_number, locale=locale
    )
    user.timezone = zone


def set_locale(user: User, locale: str) -> None:
    """Remember the interface language a person chose."""
    _check(validation.locale_problem(locale), "locale")
    user.locale = as_interface_locale(locale)


def set_network_roles(user: User, roles: Iterable[str], *, actor_id: int | None = None) -> None:
    """Give the user exactly these network-wide roles (a change is audited). Raises DomainError."""
    before = sorted(user.network_role_names)
    _apply_network_roles(user, roles)
    after = sorted(user.network_role_names)
    if after != before:
        _record_about(user, "account.network_roles_change", actor_id=actor_id,
                      details={"before": before, "after": after})


def _apply_network_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    unknown = wanted - set(NETWORK_ROLES)
    if unknown:
        raise DomainError(_l("Unknown role."), "network_roles")
    for held in list(user.network_roles):
        if held.role not in wanted:
            user.network_roles.remove(held)
    for role in wanted - user.network_role_names:
        user.network_roles.append(NetworkRole(role=role))


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password and end every session (the view opens a new one here).

    Raises DomainError on a wrong current password or a weak new one.
    """
    if not passwords.verify_password(user.password_hash, current):
        raise DomainError(_l("The current password is wrong."), "current_password")
    _check(validation.password_problem(new, user.username), "new_password")
    if new == current:
        raise DomainError(_l("Choose a password different from the current one."), "new_password")
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    end_all_sessions(user)
    db.session.flush()
    _record_about(user, "account.password_change", actor_id=user.id)


def reset_password(user: User, *, actor_id: int | None = None) -> str:
    """Give the user a one-time password to change at next login; end their sessions."""
    one_time = passwords.generate_one_time_password()
    user.password_hash = passwords.hash_password(one_time)
    user.must_change_password = True
    end_all_sessions(user)
    db.session.flush()
    _record_about(user, "account.password_reset", actor_id=actor_id)
    return one_time


def deactivate_user(user: User, *, actor_id: int | None = None) -> None:
    """Stop a person from signing in, and end their open sessions."""
    if user.is_active:  # a second click changes nothing worth recording
        _record_about(user, "account.deactivate", actor_id=actor_id)
    user.is_active = False
    user.deactivated_at = utcnow()
    end_all_sessions(user)
    db.session.flush()


def reactivate_user(user: User, *, actor_id: int | None = None) -> None:
    """Let a deactivated person sign in again."""
    if not user.is_active:
        _record_about(user, "account.reactivate", actor_id=actor_id)
    user.is_active = True
    user.deactivated_at = None
    db.session.flush()

