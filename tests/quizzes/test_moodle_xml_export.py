"""Reading what Moodle 4.x exports as Moodle XML: every supported type with its line and
category, into the same questions the GIFT reader gives, and written back as GIFT unchanged."""
from __future__ import annotations

import pytest

from academy.quizzes.gift import Answer, parse_gift
from academy.quizzes.gift_writer import question_to_gift
from academy.quizzes.moodle_xml import parse_moodle_xml
from academy.quizzes.stored import question_content, question_spec

# What Moodle 4.x writes when a teacher exports a question bank category as "Moodle XML format".
EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Default for Searches/Principles</text>
    </category>
    <info format="moodle_auto_format">
      <text>The default category for questions shared in context 'Searches'.</text>
    </info>
    <idnumber></idnumber>
  </question>

<!-- question: 101  -->
  <question type="multichoice">
    <name>
      <text>single</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr" style="text-align: left;">Who decides a <strong>full</strong> search?<br><img src="@@PLUGINFILE@@/cell.png" alt="A cell" width="300"></p>]]></text>
      <file name="cell.png" path="/" encoding="base64">iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==</file>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Rule 52 & the <em>Mandela Rules</em>.</p>]]></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <showstandardinstruction>0</showstandardinstruction>
    <correctfeedback format="html">
      <text>Your answer is correct.</text>
    </correctfeedback>
    <partiallycorrectfeedback format="html">
      <text>Your answer is partially correct.</text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html">
      <text>Your answer is incorrect.</text>
    </incorrectfeedback>
    <shownumcorrect/>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>The governor</p>]]></text>
      <feedback format="html">
        <text>Right</text>
      </feedback>
    </answer>
    <answer fraction="33.33333" format="html">
      <text><![CDATA[<p>A senior officer</p>]]></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="-50" format="html">
      <text><![CDATA[<p>Any officer</p>]]></text>
      <feedback format="html">
        <text>No: never any officer.</text>
      </feedback>
    </answer>
  </question>

<!-- question: 102  -->
  <question type="multichoice">
    <name>
      <text>multi</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Choose the three principles</text>
    </questiontext>
    <generalfeedback format="moodle_auto_format">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>false</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="33.33333" format="moodle_auto_format"><text>Necessity</text></answer>
    <answer fraction="33.33333" format="moodle_auto_format"><text>Proportionality</text></answer>
    <answer fraction="33.33333" format="moodle_auto_format"><text>Legality</text></answer>
    <answer fraction="-50" format="moodle_auto_format"><text>Humiliation</text></answer>
  </question>

<!-- question: 103  -->
  <question type="truefalse">
    <name>
      <text>tf</text>
    </name>
    <questiontext format="plain_text">
      <text>Restraints may be used as a punishment.</text>
    </questiontext>
    <generalfeedback format="moodle_auto_format">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="0" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text>No: rule 47 forbids it.</text>
      </feedback>
    </answer>
    <answer fraction="100" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text>Right: never as a punishment.</text>
      </feedback>
    </answer>
  </question>

<!-- question: 104  -->
  <question type="shortanswer">
    <name>
      <text>short</text>
    </name>
    <questiontext format="markdown">
      <text>Name the **rules**</text>
    </questiontext>
    <generalfeedback format="markdown">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <usecase>1</usecase>
    <answer fraction="100" format="moodle_auto_format">
      <text>Nelson Mandela Rules</text>
      <feedback format="html">
        <text>Yes.</text>
      </feedback>
    </answer>
    <answer fraction="50" format="moodle_auto_format">
      <text>SMR</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>

<!-- question: 105  -->
  <question type="numerical">
    <name>
      <text>num</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Pi, to two decimals</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>3.14</text>
      <feedback format="html">
        <text>Well done.</text>
      </feedback>
      <tolerance>0.01</tolerance>
    </answer>
    <answer fraction="50" format="moodle_auto_format">
      <text>3</text>
      <feedback format="html">
        <text>Roughly.</text>
      </feedback>
      <tolerance>0</tolerance>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>*</text>
      <feedback format="html">
        <text>Think of a circle.</text>
      </feedback>
      <tolerance>0</tolerance>
    </answer>
    <units>
      <unit>
        <multiplier>1</multiplier>
        <unit_name>rad</unit_name>
      </unit>
    </units>
    <unitgradingtype>0</unitgradingtype>
    <unitpenalty>0.1000000</unitpenalty>
    <showunits>3</showunits>
    <unitsleft>0</unitsleft>
  </question>

<!-- question: 106  -->
  <question type="matching">
    <name>
      <text>match</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Match each kind of security with what it rests on.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html">
      <text><![CDATA[<p>Dynamic</p>]]></text>
      <answer>
        <text>relationships</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text><![CDATA[<p>Physical</p>]]></text>
      <answer>
        <text>walls</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text><![CDATA[<p>Procedural</p>]]></text>
      <answer>
        <text>rules</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text></text>
      <answer>
        <text>luck</text>
      </answer>
    </subquestion>
  </question>

