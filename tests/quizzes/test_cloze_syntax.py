"""Cloze questions (Moodle's embedded answers): the syntax read and written back, grading as
Moodle grades it, and the trainee's form read gap by gap (a tampered value refused)."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from academy.quizzes import cloze, cloze_answers, grading
from academy.quizzes.gift import GiftError
from academy.quizzes.models import Question
from academy.quizzes.responses import AnswerRejected
from academy.quizzes.stored import as_gift, question_content, question_spec
from tests.factories.cloze import SOURCE, SOURCE_EN, cloze_question


def stored(source: str = SOURCE) -> tuple[dict, dict]:
    question = cloze_question(source)
    return question_spec(question), question_content(question)


# --- The syntax --------------------------------------------------------------------------------

@pytest.mark.parametrize("keyword", sorted(cloze.KINDS))
def test_every_moodle_kind_and_abbreviation_is_read_and_written_back(keyword):
    kind, case_sensitive, layout, shuffle = cloze.KINDS[keyword]
    answers = "%50%a~%50%b~c" if kind == "multiresponse" else ("=4:1~%50%2" if kind == "numerical"
                                                               else "=a~b")
    text, gaps = cloze.parse_embedded(f"x {{2:{keyword}:{answers}}} y")
    assert text == "x {#1} y"
    gap = gaps[0]
    assert (gap.kind, gap.case_sensitive, gap.layout, gap.shuffle, gap.weight) == \
        (kind, case_sensitive, layout, shuffle, 2)
    written = cloze.write_embedded(text, gaps)
    assert cloze.parse_embedded(written) == (text, gaps)
    assert cloze.write_embedded(*cloze.parse_embedded(written)) == written


def test_weights_feedback_and_numbers_are_read():
    text, gaps = cloze.parse_embedded(SOURCE)
    assert text.startswith("La capital de Alemania es {#1}. Un registro dura {#2} minutos")
    berlin, minutes, colour, rights = gaps
    assert [(a.text, a.fraction, a.feedback) for a in berlin.answers] == [
        ("Berlín", 1.0, "Correcto"), ("Bonn", 0.5, "Antes de 1990")]
    assert minutes.weight == 2 and [(a.value, a.tolerance, a.fraction) for a in minutes.answers] \
        == [(30.0, 5.0, 1.0), (60.0, 0.0, 0.5)]
    assert [a.fraction for a in colour.answers] == [1.0, 0.0, 0.0]
    assert [a.fraction for a in rights.answers] == [0.5, 0.5, -1.0]


def test_escapes_and_html_entities_are_answer_text_and_written_back_the_same():
    source = (r"{1:SHORTANSWER:=a\}b\#c\~d\/e\"f\\g#fb \# x~%50%l&#39;eau} and "
              r"{:MCV:=one#{#1\} is fine here~two}")
    text, gaps = cloze.parse_embedded(source)
    assert gaps[0].answers[0].text == 'a}b#c~d/e"f\\g' and gaps[0].answers[0].feedback == "fb # x"
    assert gaps[0].answers[1].text == "l&#39;eau" and gaps[1].weight == 1
    assert gaps[1].answers[0].feedback == "{#1} is fine here"
    assert cloze.parse_embedded(cloze.write_embedded(text, gaps)) == (text, gaps)


def test_answers_that_start_like_a_weight_survive_the_round_trip():
    text, gaps = cloze.parse_embedded("{1:MC:=right~%0%=wrong~%0%%5%}")
    assert [a.text for a in gaps[0].answers] == ["right", "=wrong", "%5%"]
    assert cloze.parse_embedded(cloze.write_embedded(text, gaps)) == (text, gaps)


def test_every_problem_is_reported_with_its_line_and_gap():
    source = ("{1:FOO:=a} then {1:SA:b}\n{1:NM:=abc}\n{1:SA:=a~%150%b} {1:MR:%50%a~b}\n"
              "{0:SA:=x} {1:SA:=a~} {#3}\n{1:SA:=open")
    with pytest.raises(GiftError) as raised:
        cloze.parse_embedded(source)
    assert [(e.line, str(e.reason)) for e in raised.value.errors] == [
        (1, "Embedded answer 1: “FOO” is not a type of embedded answer."),
        (1, "Embedded answer 2: one of its answers must be worth 100%."),
        (2, "Embedded answer 3: “abc” is not a number."),
        (3, "Embedded answer 4: the weight 150% is outside -100% to 100%."),
        (3, "Embedded answer 5: the positive weights of its answers must add up to 100%."),
        (4, "Embedded answer 6: its mark must be a whole number from 1 to 100."),
        (4, "Embedded answer 7: an answer is empty."),
        (5, "Embedded answer 8: it is not closed with }."),
        (4, "“{#3}” cannot be written in the text.")]


def test_a_text_without_embedded_answers_is_refused_with_an_example():
    with pytest.raises(GiftError, match="has no embedded answers, e.g. {1:SHORTANSWER:"):
        cloze.parse_embedded("Just words {not a gap}")


def test_translations_must_have_the_same_gaps():
    spanish, english = cloze_question(), cloze_question(SOURCE_EN)
    assert spanish.structure() == english.structure()
    assert cloze_question(SOURCE.replace("{2:NUMERICAL", "{1:NUMERICAL")).structure() != \
        english.structure()


def test_stored_form_gives_the_same_question_back():
    question = cloze_question()
    row = Question(ident="cloze-1", category="", qtype="cloze", spec=question_spec(question))
    again = as_gift(row, question_content(question))
    assert (again.text, again.gaps) == (question.text, question.gaps)
    assert cloze.write_embedded(again.text, again.gaps) == cloze.write_embedded(
        *cloze.parse_embedded(SOURCE))


# --- Grading and the form ----------------------------------------------------------------------

def test_grading_weighs_each_gap_by_its_mark_with_partial_credit():
    spec, content = stored()
    # weights 1, 2, 1, 1 (Moodle: the number before the type is the gap's mark)
    assert grading.grade("cloze", spec, content, ["berlín", "32", 0, [0, 1]]) == 1.0
    assert grading.grade("cloze", spec, content, ["Bonn", "60", 1, [0]]) == pytest.approx(
        (0.5 + 2 * 0.5 + 0 + 0.5) / 5)
    assert grading.grade("cloze", spec, content, [None, "30", None, [0, 1, 2]]) == 0.4
    assert grading.grade("cloze", spec, content, None) == 0.0
    assert grading.grade("cloze", spec, content, ["x", "y", 9, ["a"]]) == 0.0


def test_a_case_sensitive_gap_needs_the_same_case():
    spec, content = stored("{1:SAC:=ONU} {1:SA:=onu}")
    assert grading.grade("cloze", spec, content, ["onu", "ONU"]) == 0.5


def test_the_form_is_read_per_gap_in_the_order_shown():
    spec, _content = stored()
    order = [[], [], [2, 0, 1], [1, 2, 0]]
    form = MultiDict([("q3-0", " Berlín "), ("q3-1", "30,5"), ("q3-2", "1"), ("q3-3", "0"),
                      ("q3-3", "2")])
    assert cloze_answers.read(spec, order, form, 3) == ["Berlín", "30,5", 0, [0, 1]]
    assert cloze_answers.read(spec, order, MultiDict(), 3) == [None, None, None, None]
    shown = cloze_answers.shown_values(spec, order, ["Berlín", "30,5", 0, [0, 1]])
    assert shown == ["Berlín", "30,5", "1", {"0", "2"}]


@pytest.mark.parametrize("tampered", [{"q3-2": "7"}, {"q3-2": "-1"}, {"q3-3": "x"},
                                      {"q3-1": "treinta"}, {"q3-0": "a" * 501}])
def test_a_tampered_or_wrong_value_is_refused(tampered):
    spec, _content = stored()
    with pytest.raises(AnswerRejected):
        cloze_answers.read(spec, [[], [], [0, 1, 2], [0, 1, 2]], MultiDict(tampered), 3)


def test_choices_are_shuffled_only_for_the_shuffled_kinds():
    import random
    spec, _content = stored("{1:MC:=a~b~c~d~e~f~g~h} {1:MCS:=a~b~c~d~e~f~g~h} {1:SA:=x}")
    orders = cloze.choice_order(spec, random.Random(4))
    assert orders[0] == list(range(8)) and sorted(orders[1]) == list(range(8))
    assert orders[1] != list(range(8)) and orders[2] == []
