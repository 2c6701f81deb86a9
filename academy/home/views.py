"""The home page: what the network is, and for a signed-in person, where to go next."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from academy.academies import queries as academy_queries
from academy.extensions import db
from academy.i18n import current_locale, sort_key
from academy.navigation import main_navigation

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
def index():
    academies = [a for a in academy_queries.all_academies() if a.is_active]
    locale = current_locale()
    academies.sort(key=lambda a: sort_key(a.name_in(locale)))
    countries = {a.country for a in academies}
    shortcuts = main_navigation(current_user)[1:] if current_user.is_authenticated else []
    return render_template("home/index.html", academies=academies, country_count=len(countries),
                           shortcuts=shortcuts)


@bp.route("/healthz")
def health():
    """For load balancers: the app answers and its database too."""
    db.session.execute(db.select(1))
    return {"status": "ok"}
