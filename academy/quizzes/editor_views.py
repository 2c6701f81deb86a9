"""A quiz's questions page and its preview: the authors place bank questions and random draws,
order them (drag and drop, or up and down without JavaScript), set page breaks and marks, and
see the quiz as a trainee would, without an attempt being recorded."""
from __future__ import annotations

import random
import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from academy.curricula.files import files_base
from academy.curricula.lookups import course_for_author
from academy.curricula.models import Course, best_text
from academy.curricula.rendering import render_markdown
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.forms import show_domain_error
from academy.quizzes import display, policy, queries, slots, starting
from academy.quizzes import settings as quiz_settings
from academy.quizzes.bank import queries as bank_queries
from academy.quizzes.blueprints import quiz_editor as bp
from academy.quizzes.editor_forms import (
    AddQuestionsForm,
    AddRandomForm,
    PickerFilterForm,
    QuizLayoutForm,
)
from academy.quizzes.models import AttemptSlot, QuestionVersion

RANDOM = "random"  # the random draws' form: its fields must not share ids with the filters


def _quiz(course_id: int, lesson_id: int, content: bool = True):
    """(course, quiz lesson), or 404 for anyone who may not author the course's quizzes; with
    `content`, SharedCourseLocked for a quiz that changes only in a revision."""
    course = course_for_author(course_id, content)
    lesson = queries.quiz_lesson(course.id, lesson_id)
    if lesson is None or not policy.can_manage_quizzes(current_user, course):
        abort(404)
    return course, lesson


def _language(course: Course) -> str:
    """The language the questions are shown in: `locale` from the URL if the course has it
    (`lang` would change the interface's language)."""
    lang = request.args.get("locale", "")
    return lang if lang in course.locales else course.default_locale


def _back(course: Course, lesson, lang: str, unlocked: bool = False):
    return redirect(url_for(".questions", course_id=course.id, lesson_id=lesson.id, locale=lang,
                            unlock=1 if unlocked else None, _anchor="slots"))


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/questions")
@login_required
def questions(course_id: int, lesson_id: int, layout_form=None, random_form=None,
              status: int = 200):
    course, lesson = _quiz(course_id, lesson_id)
    lang = _language(course)
    placed = slots.slots_of(lesson.id)
    finished = slots.finished_attempts(lesson.id)
    unlocked = not finished or request.values.get("unlock") == "1" or \
        request.values.get("unlocked") == "1"
    if layout_form is None:
        layout_form = QuizLayoutForm(formdata=None)
        for slot in placed:
            layout_form.rows.append_entry({"slot_id": slot.id, "mark": slot.mark})
    categories = queries.categories_of(course.id)
    filters = PickerFilterForm(request.args, categories=categories)
    picks = bank_queries.pick_list(course, lesson.id, lang, (filters.q.data or "")[:100],
                                   filters.value("category"), filters.value("qtype"))
    words = {slot.id: bank_queries.words_in(slot.question, lang, course.default_locale)
             for slot in placed if slot.question is not None}
    return render_template(
        "quizzes/questions.html", course=course, lesson=lesson, lang=lang, slots=placed,
        rows=dict(zip((slot.id for slot in placed), layout_form.rows, strict=False)), words=words,
        excerpt=bank_queries.excerpt, finished=finished, unlocked=unlocked,
        layout_form=layout_form, filters=filters, picks=picks, add_form=AddQuestionsForm(),
        random_form=random_form or AddRandomForm(formdata=None, categories=categories,
                                                 prefix=RANDOM),
        total_marks=sum(slot.mark for slot in placed),
        pages=len({slot.page for slot in placed})), status


def _change(course, lesson, form, change, done_message: str | None = None):
    """Run a change of the quiz's slots after the lock check; commit, or show the page again
    with the refusal next to its field."""
    lang = _language(course)
    try:
        slots.check_unlocked(lesson, form.unlocked.data == "1")
        change()
    except DomainError as error:
        db.session.rollback()
        shown_with = _form_slot(form)
        if shown_with is None or not show_domain_error(form, error):
            flash(str(error.message), "error")
            return _back(course, lesson, lang)
        return questions(course.id, lesson.id, **{shown_with: form}, status=422)
    db.session.commit()
    if done_message:
        flash(done_message, "success")
    return _back(course, lesson, lang, form.unlocked.data == "1")


