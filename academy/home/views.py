"""The home page: what the network is, and for a signed-in person, where to go next; and a
person's own courses ("My learning")."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from academy.academies import queries as academy_queries
from academy.certificates import queries as certificate_queries
from academy.certificates.models import EXPIRED, VALID
from academy.db import utcnow
from academy.enrolment import queries as enrolment_queries
from academy.enrolment.models import ACTIVE, COMPLETED
from academy.home.blueprints import home as bp
from academy.i18n import current_locale, sort_key
from academy.navigation import main_navigation
from academy.quizzes import grades as grade_queries


@bp.route("/")
def index():
    academies = [a for a in academy_queries.all_academies() if a.is_active]
    locale = current_locale()
    academies.sort(key=lambda a: sort_key(a.name_in(locale)))
    countries = {a.country for a in academies}
    shortcuts = main_navigation(current_user)[1:] if current_user.is_authenticated else []
    return render_template("home/index.html", academies=academies, country_count=len(countries),
                           shortcuts=shortcuts)


@bp.route("/learning")
@login_required
def learning():
    """A person's own courses: where signing in leads a trainee (issue 15)."""
    rows = enrolment_queries.dashboard(current_user)
    now = utcnow()
    standings = grade_queries.standings_of_rows(current_user.id, [
        row for row in rows if row.enrolment.status in (ACTIVE, COMPLETED)], now)
    completed = any(row.enrolment.status == COMPLETED for row in rows)
    current = {c.course_id: c for c in certificate_queries.of_holder(current_user.id)
               if c.status_at(now) in (VALID, EXPIRED)} if completed else {}
    return render_template("home/learning.html", rows=rows, now=now, standings=standings,
                           certificates=current)
