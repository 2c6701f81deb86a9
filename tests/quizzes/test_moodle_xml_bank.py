"""Moodle XML in the question bank: every problem with its line, types and settings Campus does
not have named in the preview, the default mark kept in the quiz, and the Moodle XML export that
imports back as the same questions."""
from __future__ import annotations

import html

import pytest
from lxml import etree
from sqlalchemy import select

from academy.curricula import operations as course_ops
from academy.extensions import db
from academy.quizzes import queries as quiz_queries
from academy.quizzes.gift import DESCRIPTION, Answer, GiftQuestion
from academy.quizzes.models import Question, QuizSlot
from academy.quizzes.moodle_xml import parse_moodle_xml, read_moodle_xml
from academy.quizzes.moodle_xml_writer import moodle_xml_file
from tests.factories.question_bank import EN, bank, import_file, question, upload, words


@pytest.fixture
def quiz(course):
    return quiz_queries.quizzes_of(course.id)[0]


@pytest.fixture
def author(client, create_user, academy, login_as):
    """The client, signed in as an instructor of the course's academy."""
    login_as(create_user(academy=academy, roles=["instructor"], username="ana.instructora"))
    return client


def _quiz(*questions: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions)
            + "\n</quiz>\n").encode()


def _essay(name: str, extra: str = "") -> str:
    return (f'<question type="essay"><name><text>{name}</text></name>'
            f'<questiontext><text>Why?</text></questiontext>{extra}</question>')


def _choice(name: str, *fractions: str) -> str:
    answers = "".join(f'<answer fraction="{f}"><text>Answer {i}</text></answer>'
                      for i, f in enumerate(fractions))
    return (f'<question type="multichoice"><name><text>{name}</text></name>'
            f'<questiontext><text>Pick</text></questiontext>{answers}</question>')


CALCULATED = ('<question type="calculated"><questiontext><text>{a} + '
              '{b}?</text></questiontext></question>')
DESCRIBED = ('<question type="description"><name><text>caso</text></name><questiontext '
             'format="html">'
             '<text><![CDATA[<p>Read this case.</p>]]></text></questiontext>'
             '<defaultgrade>0</defaultgrade><penalty>0</penalty><hidden>0</hidden></question>')


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- Reading -----------------------------------------------------------------------------------

def test_every_problem_is_reported_with_its_line_not_only_the_first(app_ctx):
    found = read_moodle_xml(_quiz(_essay("a"), _choice("b", "0", "0"), _essay("c"),
                                  '<question type="essay"><questiontext><text> </text>'
                                  '</questiontext></question>'))
    assert [(line, str(reason)) for line, reason in found.problems] == [
        (4, "A single-choice question needs one answer worth 100%."),
        (6, "The question has no text.")]
    assert [q.ident for q in found.questions] == ["a", "c"]


def test_types_campus_lacks_are_skipped_with_their_lines_and_the_rest_is_read(app_ctx):
    found = read_moodle_xml(_quiz(CALCULATED, _essay("a"), CALCULATED,
                                  '<question type="ddwtos"><questiontext><text>x</text>'
                                  '</questiontext></question>', DESCRIBED))
    assert found.skipped == {"calculated": [3, 5], "ddwtos": [6]}
    assert [(q.ident, q.qtype) for q in found.questions] == [("a", "essay"), ("caso", DESCRIPTION)]
    assert found.problems == []


def test_settings_campus_does_not_keep_are_named_per_question(app_ctx):
    found = read_moodle_xml(_quiz(
        _essay("a", "<defaultgrade>2.5000000</defaultgrade><penalty>0.3333333</penalty>"
                    "<hidden>1</hidden><graderinfo format='html'><text>Look for rule 52.</text>"
                    "</graderinfo>"),
        _essay("b", "<defaultgrade>1.0000000</defaultgrade><penalty>0.0000000</penalty>"
                    "<hidden>0</hidden><graderinfo format='html'><text></text></graderinfo>"),
        DESCRIBED))
    assert [str(note) for note in found.notes[0]] == [
        "Default mark 2.5: Campus keeps marks in quizzes, not on the question; it becomes the "
        "mark in the quiz chosen for the import.",
        "Penalty 0.3333333 is not used by Campus: ignored.",
        "Hidden in Moodle: Campus has no hidden questions; it is imported visible."]
    assert found.notes[1:] == [[], []] and found.marks == [2.5, 1.0, 0.0]
    assert found.questions[0].grader_info == "Look for rule 52."  # kept, so no note


# --- The web import ----------------------------------------------------------------------------

def test_the_preview_lists_every_problem_with_its_line_and_nothing_is_imported(author, course):
    data = _quiz(_essay("xml-a"), _choice("xml-b", "50", "0"), CALCULATED,
                 _choice("xml-c", "150", "0"))
    response = upload(author, course, "moodle.xml", data)
    page = _text(response)
    assert response.status_code == 422
    assert "line 4" in page and "A single-choice question needs one answer worth 100%." in page
    assert "line 6" in page and "The weight 150% is outside -100% to 100%." in page
    assert "/import/apply" not in page
    assert question(course, "xml-a") is None


