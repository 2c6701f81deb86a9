"""Writing a quiz: added to a module with its introduction, its questions picked from the bank
or drawn at random, ordered, paged and marked (its slots), attempts made from them, and the
question list locked once attempts are finished."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from academy.curricula.models import QUIZ, Lesson
from academy.db import utcnow
from academy.extensions import db
from academy.quizzes import closing, marking, slots
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.models import Attempt
from tests.factories.quiz_authoring import (  # noqa: F401 - fixtures
    EN,
    english_author,
    english_instructor,
    enrolled_learner,
    layout,
    new_bank_question,
    post,
    question,
    sample_quiz,
)
from tests.factories.quizzes import start


def questions_page(course, quiz) -> str:
    return f"/courses/{course.id}/quizzes/{quiz.id}/questions"


def layout_form(course, quiz, action: str, **extra) -> dict:
    """The questions page's form as a browser sends it: every mark, and the button pressed."""
    fields = {"action": action, **extra}
    for index, slot in enumerate(slots.slots_of(quiz.id)):
        fields.setdefault(f"rows-{index}-slot_id", str(slot.id))
        fields.setdefault(f"rows-{index}-mark", str(slot.mark))
    return fields


# --- A quiz in a module --------------------------------------------------------------------------

def test_an_instructor_adds_a_quiz_to_a_module_and_writes_its_introduction(author, course):
    module = course.modules[1]
    response = post(author, f"/authoring/modules/{module.id}/lessons",
                    {"title": "Evaluación final", "kind": "quiz"},
                    token_from=f"/authoring/courses/{course.id}")
    quiz = db.session.scalar(select(Lesson).where(Lesson.module_id == module.id,
                                                  Lesson.kind == QUIZ))
    assert quiz is not None and response.status_code == 302
    assert response.headers["Location"] == f"/authoring/lessons/{quiz.id}/texts/es"
    page = author.get(f"/authoring/lessons/{quiz.id}/texts/es", headers=EN).get_data(as_text=True)
    assert "Edit quiz" in page and "Introduction (Markdown)" in page and "Questions" in page

    saved = post(author, f"/authoring/lessons/{quiz.id}/texts/es",
                 {"title": "Evaluación final", "body": "Tiene **20 minutos**.", "minutes": "20",
                  "action": "save"}, token_from=f"/authoring/lessons/{quiz.id}/texts/es")
    assert saved.status_code == 302
    db.session.expire_all()
    assert (quiz.minutes, quiz.texts[0].body) == (20, "Tiene **20 minutos**.")
    empty = author.get(questions_page(course, quiz), headers=EN).get_data(as_text=True)
    assert "The quiz has no questions yet." in empty


