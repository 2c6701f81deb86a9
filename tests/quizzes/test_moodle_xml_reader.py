"""The Moodle XML reader on small files: the same questions as their GIFT, category paths,
each problem reported at the line where its question starts, and a DOCTYPE always refused."""
from __future__ import annotations

from dataclasses import replace

import pytest

from academy.quizzes import moodle_xml
from academy.quizzes.gift import GiftError, parse_gift
from academy.quizzes.moodle_xml import category_path, parse_moodle_xml

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
