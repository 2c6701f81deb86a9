"""The instructor's question bank: list, write and translate questions, preview them, import and
export GIFT and Moodle XML; a question used in an attempt is versioned, never changed under it."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from academy.curricula import operations as course_ops
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.quizzes import grading, starting
from academy.quizzes import queries as quiz_queries
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.gift import Answer, GiftQuestion
from academy.quizzes.models import AttemptSlot, Question, QuestionVersion, QuizSlot
from tests.factories.packages import sample_package
from tests.factories.question_bank import (
    EN,
    add_question,
    bank,
    create,
    import_file,
    post,
    question,
    rows,
    trainee_attempt,
    upload,
    words,
)


@pytest.fixture
def quiz(course):
    return quiz_queries.quizzes_of(course.id)[0]


@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"], username="ana.instructora")


@pytest.fixture
def author(client, instructor, login_as):
    """The client, signed in as an instructor of the course's academy."""
    login_as(instructor)
    return client


def placed_in(row: Question) -> list[tuple[int, int]]:
    """(quiz, position in it) of every quiz slot that holds the question."""
    return [tuple(pair) for pair in db.session.execute(
        select(QuizSlot.lesson_id, QuizSlot.position).where(QuizSlot.question_id == row.id)
        .order_by(QuizSlot.lesson_id))]


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


# --- Import ------------------------------------------------------------------------------------

NEW_GIFT = """// Preguntas nuevas
$CATEGORY: mandela/fundamentos

::mandela-1:: Las Reglas Mandela se adoptaron en 2015. {T}

¿Cuántas reglas tienen? {#122}
""".encode()


def test_a_gift_file_is_previewed_then_imported_into_a_quiz(author, course, quiz):
    checked = upload(author, course, "nuevas.gift", NEW_GIFT, placement=str(quiz.id))
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "2 questions will be imported" in page
    # Named like Moodle names it: from the first words of its text.
    assert "<code>mandela-1</code>" in page and "<code>cuantas-reglas-tienen</code>" in page
    assert "(generated)" in page
    assert question(course, "mandela-1") is None  # nothing yet
    response = import_file(author, course, "nuevas.gift", NEW_GIFT, placement=str(quiz.id))
    assert response.status_code == 302
    first, second = question(course, "mandela-1"), question(course, "cuantas-reglas-tienen")
    assert (first.qtype, first.category, first.position) == ("truefalse", "mandela/fundamentos", 8)
    assert (placed_in(first), placed_in(second)) == ([(quiz.id, 8)], [(quiz.id, 9)])
    assert (second.qtype, second.position, second.spec["answers"][0]["value"]) == \
        ("numerical", 9, 122.0)


def test_the_default_category_is_used_when_the_file_gives_none(author, course):
    import_file(author, course, "x.txt", b"::sin-cat:: Explique. {}", new_category="varios")
    assert question(course, "sin-cat").category == "varios"


def test_a_broken_gift_file_reports_its_line_and_imports_nothing(author, course):
    broken = b"::ok:: Bien {T}\n\n\n::mal:: Elija {=A ~%150%B}\n"
    response = upload(author, course, "roto.gift", broken)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "line 4" in page and "outside -100% to 100%" in page
    assert "/import/apply" not in page and question(course, "ok") is None


def test_an_existing_id_in_the_default_language_is_a_problem(author, course):
    response = upload(author, course, "dup.gift", b"::p-q2:: Otra vez {T}\n\n::nueva:: Bien {T}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A question with this id already exists in the course." in page
    assert question(course, "nueva") is None


def test_the_file_type_and_size_are_checked(author, course):
    response = upload(author, course, "preguntas.docx", b"x")
    assert response.status_code == 422 and ".gift, .txt or .xml" in response.get_data(as_text=True)
    response = upload(author, course, "big.gift", b"// x\n" * (430 * 1024))
    assert response.status_code == 422 and "larger than 2 MB" in response.get_data(as_text=True)


def test_a_large_file_travels_back_with_the_confirmation(author, course):
    big = "".join(f"::big-{i}:: Pregunta número {i} con un texto largo {'x' * 300} {{T}}\n\n"
                  for i in range(3000)).encode()
    assert 1024 * 1024 < len(big) < 2 * 1024 * 1024
    response = import_file(author, course, "big.gift", big)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Question).where(
        Question.course_id == course.id)) == 3007


MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Mandela/Fundamentos</text></category></question>
  <question type="truefalse">
    <name><text>xml-vf</text></name>
    <questiontext format="html"><text><![CDATA[Las reglas son de <b>2015</b>.]]></text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>Así es.</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>Revise.</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>xml-corta</text></name>
    <questiontext format="plain_text"><text>Capital de Sudáfrica</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>Pretoria</text></answer>
  </question>
</quiz>
""".encode()  # noqa: E501 - the data as it is


def test_a_moodle_xml_file_is_imported(author, course):
    assert import_file(author, course, "moodle.xml", MOODLE_XML).status_code == 302
    vf, corta = question(course, "xml-vf"), question(course, "xml-corta")
    assert (vf.qtype, vf.category, vf.spec["correct"]) == ("truefalse", "Mandela/Fundamentos", True)
    assert words(vf, "es")["feedback_false"] == "Revise." and placed_in(vf) == []
    assert corta.spec["case_sensitive"] is True
    assert grading.grade("shortanswer", corta.spec, words(corta, "es"), "pretoria") == 0.0


def test_a_file_in_another_language_with_the_same_structure_is_a_translation(author, course):
    english = b"""$CATEGORY: searches-with-dignity/principles

