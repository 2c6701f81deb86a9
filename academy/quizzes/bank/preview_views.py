"""The bank's preview of a question, as a trainee sees it: "Check" grades an answer and shows
the feedback and the right answer; nothing is stored."""
from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from academy.curricula.files import files_base
from academy.forms import ActionForm
from academy.quizzes import cloze, cloze_answers, display, gapselect, grading, responses
from academy.quizzes.bank import queries
from academy.quizzes.bank.lookups import bank_course, bank_question, requested_locale
from academy.quizzes.blueprints import question_bank as bp
from academy.quizzes.models import AttemptSlot, Question, QuestionVersion


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
    course = bank_course(course_id)
    question = bank_question(course, question_id)
    locale = requested_locale(course)
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
