"""The question bank's files: GIFT and Moodle XML imported (checked, then confirmed; another
language's file as a translation) and exported."""
from __future__ import annotations

from sqlalchemy import func, select

from academy.curricula import operations as course_ops
from academy.extensions import db
from academy.quizzes import grading
from academy.quizzes.models import Question
from tests.factories.question_bank import (  # noqa: F401 - fixtures
    EN,
    add_question,
    bank,
    bank_author,
    bank_instructor,
    first_quiz,
    import_file,
    placed_in,
    question,
    upload,
    words,
)

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
