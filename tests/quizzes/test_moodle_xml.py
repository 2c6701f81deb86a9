"""Reading Moodle XML question exports into the same questions the GIFT reader gives."""
from __future__ import annotations

from dataclasses import replace

import pytest

from academy.quizzes import moodle_xml
from academy.quizzes.gift import Answer, GiftError, parse_gift
from academy.quizzes.gift_writer import question_to_gift
from academy.quizzes.moodle_xml import category_path, parse_moodle_xml
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


SAME_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/Searches/Principles</text></category>
  </question>
  <question type="multichoice">
    <name><text>single</text></name>
    <questiontext format="html"><text><![CDATA[<p>Who decides a <strong>full</strong> search?</p>]]></text></questiontext>
    <generalfeedback format="html"><text>Rule 52.</text></generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>The governor</text><feedback><text>Right</text></feedback></answer>
    <answer fraction="33.33333"><text>A senior officer</text></answer>
    <answer fraction="-50"><text>Any officer</text></answer>
  </question>
  <question type="multichoice">
    <name><text>multi</text></name>
    <questiontext format="moodle_auto_format"><text>Choose the three principles</text></questiontext>
    <single>false</single>
    <answer fraction="33.33333"><text>Necessity</text></answer>
    <answer fraction="33.33333"><text>Proportionality</text></answer>
    <answer fraction="33.33333"><text>Legality</text></answer>
    <answer fraction="-50"><text>Humiliation</text></answer>
  </question>
  <question type="truefalse">
    <name><text>tf</text></name>
    <questiontext format="moodle_auto_format"><text>Restraints may be used as a punishment.</text></questiontext>
    <answer fraction="0"><text>true</text><feedback><text>No, never.</text></feedback></answer>
    <answer fraction="100"><text>false</text><feedback><text>Right.</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>short</text></name>
    <questiontext format="moodle_auto_format"><text>Name the rules</text></questiontext>
    <usecase>0</usecase>
    <answer fraction="100"><text>Nelson Mandela Rules</text></answer>
    <answer fraction="50"><text>SMR</text><feedback><text>Its short name.</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>num</text></name>
    <questiontext format="moodle_auto_format"><text>Pi, to two decimals</text></questiontext>
    <answer fraction="100"><text>3.14</text><feedback><text>Well done</text></feedback><tolerance>0.01</tolerance></answer>
    <answer fraction="50"><text>3</text><tolerance>0</tolerance></answer>
  </question>
  <question type="matching">
    <name><text>match</text></name>
    <questiontext format="moodle_auto_format"><text>Match</text></questiontext>
    <subquestion><text>Dynamic</text><answer><text>relationships</text></answer></subquestion>
    <subquestion><text>Physical</text><answer><text>walls</text></answer></subquestion>
    <subquestion><text></text><answer><text>luck</text></answer></subquestion>
  </question>
  <question type="essay">
    <name><text>essay</text></name>
    <questiontext format="moodle_auto_format"><text>Explain the principle of necessity.</text></questiontext>
  </question>
</quiz>
"""  # noqa: E501 - the data as it is

SAME_GIFT = r"""$CATEGORY: Searches/Principles

::single::[html]<p>Who decides a <strong>full</strong> search?</p> {
  =The governor #Right
  ~%33.33333%A senior officer
  ~%-50%Any officer
  ####Rule 52.
}

::multi:: Choose the three principles {~%33.33333%Necessity ~%33.33333%Proportionality
  ~%33.33333%Legality ~%-50%Humiliation}

