"""Academy admins manage their academy's people; site admins also the network's staff."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from academy.academies import operations as academy_ops
from academy.academies.models import Academy
from academy.accounts import operations as account_ops
from academy.accounts.models import User
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.forms import ActionForm, ConfirmImportForm, attempt
from academy.i18n import lazy_gettext as _l
from academy.people import importing, operations, policy, queries
from academy.people.blueprints import people as bp
from academy.people.forms import (
    EditPersonForm,
    EditStaffForm,
    ImportForm,
    NetworkStaffForm,
    PeopleFilterForm,
    PersonForm,
)
from academy.people.slips import render_slips


def _academy_for_admin(academy_id: int) -> Academy:
    academy = db.get_or_404(Academy, academy_id)
    if not policy.can_manage_people(current_user, academy):
        abort(403)
    return academy


def _person_for_admin(user_id: int) -> User:
    person = db.get_or_404(User, user_id)
    if not policy.can_manage_person(current_user, person):
        abort(403)
    return person


def _slips_page(pairs, back_url: str):
    response = Response(render_template("people/slips.html", slips=render_slips(pairs),
                                        back_url=back_url))
    response.headers["Cache-Control"] = "no-store"  # one-time passwords must not be cached
    return response


@bp.route("/academies/<int:academy_id>/people")
@login_required
def index(academy_id: int):
    academy = _academy_for_admin(academy_id)
    filters = PeopleFilterForm(request.args)
    filters.validate()
    page = request.args.get("page", 1, type=int) or 1
    listing = queries.people_of_academy(
        academy.id, search=(filters.q.data or "").strip()[:100],
        role=filters.role.data if not filters.role.errors else None,
        status=filters.status.data if not filters.status.errors else None, page=page)
    return render_template("people/index.html", academy=academy, listing=listing,
                           filters=filters, action_form=ActionForm())


@bp.route("/academies/<int:academy_id>/people/new", methods=["GET", "POST"])
@login_required
def create(academy_id: int):
    academy = _academy_for_admin(academy_id)
    form = PersonForm()
    if request.method == "GET":
        form.roles.data = ["trainee"]
    done = attempt(form, lambda: account_ops.create_user(
        username=form.username.data, display_name=form.display_name.data,
        email=form.email.data, staff_number=form.staff_number.data, academy=academy,
        locale=form.locale.data or None, roles=form.roles.data, actor_id=current_user.id))
    if done:
        user, one_time = done.value
        db.session.commit()
        flash(_("%(name)s has been added. Give them this slip.", name=user.display_name),
              "success")
        return _slips_page([(user, one_time)], url_for("people.index", academy_id=academy.id))
    return render_template("people/form.html", form=form, academy=academy, person=None)


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit(user_id: int):
    person = _person_for_admin(user_id)
    academy = person.academy
    form = EditStaffForm(obj=person) if academy is None else EditPersonForm(obj=person)
    if not form.is_submitted():
        form.locale.data = person.locale or ""
        if academy is None:
            form.network_roles.data = sorted(person.network_role_names)
        else:
            form.roles.data = sorted(person.roles_in(academy.id))
    if attempt(form, lambda: _save_person(person, form)):
        db.session.commit()
        flash(_("The changes have been saved."), "success")
        return redirect(_back_to_list(person))
    return render_template("people/form.html", form=form, academy=academy, person=person,
                           action_form=ActionForm())


def _save_person(person: User, form) -> None:
    """Apply the edit form: details, then academy roles or network roles."""
    staff_number = form.staff_number.data if person.academy is not None else None
    account_ops.update_person(person, display_name=form.display_name.data, email=form.email.data,
                              staff_number=staff_number, locale=form.locale.data or None)
    if person.academy is not None:
        academy_ops.set_roles(person, person.academy, form.roles.data, actor_id=current_user.id)
        return
    if person.id == current_user.id and "site_admin" not in form.network_roles.data:
        raise DomainError(_l("You cannot remove your own site administrator role."),
                          "network_roles")
    account_ops.set_network_roles(person, form.network_roles.data, actor_id=current_user.id)


def _back_to_list(person: User) -> str:
    if person.academy_id is None:
        return url_for("people.network_staff")
    return url_for("people.index", academy_id=person.academy_id)


@bp.route("/people/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate(user_id: int):
    person = _person_for_admin(user_id)
    if not policy.can_deactivate_person(current_user, person):
        abort(403)
    account_ops.deactivate_user(person, actor_id=current_user.id)
    db.session.commit()
    flash(_("%(name)s can no longer sign in.", name=person.display_name), "success")
    return redirect(_back_to_list(person))


@bp.route("/people/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate(user_id: int):
    person = _person_for_admin(user_id)
    account_ops.reactivate_user(person, actor_id=current_user.id)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=person.display_name), "success")
    return redirect(_back_to_list(person))


@bp.route("/people/<int:user_id>/reset-password", methods=["POST"])
@login_required
def reset_password(user_id: int):
    person = _person_for_admin(user_id)
    if person.id == current_user.id:
        abort(403)  # one's own password is changed on the account page
    one_time = account_ops.reset_password(person, actor_id=current_user.id)
    db.session.commit()
    flash(_("A new one-time password has been set. Give %(name)s this slip.",
            name=person.display_name), "success")
    return _slips_page([(person, one_time)], _back_to_list(person))


@bp.route("/academies/<int:academy_id>/people/import", methods=["GET", "POST"])
@login_required
def import_people(academy_id: int):
    academy = _academy_for_admin(academy_id)
    form = ImportForm()
    if form.validate_on_submit():
        # One byte past the limit is enough to tell the person the file is too large.
        data = form.csv_file.data.read(current_app.config["CSV_MAX_BYTES"] + 1)
        preview = importing.read_people_csv(data, academy)
        if preview.file_problems:  # the file itself is wrong: say so next to the file field
            form.csv_file.errors = [str(problem) for problem in preview.file_problems]
            return render_template("people/import.html", academy=academy, form=form), 422
        confirm = ConfirmImportForm.carrying(data) if preview.is_valid else None
        return render_template("people/import_preview.html", academy=academy, preview=preview,
                               confirm=confirm, form=form)
    return render_template("people/import.html", academy=academy, form=form)


@bp.route("/academies/<int:academy_id>/people/import/apply", methods=["POST"])
@login_required
def apply_import(academy_id: int):
    academy = _academy_for_admin(academy_id)
    confirm = ConfirmImportForm()
    form = ImportForm(formdata=None)
    data = confirm.file_bytes()
    if not data:
        flash(_("The file could not be read back. Choose it again."), "error")
        return redirect(url_for("people.import_people", academy_id=academy.id))
    try:
        created = operations.import_people(academy, data, actor_id=current_user.id)
    except operations.ImportRejected as error:
        db.session.rollback()
        return render_template("people/import_preview.html", academy=academy,
                               preview=error.preview, confirm=confirm, form=form), 422
    db.session.commit()
    flash(ngettext("%(num)d person has been imported. Print the slip now: the password is "
                   "shown only once.",
                   "%(num)d people have been imported. Print their slips now: the passwords are "
                   "shown only once.",
                   len(created)), "success")
    return _slips_page(created, url_for("people.index", academy_id=academy.id))


@bp.route("/academies/<int:academy_id>/people/import/template.csv")
@login_required
def import_template(academy_id: int):
    _academy_for_admin(academy_id)
    return Response(importing.template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=people-template.csv"})


@bp.route("/admin/staff")
@login_required
def network_staff():
    if not policy.can_manage_network_staff(current_user):
        abort(403)
    return render_template("people/network_staff.html", staff=queries.network_staff(),
                           action_form=ActionForm())


@bp.route("/admin/staff/new", methods=["GET", "POST"])
@login_required
def create_staff():
    if not policy.can_manage_network_staff(current_user):
        abort(403)
    form = NetworkStaffForm()
    done = attempt(form, lambda: account_ops.create_user(
        username=form.username.data, display_name=form.display_name.data,
        email=form.email.data, locale=form.locale.data or None,
        network_roles=form.network_roles.data, actor_id=current_user.id))
    if done:
        user, one_time = done.value
        db.session.commit()
        flash(_("%(name)s has been added. Give them this slip.", name=user.display_name),
              "success")
        return _slips_page([(user, one_time)], url_for("people.network_staff"))
    return render_template("people/staff_form.html", form=form)
