"""Academy admins group their people into cohorts (e.g. a year's intake)."""
from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from academy.academies.models import Academy
from academy.cohorts import operations, policy, queries
from academy.cohorts.blueprints import cohorts as bp
from academy.cohorts.forms import CohortForm, MembersForm
from academy.cohorts.models import Cohort
from academy.extensions import db
from academy.forms import ActionForm, ask_first, attempt
from academy.people import queries as people_queries


def _academy(academy_id: int) -> Academy:
    academy = db.get_or_404(Academy, academy_id)
    if not policy.can_manage_cohorts(current_user, academy):
        abort(403)
    return academy


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.get_or_404(Cohort, cohort_id)
    _academy(cohort.academy_id)
    return cohort


@bp.route("/academies/<int:academy_id>/cohorts", methods=["GET", "POST"])
@login_required
def index(academy_id: int):
    academy = _academy(academy_id)
    form = CohortForm()
    done = attempt(form, lambda: operations.create_cohort(academy, form.name.data))
    if done:
        db.session.commit()
        flash(_("The cohort has been created."), "success")
        return redirect(url_for("cohorts.show", cohort_id=done.value.id))
    return render_template("cohorts/index.html", academy=academy, form=form,
                           cohorts=queries.cohorts_of(academy.id))


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@login_required
def show(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = CohortForm(obj=cohort)
    if attempt(form, lambda: operations.rename_cohort(cohort, form.name.data)):
        db.session.commit()
        flash(_("The cohort has been renamed."), "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    members = queries.members_of(cohort.id)
    search = (request.args.get("q") or "").strip()[:100]
    found = people_queries.people_of_academy(cohort.academy_id, search=search, status="active") \
        if search else None
    inside = {person.id for person in members}
    return render_template("cohorts/show.html", cohort=cohort, form=form,
                           academy=db.session.get(Academy, cohort.academy_id),
                           members=members, members_form=MembersForm(formdata=None),
                           action_form=ActionForm(), search=search,
                           candidates=[p for p in found.people if p.id not in inside]
                           if found else [], found_total=found.total if found else 0)


@bp.route("/cohorts/<int:cohort_id>/members", methods=["POST"])
@login_required
def add_members(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = MembersForm()
    # Pasted from anywhere (a column of a spreadsheet, a list in an e-mail), and ticked by name.
    logins = [login for login in re.split(r"[\s,;]+", form.people.data or "") if login]
    ticked = {int(v) for v in request.form.getlist("person")[:2000] if v.isdigit() and len(v) < 12}
    logins += [p.username for p in people_queries.people_by_ids(cohort.academy_id, ticked)]
    done = attempt(form, lambda: operations.add_members(cohort, logins, actor_id=current_user.id))
    if done:
        added, unknown = done.value
        db.session.commit()
        flash(ngettext("%(num)d person added.", "%(num)d people added.", len(added)), "success")
        if unknown:
            flash(_("Not found in this academy: %(names)s", names=", ".join(unknown)), "warning")
    else:
        flash(_("Give at least one username or e-mail."), "error")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(cohort_id: int, user_id: int):
    cohort = _cohort(cohort_id)
    operations.remove_member(cohort, user_id, actor_id=current_user.id)
    db.session.commit()
    flash(_("The person has been removed from the cohort."), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/delete", methods=["POST"])
@login_required
def delete(cohort_id: int):
    cohort = _cohort(cohort_id)
    academy_id = cohort.academy_id
    members = queries.members_of(cohort.id)
    asked = ask_first(
        ngettext("Delete the cohort “%(name)s”? Its %(num)d person stays in the academy, and "
                 "their enrolments stay as they are:",
                 "Delete the cohort “%(name)s”? Its %(num)d people stay in the academy, and "
                 "their enrolments stay as they are:", len(members), name=cohort.name),
        button=_("Delete the cohort"), names=[p.display_name for p in members],
        back=url_for("cohorts.show", cohort_id=cohort.id))
    if asked:
        return asked
    operations.delete_cohort(cohort, actor_id=current_user.id)
    db.session.commit()
    flash(_("The cohort has been deleted; its people are unchanged."), "success")
    return redirect(url_for("cohorts.index", academy_id=academy_id))
