"""A quiz's staff pages: settings and overrides, results, essay grading, regrading, gradebook."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from academy import zones
from academy.accounts import queries as account_queries
from academy.audit import operations as audit
from academy.charts import bar_chart
from academy.cohorts import queries as cohort_queries
from academy.curricula import policy as curricula_policy
from academy.curricula.files import files_base
from academy.curricula.lookups import course_for_author
from academy.curricula.models import Course, Lesson, best_text
from academy.curricula.rendering import render_question_text
from academy.db import utcnow
from academy.enrolment import queries as enrolment_queries
from academy.extensions import db
from academy.forms import ActionForm
from academy.forms import attempt as run
from academy.i18n import current_locale, select_timezone
from academy.quizzes import (
    configuring,
    display,
    marking,
    policy,
    queries,
    starting,
    statistics_tables,
)
from academy.quizzes.blueprints import quiz_admin as bp
from academy.quizzes.forms import (
    EssayGradeForm,
    OverrideForm,
    QuizDatesForm,
    QuizSettingsForm,
    RegradeForm,
)
from academy.quizzes.models import Question, QuizOverride
from academy.quizzes.statistics import quiz_statistics
from academy.spreadsheets import table_response


def _quiz(course_id: int, lesson_id: int):
    course = course_for_author(course_id)
    lesson = queries.quiz_lesson(course.id, lesson_id)
    if lesson is None or not policy.can_manage_quizzes(current_user, course):
        abort(404)
    return course, lesson


def _settings_form(course: Course, lesson, formdata=None) -> QuizDatesForm:
    """The whole settings form; only the dates for a course shared with the network (its
    other settings are content, changed in a revision)."""
    settings = queries.effective_settings(lesson, None)
    kind = QuizDatesForm if curricula_policy.is_locked(course) else QuizSettingsForm
    form = kind(formdata=formdata, obj=settings if formdata is None else None)
    if formdata is None:
        for name in ("opens_at", "closes_at"):
            value = getattr(settings, name)
            getattr(form, name).data = zones.to_local(value, select_timezone())
    return form


def _settings_page(course, lesson, form, override_form=None, status: int = 200):
    overrides = queries.overrides_of(lesson.id)
    people = {o.user_id: account_queries.user_by_id(o.user_id) for o in overrides if o.user_id}
    cohorts = [cohort for cohort, _n in cohort_queries.cohorts_of(course.academy_id)]
    return render_template(
        "quizzes/settings.html", course=course, lesson=lesson, form=form, overrides=overrides,
        locked=curricula_policy.is_locked(course),
        settings=queries.effective_settings(lesson, None),
        people=people, cohort_names={c.id: c.name for c in cohorts}, action_form=ActionForm(),
        override_form=override_form or OverrideForm(formdata=None, cohorts=cohorts,
                                                 prefix="override")), status


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/settings")
@login_required
def edit_settings(course_id: int, lesson_id: int):
    course, lesson = _quiz(course_id, lesson_id)
    return _settings_page(course, lesson, _settings_form(course, lesson))


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/settings", methods=["POST"])
@login_required
def save_settings(course_id: int, lesson_id: int):
    course, lesson = _quiz(course_id, lesson_id)
    form = _settings_form(course, lesson, request.form)
    if not run(form, lambda: configuring.save_settings(lesson, form.settings()) if isinstance(
            form, QuizSettingsForm) else configuring.save_dates(lesson, **form.dates())):
        return _settings_page(course, lesson, form, status=400)
    db.session.commit()
    flash(_("The quiz settings are saved."), "success")
    return redirect(url_for(".edit_settings", course_id=course.id, lesson_id=lesson.id))


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/overrides", methods=["POST"])
@login_required
def add_override(course_id: int, lesson_id: int):
    course, lesson = _quiz(course_id, lesson_id)
    cohorts = [cohort for cohort, _n in cohort_queries.cohorts_of(course.academy_id)]
    form = OverrideForm(request.form, cohorts=cohorts, prefix="override")

    def change():
        username = (form.username.data or "").strip()
        person = account_queries.find_user_for_login(username) if username else None
        if username and (person is None
                         or enrolment_queries.enrolment_of(person, course.id) is None):
            raise starting.QuizRefused(_("No trainee of this course has this username."),
                                       "username")
        cohort_id = form.cohort.data if form.cohort.data in {c.id for c in cohorts} else None
        return configuring.add_override(lesson, user_id=person.id if person else None,
                                        cohort_id=cohort_id, actor_id=current_user.id,
                                        **form.values())

    if not run(form, change):
        return _settings_page(course, lesson, _settings_form(course, lesson), form, status=400)
    db.session.commit()
    flash(_("The exception is saved."), "success")
    return redirect(url_for(".edit_settings", course_id=course.id, lesson_id=lesson.id))


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/overrides/<int:override_id>/delete",
          methods=["POST"])
@login_required
def delete_override(course_id: int, lesson_id: int, override_id: int):
    course, lesson = _quiz(course_id, lesson_id)
    override = db.session.get(QuizOverride, override_id)
    if override is None or override.lesson_id != lesson.id or not ActionForm().validate_on_submit():
        abort(404)
    configuring.delete_override(override, actor_id=current_user.id)
    db.session.commit()
    flash(_("The exception is removed."), "success")
    return redirect(url_for(".edit_settings", course_id=course.id, lesson_id=lesson.id))


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/results")
@login_required
def results(course_id: int, lesson_id: int):
    course, lesson = _quiz(course_id, lesson_id)
    return render_template("quizzes/results.html", course=course, lesson=lesson,
                           rows=queries.quiz_attempts(lesson.id),
                           settings=queries.effective_settings(lesson, None))


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/statistics")
@login_required
def statistics(course_id: int, lesson_id: int):
    course, lesson = _quiz(course_id, lesson_id)
    stats = quiz_statistics(lesson.id, current_locale(), course.default_locale)
    return render_template("quizzes/statistics.html", course=course, lesson=lesson, stats=stats,
                           chart=bar_chart(list(zip(statistics_tables.histogram_labels(),
                                                    stats.histogram, strict=True))))


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/statistics/"
          "<any(questions, histogram):table>.<any(csv, xlsx):fmt>")
@login_required
def statistics_export(course_id: int, lesson_id: int, table: str, fmt: str):
    """A table of the statistics as a download (aggregates: nobody is named, nothing recorded)."""
    course, lesson = _quiz(course_id, lesson_id)
    stats = quiz_statistics(lesson.id, current_locale(), course.default_locale)
    if table == "questions":
        rows, sheet = statistics_tables.question_rows(stats), _("Questions")
    else:
        rows, sheet = statistics_tables.histogram_rows(stats), _("Distribution of grades")
    name = f"{course.slug}-{lesson.slug}-{table}"
    return table_response(rows, name, fmt, sheet)


# --- Essays ------------------------------------------------------------------------------------

@bp.route("/courses/<int:course_id>/grading")
@login_required
def grading(course_id: int):
    course = course_for_author(course_id)
    return render_template("quizzes/grading.html", course=course,
                           essays=queries.essays_to_grade(course.id))


def _essay(attempt_id: int, position: int):
    attempt = queries.attempt_with_slots(attempt_id)
    course = db.session.get(Course, attempt.course_id) if attempt else None
    slot = next((s for s in attempt.slots if s.position == position), None) if attempt else None
    if slot is None or slot.version.qtype != "essay" or not attempt.is_finished \
            or not policy.can_manage_quizzes(current_user, course):
        abort(404)
    return attempt, course, slot


def _essay_page(attempt, course, slot, form, status: int = 200):
    content, lang = queries.words_of(slot.version, attempt.locale, course.default_locale)
    base = files_base(course)
    question = display.show(slot, content, lang, base)
    notes = {key: render_question_text(content[key], "html", base)
             for key in ("grader_info", "general_feedback") if content.get(key)}
    return render_template(
        "quizzes/grade_essay.html", course=course, attempt=attempt, slot=slot, form=form,
        question=question, notes=notes, person=account_queries.user_by_id(attempt.user_id),
        lesson=db.session.get(Lesson, attempt.lesson_id)), status


@bp.route("/attempts/<int:attempt_id>/questions/<int:position>/grade")
@login_required
def essay(attempt_id: int, position: int):
    attempt, course, slot = _essay(attempt_id, position)
    graded = slot.graded_at is not None and slot.fraction is not None
    form = EssayGradeForm(formdata=None, mark=round(slot.fraction * 100) if graded else None,
                          comment=slot.comment)
    return _essay_page(attempt, course, slot, form)


@bp.route("/attempts/<int:attempt_id>/questions/<int:position>/grade", methods=["POST"])
@login_required
def grade_essay(attempt_id: int, position: int):
    attempt, course, slot = _essay(attempt_id, position)
    form = EssayGradeForm(request.form)
    if not run(form, lambda: marking.grade_essay(attempt, slot, form.mark.data / 100,
                                                 form.comment.data or "", current_user,
                                                 utcnow())):
        return _essay_page(attempt, course, slot, form, status=400)
    db.session.commit()
    flash(_("The answer is graded."), "success")
    return redirect(url_for(".grading", course_id=course.id))


# --- Regrading ---------------------------------------------------------------------------------

def _question(course_id: int, question_id: int):
    course = course_for_author(course_id)
    question = db.session.get(Question, question_id)
    if question is None or question.course_id != course.id:
        abort(404)
    return course, question


def _regrade_page(course, question, form, status: int = 200):
    return render_template("quizzes/regrade.html", course=course, question=question, form=form,
                           answers=queries.finished_answer_count(question.id)), status


@bp.route("/courses/<int:course_id>/questions/<int:question_id>/regrade")
@login_required
def confirm_regrade(course_id: int, question_id: int):
    course, question = _question(course_id, question_id)
    return _regrade_page(course, question, RegradeForm(formdata=None))


@bp.route("/courses/<int:course_id>/questions/<int:question_id>/regrade", methods=["POST"])
@login_required
def regrade(course_id: int, question_id: int):
    course, question = _question(course_id, question_id)
    form = RegradeForm(request.form)
    if not form.validate_on_submit():
        return _regrade_page(course, question, form, 400)
    regraded, changed, kept = marking.regrade_question(question, actor_id=current_user.id)
    db.session.commit()
    flash(ngettext("%(num)d answer was regraded.", "%(num)d answers were regraded.", regraded)
          + " " + ngettext("The grade of %(num)d attempt changed.",
                           "The grades of %(num)d attempts changed.", changed), "success")
    if kept:
        flash(ngettext("%(num)d answer kept its version: the question's type or number of "
                       "choices changed since.", "%(num)d answers kept their version: the "
                       "question's type or number of choices changed since.", kept), "warning")
    return redirect(url_for(".confirm_regrade", course_id=course.id, question_id=question.id))


# --- Gradebook ---------------------------------------------------------------------------------

@bp.route("/courses/<int:course_id>/gradebook")
@login_required
def gradebook(course_id: int):
    course = course_for_author(course_id)
    return render_template("quizzes/gradebook.html", course=course,
                           book=queries.gradebook(course.id))


@bp.route("/courses/<int:course_id>/gradebook.<any(csv, xlsx):kind>", methods=["POST"])
@login_required
def export_gradebook(course_id: int, kind: str):
    """The gradebook as a file: a POST (a button), since the export is recorded."""
    course = course_for_author(course_id)
    book = queries.gradebook(course.id)
    locale = current_locale()
    titles = [best_text(q.texts, locale, course.default_locale)[0].title for q in book.quizzes]
    rows: list[list] = [[_("Name"), _("Username"), *titles]]
    for person in book.people:
        cells = [book.results.get((person.id, q.id)) for q in book.quizzes]
        rows.append([person.display_name, person.username,
                     *[round(r.fraction * 100, 1) if r else "" for r in cells]])
    # Personal data leaves Campus: recorded here, the only place it happens.
    audit.record("export.gradebook", actor_id=current_user.id, target_type="course",
                 target_id=course.id, academy_id=course.academy_id,
                 details={"format": kind, "rows": len(book.people)})
    db.session.commit()
    name = f"{course.slug}-grades"
    return table_response(rows, name, kind, course.slug)
