"""Rules for the values a person is made of; shared by forms and CSV imports.

Each function returns None when the value is acceptable, else a lazily translated message.
"""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import LazyString

from academy.i18n import INTERFACE_LOCALES, as_interface_locale
from academy.i18n import lazy_gettext as _l

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MAX_DISPLAY_NAME = 200
MAX_STAFF_NUMBER = 64
MAX_PASSWORD = 256


def normalize_username(value: str | None) -> str:
    """Usernames are compared and stored in lower case, without surrounding spaces."""
    return (value or "").strip().lower()


def normalize_email(value: str | None) -> str | None:
    """E-mail addresses are stored in lower case; empty means none."""
    value = (value or "").strip().lower()
    return value or None


def username_problem(value: str) -> LazyString | None:
    if not value:
        return _l("A username is required.")
    if not USERNAME_RE.match(value):
        return _l(
            "Use 3 to 64 characters: lower-case letters without accents, digits, dots, "
            "hyphens or underscores, starting with a letter or digit."
        )
    return None


def display_name_problem(value: str) -> LazyString | None:
    if not value.strip():
        return _l("A name is required.")
    if len(value) > MAX_DISPLAY_NAME:
        return _l("Use at most %(n)d characters.", n=MAX_DISPLAY_NAME)
    return None


def email_problem(value: str | None) -> LazyString | None:
    if not value:
        return None
    if len(value) > 254:
        return _l("Use at most %(n)d characters.", n=254)
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return _l("This is not a valid e-mail address.")
    return None


def staff_number_problem(value: str | None) -> LazyString | None:
    if value and len(value) > MAX_STAFF_NUMBER:
        return _l("Use at most %(n)d characters.", n=MAX_STAFF_NUMBER)
    return None


def locale_problem(value: str | None) -> LazyString | None:
    if value and as_interface_locale(value) is None:
        return _l("Choose one of the platform's languages: %(codes)s.",
                  codes=", ".join(INTERFACE_LOCALES))
    return None


def password_problem(password: str, username: str | None = None) -> LazyString | None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _l("Use at least %(n)d characters.", n=minimum)
    if len(password) > MAX_PASSWORD:
        return _l("Use at most %(n)d characters.", n=MAX_PASSWORD)
    if username and username.lower() in password.lower():
        return _l("The password must not contain the username.")
    if len(set(password)) < 4:
        return _l("This password is too easy to guess.")
    return None
