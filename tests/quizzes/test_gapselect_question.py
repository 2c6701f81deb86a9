"""Select missing words (gapselect), the question itself: places and Moodle's checks, grading,
reading the form (a tampered value refused), and Moodle XML read and written back."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from academy.quizzes import gapselect, grading, responses, stored
from academy.quizzes.gift import Answer
from academy.quizzes.models import Question
from academy.quizzes.moodle_xml import parse_moodle_xml, read_moodle_xml
from academy.quizzes.moodle_xml_writer import moodle_xml_file
from tests.factories.gapselect import MOODLE, TEXT, TEXT_ES, sample, spec_and_content

# --- Places and checks -------------------------------------------------------------------------

def test_places_are_read_in_the_order_of_the_text():
    assert gapselect.places(TEXT) == [1, 2, 1]
    assert gapselect.places("no [[places]] here, nor [1]") == []


def test_a_right_question_has_no_problem():
    assert gapselect.problems(sample()) == []


@pytest.mark.parametrize("change, field, words", [
    ({"text": "No place at all."}, "text", "at least one place"),
    ({"text": "The [[5]] sat."}, "text", "no choice 5"),
    ({"text": "The [[0]] sat."}, "text", "no choice 0"),
    ({"answers": [Answer(text="cat", group=1), Answer(text="mat", group=2),
                  Answer(text="dog", group=1)]}, "answers", "Group 2 has only one choice"),
    ({"answers": [Answer(text="cat", group=1), Answer(text="", group=2),
                  Answer(text="dog", group=1), Answer(text="rug", group=2)]}, "answers",
     "Choice 2 is empty"),
    ({"answers": [Answer(text="cat", group=21), Answer(text="mat", group=2),
                  Answer(text="dog", group=21), Answer(text="rug", group=2)]}, "answers",
     "group from 1 to 20"),
])
def test_the_checks_mirror_moodles(app_ctx, change, field, words):
    found = gapselect.problems(sample(**change))
    assert found and found[0][0] == field and words in str(found[0][1])


def test_a_translation_needs_the_same_places_in_any_order(app_ctx):
    assert gapselect.translation_problem(TEXT, TEXT_ES) is None
    problem = gapselect.translation_problem(TEXT, "El [[1]] se sentó en la [[2]].")
    assert "[[1]] [[1]] [[2]]" in str(problem)


def test_the_structure_shared_by_translations_holds_groups_and_places():
    spanish = sample(text=TEXT_ES)
    assert sample().structure() == spanish.structure()
    assert sample().structure() != sample(text="El [[1]] en la [[2]].").structure()
    regrouped = sample()
    regrouped.answers[3].group = 1
    assert sample().structure() != regrouped.structure()


def test_stored_spec_and_content_give_the_question_back():
    question = sample()
    spec, content = spec_and_content(question)
    assert spec["answers"] == [{"group": 1}, {"group": 2}, {"group": 1}, {"group": 2}]
    assert spec["shuffle"] is True and content["answers"][1] == {"text": "mat"}
    assert content["partial_feedback"] == "Partly right."
    row = Question(ident=question.ident, category=question.category, qtype="gapselect", spec=spec)
    assert stored.as_gift(row, content) == question


# --- Grading and reading -----------------------------------------------------------------------

@pytest.mark.parametrize("response, fraction", [
    ([0, 1, 0], 1.0), ([0, 3, 0], 2 / 3), ([2, 1, None], 1 / 3), ([None, None, None], 0.0),
    (None, 0.0), ("0", 0.0), ([0], 1 / 3),
])
def test_grade_is_right_places_over_places(response, fraction):
    spec, content = spec_and_content(sample())
    assert grading.grade("gapselect", spec, content, response) == pytest.approx(fraction)


def test_each_place_offers_its_right_choices_group():
    spec, content = spec_and_content(sample())
    assert gapselect.allowed(spec, content) == [{0, 2}, {1, 3}, {0, 2}]


def read(form: dict, order=(3, 2, 1, 0)):
    spec, content = spec_and_content(sample())
    return responses.read("gapselect", list(order), gapselect.allowed(spec, content),
                          MultiDict(form), 4)


def test_the_form_is_read_per_place_in_stored_indices():
    # Shown order 3,2,1,0: value "3" is stored choice 0 (cat), "2" is mat... shown 1 is dog.
    assert read({"q4-0": "3", "q4-1": "2", "q4-2": "1"}) == [0, 1, 2]
    assert read({"q4-0": "", "q4-1": "0"}) == [None, 3, None]


@pytest.mark.parametrize("value", ["2", "9", "-1", "x", "1.0"])
def test_a_tampered_place_value_is_refused(app_ctx, value):
    # "2" is a real choice (mat), but of group 2: the first place offers group 1 only.
    with pytest.raises(responses.AnswerRejected):
        read({"q4-0": value})


# --- Moodle XML and GIFT -----------------------------------------------------------------------


def test_moodles_gapselect_is_read_not_skipped():
    found = read_moodle_xml(MOODLE)
    assert not found.problems and not found.skipped
    question = found.questions[0]
    assert question.qtype == "gapselect" and question.category == "lengua" and question.shuffle
    assert [(a.text, a.group) for a in question.answers] == [
        ("cat", 1), ("mat", 2), ("dog", 1), ("rug", 2)]
    assert question.partial_feedback == "Your answer is partially correct."


def test_a_moodle_gapselect_with_a_missing_choice_is_a_problem_with_its_line(app_ctx):
    broken = MOODLE.replace(b"sat on the [[2]]", b"sat on the [[7]]")
    found = read_moodle_xml(broken)
    assert found.problems and found.problems[0][0] == 4 and "no choice 7" in str(
        found.problems[0][1])


def test_moodle_xml_round_trip_is_identical():
    question = sample()
    spec, content = spec_and_content(question)
    row = Question(ident=question.ident, category=question.category, qtype="gapselect", spec=spec)
    written = moodle_xml_file([stored.as_gift(row, content)])
    back = parse_moodle_xml(written)[0]
    back.line = 0
    assert back == question
    assert spec_and_content(back) == (spec, content)
    assert moodle_xml_file([back]) == written
