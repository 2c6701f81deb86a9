"""Staff of a partner academy enrol their own people (picked one by one, or a cohort) in another
academy's course shared with the network: choose, confirm with the count and the names, see what
happened to each person and why."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.academies.models import Academy
from academy.cohorts import queries as cohort_queries
from academy.cohorts.models import Cohort
from academy.curricula.models import Course
from academy.db import utcnow
from academy.enrolment import operations, partners, policy, queries
from academy.enrolment.blueprints import partner_enrolment as bp
from academy.extensions import db
from academy.forms import CONFIRM_NAMES, ActionForm
from academy.people import queries as people_queries

MAX_PEOPLE = 2000  # a bigger intake is enrolled by file (the enrolment import)


def _course_and_academy(course_id: int, academy_id: int | None) -> tuple[Course, int]:
    course = db.session.get(Course, course_id)
    academies = sorted(policy.partner_academy_ids(current_user, course))
    if not academies:
        abort(404)
    if academy_id is None:
        academy_id = academies[0]
    if academy_id not in academies:
        abort(404)
    return course, academy_id


def _chosen_people(academy_id: int) -> list:
    """The people a submitted form names: a cohort of the academy, or people ticked one by one."""
    cohort = db.session.get(Cohort, request.form.get("cohort_id", type=int) or 0)
    if cohort is not None and cohort.academy_id == academy_id:
        return [p for p in cohort_queries.members_of(cohort.id) if p.academy_id == academy_id]
    ids = {int(v) for v in request.form.getlist("person")[:MAX_PEOPLE] if v.isdigit()
           and len(v) < 12}
    return people_queries.people_by_ids(academy_id, ids)


def _choose_page(course: Course, academy_id: int, error: str | None = None, status: int = 200):
    rules = operations.rules_of(course)
    search = (request.values.get("q") or "").strip()[:100]
    return render_template(
        "enrolment/partner_choose.html", course=course, academy=_academy(academy_id),
        rules=rules, places_left=queries.places_left(course.id, rules),
        refusal=partners.course_refusal(course, rules, academy_id, utcnow()),
        cohorts=cohort_queries.cohorts_of(academy_id), search=search,
        people=people_queries.people_of_academy(academy_id, search=search, role="trainee",
                                                status="active"),
        action_form=ActionForm(), error=error), status


def _academy(academy_id: int) -> Academy:
    return db.session.get(Academy, academy_id)


@bp.route("/courses/<int:course_id>/people")
@login_required
def choose(course_id: int):
    course, academy_id = _course_and_academy(course_id, request.args.get("academy", type=int))
    return _choose_page(course, academy_id)


@bp.route("/courses/<int:course_id>/people/confirm", methods=["POST"])
@login_required
def confirm(course_id: int):
    course, academy_id = _course_and_academy(course_id, request.form.get("academy", type=int))
    if not ActionForm().validate_on_submit():
        abort(400)
    people = _chosen_people(academy_id)
    if not people:
        return _choose_page(course, academy_id, _("Choose a cohort, or tick at least one person."),
                            422)
    return render_template("enrolment/partner_confirm.html", course=course,
                           academy=_academy(academy_id), people=people, shown=CONFIRM_NAMES,
                           action_form=ActionForm())


@bp.route("/courses/<int:course_id>/people/apply", methods=["POST"])
@login_required
def apply(course_id: int):
    course, academy_id = _course_and_academy(course_id, request.form.get("academy", type=int))
    if not ActionForm().validate_on_submit():
        abort(400)
    placements = partners.enrol_for_academy(course, academy_id, _chosen_people(academy_id),
                                            utcnow(), actor_id=current_user.id)
    db.session.commit()
    return render_template("enrolment/partner_results.html", course=course,
                           academy=_academy(academy_id), placements=placements,
                           counts={outcome: sum(1 for p in placements if p.outcome == outcome)
                                   for outcome in (partners.ENROLLED, partners.WAITING,
                                                   partners.ALREADY, partners.REFUSED)})
