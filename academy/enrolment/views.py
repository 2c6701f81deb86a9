"""Enrolling, withdrawing, marking lessons done, the trainee's dashboard, and staff's roster."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy import zones
from academy.academies import queries as academy_queries
from academy.accounts import queries as account_queries
from academy.audit import operations as audit
from academy.cohorts import policy as cohort_policy
from academy.cohorts import queries as cohort_queries
from academy.cohorts.models import Cohort
from academy.curricula import queries as course_queries
from academy.curricula.lookups import course_for_author
from academy.curricula.models import PAGE, Course, Lesson, best_text
from academy.domain_errors import DomainError
from academy.enrolment import operations, policy, queries
from academy.enrolment.blueprints import enrolment as bp
from academy.enrolment.forms import EnrolForm, EnrolmentImportForm, RulesForm, StaffEnrolForm
from academy.enrolment.importing import read_enrolment_csv
from academy.enrolment.labels import ENROLMENT_STATUS_LABELS
from academy.enrolment.models import ACTIVE, COMPLETED, PENDING, WAITLISTED, WITHDRAWN, Enrolment
from academy.enrolment.models import STATUSES as ENROLMENT_STATUSES
from academy.extensions import db
from academy.forms import CONFIRM_NAMES, ActionForm, ConfirmImportForm, attempt
from academy.i18n import current_locale, format_percent, select_timezone
from academy.spreadsheets import table_response


def _visible_course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if not policy.can_enrol(current_user, course):
        abort(404)
    return course


@bp.route("/courses/<int:course_id>/enrol", methods=["POST"])
@login_required
def enrol(course_id: int):
    course = _visible_course(course_id)
    form = EnrolForm()
    outcome = operations.enrol_self(current_user, course, form.key.data)
    db.session.commit()  # a wrong key counts against its limit too
    if outcome.refusal is not None:
        flash(str(outcome.refusal), "error")
    else:
        enrolment = outcome.enrolment
        flash(_status_message(enrolment), "success" if enrolment.status == ACTIVE else "info")
    return redirect(url_for("catalog.course", course_id=course.id))


def _status_message(enrolment: Enrolment) -> str:
    if enrolment.status == PENDING:
        return _("Your request has been sent. You will be enrolled once it is approved.")
    if enrolment.status == WAITLISTED:
        return _("The course is full: you are on the waiting list and will get the first free "
                 "place.")
    return _("You are enrolled. Good studying!")


@bp.route("/courses/<int:course_id>/withdraw", methods=["POST"])
@login_required
def withdraw(course_id: int):
    course = _visible_course(course_id)
    enrolment = queries.enrolment_of(current_user, course.id)
    if enrolment is None:
        abort(404)
    if enrolment.status == WITHDRAWN:  # left already (a second tab, the back button)
        return redirect(url_for("catalog.course", course_id=course.id))
    rules = operations.rules_of(course)
    if enrolment.status in (ACTIVE, COMPLETED) and not rules.allow_withdrawal:
        abort(403)
    if request.form.get("confirmed") != "1":  # the first press asks; nothing is written yet
        return render_template("enrolment/confirm_withdraw.html", course=course,
                               enrolment=enrolment, rules=rules)
    operations.withdraw(enrolment, course)
    db.session.commit()
    flash(_("You have left the course."), "success")
    return redirect(url_for("catalog.course", course_id=course.id))


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/done", methods=["POST"])
@login_required
def lesson_done(course_id: int, lesson_id: int):
    course = _visible_course(course_id)
    enrolment = queries.enrolment_of(current_user, course.id)
    lesson = db.session.get(Lesson, lesson_id)
    # A quiz is done by passing it, never by a button.
    if enrolment is None or lesson is None or lesson.module.course_id != course.id \
            or lesson.kind != PAGE:
        abort(404)
    following = db.session.get(Lesson, request.form.get("next_lesson", type=int) or 0)
    target = following.id if following and following.module.course_id == course.id else None
    try:
        finished = operations.complete_lesson(enrolment, lesson, target)
    except DomainError:
        abort(403)
    db.session.commit()
    if finished:
        flash(_("Congratulations: you have completed the course."), "success")
        return redirect(url_for("catalog.course", course_id=course.id))
    if target:
        return redirect(url_for("catalog.lesson", course_id=course.id, lesson_id=target))
    return redirect(url_for("catalog.course", course_id=course.id))


# --- Staff ------------------------------------------------------------------------------------

def _managed_course(course_id: int) -> Course:
    course = course_for_author(course_id)
    if not policy.can_manage_enrolments(current_user, course):
        abort(404)
    return course


def _rules_form(course: Course, formdata=None) -> RulesForm:
    rules = operations.rules_of(course)
    form = RulesForm(formdata=formdata, obj=rules, academies=academy_queries.all_academies(),
                     locale=current_locale())
    if formdata is None:
        for name in ("opens_at", "closes_at", "starts_at", "ends_at"):
            value = getattr(rules, name)
            getattr(form, name).data = zones.to_local(value, select_timezone()).date() \
                if value else None
        form.allowed_academies.data = sorted(rules.allowed_academy_ids)
    return form


def _manage_page(course: Course, rules_form: RulesForm, status: int = 200):
    filter_status = request.args.get("status") or None
    roster = queries.roster(course.id, filter_status if filter_status in (
        PENDING, ACTIVE, WAITLISTED, COMPLETED, "withdrawn") else None)
    rules = operations.rules_of(course)
    return render_template(
        "enrolment/manage.html", course=course_queries.course_outline(course.id),
        form=rules_form, roster=roster, staff_form=StaffEnrolForm(formdata=None),
        action_form=ActionForm(), places_left=queries.places_left(course.id, rules),
        rules=rules, filter_status=filter_status, import_form=EnrolmentImportForm(formdata=None),
        cohorts=cohort_queries.cohorts_of(course.academy_id)), status


@bp.route("/authoring/courses/<int:course_id>/enrolment")
@login_required
def manage(course_id: int):
    course = _managed_course(course_id)
    return _manage_page(course, _rules_form(course))


def _day(value, end: bool = False):
    """A day typed in the form: from its first (or to its last) instant in the reader's zone."""
    return zones.day_bound(value, select_timezone(), end=end)


