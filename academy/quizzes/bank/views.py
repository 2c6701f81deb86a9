"""The question bank of a course: list, create, edit and translate, duplicate, move and delete
questions; its preview (preview_views.py) and its files (import_export_views.py) add their pages
to the same blueprint (quizzes/blueprints.py, question_bank). For the course's authors only;
everyone else gets a 404, as for the course's other authoring pages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from markupsafe import Markup
from werkzeug.routing import BuildError

from academy.curricula import policy as curricula_policy
from academy.curricula.models import Course
from academy.extensions import db
from academy.forms import ActionForm, attempt
from academy.i18n import current_locale
from academy.quizzes import gapselect
from academy.quizzes import queries as quiz_queries
from academy.quizzes.bank import operations, queries
from academy.quizzes.bank.cloze_form import ClozeForm
from academy.quizzes.bank.gapselect_form import GapselectForm
from academy.quizzes.bank.list_forms import NO_CATEGORY, BankFilterForm, MoveForm
from academy.quizzes.bank.lookups import (
    bank_course,
    bank_question,
    course_languages,
    quiz_of_course,
    quiz_titles,
    requested_locale,
)
from academy.quizzes.bank.question_form import QTYPES, QuestionForm, percent_text
from academy.quizzes.blueprints import question_bank as bp
from academy.quizzes.gift import GiftQuestion
from academy.quizzes.models import Question
from academy.quizzes.stored import as_gift

# --- The list ----------------------------------------------------------------------------------

def _filter_values(filters: BankFilterForm) -> dict:
    category, quiz = filters.value("category"), filters.value("quiz")
    return {"category": "" if category == NO_CATEGORY else category,
            "quiz": int(quiz) if quiz and quiz.isdigit() else quiz,
            "qtype": filters.value("qtype")}


@bp.route("/courses/<int:course_id>/questions")
@login_required
def index(course_id: int):
    course = bank_course(course_id)
    categories, quizzes = queries.categories_of(course.id), quiz_titles(course)
    filters = BankFilterForm(request.args, categories=[name for name, _ in categories],
                             quizzes=quizzes)
    filters.validate()
    bank = queries.bank_of(course, current_locale(), **_filter_values(filters))
    move_form = MoveForm(formdata=None, categories=[name for name, _ in categories if name])
    return render_template("bank/index.html", course=course, bank=bank, filters=filters,
                           categories=categories, quiz_titles=dict(quizzes),
                           move_form=move_form, action_form=ActionForm(),
                           locked=curricula_policy.is_locked(course))


@bp.route("/courses/<int:course_id>/questions/move", methods=["POST"])
@login_required
def move(course_id: int):
    course = bank_course(course_id, content=True)
    form = MoveForm(question_ids=queries.question_ids_of(course.id),
                    categories=quiz_queries.categories_of(course.id))
    if form.validate_on_submit():
        moved = operations.move_questions(queries.questions_of(course.id, form.question_ids.data),
                                          form.category_value())
        db.session.commit()
        flash(ngettext("%(num)d question has been moved.", "%(num)d questions have been moved.",
                       moved), "success")
    else:
        flash(next(iter(form.errors.values()))[0], "error")
    return redirect(url_for(".index", course_id=course.id))


# --- Creating and editing ----------------------------------------------------------------------

@bp.route("/courses/<int:course_id>/questions/new")
@login_required
def choose_type(course_id: int):
    course = bank_course(course_id)
    quiz = quiz_of_course(course, request.args.get("quiz", type=int))
    return render_template("bank/choose_type.html", course=course, qtypes=QTYPES,
                           quiz=quiz.id if quiz else None)


def _question_form(course: Course, qtype: str, stored: GiftQuestion | None = None,
                   is_new: bool = False, question: Question | None = None):
    if qtype == "cloze":  # every language in one form: the gaps are written in the texts
        return ClozeForm.for_question(question, course_languages(course), course.default_locale,
                                      is_new=is_new, quizzes=quiz_titles(course),
                                      categories=quiz_queries.categories_of(course.id))
    form_class = GapselectForm if qtype == gapselect.QTYPE else QuestionForm
    return form_class(qtype=qtype, stored=stored, categories=quiz_queries.categories_of(course.id),
                      quizzes=quiz_titles(course), is_new=is_new)


def _regrade_url(course: Course, question: Question) -> str | None:
    """The page that regrades past attempts with the current version, where it is installed."""
    try:
        return url_for("quiz_admin.confirm_regrade", course_id=course.id, question_id=question.id)
    except BuildError:
        return None


def _editor(course: Course, form: QuestionForm, question: Question | None, locale: str):
    """The editor page (for a new question, `question` is None)."""
    reference = None
    if question is not None and locale != course.default_locale:
        words, _shown = queries.words_in(question, course.default_locale, course.default_locale)
        reference = as_gift(question, words)
    answered = quiz_queries.answered_counts([question.id]).get(question.id, 0) if question else 0
    page = render_template(
        "bank/edit_cloze.html" if form.qtype == "cloze" else "bank/edit.html", course=course,
        form=form, question=question, locale=locale,
        qtype=form.qtype, reference=reference, answered=answered, percent=percent_text,
        written=queries.written_locales(question) if question else set(),
        regrade_url=_regrade_url(course, question) if question and question.version > 1 else None)
    return page, 422 if form.is_submitted() else 200


@bp.route("/courses/<int:course_id>/questions/new/<qtype>", methods=["GET", "POST"])
@login_required
def create(course_id: int, qtype: str):
    course = bank_course(course_id, content=True)
    if qtype not in QTYPES:
        abort(404)
    # made from a quiz's page
    from_quiz = quiz_of_course(course, request.args.get("quiz", type=int))
    form = _question_form(course, qtype, is_new=True)
    if not form.is_submitted():
        form.fill(GiftQuestion(0, "", "", qtype, ""), from_quiz.id if from_quiz else None)
    placed = quiz_of_course(course, form.placement_id())
    done = attempt(form, lambda: operations.create_cloze(
        course, form.to_question(), form.translations(), placed) if qtype == "cloze" else
        operations.create_question(course, form.to_question(), placed))
    if done:
        db.session.commit()
        flash(_("The question “%(ident)s” has been created.", ident=done.value.ident), "success")
        if placed is not None and placed == from_quiz:
            return redirect(url_for("quiz_editor.questions", course_id=course.id,
                                    lesson_id=placed.id, _anchor="slots"))
        return redirect(url_for(".index", course_id=course.id, _anchor=f"question-{done.value.id}"))
    return _editor(course, form, None, course.default_locale)


def _save(course: Course, question: Question, form: QuestionForm, locale: str) -> bool:
    if form.qtype == "cloze":
        return operations.update_cloze(question, form.to_question(), form.translations(),
                                       course.default_locale)
    if not form.is_structure:
        return operations.update_words(question, locale, form.to_question())
    return operations.update_question(question, form.to_question(), form.origins(),
                                      course.default_locale)


def _flash_saved(course: Course, question: Question, is_new_version: bool) -> None:
    if not is_new_version:
        flash(_("The question “%(ident)s” has been saved.", ident=question.ident), "success")
        return
    message = Markup.escape(_("The question is now at version %(version)d. Past attempts keep "
                              "the version their trainees answered.", version=question.version))
    url = _regrade_url(course, question)
    if url:
        message = Markup('{} <a href="{}">{}</a>').format(
            message, url, _("Regrade the past attempts with the new version"))
    flash(message, "info")


@bp.route("/courses/<int:course_id>/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit(course_id: int, question_id: int):
    course = bank_course(course_id, content=True)
    question = bank_question(course, question_id)
    locale = requested_locale(course)
    content = next((text.content for text in question.texts if text.locale == locale), {})
    stored = as_gift(question, content)
    form = _question_form(course, question.qtype,
                          None if locale == course.default_locale else stored, question=question)
    if not form.is_submitted():
        form.fill(stored)
    done = attempt(form, lambda: _save(course, question, form, locale))
    if done:
        db.session.commit()
        _flash_saved(course, question, done.value)
        return redirect(url_for(".index", course_id=course.id, _anchor=f"question-{question.id}"))
    return _editor(course, form, question, locale)


# --- Duplicating and deleting ------------------------------------------------------------------

@bp.route("/courses/<int:course_id>/questions/<int:question_id>/duplicate", methods=["POST"])
@login_required
def duplicate(course_id: int, question_id: int):
    course = bank_course(course_id, content=True)
    question = bank_question(course, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    copied = operations.duplicate_question(question)
    db.session.commit()
    flash(_("The question has been copied as “%(ident)s”.", ident=copied.ident), "success")
    return redirect(url_for(".edit", course_id=course.id, question_id=copied.id))


@bp.route("/courses/<int:course_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@login_required
def delete(course_id: int, question_id: int):
    course = bank_course(course_id, content=True)
    question = bank_question(course, question_id)
    form = ActionForm()
    if form.validate_on_submit():
        ident = question.ident
        operations.delete_question(question)
        db.session.commit()
        flash(_("The question “%(ident)s” has been deleted.", ident=ident), "success")
        return redirect(url_for(".index", course_id=course.id))
    content, lang = queries.words_in(question, current_locale(), course.default_locale)
    return render_template("bank/delete.html", course=course, question=question, form=form,
                           excerpt=queries.excerpt(content), lang=lang,
                           answered=quiz_queries.answered_counts([question.id]).get(question.id, 0))