::tf:: Restraints may be used as a punishment. {F#No, never.#Right.}

::short:: Name the rules {=Nelson Mandela Rules =%50%SMR#Its short name.}

::num:: Pi, to two decimals {#=3.14:0.01#Well done =%50%3}

::match:: Match {=Dynamic -> relationships =Physical -> walls}

::essay:: Explain the principle of necessity. {}
"""


def test_moodle_xml_and_gift_of_the_same_questions_read_the_same():
    from_xml, from_gift = parse_moodle_xml(SAME_XML.encode()), parse_gift(SAME_GIFT)
    assert [q.structure() for q in from_xml] == [q.structure() for q in from_gift]
    assert [q.text for q in from_xml] == [q.text for q in from_gift]
    assert [replace(q, line=0) for q in from_xml] == [replace(q, line=0) for q in from_gift]


def test_moodle_xml_written_back_as_gift_reads_the_same():
    for question in parse_moodle_xml(EXPORT.encode()):
        spec, content = question_spec(question), question_content(question)
        again, = parse_gift(question_to_gift(question.ident, question.qtype, spec, content))
        assert again.structure() == question.structure()
        assert question_content(again) == content


@pytest.mark.parametrize("path, expected", [
    ("$course$/top/Default for Searches/Principles", "Default for Searches/Principles"),
    ("$module$/top/Quiz bank", "Quiz bank"),
    ("$system$/top", ""),
    ("$coursecategory$/top/Shared/Week 1", "Shared/Week 1"),
    ("top/Principles", "Principles"),
    ("Searches/topics", "Searches/topics"),
])
def test_category_paths_lose_their_context_and_top(path, expected):
    assert category_path(path) == expected


def _quiz(*questions: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions)
            + "\n</quiz>\n").encode()


ESSAY = ('<question '
         'type="essay"><name><text>e</text></name><questiontext><text>Why?</text></questiontext></question>')


def _choice(single: str, *fractions: str) -> str:
    answers = "".join(f'<answer fraction="{f}"><text>Answer {i}</text></answer>' for i,
                      f in enumerate(fractions))
    return (f'<question type="multichoice">\n<name><text>q</text></name>\n'
            f'<questiontext><text>Pick</text></questiontext><single>{single}</single>\n{answers}\n</question>')


def _numerical(*texts: str, fraction: str = "100") -> str:
    answers = "".join(f'<answer fraction="{fraction}"><text>{t}</text></answer>' for t in texts)
    return (f'<question type="numerical"><questiontext><text>How '
            f'many?</text></questiontext>{answers}</question>')


def _reason(data: bytes) -> tuple[int, str]:
    with pytest.raises(GiftError) as caught:
        parse_moodle_xml(data)
    return caught.value.line, str(caught.value.reason)


@pytest.mark.parametrize("data, line, reason", [
    (_quiz(ESSAY, _choice("true", "50", "0")), 4,
     "A single-choice question needs one answer worth 100%."),
    (_quiz(_choice("true", "100")), 3, "A choice question needs at least two answers."),
    (_quiz(_choice("false", "50", "0", "-50")), 3,
     "The positive weights of a multiple-choice question must add up to 100%."),
    (_quiz(_choice("true", "150", "0")), 3, "The weight 150% is outside -100% to 100%."),
    (_quiz(_choice("true", "100", "half")), 3, "“half” is not a number."),
    (_quiz(ESSAY, ESSAY, _numerical("3.14", "three")), 5, "“three” is not a number."),
    (_quiz(_numerical("inf")), 3, "“inf” is not a number."),
    (_quiz(_numerical("*")), 3, "A numerical answer “*” (any other number) cannot be worth marks."),
    (_quiz(_numerical("*", fraction="0")), 3, "The question has no answers."),
    (_quiz(ESSAY, '<question type="cloze"><name><text>c</text></name>\n<questiontext><text>'
           '{1:SHORTANSWER:=Mandela}</text></questiontext></question>'), 4,
     "Moodle question type “cloze” is not supported."),
    (_quiz('<question type="calculated"><questiontext><text>{a} + '
           '{b}?</text></questiontext></question>'), 3,
     "Moodle question type “calculated” is not supported."),
    (_quiz('<question><questiontext><text>?</text></questiontext></question>'), 3,
     "A question has no type."),
    (_quiz('<question type="essay"><questiontext><text> </text></questiontext></question>'), 3,
     "The question has no text."),
    (_quiz('<question type="essay"><questiontext '
           'format="wiki_like"><text>Why?</text></questiontext>'
           '</question>'), 3, "The text format “wiki_like” is not supported."),
    (_quiz('<question type="truefalse"><questiontext><text>Sure?</text></questiontext>'
           '<answer fraction="100"><text>true</text></answer></question>'), 3,
     "A true/false question needs one answer “true” and one “false”."),
    (_quiz('<question type="shortanswer"><questiontext><text>Who?</text></questiontext>'
           '<answer fraction="100"><text> </text></answer></question>'), 3, "An answer is empty."),
    (_quiz('<question type="matching"><questiontext><text>Match</text></questiontext>'
           '<subquestion><text>A</text><answer><text>a</text></answer></subquestion>'
           '<subquestion><text></text><answer><text>b</text></answer></subquestion></question>'), 3,
     "A matching question needs at least two pairs."),
    (b'<?xml version="1.0"?>\n<questions>\n</questions>\n', 1,
     "A Moodle XML export starts with <quiz>, not <questions>."),
])
def test_a_bad_question_is_reported_with_the_line_where_it_starts(app_ctx, data, line, reason):
    assert _reason(data) == (line, reason)


def test_malformed_xml_is_reported_at_the_line_lxml_finds(app_ctx):
    data = (b'<?xml version="1.0"?>\n<quiz>\n  <question type="essay">\n    '
            b'<name><text>A</text></nme>\n')
    line, reason = _reason(data)
    assert line == 4
    assert reason.startswith("The file is not well-formed XML: Opening and ending tag mismatch")


def test_an_html_entity_outside_cdata_is_malformed(app_ctx):
    data = _quiz('<question '
                 'type="essay">\n<questiontext><text>A&nbsp;B</text></questiontext></question>')
    assert _reason(data)[0] == 4


def test_an_empty_file_is_malformed(app_ctx):
    line, reason = _reason(b"")
    assert (line, reason.startswith("The file is not well-formed XML: Document is empty")) == \
        (1, True)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!-- exported by a friend -->

<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz>
  <question type="essay"><name><text>&lol9;</text></name><questiontext><text>&lol9;</text></questiontext></question>
</quiz>
"""  # noqa: E501 - the data as it is
DOCTYPE_REFUSED = ("The file declares a DOCTYPE, which Moodle XML never has; it is refused for "
                   "safety.")


def test_a_doctype_is_refused_before_any_entity_is_expanded(app_ctx):
    assert _reason(BILLION_LAUGHS) == (4, DOCTYPE_REFUSED)


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                   "utf-32-be"])
def test_a_doctype_is_refused_in_any_encoding(app_ctx, codec):
    name = codec.removesuffix("-sig").upper()
    text = BILLION_LAUGHS.decode().replace('version="1.0"', f'version="1.0" encoding="{name}"')
    assert _reason(text.encode(codec)) == (4, DOCTYPE_REFUSED)


def test_a_doctype_the_prolog_scan_missed_is_still_refused_and_never_expanded(app_ctx, monkeypatch):
    monkeypatch.setattr(moodle_xml, "_doctype_line", lambda data: None)
    harmless = b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY who "the governor">]>\n<quiz/>\n'
    assert _reason(harmless) == (1, DOCTYPE_REFUSED)
    reason = _reason(BILLION_LAUGHS)[1]  # libxml2 stops the expansion itself
    assert reason.startswith("The file is not well-formed XML: ")