@bp.route("/authoring/courses/<int:course_id>/enrolment/rules", methods=["POST"])
@login_required
def save_rules(course_id: int):
    course = _managed_course(course_id)
    form = _rules_form(course, formdata=request.form)
    if attempt(form, lambda: operations.save_rules(
            course, policy=form.policy.data, enrolment_key=form.enrolment_key.data,
            capacity=form.capacity.data, opens_at=_day(form.opens_at.data),
            closes_at=_day(form.closes_at.data, end=True), starts_at=_day(form.starts_at.data),
            ends_at=_day(form.ends_at.data, end=True), allow_withdrawal=form.allow_withdrawal.data,
            completion_mode=form.completion_mode.data,
            allowed_academy_ids=set(form.allowed_academies.data or []))):
        db.session.commit()
        flash(_("The enrolment rules have been saved."), "success")
        return redirect(url_for("enrolment.manage", course_id=course.id))
    return _manage_page(course, form, 422)


@bp.route("/authoring/courses/<int:course_id>/enrolment/people", methods=["POST"])
@login_required
def staff_enrol(course_id: int):
    course = _managed_course(course_id)
    form = StaffEnrolForm()
    person = account_queries.find_user_for_login(form.username.data or "") \
        if form.validate_on_submit() else None
    if person is None or not person.is_active:
        flash(_("Nobody has that username or e-mail."), "error")
    else:
        try:
            enrolment = operations.enrol_by_staff(person, course, actor_id=current_user.id)
        except operations.EnrolmentRefused as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("enrolment.manage", course_id=course.id))
        db.session.commit()
        if enrolment.status == WAITLISTED:
            flash(_("%(name)s is on the waiting list: the course is full.",
                    name=person.display_name), "info")
        else:
            flash(_("%(name)s is enrolled.", name=person.display_name), "success")
    return redirect(url_for("enrolment.manage", course_id=course.id))


def _managed_enrolment(enrolment_id: int) -> tuple[Enrolment, Course]:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        abort(404)
    return enrolment, _managed_course(enrolment.course_id)