def test_the_outline_offers_a_page_or_a_quiz(author, course):
    page = author.get(f"/authoring/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert 'name="kind" value="page"' in page and 'name="kind" value="quiz"' in page
    assert "Add a quiz" in page


def test_a_quiz_without_a_title_is_refused_and_nothing_is_added(author, course):
    module = course.modules[1]
    before = len(module.lessons)
    response = post(author, f"/authoring/modules/{module.id}/lessons",
                    {"title": " ", "kind": "quiz"},
                    token_from=f"/authoring/courses/{course.id}", follow_redirects=True)
    assert "Give the new quiz a title." in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(module.lessons) == before


# --- Picking, drawing, ordering, paging and marking ----------------------------------------------

def test_the_sample_quiz_holds_its_seven_questions_on_pages_of_five(course, quiz):
    assert layout(quiz.id) == [(n, 1 if n <= 5 else 2, f"p-q{n}", 1.0) for n in range(1, 8)]


def test_questions_are_picked_from_the_bank_and_random_ones_added(author, course, quiz):
    spare = new_bank_question(course, "spare-1")
    new_bank_question(course, "spare-2")
    page = author.get(questions_page(course, quiz) + "?q=spare-1",
                      headers=EN).get_data(as_text=True)
    assert "spare-1" in page and "<code>spare-2</code>" not in page and "<code>p-q1</code>" in page
    added = post(author, questions_page(course, quiz) + "/add", {"question_ids": [str(spare.id)]},
                 token_from=questions_page(course, quiz))
    assert added.status_code == 302
    drawn = post(author, questions_page(course, quiz) + "/random",
                 {"random-category": "extra", "random-count": "2"},
                 token_from=questions_page(course, quiz))
    assert drawn.status_code == 302
    assert layout(quiz.id)[7:] == [(8, 2, "spare-1", 1.0), (9, 2, "random:extra", 1.0),
                                   (10, 2, "random:extra", 1.0)]
    page = author.get(questions_page(course, quiz), headers=EN).get_data(as_text=True)
    assert "Random question" in page and "from the category extra" in page
    assert "10 questions" in page and "2 pages" in page


def test_a_random_draw_from_an_unknown_category_is_refused_at_the_field(author, course, quiz):
    response = post(author, questions_page(course, quiz) + "/random",
                    {"random-category": "nowhere", "random-count": "2"},
                    token_from=questions_page(course, quiz))
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert len(layout(quiz.id)) == 7


def test_moving_and_dragging_keep_the_pages_sizes(author, course, quiz):
    ids = [slot.id for slot in slots.slots_of(quiz.id)]
    response = post(author, questions_page(course, quiz),
                    layout_form(course, quiz, f"down-{ids[4]}"),
                    token_from=questions_page(course, quiz))
    assert response.status_code == 302
    assert [entry[1:3] for entry in layout(quiz.id)][4:6] == [(1, "p-q6"), (2, "p-q5")]
    dragged = [ids[6], *ids[:6]]  # the last question dragged to the top
    post(author, questions_page(course, quiz),
         layout_form(course, quiz, "order", order=",".join(map(str, dragged))),
         token_from=questions_page(course, quiz))
    assert [(entry[1], entry[2]) for entry in layout(quiz.id)] == [
        (1, "p-q7"), (1, "p-q1"), (1, "p-q2"), (1, "p-q3"), (1, "p-q4"), (2, "p-q5"), (2, "p-q6")]


def test_page_breaks_are_added_and_removed(author, course, quiz):
    ids = [slot.id for slot in slots.slots_of(quiz.id)]
    post(author, questions_page(course, quiz), layout_form(course, quiz, f"break-{ids[1]}"),
         token_from=questions_page(course, quiz))
    assert [entry[1] for entry in layout(quiz.id)] == [1, 1, 2, 2, 2, 3, 3]
    post(author, questions_page(course, quiz), layout_form(course, quiz, f"break-{ids[4]}"),
         token_from=questions_page(course, quiz))
    assert [entry[1] for entry in layout(quiz.id)] == [1, 1, 2, 2, 2, 2, 2]


def test_marks_are_saved_and_a_wrong_one_is_shown_at_its_field(author, course, quiz):
    path = questions_page(course, quiz)
    saved = post(author, path, layout_form(course, quiz, "marks", **{"rows-2-mark": "2,5"}),
                 token_from=path)
    assert saved.status_code == 302 and layout(quiz.id)[2][3] == 2.5
    wrong = post(author, path, layout_form(course, quiz, "marks", **{"rows-0-mark": "500",
                                                                  "rows-1-mark": "0.5"}),
                 token_from=path)
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Give marks from 0 to 100." in page
    assert 'value="500"' in page  # what was typed comes back, nothing is lost
    assert [entry[3] for entry in layout(quiz.id)][:3] == [1.0, 1.0, 2.5]  # nothing saved


def test_removing_a_question_keeps_it_in_the_bank(author, course, quiz):
    first = slots.slots_of(quiz.id)[0]
    post(author, questions_page(course, quiz), layout_form(course, quiz, f"remove-{first.id}"),
         token_from=questions_page(course, quiz))
    assert [entry[2] for entry in layout(quiz.id)] == [f"p-q{n}" for n in range(2, 8)]
    assert question(course, "p-q1") is not None


def test_a_new_question_written_from_the_quiz_page_lands_in_the_quiz(author, course, quiz):
    choose = author.get(f"/courses/{course.id}/questions/new?quiz={quiz.id}", headers=EN)
    assert f"/questions/new/truefalse?quiz={quiz.id}" in choose.get_data(as_text=True)
    path = f"/courses/{course.id}/questions/new/truefalse?quiz={quiz.id}"
    form = author.get(path, headers=EN).get_data(as_text=True)
    assert f'<option selected value="{quiz.id}">' in form
    response = post(author, path, {"ident": "desde-el-quiz", "category": "", "new_category": "",
                                   "placement": str(quiz.id), "text": "¿Sí?",
                                   "text_format": "moodle",
                                   "correct": "true"}, token_from=path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/quizzes/{quiz.id}/questions#slots")
    assert layout(quiz.id)[-1] == (8, 2, "desde-el-quiz", 1.0)


def test_one_question_serves_two_quizzes(app_ctx, course, quiz):
    second = Lesson(slug="repaso", kind=QUIZ, position=9, module=course.modules[1])
    db.session.add(second)
    db.session.flush()
    slots.add_questions(second, [question(course, "p-q2")])
    assert slots.quiz_ids_of_questions([question(course, "p-q2").id]) == {
        question(course, "p-q2").id: sorted([quiz.id, second.id])}
    bank_ops.delete_question(question(course, "p-q2"))
    db.session.flush()
    assert layout(second.id) == [] and [e[2] for e in layout(quiz.id)] == [
        "p-q1", "p-q3", "p-q4", "p-q5", "p-q6", "p-q7"]


# --- Attempts made from the slots ----------------------------------------------------------------

def test_marks_weigh_the_attempts_grade(app_ctx, course, quiz, learner):
    quiz.settings = {**quiz.settings, "shuffle_questions": False}
    slots.set_marks(quiz, {s.id: 3.0 if s.question.ident == "p-q2" else 0.0
                           for s in slots.slots_of(quiz.id)})
    slots.set_marks(quiz, {s.id: 1.0 for s in slots.slots_of(quiz.id)
                           if s.question.ident == "p-q1"})
    attempt = start(learner, quiz, course)
    by_ident = {slot.version.ident: slot for slot in attempt.slots}
    assert (by_ident["p-q2"].mark, by_ident["p-q1"].mark, by_ident["p-q3"].mark) == (3.0, 1.0, 0.0)
    by_ident["p-q2"].response = True  # right: 3 marks of 4
    by_ident["p-q7"].response = "Una respuesta"  # an essay, worth nothing here
    closing.submit_attempt(attempt, utcnow())
    by_ident["p-q7"].fraction = 0.0
    marking._total(attempt)
    assert attempt.fraction == pytest.approx(0.75)


def test_random_slots_never_repeat_a_question_and_skip_an_empty_category(app_ctx, course, quiz):
    for n in range(3):
        new_bank_question(course, f"extra-{n}")
    slots.add_random(quiz, "extra", 3, ["extra"])
    slots.add_random(quiz, "extra", 1, ["extra"])  # a fourth draw: the category is spent
    slots.add_questions(quiz, [question(course, "extra-0")])  # and one is placed too
    for seed in range(20):
        drawn = [entry.question.ident for entry in slots.draw(quiz, course.id,
                                                               random.Random(seed))]
        assert len(drawn) == len(set(drawn)) == 10
        assert sorted(i for i in drawn if i.startswith("extra")) == ["extra-0", "extra-1",
                                                                     "extra-2"]


def test_the_preview_shows_the_quiz_and_records_nothing(author, course, quiz):
    before = db.session.scalar(select(func.count()).select_from(Attempt))
    base = f"/courses/{course.id}/quizzes/{quiz.id}/preview"
    first = author.get(base + "?seed=7&locale=en", headers=EN)
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and "page 1 of 2" in page and \
        "Nothing you do here is recorded" in page
    assert page.count('<fieldset class="question') == 5 and "Who decides" in page
    second = author.get(base + "?seed=7&page=2&locale=en", headers=EN).get_data(as_text=True)
    assert second.count('<fieldset class="question') == 2
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == before


# --- The lock once attempts are finished ----------------------------------------------------------

def test_the_question_list_is_locked_by_finished_attempts_until_unlocked(author, course, quiz,
                                                                         learner):
    attempt = start(learner, quiz, course)
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    path = questions_page(course, quiz)
    page = author.get(path, headers=EN).get_data(as_text=True)
    assert "1 finished attempt was made with these questions, so the list is locked." in page
    assert 'value="remove-' not in page
    first = slots.slots_of(quiz.id)[0]
    refused = post(author, path, layout_form(course, quiz, f"remove-{first.id}"),
                   token_from=path, follow_redirects=True)
    assert "unlock the question list first" in refused.get_data(as_text=True)
    assert len(layout(quiz.id)) == 7
    unlocked = author.get(path + "?unlock=1", headers=EN).get_data(as_text=True)
    assert "The question list is unlocked" in unlocked and 'value="remove-' in unlocked
    done = post(author, path, layout_form(course, quiz, f"remove-{first.id}", unlocked="1"),
                token_from=path + "?unlock=1")
    assert done.status_code == 302 and len(layout(quiz.id)) == 6
    db.session.expire_all()
    kept = db.session.get(Attempt, attempt.id)
    assert len(kept.slots) == 7  # the finished attempt keeps what its trainee saw


def test_another_academys_author_cannot_see_or_change_the_questions(client, login_as, course, quiz,
                                                                    create_user, other_academy):
    login_as(create_user(academy=other_academy, roles=["instructor"]))
    assert client.get(questions_page(course, quiz)).status_code == 404
    assert client.get(f"/courses/{course.id}/quizzes/{quiz.id}/preview").status_code == 404
