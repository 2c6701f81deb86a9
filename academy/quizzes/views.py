"""Taking a quiz: its page, an attempt's pages, background saves, submission and the review."""
from __future__ import annotations

import time

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from academy.accounts import queries as account_queries
from academy.curricula import queries as course_queries
from academy.curricula.files import files_base
from academy.curricula.models import Course, best_text
from academy.curricula.rendering import render_markdown
from academy.db import utcnow
from academy.enrolment import queries as enrolment_queries
from academy.enrolment.models import COMPLETED
from academy.extensions import db
from academy.forms import ActionForm
from academy.i18n import content_locale, current_locale
from academy.quizzes import (
    answering,
    closing,
    cloze_answers,
    display,
    policy,
    queries,
    responses,
    starting,
)
from academy.quizzes.blueprints import quizzes as bp
from academy.quizzes.models import Attempt
from academy.quizzes.signals import answers_saved


def _quiz(course_id: int, lesson_id: int):
    """(course, quiz lesson, enrolment), or 404 for anyone who may not open it."""
    reading = enrolment_queries.course_for_reader(current_user, course_id)
    course, enrolment = (reading.course, reading.enrolment) if reading else (None, None)
    lesson = queries.quiz_lesson(course_id, lesson_id) if course else None
    if lesson is None or not (policy.can_take_quiz(current_user, course, enrolment)
                              or policy.can_manage_quizzes(current_user, course)):
        abort(404)
    return course, lesson, enrolment


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>")
@login_required
def quiz(course_id: int, lesson_id: int):
    course, lesson, enrolment = _quiz(course_id, lesson_id)
    settings = queries.effective_settings(lesson, current_user.id)
    attempts = queries.attempts_of(lesson.id, current_user.id)
    text, text_lang = best_text(lesson.texts, current_locale(), course.default_locale)
    introduction = render_markdown(text.body, files_base(course)) \
        if text is not None and text.body.strip() else None
    return render_template(
        "quizzes/quiz.html", course=course, lesson=lesson, settings=settings, attempts=attempts,
        introduction=introduction, introduction_lang=text_lang,
        result=queries.result_of(lesson.id, current_user.id), now=utcnow(),
        review=policy.Review(settings, utcnow(), is_staff=False),
        can_take=policy.can_take_quiz(current_user, course, enrolment),
        can_manage=policy.can_manage_quizzes(current_user, course), action_form=ActionForm())


@bp.route("/courses/<int:course_id>/quizzes/<int:lesson_id>/start", methods=["POST"])
@login_required
def start(course_id: int, lesson_id: int):
    course, lesson, enrolment = _quiz(course_id, lesson_id)
    if not policy.can_take_quiz(current_user, course, enrolment):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    settings = queries.effective_settings(lesson, current_user.id)
    now = utcnow()
    closed = closing.close_overdue(now, lesson.id, current_user.id)  # time ran out: over
    try:
        attempt = starting.start_attempt(enrolment, lesson, course, settings, content_locale(),
                                         now)
    except starting.QuizRefused as error:  # the refusal wrote nothing; a closing did
        if closed:
            db.session.commit()
        flash(str(error.message), "error")
        return redirect(url_for(".quiz", course_id=course.id, lesson_id=lesson.id))
    attempt_id = attempt.id
    db.session.commit()
    return redirect(url_for(".attempt_page", attempt_id=attempt_id))


def _own_attempt(attempt_id: int) -> Attempt:
    """The signed-in trainee's own attempt, or 404 (even its existence stays hidden)."""
    attempt = queries.attempt_with_slots(attempt_id)
    if not policy.can_answer(current_user, attempt):
        abort(404)
    return attempt


def _course_of(attempt: Attempt) -> Course:
    return course_queries.course_for_reading(attempt.course_id)


def _readable_attempt(attempt_id: int) -> tuple[Attempt, Course]:
    """An attempt its trainee or their instructors may read, with its course; else 404."""
    attempt = queries.attempt_with_slots(attempt_id)
    course = _course_of(attempt) if attempt else None
    if not policy.can_view_attempt(current_user, attempt, course):
        abort(404)
    return attempt, course


def _time_up(attempt: Attempt, course: Course):
    """An attempt whose time ran out, as a page that only reads shows it: over, taking no more
    answers. Closing it (grading what was saved) is a write: the trainee's button does it, as
    do their next save or start and `flask quizzes close-overdue`."""
    return render_template("quizzes/time_up.html", attempt=attempt, course=course,
                           lesson=queries.lesson_with_texts(attempt.lesson_id),
                           questions=_shown(attempt, course, None), action_form=ActionForm())


