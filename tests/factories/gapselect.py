"""A select-missing-words (gapselect) question for the tests: its text in English and Spanish,
the question with its places and groups, its stored spec and content, and Moodle's export of one."""
from __future__ import annotations

from academy.quizzes import stored
from academy.quizzes.gift import Answer, GiftQuestion

TEXT = "The [[1]] sat on the [[2]]; then the [[1]] slept."
TEXT_ES = "El [[1]] dormía; antes, el [[1]] se sentó en la [[2]]."


def sample(ident: str = "gs-cat", **changes) -> GiftQuestion:
    """Places [[1]] [[2]] [[1]]; animals in group 1, things in group 2."""
    question = GiftQuestion(0, ident, "lengua", "gapselect", TEXT, "html",
                            general_feedback="Cats sit on mats.", shuffle=True,
                            correct_feedback="All right.", partial_feedback="Partly right.",
                            incorrect_feedback="Not right.")
    question.answers = [Answer(text="cat", group=1), Answer(text="mat", group=2),
                        Answer(text="dog", group=1), Answer(text="sofa <b>", group=2)]
    for name, value in changes.items():
        setattr(question, name, value)
    return question


def spec_and_content(question: GiftQuestion) -> tuple[dict, dict]:
    return stored.question_spec(question), stored.question_content(question)


# What Moodle writes for a gapselect question (its export of one).
MOODLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/lengua</text></category></question>
  <question type="gapselect">
    <name><text>gs-moodle</text></name>
    <questiontext format="html"><text><![CDATA[<p>The [[1]] sat on the [[2]].</p>]]></text></questiontext>
    <generalfeedback format="html"><text>General.</text></generalfeedback>
    <defaultgrade>1</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden><idnumber></idnumber>
    <shuffleanswers>1</shuffleanswers>
    <correctfeedback format="html"><text>Your answer is correct.</text></correctfeedback>
    <partiallycorrectfeedback format="html"><text>Your answer is partially correct.</text></partiallycorrectfeedback>
    <incorrectfeedback format="html"><text>Your answer is incorrect.</text></incorrectfeedback>
    <shownumcorrect/>
    <selectoption><text>cat</text><group>1</group></selectoption>
    <selectoption><text>mat</text><group>2</group></selectoption>
    <selectoption><text>dog</text><group>1</group></selectoption>
    <selectoption><text>rug</text><group>2</group></selectoption>
  </question>
</quiz>
"""  # noqa: E501 - the data as it is