def test_the_first_problem_stops_the_reading(app_ctx):
    data = _quiz(ESSAY, _choice("true", "0", "0"), '<question type="ddwtos"></question>')
    assert _reason(data) == (4, "A single-choice question needs one answer worth 100%.")


def test_a_quiz_without_questions_gives_none():
    assert parse_moodle_xml(_quiz()) == []


def test_a_category_applies_to_the_questions_after_it():
    data = _quiz(ESSAY,
                 '<question type="category"><category><text>$course$/top/Week 2</text></category>'
                 '</question>', ESSAY)
    assert [q.category for q in parse_moodle_xml(data)] == ["", "Week 2"]


def test_the_line_of_a_question_is_where_its_tag_opens():
    assert [q.line for q in parse_moodle_xml(_quiz(ESSAY, "", ESSAY))] == [3, 5]


def test_gift_questions_are_never_case_sensitive():
    assert parse_gift("::s:: Who? {=Mandela}")[0].case_sensitive is False


def test_a_description_is_read_as_text_between_questions():
    [described] = parse_moodle_xml(_quiz(
        '<question type="description"><name><text>caso</text></name>'
        '<questiontext format="html"><text>&lt;p&gt;Read this case.&lt;/p&gt;</text></questiontext>'
        '</question>'))
    assert (described.qtype, described.text, described.answers) == (
        "description", "<p>Read this case.</p>", [])