def _shown(attempt: Attempt, course: Course, page: int | None, given=None, problems=None,
           review: policy.Review | None = None):
    """The questions of one page (or all), as answered; with `review`, what its rules show."""
    base = files_base(course)
    numbers = display.question_numbers(attempt.slots)
    shown = []
    for slot in attempt.slots:
        if page is not None and slot.page != page:
            continue
        content, lang = queries.words_of(slot.version, attempt.locale, course.default_locale)
        question = display.show(slot, content, lang, base, (given or {}).get(slot.position))
        question.number = numbers.get(slot.position, 0)
        question.error = (problems or {}).get(slot.position)
        if review is not None:
            display.add_review(question, slot, content, review, base)
        shown.append(question)
    return shown


def _render_page(attempt: Attempt, course: Course, page: int, given=None, problems=None,
                 status: int = 200):
    lesson = queries.lesson_with_texts(attempt.lesson_id)
    return render_template(
        "quizzes/attempt.html", attempt=attempt, course=course, lesson=lesson, page=page,
        questions=_shown(attempt, course, page, given, problems), action_form=ActionForm(),
        panel=display.panel(attempt.slots),
        remaining=_remaining(attempt), seq=_server_seq(), problems=problems or {},
        saved_seq=max((s.saved_seq for s in attempt.slots if s.page == page), default=0)), status


def _remaining(attempt: Attempt) -> int | None:
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - utcnow()).total_seconds()))


