"""Site admins create and edit the network's academies; anyone sees their logos."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy import zones
from academy.academies import logos, operations, policy, queries
from academy.academies.blueprints import academies as bp
from academy.academies.forms import AcademyForm
from academy.academies.models import Academy
from academy.extensions import db
from academy.forms import attempt
from academy.i18n import LOCALES, current_locale, sort_key


def _require_manager() -> None:
    if not policy.can_manage_academies(current_user):
        abort(403)


@bp.route("/admin/academies")
@login_required
def index():
    _require_manager()
    locale = current_locale()
    academies = sorted(queries.all_academies(), key=lambda a: sort_key(a.name_in(locale)))
    return render_template("academies/index.html", academies=academies,
                           people_counts=queries.people_counts())


def _save(form: AcademyForm, academy: Academy | None):
    upload = form.logo.data
    data = upload.read() if upload else None
    fields = dict(slug=(form.slug.data or "").strip(), names=form.names(),
                  country=form.country.data, default_locale=form.default_locale.data,
                  logo=data or None,
                  zone=form.timezone.data or zones.default_zone(form.country.data))
    if academy is None:
        return operations.create_academy(**fields)
    operations.update_academy(academy, remove_logo=form.remove_logo.data, **fields)
    return academy


@bp.route("/admin/academies/new", methods=["GET", "POST"])
@login_required
def create():
    _require_manager()
    form = AcademyForm()
    done = attempt(form, lambda: _save(form, None))
    if done:
        academy = done.value
        db.session.commit()
        flash(_("The academy %(name)s has been created.", name=academy.name_in(current_locale())),
              "success")
        return redirect(url_for("academies.index"))
    return render_template("academies/form.html", form=form, academy=None), 200


@bp.route("/admin/academies/<int:academy_id>/edit", methods=["GET", "POST"])
@login_required
def edit(academy_id: int):
    _require_manager()
    academy = db.get_or_404(Academy, academy_id)
    form = AcademyForm(obj=academy)
    if not form.is_submitted():
        for code in LOCALES:
            getattr(form, f"name_{code}").data = academy.names.get(code, "")
    if attempt(form, lambda: _save(form, academy)):
        db.session.commit()
        flash(_("The academy has been saved."), "success")
        return redirect(url_for("academies.index"))
    return render_template("academies/form.html", form=form, academy=academy)


@bp.route("/academies/logos/<filename>")
def logo(filename: str):
    """Logos are public branding; names are content hashes, so they can be cached for long."""
    path = logos.logo_path(filename)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/png", max_age=31536000)
    response.headers["Content-Disposition"] = "inline"
    return response