@bp.route("/authoring/enrolments/<int:enrolment_id>/approve", methods=["POST"])
@login_required
def approve(enrolment_id: int):
    enrolment, course = _managed_enrolment(enrolment_id)
    try:
        operations.approve(enrolment, course, actor_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The request has been approved."), "success")
    return redirect(url_for("enrolment.manage", course_id=course.id))


@bp.route("/authoring/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@login_required
def staff_withdraw(enrolment_id: int):
    enrolment, course = _managed_enrolment(enrolment_id)
    was_request = enrolment.status == PENDING
    operations.withdraw_by_staff(enrolment, course, actor_id=current_user.id)
    db.session.commit()
    flash(_("The request has been refused.") if was_request
          else _("The person has been withdrawn."), "success")
    return redirect(url_for("enrolment.manage", course_id=course.id))


@bp.route("/authoring/courses/<int:course_id>/enrolment/cohort", methods=["POST"])
@login_required
def enrol_cohort(course_id: int):
    course = _managed_course(course_id)
    cohort = db.session.get(Cohort, request.form.get("cohort_id", type=int) or 0)
    if cohort is None or not cohort_policy.can_use_cohorts_of(current_user, cohort.academy_id):
        flash(_("Choose one of your academy's cohorts."), "error")
        return redirect(url_for("enrolment.manage", course_id=course.id))
    members = cohort_queries.members_of(cohort.id)
    if request.form.get("confirmed") != "1" or not ActionForm().validate_on_submit():
        # Many people at once: first how many and who, then the enrolment.
        return render_template("enrolment/confirm_cohort.html", course=course, cohort=cohort,
                               people=members, shown=CONFIRM_NAMES, action_form=ActionForm())
    enrolments, refused = operations.enrol_people(course, members, actor_id=current_user.id)
    db.session.commit()
    if refused:
        flash(_("Not enrolled (deactivated, or their academy cannot see the course): %(names)s",
                names=", ".join(person.display_name for person in refused)), "warning")
    waiting = sum(1 for e in enrolments if e.status == WAITLISTED)
    flash(ngettext("%(num)d person of the cohort is enrolled or was already.",
                   "%(num)d people of the cohort are enrolled or were already.",
                   len(enrolments) - waiting), "success")
    if waiting:
        flash(ngettext("%(num)d person is on the waiting list.",
                       "%(num)d people are on the waiting list.",
                       waiting), "info")
    return redirect(url_for("enrolment.manage", course_id=course.id))


@bp.route("/authoring/courses/<int:course_id>/enrolment/import", methods=["POST"])
@login_required
def import_enrolments(course_id: int):
    course = _managed_course(course_id)
    form = EnrolmentImportForm()
    if not form.validate_on_submit():
        for error in form.csv_file.errors:
            flash(error, "error")
        return redirect(url_for("enrolment.manage", course_id=course.id))
    data = form.csv_file.data.read(current_app.config["CSV_MAX_BYTES"] + 1)
    preview = read_enrolment_csv(data, course)
    return render_template("enrolment/import_preview.html", course=course, preview=preview,
                           confirm=ConfirmImportForm.carrying(data) if preview.is_valid else None,
                           form=form), 200 if preview.is_valid else 422


@bp.route("/authoring/courses/<int:course_id>/enrolment/import/apply", methods=["POST"])
@login_required
def apply_enrolments(course_id: int):
    course = _managed_course(course_id)
    confirm = ConfirmImportForm()
    data = confirm.file_bytes()
    if not data:
        flash(_("The file could not be read back. Choose it again."), "error")
        return redirect(url_for("enrolment.manage", course_id=course.id))
    try:
        enrolments = operations.enrol_from_csv(course, data, actor_id=current_user.id)
    except operations.EnrolmentImportRejected as error:
        db.session.rollback()
        return render_template("enrolment/import_preview.html", course=course,
                               preview=error.preview,
                               confirm=confirm, form=EnrolmentImportForm(formdata=None)), 422
    db.session.commit()
    flash(ngettext("%(num)d row applied.", "%(num)d rows applied.", len(enrolments)), "success")
    return redirect(url_for("enrolment.manage", course_id=course.id))


def _grid_rows(course_id: int, status: str | None):
    course = course_queries.course_outline(course_id)
    lessons = [lesson for module in course.modules for lesson in module.lessons
               if lesson.kind == "page"]
    return course, lessons, queries.roster(course_id, status), queries.progress_grid(course_id)


@bp.route("/authoring/courses/<int:course_id>/progress")
@login_required
def grid(course_id: int):
    course = _managed_course(course_id)
    status = request.args.get("status") or None
    course, lessons, roster, done = _grid_rows(
        course.id, status if status in ENROLMENT_STATUSES else None)
    return render_template("enrolment/grid.html", course=course, lessons=lessons, roster=roster,
                           done=done, filter_status=status)


@bp.route("/authoring/courses/<int:course_id>/progress.<any(csv, xlsx):kind>", methods=["POST"])
@login_required
def export(course_id: int, kind: str):
    """The progress grid as a file: a POST (a button), since the export is recorded."""
    course = _managed_course(course_id)
    status = request.form.get("status") or None
    status = status if status in ENROLMENT_STATUSES else None
    course, lessons, roster, done = _grid_rows(course.id, status)
    locale = current_locale()
    header = [_("Name"), _("Username"), _("Status"), _("Progress"),
              _("Completed on (%(zone)s)", zone=select_timezone()),
              *[best_text(lesson.texts, locale, course.default_locale)[0].title
                for lesson in lessons]]
    rows = [header] + [
        [row.person.display_name, row.person.username,
         str(ENROLMENT_STATUS_LABELS[row.enrolment.status]),
         format_percent(row.progress.percent / 100, 0),
         format_date(row.enrolment.completed_at) if row.enrolment.completed_at else "",
         *["✓" if lesson.id in done.get(row.person.id, ()) else "" for lesson in lessons]]
        for row in roster]
    # Personal data leaves Campus: recorded here, the only place it happens.
    audit.record("export.enrolments", actor_id=current_user.id, target_type="course",
                 target_id=course.id, academy_id=course.academy_id,
                 details={"format": kind, "status": status, "rows": len(roster)})
    db.session.commit()
    name = f"{course.slug}-progress"
    return table_response(rows, name, kind, course.slug)