def _server_seq() -> int:
    """A save's sequence number when the browser gives none: the server's clock in ms."""
    return int(time.time() * 1000)


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt_page(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.is_finished:
        return redirect(url_for(".review", attempt_id=attempt_id))
    if attempt.is_time_up:
        return _time_up(attempt, _course_of(attempt))
    page = request.args.get("page", 1, type=int) or 1
    if not 1 <= page <= attempt.pages:
        abort(404)
    return _render_page(attempt, _course_of(attempt), page)


def _seq() -> int:
    given = request.form.get("seq", "")
    return int(given) if given.isdigit() and len(given) < 16 else _server_seq()


def _save(attempt: Attempt, page: int, now):
    """Save a submitted page (the caller commits): (given values, problems).

    Raises AnswerRejected (nothing is saved then).
    """
    values, problems = answering.read_page(attempt, page, request.form)
    shown, seq = answering.shown_on(page, attempt, request.form), _seq()
    before = {slot.position for slot in attempt.slots if slot.flagged}  # read before the save
    answering.save_answers(attempt, {p: v for p, v in values.items() if p not in problems},
                           seq, now)
    answering.save_flags(attempt, shown, answering.flags_in(request.form), seq, before=before)
    return values, problems


@bp.route("/attempts/<int:attempt_id>", methods=["POST"])
@login_required
def save_page(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    page = request.form.get("page", type=int) or 0
    if not 1 <= page <= attempt.pages:
        abort(400)
    now = utcnow()
    refusal = answering.close_if_over(attempt, now)
    if refusal is not None:
        db.session.commit()  # an overdue attempt was closed just now: keep it
        flash(str(refusal.message), "info")
        return redirect(url_for(".review", attempt_id=attempt_id))
    try:
        _, problems = _save(attempt, page, now)
    except responses.AnswerRejected as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _render_page(attempt, _course_of(attempt), page, status=400)
    destination = _destination(attempt)  # read before the commit expires the attempt
    db.session.commit()
    answers_saved.send(current_app._get_current_object(), via="page")
    if problems:
        given = {p: _form_value(p, attempt) for p in problems}
        return _render_page(attempt, _course_of(attempt), page, given, problems, status=400)
    return redirect(destination)


def _form_value(position: int, attempt: Attempt | None = None):
    """A refused answer as typed, to show it again (only text answers can be refused as typed)."""
    slot = next((s for s in attempt.slots if s.position == position), None) if attempt else None
    if slot is not None and slot.version.qtype == "cloze":  # every gap as typed
        return cloze_answers.typed(slot.version.spec, slot.choice_order, request.form, position)
    return request.form.get(responses.field_name(position), "")[:responses.ESSAY_MAX]


def _destination(attempt: Attempt) -> str:
    go, _sep, question = request.form.get("go", "").partition("-")  # "3", or "3-12": question 12
    if go == "summary":
        return url_for(".summary", attempt_id=attempt.id)
    page = int(go) if go.isdigit() and 1 <= int(go) <= attempt.pages else 1
    anchor = f"question-{question}" if question.isdigit() and len(question) < 6 else None
    return url_for(".attempt_page", attempt_id=attempt.id, page=page, _anchor=anchor)


@bp.route("/attempts/<int:attempt_id>/autosave", methods=["POST"])
@login_required
def autosave(attempt_id: int):
    """The page's background save (JavaScript): JSON in, JSON out, never a page."""
    attempt = _own_attempt(attempt_id)
    page = request.form.get("page", type=int) or 0
    if not 1 <= page <= attempt.pages:
        return jsonify(error=_("This page is not part of your attempt.")), 400
    now = utcnow()
    refusal = answering.close_if_over(attempt, now)
    if refusal is not None:
        db.session.commit()  # an overdue attempt was closed just now: keep it
        return jsonify(error=str(refusal.message), closed=True,
                       review=url_for(".review", attempt_id=attempt_id)), 409
    try:
        values, problems = _save(attempt, page, now)
    except responses.AnswerRejected as error:
        db.session.rollback()
        return jsonify(error=str(error.message)), 400
    remaining = _remaining(attempt)  # read before the commit expires the attempt
    db.session.commit()
    answers_saved.send(current_app._get_current_object(), via="autosave")
    return jsonify(saved=len(values) - len(problems), remaining=remaining,
                   problems={str(p): str(m) for p, m in problems.items()})


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """A form larger than the platform takes (a pasted 1 MB essay): nothing is saved, say so."""
    message = _("Your answers were not saved: an answer is far too long. Shorten it and try again.")
    if request.endpoint == "quizzes.autosave":
        return jsonify(error=message), 413
    flash(message, "error")
    attempt_id = (request.view_args or {}).get("attempt_id")
    if attempt_id is None:
        return redirect(url_for("home.index"))
    return redirect(url_for(".attempt_page", attempt_id=attempt_id), 303)


@bp.route("/attempts/<int:attempt_id>/summary")
@login_required
def summary(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.is_finished:
        return redirect(url_for(".review", attempt_id=attempt_id))
    course = _course_of(attempt)
    if attempt.is_time_up:
        return _time_up(attempt, course)
    return render_template("quizzes/summary.html", attempt=attempt, course=course,
                           lesson=queries.lesson_with_texts(attempt.lesson_id),
                           questions=_shown(attempt, course, None), remaining=_remaining(attempt),
                           panel=display.panel(attempt.slots), action_form=ActionForm())


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    enrolment = enrolment_queries.enrolment_of(current_user, attempt.course_id)
    was_completed = enrolment is not None and enrolment.status == COMPLETED
    now = utcnow()
    refusal = answering.refusal_to_answer(attempt, now)  # read before the attempt is closed
    if closing.submit_attempt(attempt, now):
        if refusal is not None:
            flash(str(refusal.message), "info")  # its time had run out: what was saved counts
        else:
            flash(_("Your attempt has been submitted."), "success")
    db.session.commit()
    if not was_completed and enrolment is not None and enrolment.status == COMPLETED:
        flash(_("Congratulations: you have completed the course."), "success")
    return redirect(url_for(".review", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    attempt, course = _readable_attempt(attempt_id)
    lesson = queries.lesson_with_texts(attempt.lesson_id)
    is_staff = policy.can_manage_quizzes(current_user, course)
    if not attempt.is_finished:
        if is_staff and attempt.user_id != current_user.id:
            abort(404)  # staff read finished attempts; an attempt in progress is the trainee's
        if attempt.is_time_up:
            return _time_up(attempt, course)
        return redirect(url_for(".attempt_page", attempt_id=attempt.id))
    settings = queries.effective_settings(lesson, attempt.user_id)
    rules = policy.Review(settings, utcnow(), is_staff=is_staff)
    questions = _shown(attempt, course, None, review=rules)
    return render_template("quizzes/review.html", attempt=attempt, course=course, lesson=lesson,
                           questions=questions, rules=rules, settings=settings, is_staff=is_staff,
                           following=course_queries.following_lesson_id(lesson)
                           if attempt.user_id == current_user.id else None,
                           person=account_queries.user_by_id(attempt.user_id))
