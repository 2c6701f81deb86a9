"""The instructor's question bank: the list, writing and translating questions, preview,
duplicate, move and delete; a question used in an attempt is versioned, never changed under it."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from academy.curricula import operations as course_ops
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.quizzes import grading, starting
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.gift import Answer, GiftQuestion
from academy.quizzes.models import AttemptSlot, QuestionVersion
from tests.factories.packages import sample_package
from tests.factories.question_bank import (  # noqa: F401 - fixtures
    EN,
    add_question,
    bank,
    bank_author,
    bank_instructor,
    create,
    first_quiz,
    placed_in,
    post,
    question,
    rows,
    trainee_attempt,
    words,
)

# --- The list ----------------------------------------------------------------------------------

def test_the_bank_lists_questions_by_category_with_type_quiz_languages_and_use(author, course):
    page = author.get(bank(course), headers=EN).get_data(as_text=True)
    assert "searches-with-dignity/principles" in page and "(7)" in page
    for ident in ("p-q1", "p-q2", "p-q7"):
        assert f"<code>{ident}</code>" in page
    assert "Single choice" in page and "Matching" in page and "Essay" in page
    assert "Who decides a full search?" in page  # the English words, for an English reader
    assert page.count(">Quiz<") >= 7  # the quiz each question is in, by its English title
    assert f'href="{bank(course)}/' in page and "locale=en" in page


def test_the_list_falls_back_to_the_default_language_and_says_so(author, course):
    add_question(course, "only-es", "extra")
    db.session.commit()
    page = author.get(bank(course), headers=EN).get_data(as_text=True)
    row = page[page.index("<code>only-es</code>"):]
    assert "¿Pregunta only-es?" in row[:600] and "shown in Spanish" in row[:800]
    assert "bank only" in row[:1200] and "(missing)" in row[:2000]


def test_filters_narrow_the_list_and_wrong_values_are_ignored(author, course, quiz):
    add_question(course, "suelta", "otra/categoria")
    db.session.commit()
    listed = lambda query: re.findall(r"<code>([^<]+)</code>",  # noqa: E731
                                      author.get(f"{bank(course)}?{query}",
                                                 headers=EN).get_data(as_text=True))
    assert listed("qtype=truefalse") == ["p-q2"]
    assert listed("quiz=bank") == ["suelta"]
    assert len(listed(f"quiz={quiz.id}")) == 7
    assert listed("category=otra/categoria") == ["suelta"]
    assert len(listed("qtype=nonsense&quiz=12345&category=nowhere")) == 8


def test_the_list_runs_as_many_queries_for_40_questions_as_for_3(app, author, academy,
                                                                  count_queries):
    def course_with(n: int, slug: str):
        made = course_ops.create_course(academy, slug=slug, default_locale="es",
                                        locales=["es", "en"], hours=1, tags=[], title=slug)
        for i in range(n):
            add_question(made, f"{slug}-{i}", f"cat-{i % 4}", en=i % 2 == 0)
        db.session.commit()
        return made

    small, large = course_with(3, "small"), course_with(40, "large")
    for made, count in ((small, 3), (large, 40)):
        page = author.get(bank(made), headers=EN)  # and a warm-up
        assert page.status_code == 200 and f"{count} questions" in page.get_data(as_text=True)
    counts = [count_queries(lambda made=made: author.get(bank(made), headers=EN))
              for made in (small, large)]
    assert counts[0] == counts[1], counts


# --- Writing questions -------------------------------------------------------------------------

CASES = {
    "single": ({**rows({"text": "El director", "percent": "100", "feedback": "Bien"},
                       {"text": "Cualquiera", "percent": "0"},
                       {"text": "", "percent": "0"})}, [(0, 1.0), (1, 0.0)]),
    "multiple": (rows({"text": "Respeto", "percent": "50"}, {"text": "Intimidad", "percent": "50"},
                      {"text": "Humillación", "percent": "-100"}),
                 [([0, 1], 1.0), ([0, 2], 0.0), ([1], 0.5)]),
    "truefalse": ({"correct": "false", "feedback_true": "No", "feedback_false": "Eso es"},
                  [(False, 1.0), (True, 0.0)]),
    "shortanswer": (rows({"text": "dignidad", "percent": "100"},
                         {"text": "respeto", "percent": "50"}),
                    [("Dignidad", 1.0), ("RESPETO", 0.5), ("fuerza", 0.0)]),
    "numerical": (rows({"value": "2", "tolerance": "0,5", "percent": "100"},
                       {"minimum": "3", "maximum": "5", "percent": "50"}),
                  [("2.4", 1.0), ("4", 0.5), ("9", 0.0)]),
    "matching": (rows({"text": "Celda", "match": "Espacio"},
                      {"text": "Persona", "match": "Cuerpo"}),
                 [([0, 1], 1.0), ([1, 0], 0.0)]),
    "essay": ({}, [("Un texto", None)]),
}


@pytest.mark.parametrize("qtype", sorted(CASES))
def test_each_type_is_created_through_the_form_and_grades_right(author, course, quiz, qtype):
    fields, graded = CASES[qtype]
    response = create(author, course, qtype, {
        "ident": f"new-{qtype}", "new_category": " nuevas / tipos ", "placement": str(quiz.id),
        "text": f"Pregunta de tipo {qtype}", "general_feedback": "Para todos", **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    row = question(course, f"new-{qtype}")
    assert (row.qtype, row.category, row.position) == (qtype, "nuevas/tipos", 8)
    assert placed_in(row) == [(quiz.id, 8)]
    content = words(row, "es")
    assert content["text"] == f"Pregunta de tipo {qtype}" and content["general_feedback"] == \
        "Para todos"
    for answer, expected in graded:
        assert grading.grade(qtype, row.spec, content, answer) == expected, (answer, row.spec)


def test_an_extra_empty_row_is_dropped_and_matching_pairs_keep_no_feedback(author, course):
    create(author, course, "matching", {"ident": "m", "text": "Relacione", **rows(
        {"text": "A", "match": "1"}, {"text": "B", "match": "2"}, {"text": "", "match": ""})})
    assert words(question(course, "m"), "es")["answers"] == [
        {"text": "A", "feedback": "", "match": "1"}, {"text": "B", "feedback": "", "match": "2"}]


@pytest.mark.parametrize("qtype, fields, message, where", [
    ("single", rows({"text": "A", "percent": "50"}, {"text": "B", "percent": "0"}),
     "A single-choice question needs one answer worth 100%.", 'id="answers-error"'),
    ("single", rows({"text": "A", "percent": "abc"}, {"text": "B", "percent": "0"}),
     "“abc” is not a number.", 'id="answers-0-percent-error"'),
    ("single", rows({"text": "A", "percent": "150"}, {"text": "B", "percent": "0"}),
     "Give a grade from -100 to 100.", 'id="answers-0-percent-error"'),
    ("single", rows({"text": "", "percent": "100", "feedback": "sin texto"},
                    {"text": "B", "percent": "0"}),
     "This field is required.", 'id="answers-0-text-error"'),
    ("multiple", rows({"text": "A", "percent": "50"}, {"text": "B", "percent": "30"}),
     "The positive weights of a multiple-choice question must add up to 100%.",
     'id="answers-error"'),
    ("matching", rows({"text": "A", "match": "1"}),
     "A matching question needs at least two pairs.", 'id="answers-error"'),
    ("numerical", rows({"value": "2", "minimum": "1", "maximum": "3", "percent": "100"}),
     "Give a value (and a tolerance), or a minimum and a maximum.", 'id="answers-0-value-error"'),
    ("numerical", rows({"minimum": "5", "maximum": "3", "percent": "100"}),
     "The maximum must not be smaller than the minimum.", 'id="answers-0-maximum-error"'),
])
def test_a_wrong_question_is_shown_again_with_the_message_next_to_its_field(
        author, course, qtype, fields, message, where):
    response = create(author, course, qtype, {"ident": "typed-id", "text": "Lo que escribí",
                                              **fields})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Please correct the fields marked below." in page
    assert html.escape(message, quote=False) in page and where in page
    error_at = page.index(where)
    assert html.escape(message, quote=False) in page[error_at:error_at + 300]
    assert 'value="typed-id"' in page and "Lo que escribí" in page
    for key, value in fields.items():
        assert re.search(f'name="{key}"[^>]*value="{value}"', page), key
    assert question(course, "typed-id") is None


def test_an_id_already_in_the_course_is_refused_next_to_the_id(author, course):
    response = create(author, course, "essay", {"ident": "p-q2", "text": "Otra"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="ident-error"' in page
    assert "A question with this id already exists in the course." in page


def test_editing_a_used_question_starts_a_new_version_and_the_attempt_keeps_the_old_one(
        author, course, quiz, create_user, academy):
    attempt = trainee_attempt(course, quiz, create_user, academy)
    row = question(course, "p-q1")
    edit = f"{bank(course)}/{row.id}"
    assert "Version 1 · used in 1 answer" in author.get(edit, headers=EN).get_data(as_text=True)
    response = post(author, edit, {"ident": "p-q1", "category": row.category,
                                   "placement": str(quiz.id),
                                   "text": "¿Quién autoriza un registro integral?",
                                   "text_format": "moodle",
                                   **rows({"origin": "0", "text": "El director", "percent": "100"},
                                          {"origin": "1", "text": "Nadie", "percent": "0"})})
    assert response.status_code == 302
    follow = author.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "now at version 2" in follow and "Past attempts keep" in follow
    row = question(course, "p-q1")
    assert row.version == 2 and words(row, "es")["answers"][1]["text"] == "Nadie"
    slot = db.session.scalar(select(AttemptSlot).where(AttemptSlot.attempt_id == attempt.id,
                                                       AttemptSlot.question_id == row.id))
    assert slot.version.version == 1
    assert slot.version.texts["es"]["text"] == "¿Quién decide un registro integral?"
    assert slot.version.texts["es"]["answers"][1]["text"] == "Cualquier funcionario"


def test_editing_an_unused_question_keeps_its_version(author, course, quiz):
    row = question(course, "p-q7")
    post(author, f"{bank(course)}/{row.id}", {"ident": "p-q7", "category": row.category,
                                               "placement": "", "text": "Explique.",
                                              "text_format": "plain"})
    row = question(course, "p-q7")
    assert (row.version, words(row, "es")["format"]) == (1, "plain")
    assert placed_in(row) == [(quiz.id, 7)]  # where it is placed is the quiz's page's to change


def test_saving_a_used_question_unchanged_keeps_its_version_and_exact_grades(author, course):
    gift = GiftQuestion(0, "tercios", "", "multiple", "Elija", answers=[
        Answer(text=t, fraction=float(p) / 100) for t, p in (("A", "33.33333"), ("B", "33.33333"),
                                                             ("C", "33.33334"), ("D", "-100"))])
    row = bank_ops.create_question(course, gift, None)
    starting.snapshot(row)  # as if a trainee had started an attempt with it
    db.session.commit()
    edit = f"{bank(course)}/{row.id}"
    page = author.get(edit, headers=EN).get_data(as_text=True)
    assert re.search(r'name="answers-0-percent"[^>]*value="33.33333"', page)
    post(author, edit, {"ident": "tercios", "category": "", "placement": "", "text": "Elija",
                        "text_format": "moodle", **rows(*({"origin": str(i), "text": t,
                                                           "percent": p}
                        for i, (t, p) in enumerate((("A", "33.33333"), ("B", "33.33333"),
                                                    ("C", "33.33334"), ("D", "-100")))))})
    row = question(course, "tercios")
    assert row.version == 1 and [a["fraction"] for a in row.spec["answers"]] == [
        a.fraction for a in gift.answers]


def test_a_translation_changes_the_words_never_the_structure(author, course):
    row = question(course, "p-q4")  # multiple choice: 50, 50, -100
    spec = row.spec
    response = post(author, f"{bank(course)}/{row.id}?locale=en", {
        "text": "Choose the two right ones", "text_format": "moodle", "ident": "hacked",
        **rows({"text": "Respect", "percent": "100"}, {"text": "Privacy", "percent": "0"},
               {"text": "Humiliation", "percent": "0"}, {"text": "An extra row", "percent": "50"})})
    assert response.status_code == 302, response.get_data(as_text=True)
    row = question(course, "p-q4")
    assert row.spec == spec and row.ident == "p-q4"
    assert [a["text"] for a in words(row, "en")["answers"]] == ["Respect", "Privacy", "Humiliation"]
    assert [a["text"] for a in words(row, "es")["answers"]] == ["Respeto", "Intimidad",
                                                                "Humillación"]


def test_the_translation_page_shows_the_structure_and_the_default_words(author, course):
    row = question(course, "p-q2")  # true/false, true is right
    page = author.get(f"{bank(course)}/{row.id}?locale=en", headers=EN).get_data(as_text=True)
    assert 'name="correct"' not in page and 'name="ident"' not in page
    assert "Right answer" in page and "In Spanish: Un registro debe ser proporcional." in page
    post(author, f"{bank(course)}/{row.id}?locale=en", {
        "text": "A search must be proportionate.", "text_format": "moodle", "correct": "false",
        "feedback_true": "Right.", "feedback_false": "Read the lesson again."})
    row = question(course, "p-q2")
    assert row.spec["correct"] is True and words(row, "en")["feedback_true"] == "Right."


def test_dropping_a_row_in_the_default_language_drops_it_in_every_language(author, course, quiz):
    row = question(course, "p-q6")  # short answer: dignidad, respeto
    post(author, f"{bank(course)}/{row.id}", {
        "ident": "p-q6", "category": row.category, "placement": str(quiz.id),
                                              "text": "Palabra clave",
        "text_format": "moodle", **rows({"origin": "0", "text": "", "percent": "100"},
                                        {"origin": "1", "text": "respeto", "percent": "100"},
                                        {"origin": "", "text": "humanidad", "percent": "50"})})
    row = question(course, "p-q6")
    assert [a["fraction"] for a in row.spec["answers"]] == [1.0, 0.5]
    assert [a["text"] for a in words(row, "es")["answers"]] == ["respeto", "humanidad"]
    assert [a["text"] for a in words(row, "en")["answers"]] == ["respeto", "humanidad"]


# --- Preview -----------------------------------------------------------------------------------

def test_preview_shows_the_question_and_check_grades_it_with_feedback(author, course):
    row = question(course, "p-q1")
    preview = f"{bank(course)}/{row.id}/preview"
    page = author.get(f"{preview}?locale=en", headers=EN).get_data(as_text=True)
    assert "Who decides a full search?" in page and 'name="q1"' in page
    response = post(author, f"{preview}?locale=es", {"q1": "1"}, token_from=preview)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No" in page and "Las normas exigen autorización." in page
    assert "right answer" in page and 'class="right"' in page and \
        "mark 0%" in page.replace("\xa0", "")
    assert db.session.scalar(select(func.count()).select_from(QuestionVersion)) == 0


def test_preview_checks_a_number_and_refuses_what_is_not_one(author, course):
    row = question(course, "p-q3")
    preview = f"{bank(course)}/{row.id}/preview"
    page = post(author, preview, {"q1": "2,0"}).get_data(as_text=True)
    assert "mark 100%" in page.replace("\xa0", "")
    page = post(author, preview, {"q1": "dos"}).get_data(as_text=True)
    assert "Write a number, for example 12.5." in page and 'value="dos"' in page


# --- Duplicate, move, delete -------------------------------------------------------------------

def test_duplicate_makes_copies_last_in_the_bank_and_in_no_quiz(author, course, quiz):
    row = question(course, "p-q1")
    for _ in range(2):
        response = post(author, f"{bank(course)}/{row.id}/duplicate", {}, token_from=bank(course))
        assert response.status_code == 302
    first, second = question(course, "p-q1-copy"), question(course, "p-q1-copy-2")
    assert (first.position, second.position) == (8, 9)
    assert placed_in(first) == placed_in(second) == []
    assert placed_in(row) == [(quiz.id, 1)]
    assert first.spec == row.spec and words(second, "en") == words(row, "en")
    assert response.headers["Location"] == f"{bank(course)}/{second.id}"


def test_ticked_questions_move_to_a_category(author, course):
    ids = [question(course, ident).id for ident in ("p-q1", "p-q2")]
    response = post(author, f"{bank(course)}/move", {"question_ids": [str(i) for i in ids],
                                                     "category": "", "new_category": "nueva/sub"},
                    token_from=bank(course))
    assert response.status_code == 302
    assert [question(course, i).category for i in ("p-q1", "p-q2", "p-q3")] == [
        "nueva/sub", "nueva/sub", "searches-with-dignity/principles"]
    post(author, f"{bank(course)}/move", {"question_ids": [str(ids[0])], "category": "/"},
         token_from=bank(course))
    assert question(course, "p-q1").category == ""


def test_moving_another_courses_question_is_refused(author, course, academy):
    toml = sample_package()["course.toml"].replace(b"searches-with-dignity", b"copia")
    other = package_ops.import_package(sample_package(**{"course.toml": toml}), academy=academy)
    db.session.commit()
    foreign = question(other, "p-q1")
    post(author, f"{bank(course)}/move", {"question_ids": [str(foreign.id)], "new_category": "x"},
         token_from=bank(course))
    assert question(other, "p-q1").category == "searches-with-dignity/principles"


def test_a_used_question_can_be_deleted_and_attempts_keep_their_version(
        author, course, quiz, create_user, academy):
    attempt = trainee_attempt(course, quiz, create_user, academy)
    row = question(course, "p-q5")
    confirm = author.get(f"{bank(course)}/{row.id}/delete", headers=EN).get_data(as_text=True)
    assert "answered 1 time" in confirm
    response = post(author, f"{bank(course)}/{row.id}/delete", {})
    assert response.status_code == 302 and question(course, "p-q5") is None
    version = db.session.scalar(select(QuestionVersion).where(QuestionVersion.ident == "p-q5"))
    assert version.question_id is None and version.texts["es"]["text"] == "Relacione"
    assert attempt.id and any(s.version_id == version.id for s in db.session.scalars(
        select(AttemptSlot).where(AttemptSlot.attempt_id == attempt.id)))