def _form_slot(form) -> str | None:
    """The questions page's argument that shows this form again with its errors (None: the
    form has no field to show an error at)."""
    if isinstance(form, QuizLayoutForm):
        return "layout_form"
    return "random_form" if isinstance(form, AddRandomForm) else None


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/questions", methods=["POST"])
@login_required
def save_layout(course_id: int, lesson_id: int):
    course, lesson = _quiz(course_id, lesson_id)
    form = QuizLayoutForm()
    if not form.validate_on_submit():
        return questions(course.id, lesson.id, layout_form=form, status=422)
    what, slot_id = form.pressed()

    def change():
        slots.set_marks(lesson, form.marks())
        if what in ("up", "down") and slot_id:
            slots.move_slot(lesson, slot_id, -1 if what == "up" else 1)
        elif what == "break" and slot_id:
            slots.toggle_page_break(lesson, slot_id)
        elif what == "remove" and slot_id:
            slots.remove_slot(lesson, slot_id)
        elif what == "order":
            slots.reorder(lesson, form.order_ids())

    saved = _("The quiz's questions are saved.") if what in ("marks", "order") else None
    return _change(course, lesson, form, change, saved)


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/questions/add", methods=["POST"])
@login_required
def add_questions(course_id: int, lesson_id: int):
    course, lesson = _quiz(course_id, lesson_id)
    form = AddQuestionsForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = bank_queries.questions_of(course.id, form.question_ids.data or [])
    if not chosen:
        flash(_("Tick the questions to add."), "error")
        return _back(course, lesson, _language(course), form.unlocked.data == "1")
    chosen.sort(key=lambda q: (form.question_ids.data or []).index(q.id))
    return _change(course, lesson, form,
                   lambda: slots.add_questions(lesson, chosen),
                   ngettext("%(num)d question added to the quiz.",
                            "%(num)d questions added to the quiz.", len(chosen)))


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/questions/random",
          methods=["POST"])
@login_required
def add_random(course_id: int, lesson_id: int):
    course, lesson = _quiz(course_id, lesson_id)
    categories = queries.categories_of(course.id)
    form = AddRandomForm(categories=categories, prefix=RANDOM)
    if not form.validate_on_submit():
        return questions(course.id, lesson.id, random_form=form, status=422)
    return _change(course, lesson, form, lambda: slots.add_random(
        lesson, form.category.data, form.count.data, categories),
        ngettext("%(num)d random question added to the quiz.",
                 "%(num)d random questions added to the quiz.", form.count.data))


# --- Preview -------------------------------------------------------------------------------------

def _preview_slots(course: Course, lesson, seed: int) -> list[AttemptSlot]:
    """The slots of an attempt that is never stored: drawn and shuffled with `seed`, so every
    page of one preview shows the same quiz."""
    rng = random.Random(seed)
    return starting.lay_out(slots.draw(lesson, course.id, rng),
                            quiz_settings.read(lesson.settings), rng, _unsaved_version)


def _unsaved_version(question) -> QuestionVersion:
    """The question as it stands, shaped as an attempt's frozen version (never stored)."""
    return QuestionVersion(qtype=question.qtype, spec=question.spec, ident=question.ident,
                           texts={text.locale: text.content for text in question.texts})


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/preview")
@login_required
def preview(course_id: int, lesson_id: int):
    course, lesson = _quiz(course_id, lesson_id, content=False)
    lang = _language(course)
    seed = request.args.get("seed", type=int)
    if seed is None or not 0 <= seed < 2 ** 62:
        seed = secrets.randbits(62)
    made = _preview_slots(course, lesson, seed)
    page_count = max((slot.page for slot in made), default=1)
    page = min(max(request.args.get("page", 1, type=int), 1), page_count)
    numbers = display.question_numbers(made)
    shown = []
    for slot in made:
        if slot.page == page:
            content, shown_lang = queries.words_of(slot.version, lang, course.default_locale)
            question = display.show(slot, content, shown_lang, files_base(course))
            question.number = numbers.get(slot.position, 0)
            shown.append(question)
    text, _text_lang = best_text(lesson.texts, lang, course.default_locale)
    introduction = render_markdown(text.body, files_base(course)) \
        if text is not None and text.body.strip() and page == 1 else None
    return render_template("quizzes/preview.html", course=course, lesson=lesson, lang=lang,
                           seed=seed, page=page, page_count=page_count, questions=shown,
                           introduction=introduction, count=len(made),
                           total_marks=sum(slot.mark for slot in made),
                           settings=quiz_settings.read(lesson.settings))