::p-q1:: Who decides a full search? {
  =The governor, in writing #Right
  ~Any officer #No
  ####The rules require an authorisation.
}

::p-q3:: At least how many officers? {#2}
"""
    checked = upload(author, course, "en.gift", english, locale="en")
    assert "translate questions of the bank into English" in checked.get_data(as_text=True)
    assert import_file(author, course, "en.gift", english, locale="en").status_code == 302
    row = question(course, "p-q1")
    assert words(row, "en")["answers"][0]["text"] == "The governor, in writing"
    assert words(row, "es")["answers"][0]["text"] == "El director, por escrito"
    assert words(question(course, "p-q3"), "en")["text"] == "At least how many officers?"
    assert db.session.scalar(select(func.count()).select_from(Question).where(
        Question.course_id == course.id)) == 7


def test_a_translation_with_another_structure_is_refused(author, course):
    other = b"::p-q1:: Who decides? {=The governor ~%50%Any officer ~Nobody}"
    page = upload(author, course, "en.gift", other, locale="en").get_data(as_text=True)
    assert "a translation must keep the same structure" in page
    assert words(question(course, "p-q1"), "en")["text"] == "Who decides a full search?"


# --- Export ------------------------------------------------------------------------------------

def test_the_export_imports_back_into_an_empty_course_as_the_same_questions(
        author, course, academy):
    add_question(course, "fuera-del-quiz", "otra")
    db.session.commit()
    response = author.get(f"{bank(course)}/export.gift?locale=es&scope=all", headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == ("attachment; "
                                                       "filename=searches-with-dignity-es.gift")
    text = response.get_data(as_text=True)
    assert text.startswith("$CATEGORY: otra") and "$CATEGORY: searches-with-dignity/principles" in \
        text
    empty = course_ops.create_course(academy, slug="vacio", default_locale="es", locales=["es"],
                                     hours=1, tags=[], title="Vacío")
    db.session.commit()
    assert import_file(author, empty, "export.gift", text.encode()).status_code == 302

    def shape(of):
        db.session.expire_all()
        return sorted((q.ident, q.category, q.qtype, q.spec, words(q, "es"))
                      for q in db.session.scalars(
            select(Question).where(Question.course_id == of.id)))
    assert len(shape(empty)) == 8 and shape(empty) == shape(course)


def test_an_export_of_a_quiz_in_english_has_only_its_english_questions(author, course, quiz):
    add_question(course, "solo-es")
    db.session.commit()
    text = author.get(f"{bank(course)}/export.gift?locale=en&scope=quiz:{quiz.id}").get_data(
        as_text=True)
    assert "Who decides a full search?" in text and "solo-es" not in text
    assert text.count("::p-q") == 7
    bad = author.get(f"{bank(course)}/export.gift?locale=de&scope=all", headers=EN)
    assert bad.status_code == 422


# --- Who may use it ----------------------------------------------------------------------------

def routes(course, row) -> list[tuple[str, str]]:
    base, one = bank(course), f"{bank(course)}/{row.id}"
    return [("GET", base), ("GET", f"{base}/new"), ("GET", f"{base}/new/single"),
            ("POST", f"{base}/new/single"), ("GET", one), ("POST", one), ("GET", f"{one}/preview"),
            ("POST", f"{one}/preview"), ("POST", f"{one}/duplicate"), ("GET", f"{one}/delete"),
            ("POST", f"{one}/delete"), ("POST", f"{base}/move"), ("GET", f"{base}/import"),
            ("POST", f"{base}/import"), ("POST", f"{base}/import/apply"), ("GET", f"{base}/export"),
            ("GET", f"{base}/export.gift?locale=es&scope=all")]


@pytest.mark.parametrize("who", ["other_instructor", "trainee"])
def test_others_get_404_on_every_route(app, client, course, login_as, create_user, academy,
                                       other_academy, who):
    person = create_user(academy=other_academy if who == "other_instructor" else academy,
                         roles=["instructor" if who == "other_instructor" else "trainee"])
    if who == "trainee":
        enrolment_ops.enrol_self(person, course)
        db.session.commit()
    login_as(person)
    app.config["WTF_CSRF_ENABLED"] = False  # this test is about who; CSRF has its own tests
    try:
        for method, url in routes(course, question(course, "p-q1")):
            assert client.open(url, method=method).status_code == 404, (method, url)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert question(course, "p-q1").category == "searches-with-dignity/principles"


def test_a_question_of_another_course_is_not_found_under_this_one(author, course, academy):
    mine = course_ops.create_course(academy, slug="mio", default_locale="es", locales=["es"],
                                    hours=1, tags=[], title="Mío")
    db.session.commit()
    foreign = question(course, "p-q1")
    for suffix in ("", "/preview", "/delete"):
        assert author.get(f"{bank(mine)}/{foreign.id}{suffix}").status_code == 404
    assert author.get(f"{bank(course)}/{foreign.id}?locale=de").status_code == 404
    assert author.get(f"{bank(course)}/new/crossword").status_code == 404