<!-- question: 107  -->
  <question type="essay">
    <name>
      <text>essay</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Explain the principle of necessity.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <responseformat>editor</responseformat>
    <responserequired>1</responserequired>
    <responsefieldlines>10</responsefieldlines>
    <minwordlimit></minwordlimit>
    <maxwordlimit></maxwordlimit>
    <attachments>0</attachments>
    <attachmentsrequired>0</attachmentsrequired>
    <maxbytes>0</maxbytes>
    <filetypeslist></filetypeslist>
    <graderinfo format="html">
      <text></text>
    </graderinfo>
    <responsetemplate format="html">
      <text></text>
    </responsetemplate>
  </question>

</quiz>
"""  # noqa: E501 - the data as it is

CATEGORY = "Default for Searches/Principles"


def _question_lines(text: str) -> list[int]:
    return [number for number, line in enumerate(text.split("\n"), start=1)
            if "<question type=" in line and "category" not in line]


@pytest.fixture(scope="module")
def questions():
    return {q.ident: q for q in parse_moodle_xml(EXPORT.encode())}


def test_every_supported_type_is_read_with_its_line_and_category():
    read = parse_moodle_xml(EXPORT.encode())
    assert [(q.ident, q.qtype) for q in read] == [
        ("single", "single"), ("multi", "multiple"), ("tf", "truefalse"), ("short", "shortanswer"),
        ("num", "numerical"), ("match", "matching"), ("essay", "essay")]
    assert [q.line for q in read] == _question_lines(EXPORT)
    assert {q.category for q in read} == {CATEGORY}


def test_single_choice_keeps_cdata_html_weights_and_feedback(questions):
    single = questions["single"]
    assert single.text_format == "html"
    assert single.text.startswith('<p dir="ltr" style="text-align: left;">Who decides a '
                                  '<strong>full')
    assert "@@PLUGINFILE@@/cell.png" in single.text  # the <file> itself is ignored
    assert single.general_feedback == "<p>Rule 52 & the <em>Mandela Rules</em>.</p>"
    assert single.answers == [
        Answer(text="<p>The governor</p>", fraction=1.0, feedback="Right"),
        Answer(text="<p>A senior officer</p>", fraction=33.33333 / 100),
        Answer(text="<p>Any officer</p>", fraction=-0.5, feedback="No: never any officer."),
    ]


def test_multiple_choice_reads_percentages_as_fractions(questions):
    multi = questions["multi"]
    assert (multi.text, multi.text_format) == ("Choose the three principles", "moodle")
    assert [a.fraction for a in multi.answers] == pytest.approx([0.3333333, 0.3333333, 0.3333333,
                                                                 -0.5])
    assert [a.text for a in multi.answers] == ["Necessity", "Proportionality", "Legality",
                                               "Humiliation"]


def test_true_false_feedback_goes_to_the_trainee_who_gave_that_answer(questions):
    tf = questions["tf"]
    assert (tf.qtype, tf.correct, tf.text_format) == ("truefalse", False, "plain")
    assert tf.feedback_true == "No: rule 47 forbids it."
    assert tf.feedback_false == "Right: never as a punishment."
    assert tf.answers == []


def test_short_answer_keeps_case_sensitivity_and_graded_answers(questions):
    short = questions["short"]
    assert (short.text, short.text_format, short.case_sensitive) == ("Name the **rules**",
                                                                     "markdown", True)
    assert short.answers == [Answer(text="Nelson Mandela Rules", fraction=1.0, feedback="Yes."),
                             Answer(text="SMR", fraction=0.5)]


def test_numerical_reads_tolerances_and_skips_the_any_other_number_answer(questions):
    assert questions["num"].answers == [
        Answer(fraction=1.0, feedback="Well done.", value=3.14, tolerance=0.01),
        Answer(fraction=0.5, feedback="Roughly.", value=3.0, tolerance=0.0),
    ]


def test_matching_reads_pairs_and_drops_distractors(questions):
    assert questions["match"].answers == [
        Answer(text="<p>Dynamic</p>", match="relationships", fraction=1.0),
        Answer(text="<p>Physical</p>", match="walls", fraction=1.0),
        Answer(text="<p>Procedural</p>", match="rules", fraction=1.0),
    ]


def test_essay_has_no_answers(questions):
    essay = questions["essay"]
    assert (essay.qtype, essay.text, essay.answers) == (
        "essay", "<p>Explain the principle of necessity.</p>", [])


def test_moodle_xml_written_back_as_gift_reads_the_same():
    for question in parse_moodle_xml(EXPORT.encode()):
        spec, content = question_spec(question), question_content(question)
        again, = parse_gift(question_to_gift(question.ident, question.qtype, spec, content))
        assert again.structure() == question.structure()
        assert question_content(again) == content
