"""The bank's files: import questions from GIFT or Moodle XML (check the file and preview it,
then import all of it or nothing) and export them in one language."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from academy.curricula.models import Course
from academy.extensions import db
from academy.quizzes import queries as quiz_queries
from academy.quizzes.bank import operations, queries
from academy.quizzes.bank.import_export_forms import (
    ConfirmQuestionImportForm,
    ExportForm,
    ImportForm,
)
from academy.quizzes.bank.importing import plan_import
from academy.quizzes.bank.lookups import bank_course, course_languages, quiz_of_course, quiz_titles
from academy.quizzes.bank.question_form import clean_category
from academy.quizzes.blueprints import question_bank as bp
from academy.quizzes.gift_writer import left_out_note

MAX_FILE_BYTES = 2 * 1024 * 1024


def _import_form(course: Course, **kwargs) -> ImportForm:
    form = ImportForm(locales=course_languages(course),
                      categories=quiz_queries.categories_of(course.id),
                      quizzes=quiz_titles(course), **kwargs)
    form.locale.data = form.locale.data or course.default_locale
    return form


def _preview_page(course: Course, plan, confirm, form, placement: int | None, locale: str):
    titles = dict(quiz_titles(course))
    page = render_template("bank/import_preview.html", course=course, plan=plan, confirm=confirm,
                           form=form, quiz_title=titles.get(placement), locale=locale)
    return page, 200 if plan.is_valid and confirm is not None else 422


@bp.route("/courses/<int:course_id>/questions/import", methods=["GET", "POST"])
@login_required
def import_questions(course_id: int):
    """Step 1: check the file and show what would be imported, or every problem found."""
    course = bank_course(course_id, content=True)
    form = _import_form(course)
    if not form.validate_on_submit():
        return render_template("bank/import.html", course=course, form=form), \
            422 if form.is_submitted() else 200
    data = form.upload.data.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        form.upload.errors = [_("The file is larger than 2 MB.")]
        return render_template("bank/import.html", course=course, form=form), 422
    choices = {"file_format": form.file_format(), "locale": form.locale.data,
               "category": form.category_value(), "placement": form.placement.data or ""}
    plan = plan_import(course, data, choices["file_format"], choices["locale"],
                       choices["category"])
    confirm = ConfirmQuestionImportForm.carrying(data, **choices) if plan.is_valid else None
    return _preview_page(course, plan, confirm, form, form.placement_id(), choices["locale"])


@bp.route("/courses/<int:course_id>/questions/import/apply", methods=["POST"])
@login_required
def apply_import(course_id: int):
    """Step 2: import the checked file, all of it or nothing."""
    course = bank_course(course_id, content=True)
    confirm = ConfirmQuestionImportForm()
    data = confirm.file_bytes()
    if not data or confirm.locale.data not in course.locales:
        flash(_("The file could not be read back. Choose it again."), "error")
        return redirect(url_for(".import_questions", course_id=course.id))
    lesson = quiz_of_course(course, confirm.placement_id())
    try:
        plan = operations.import_questions(course, data, confirm.file_format.data,
                                           confirm.locale.data,
                                           clean_category(confirm.category.data), lesson,
                                           actor_id=current_user.id)
    except operations.ImportRejected as rejected:
        db.session.rollback()
        return _preview_page(course, rejected.plan, None, _import_form(course, formdata=None),
                             confirm.placement_id(), confirm.locale.data)
    db.session.commit()
    new = len(plan.rows) - plan.translations
    if new:
        flash(ngettext("%(num)d question has been imported.",
                       "%(num)d questions have been imported.", new), "success")
    if plan.translations:
        flash(ngettext("The file's text has been added to %(num)d question.",
                       "The file's text has been added to %(num)d questions.",
                       plan.translations), "success")
    return redirect(url_for(".index", course_id=course.id))


def _export_form(course: Course, formdata=None) -> ExportForm:
    form = ExportForm(formdata, locales=course_languages(course),
                      categories=quiz_queries.categories_of(course.id),
                      quizzes=quiz_titles(course))
    form.locale.data = form.locale.data or course.default_locale
    return form


@bp.route("/courses/<int:course_id>/questions/export")
@login_required
def export(course_id: int):
    course = bank_course(course_id)
    return render_template("bank/export.html", course=course, form=_export_form(course),
                           not_in_gift=queries.not_in_gift_count(course.id))


@bp.route("/courses/<int:course_id>/questions/export.gift")
@login_required
def download(course_id: int):
    """The chosen questions in GIFT or Moodle XML, in one language, as a UTF-8 file."""
    course = bank_course(course_id)
    form = _export_form(course, request.args)
    if not form.validate():
        return render_template("bank/export.html", course=course, form=form), 422
    kind, _sep, value = form.scope.data.partition(":")
    chosen = {"category": value if kind == "category" else None,
              "quiz": int(value) if kind == "quiz" else None}
    left_out = 0
    if form.file_format.data == "xml":
        data, count = queries.moodle_xml_export(course, form.locale.data, **chosen)
        mimetype, extension = "application/xml", "xml"
    else:
        text, count, left_out = queries.gift_export(course, form.locale.data, **chosen)
        if left_out:  # said on the next page and at the top of the file (a GIFT comment)
            flash(left_out_note(left_out), "info")
            text = f"// {left_out_note(left_out)}\n\n{text}"
        data, mimetype, extension = text.encode("utf-8"), "text/plain", "gift"
    if not count:
        if not left_out:
            flash(_("None of these questions is written in that language yet."), "info")
        return redirect(url_for(".export", course_id=course.id))
    filename = f"{course.slug}-{form.locale.data}.{extension}"
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={filename}"})