def test_skipped_types_are_counted_and_the_rest_imports_on_confirmation(author, course):
    data = _quiz(CALCULATED, _essay("xml-a"), CALCULATED, DESCRIBED, CALCULATED)
    page = _text(upload(author, course, "moodle.xml", data))
    assert "3 “calculated” questions will be skipped: Campus has no such question type." in page
    assert "The file is correct: 2 questions will be imported." in page
    assert import_file(author, course, "moodle.xml", data).status_code == 302
    described = question(course, "caso")
    assert described.qtype == DESCRIPTION and words(described,
                                                    "es")["text"] == "<p>Read this case.</p>"
    assert question(course, "xml-a").qtype == "essay"


def test_the_preview_says_what_becomes_of_each_setting_and_the_mark_goes_to_the_quiz(
        author, course, quiz):
    data = _quiz(_essay("xml-a", "<defaultgrade>3</defaultgrade><penalty>0.1</penalty>"
                                 "<graderinfo><text>Rule 52</text></graderinfo>"),
                 _essay("xml-b"), DESCRIBED)
    page = _text(upload(author, course, "moodle.xml", data, placement=str(quiz.id)))
    assert "Default mark 3: Campus keeps marks in quizzes" in page
    assert "Penalty 0.1 is not used by Campus: ignored." in page
    assert import_file(author, course, "moodle.xml", data,
                       placement=str(quiz.id)).status_code == 302
    marks = {ident: db.session.scalar(select(QuizSlot.mark).where(
        QuizSlot.question_id == question(course, ident).id))
        for ident in ("xml-a", "xml-b", "caso")}
    assert marks == {"xml-a": 3.0, "xml-b": 1.0, "caso": 0.0}


# --- Export ------------------------------------------------------------------------------------

def _add(course, gift: GiftQuestion) -> None:
    from academy.quizzes.bank import operations as bank_ops
    bank_ops.create_question(course, gift, None)


def test_the_export_form_offers_moodle_xml(author, course):
    page = _text(author.get(f"{bank(course)}/export", headers=EN))
    assert "Export questions" in page and '<option value="xml">Moodle XML</option>' in page


def test_the_moodle_xml_export_imports_back_as_the_same_questions(author, course, academy):
    _add(course, GiftQuestion(0, "caso", "casos/2024", DESCRIPTION, "<p>Read & think]]></p>",
                              "html"))
    _add(course, GiftQuestion(0, "rango", "casos/2024", "numerical", "¿Cuántos?", "markdown",
                              answers=[Answer(fraction=1.0, value=4.0, tolerance=0.5,
                                              feedback="Bien"),
                                       Answer(fraction=0.5, value=10.0, feedback="Casi")]))
    _add(course, GiftQuestion(0, "corta-mayus", "", "shortanswer", "Sigla", "plain",
                              answers=[Answer(text="ONU", fraction=1.0)], case_sensitive=True))
    db.session.commit()
    response = author.get(f"{bank(course)}/export.gift?locale=es&scope=all&file_format=xml",
                          headers=EN)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=searches-with-dignity-es.xml"
    root = etree.fromstring(response.data, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == "quiz"
    assert "$course$/top/casos/2024" in \
        root.xpath("question[@type='category']/category/text/text()")
    assert {q.get("type") for q in root.iterchildren("question")} == {
        "category", "multichoice", "truefalse", "numerical", "matching", "shortanswer", "essay",
        "description"}
    empty = course_ops.create_course(academy, slug="vacio", default_locale="es", locales=["es"],
                                     hours=1, tags=[], title="Vacío")
    db.session.commit()
    assert import_file(author, empty, "export.xml", response.data).status_code == 302

    def shape(of):
        db.session.expire_all()
        return sorted((q.ident, q.category, q.qtype, q.spec, words(q, "es"))
                      for q in db.session.scalars(
            select(Question).where(Question.course_id == of.id)))
    assert len(shape(empty)) == 10 and shape(empty) == shape(course)


def test_the_export_is_well_formed_whatever_the_text_holds(app_ctx):
    written = moodle_xml_file([GiftQuestion(0, "x", "", "essay", "a ]]> b \x0b <c> & d", "html")])
    [read] = parse_moodle_xml(written)
    assert read.text == "a ]]> b  <c> & d"


def test_a_setting_from_the_file_is_shown_as_text_never_as_markup(author, course):
    data = _quiz(_essay("xml-a", "<penalty><![CDATA[<b onclick='x()'>1</b>]]></penalty>"),
                 CALCULATED.replace("calculated", "x&lt;i&gt;y"))
    page = upload(author, course, "moodle.xml", data).get_data(as_text=True)
    assert "Penalty &lt;b onclick=&#39;x()&#39;&gt;1&lt;/b&gt; is not used by Campus" in page
    assert "<b onclick" not in page and "x<i>y" not in page
