"""Descriptions: text between a quiz's questions, worth nothing, shown as information without
an answer, written in the question form or read from GIFT."""
from __future__ import annotations

import pytest

from academy.db import utcnow
from academy.extensions import db
from academy.quizzes import closing, marking, slots
from academy.quizzes.bank import operations as bank_ops
from tests.factories.question_bank import DESCRIPTION_GIFT
from tests.factories.quiz_authoring import (  # noqa: F401 - fixtures
    EN,
    english_author,
    english_instructor,
    enrolled_learner,
    layout,
    post,
    question,
    sample_quiz,
)
from tests.factories.quizzes import start

# --- Descriptions: text between questions ---------------------------------------------------------

def test_a_gift_description_is_text_between_questions_worth_nothing(app_ctx, course, quiz,
                                                                      learner):
    from academy.quizzes.gift import parse_gift
    from academy.quizzes.gift_writer import gift_file
    from academy.quizzes.stored import question_content

    described, asked = parse_gift(DESCRIPTION_GIFT)
    assert (described.qtype, described.text, described.answers) == (
        "description", "Un interno pide hablar con su abogado a las tres de la madrugada.", [])
    made = bank_ops.import_questions(course, DESCRIPTION_GIFT.encode(), "gift", "es", "", quiz)
    assert len(made.rows) == 2
    case = question(course, "caso-1")
    assert layout(quiz.id)[-2:] == [(8, 2, "caso-1", 0.0), (9, 2, "caso-1-q", 1.0)]
    written = gift_file([(case, question_content(described))])
    assert "{" not in written and "::caso-1::" in written
    assert parse_gift(written)[0].qtype == "description"

    quiz.settings = {**quiz.settings, "shuffle_questions": False}
    attempt = start(learner, quiz, course)
    for slot in attempt.slots:
        if slot.version.ident == "caso-1-q":
            slot.response = True
    closing.submit_attempt(attempt, utcnow())
    essay = next(slot for slot in attempt.slots if slot.version.qtype == "essay")
    essay.fraction = 0.0
    marking._total(attempt)
    info = next(slot for slot in attempt.slots if slot.version.qtype == "description")
    assert info.fraction == 0.0 and info.mark == 0.0
    assert attempt.fraction == pytest.approx(1 / 8)  # the true/false of 8 questions; not 1/9


def test_a_description_shows_as_information_without_an_answer(client, login_as, course, quiz,
                                                               learner):
    bank_ops.import_questions(course, DESCRIPTION_GIFT.encode(), "gift", "es", "", quiz)
    slots.repaginate(quiz.id, 0)
    db.session.commit()
    attempt = start(learner, quiz, course)
    login_as(learner)
    page = client.get(f"/attempts/{attempt.id}", headers=EN).get_data(as_text=True)
    assert 'class="question-information"' in page and "tres de la madrugada" in page
    position = next(s.position for s in attempt.slots if s.version.qtype == "description")
    assert f'name="q{position}"' not in page
    assert "Question 8" in page and "Question 9" not in page  # the information takes no number
    summary = client.get(f"/attempts/{attempt.id}/summary", headers=EN).get_data(as_text=True)
    assert f"#question-{position}" not in summary


def test_a_description_is_written_in_the_question_form(author, course, quiz):
    path = f"/courses/{course.id}/questions/new/description?quiz={quiz.id}"
    page = author.get(path, headers=EN).get_data(as_text=True)
    assert 'name="answers-0-text"' not in page and 'name="correct"' not in page
    response = post(author, path, {"ident": "caso-2", "category": "", "new_category": "casos",
                                   "placement": str(quiz.id), "text": "Lea el caso siguiente.",
                                   "text_format": "moodle"}, token_from=path)
    assert response.status_code == 302
    assert layout(quiz.id)[-1] == (8, 2, "caso-2", 0.0)
    choose = author.get(f"/courses/{course.id}/questions/new", headers=EN).get_data(as_text=True)
    assert "Description (text, no answer)" in choose
