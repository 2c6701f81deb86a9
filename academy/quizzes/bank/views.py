"""The question bank of a course: list, create, edit and translate, preview, duplicate, move,
delete, import and export (GIFT, Moodle XML). For the course's authors only; everyone else
gets a 404, as for the course's other authoring pages."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.routing import BuildError

from academy.curricula import policy as curricula_policy
from academy.curricula.lookups import course_for_author
from academy.curricula.files import files_base
from academy.curricula.models import Course, best_text
from academy.extensions import db
from academy.forms import ActionForm, attempt
from academy.i18n import current_locale, language_name_in
from academy.quizzes import display, gapselect, grading, policy, responses
from academy.quizzes.blueprints import question_bank as bp
from academy.quizzes.stored import as_gift
from academy.quizzes import queries as quiz_queries
from academy.quizzes.bank import forms, operations, queries
from academy.quizzes.bank.cloze_form import ClozeForm
from academy.quizzes import cloze, cloze_answers
from academy.quizzes.bank.gapselect_form import GapselectForm
from academy.quizzes.gift import GiftQuestion
from academy.quizzes.gift_writer import left_out_note
from academy.quizzes.models import AttemptSlot, Question, QuestionVersion


MAX_FILE_BYTES = 2 * 1024 * 1024


# --- Lookups -----------------------------------------------------------------------------------

def _course(course_id: int, content: bool = False) -> Course:
    """The course if the person runs its quizzes; 404 for anyone else. With `content`, its
    questions must be open to changes (not a shared course's: SharedCourseLocked)."""
    course = course_for_author(course_id, content)
    if not policy.can_manage_quizzes(current_user, course):
        abort(404)
    return course


def _question(course: Course, question_id: int) -> Question:
    """A question of this course; 404 for another course's question."""
    question = queries.question_of(course.id, question_id)
    if question is None:
        abort(404)
    return question


def _locale(course: Course) -> str:
    locale = request.args.get("locale") or course.default_locale
    if locale not in course.locales:
        abort(404)
    return locale


def _quizzes(course: Course) -> list[tuple[int, str]]:
    """(id, title in the reader's language) of the course's quizzes, in course order."""
    titles = []
    for lesson in quiz_queries.quizzes_of(course.id):
        found, _locale = best_text(lesson.texts, current_locale(), course.default_locale)
        titles.append((lesson.id, found.title if found else lesson.slug))
    return titles


def _lesson(course: Course, lesson_id: int | None):
    """The quiz a question goes in (None: in no quiz); 404 if it is not a quiz of the course."""
    if lesson_id is None:
        return None
    lesson = quiz_queries.quiz_lesson(course.id, lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def _regrade_url(course: Course, question: Question) -> str | None:
    """The page that regrades past attempts with the current version, where it is installed."""
    try:
        return url_for("quiz_admin.confirm_regrade", course_id=course.id, question_id=question.id)
    except BuildError:
        return None


# --- The list ----------------------------------------------------------------------------------

def _filter_values(filters: forms.BankFilterForm) -> dict:
    category, quiz = filters.value("category"), filters.value("quiz")
    return {"category": "" if category == forms.NO_CATEGORY else category,
            "quiz": int(quiz) if quiz and quiz.isdigit() else quiz,
            "qtype": filters.value("qtype")}


@bp.route("/courses/<int:course_id>/questions")
@login_required
def index(course_id: int):
    course = _course(course_id)
    categories, quizzes = queries.categories_of(course.id), _quizzes(course)
    filters = forms.BankFilterForm(request.args, categories=[name for name, _ in categories],
                                   quizzes=quizzes)
    filters.validate()
    bank = queries.bank_of(course, current_locale(), **_filter_values(filters))
    move_form = forms.MoveForm(formdata=None, categories=[name for name, _ in categories if name])
    return render_template("bank/index.html", course=course, bank=bank, filters=filters,
                           categories=categories, quiz_titles=dict(quizzes),
                           move_form=move_form, action_form=ActionForm(),
                           locked=curricula_policy.is_locked(course))


@bp.route("/courses/<int:course_id>/questions/move", methods=["POST"])
@login_required
def move(course_id: int):
    course = _course(course_id, content=True)
    form = forms.MoveForm(question_ids=queries.question_ids_of(course.id),
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
    course = _course(course_id)
    quiz = _lesson(course, request.args.get("quiz", type=int))
    return render_template("bank/choose_type.html", course=course, qtypes=forms.QTYPES,
                           quiz=quiz.id if quiz else None)


def _question_form(course: Course, qtype: str, stored: GiftQuestion | None = None,
                   is_new: bool = False, question: Question | None = None):
    if qtype == "cloze":  # every language in one form: the gaps are written in the texts
        return ClozeForm.for_question(question, _languages(course), course.default_locale,
                                      is_new=is_new, quizzes=_quizzes(course),
                                      categories=quiz_queries.categories_of(course.id))
    form_class = GapselectForm if qtype == gapselect.QTYPE else forms.QuestionForm
    return form_class(qtype=qtype, stored=stored, categories=quiz_queries.categories_of(course.id),
                      quizzes=_quizzes(course), is_new=is_new)


def _editor(course: Course, form: forms.QuestionForm, question: Question | None, locale: str):
    """The editor page (for a new question, `question` is None)."""
    reference = None
    if question is not None and locale != course.default_locale:
        words, _shown = queries.words_in(question, course.default_locale, course.default_locale)
        reference = as_gift(question, words)
    answered = quiz_queries.answered_counts([question.id]).get(question.id, 0) if question else 0
    page = render_template(
        "bank/edit_cloze.html" if form.qtype == "cloze" else "bank/edit.html", course=course, form=form, question=question, locale=locale,
        qtype=form.qtype, reference=reference, answered=answered, percent=forms.percent_text,
        written=queries.written_locales(question) if question else set(),
        regrade_url=_regrade_url(course, question) if question and question.version > 1 else None)
    return page, 422 if form.is_submitted() else 200


@bp.route("/courses/<int:course_id>/questions/new/<qtype>", methods=["GET", "POST"])
@login_required
def create(course_id: int, qtype: str):
    course = _course(course_id, content=True)
    if qtype not in forms.QTYPES:
        abort(404)
    from_quiz = _lesson(course, request.args.get("quiz", type=int))  # made from a quiz's page
    form = _question_form(course, qtype, is_new=True)
    if not form.is_submitted():
        form.fill(GiftQuestion(0, "", "", qtype, ""), from_quiz.id if from_quiz else None)
    placed = _lesson(course, form.placement_id())
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


def _save(course: Course, question: Question, form: forms.QuestionForm, locale: str) -> bool:
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
    course = _course(course_id, content=True)
    question = _question(course, question_id)
    locale = _locale(course)
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


# --- Preview -----------------------------------------------------------------------------------

class _ShowEverything:
    """The preview's review options: marks, feedback and right answers."""

    score = feedback = answers = True


def _stand_in(question: Question, content: dict, lang: str) -> AttemptSlot:
    """A slot of no attempt, for the preview (never added to the session: nothing is stored)."""
    size = len(question.spec.get("answers", []))
    order = cloze.choice_order(question.spec, None) if question.qtype == "cloze" else \
        list(range(size))
    return AttemptSlot(position=1, choice_order=order, version=QuestionVersion(
        qtype=question.qtype, spec=question.spec, texts={lang: content}))


def _check(question: Question, slot: AttemptSlot, content: dict):
    """Read and grade the submitted answer: (graded?, refusal message, answer as typed)."""
    items = gapselect.allowed(question.spec, content) if question.qtype == gapselect.QTYPE \
        else len(slot.choice_order)
    try:
        slot.response = responses.read(question.qtype, slot.choice_order, items, request.form, 1,
                                       spec=question.spec)
    except responses.AnswerRejected as rejected:
        typed = request.form.get(responses.field_name(1), "")[:responses.ESSAY_MAX] \
            if question.qtype in ("shortanswer", "numerical", "essay") else None
        if question.qtype == "cloze":  # every gap as typed
            typed = cloze_answers.typed(question.spec, slot.choice_order, request.form, 1)
        return False, rejected.message, typed
    slot.fraction = grading.grade(question.qtype, question.spec, content, slot.response)
    return True, None, None


@bp.route("/courses/<int:course_id>/questions/<int:question_id>/preview",
          methods=["GET", "POST"])
@login_required
def preview(course_id: int, question_id: int):
    """The question as a trainee sees it; "Check" grades an answer (nothing is stored)."""
    course = _course(course_id)
    question = _question(course, question_id)
    locale = _locale(course)
    content, lang = queries.words_in(question, locale, course.default_locale)
    slot = _stand_in(question, content, lang)
    checked, error, typed = False, None, None
    if ActionForm().validate_on_submit():
        checked, error, typed = _check(question, slot, content)
    shown = display.show(slot, content, lang, files_base(course), typed)
    shown.error = error
    if checked:
        display.add_review(shown, slot, content, _ShowEverything(), files_base(course))
    return render_template("bank/preview.html", course=course, question=question, shown=shown,
                           locale=locale, checked=checked, review=_ShowEverything(),
                           action_form=ActionForm())


# --- Duplicating and deleting ------------------------------------------------------------------

@bp.route("/courses/<int:course_id>/questions/<int:question_id>/duplicate", methods=["POST"])
@login_required
def duplicate(course_id: int, question_id: int):
    course = _course(course_id, content=True)
    question = _question(course, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    copied = operations.duplicate_question(question)
    db.session.commit()
    flash(_("The question has been copied as “%(ident)s”.", ident=copied.ident), "success")
    return redirect(url_for(".edit", course_id=course.id, question_id=copied.id))


@bp.route("/courses/<int:course_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@login_required
def delete(course_id: int, question_id: int):
    course = _course(course_id, content=True)
    question = _question(course, question_id)
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


# --- Import and export -------------------------------------------------------------------------

def _languages(course: Course) -> list[tuple[str, str]]:
    return [(code, language_name_in(code, current_locale())) for code in course.locales]


def _import_form(course: Course, **kwargs) -> forms.ImportForm:
    form = forms.ImportForm(locales=_languages(course), categories=quiz_queries.categories_of(course.id),
                            quizzes=_quizzes(course), **kwargs)
    form.locale.data = form.locale.data or course.default_locale
    return form


def _preview_page(course: Course, plan, confirm, form, placement: int | None, locale: str):
    titles = dict(_quizzes(course))
    page = render_template("bank/import_preview.html", course=course, plan=plan, confirm=confirm,
                           form=form, quiz_title=titles.get(placement), locale=locale)
    return page, 200 if plan.is_valid and confirm is not None else 422


@bp.route("/courses/<int:course_id>/questions/import", methods=["GET", "POST"])
@login_required
def import_questions(course_id: int):
    """Step 1: check the file and show what would be imported, or every problem found."""
    course = _course(course_id, content=True)
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
    plan = operations.plan_import(course, data, choices["file_format"], choices["locale"],
                                  choices["category"])
    confirm = forms.ConfirmQuestionImportForm.carrying_choices(data, **choices) \
        if plan.is_valid else None
    return _preview_page(course, plan, confirm, form, form.placement_id(), choices["locale"])


@bp.route("/courses/<int:course_id>/questions/import/apply", methods=["POST"])
@login_required
def apply_import(course_id: int):
    """Step 2: import the checked file, all of it or nothing."""
    course = _course(course_id, content=True)
    confirm = forms.ConfirmQuestionImportForm()
    data = confirm.file_bytes()
    if not data or confirm.locale.data not in course.locales:
        flash(_("The file could not be read back. Choose it again."), "error")
        return redirect(url_for(".import_questions", course_id=course.id))
    lesson = _lesson(course, confirm.placement_id())
    try:
        plan = operations.import_questions(course, data, confirm.file_format.data,
                                           confirm.locale.data,
                                           forms.clean_category(confirm.category.data), lesson,
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


def _export_form(course: Course, formdata=None) -> forms.ExportForm:
    form = forms.ExportForm(formdata, locales=_languages(course), categories=quiz_queries.categories_of(course.id),
                            quizzes=_quizzes(course))
    form.locale.data = form.locale.data or course.default_locale
    return form


@bp.route("/courses/<int:course_id>/questions/export")
@login_required
def export(course_id: int):
    course = _course(course_id)
    return render_template("bank/export.html", course=course, form=_export_form(course),
                           not_in_gift=queries.not_in_gift_count(course.id))


@bp.route("/courses/<int:course_id>/questions/export.gift")
@login_required
def download(course_id: int):
    """The chosen questions in GIFT or Moodle XML, in one language, as a UTF-8 file."""
    course = _course(course_id)
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
