"""Credential slips: username and one-time password on paper, in the person's language."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from markupsafe import Markup

from academy.i18n import is_interface_locale


@dataclass(frozen=True)
class Slip:
    display_name: str
    username: str
    password: str
    academy_name: str
    locale: str


def slip_locale(user) -> str:
    """The person's language, else their academy's, else the site's."""
    if is_interface_locale(user.locale):
        return user.locale
    if user.academy is not None:
        return user.academy.default_locale
    return current_app.config["DEFAULT_LOCALE"]


def render_slips(pairs) -> list[Markup]:
    """Each (user, one-time password) as a slip rendered in that person's own language."""
    sign_in_url = url_for("accounts.login", _external=True)
    rendered = []
    for user, password in pairs:
        locale = slip_locale(user)
        slip = Slip(user.display_name, user.username, password,
                    user.academy.name_in(locale) if user.academy else "", locale)
        with force_locale(locale):
            rendered.append(Markup(render_template("people/_slip.html", slip=slip,
                                                   sign_in_url=sign_in_url)))
    return rendered
