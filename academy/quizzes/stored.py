"""How a question is stored: its structure (`Question.spec`, shared by every language) and its
words per language (`QuestionText.content`), made from a GIFT-shaped question and back."""
from __future__ import annotations

from academy.quizzes import cloze, gapselect
from academy.quizzes.gift import Answer, GiftQuestion
from academy.quizzes.models import Question


def question_spec(q: GiftQuestion) -> dict:
    """What a question is, whatever the language: its type's structure and right answers."""
    spec: dict = {"format": q.text_format}
    if q.case_sensitive:
        spec["case_sensitive"] = True
    if q.qtype == "truefalse":
        spec["correct"] = bool(q.correct)
    elif q.qtype == gapselect.QTYPE:
        spec.update(gapselect.spec_of(q))
    elif q.qtype == "cloze":
        spec["gaps"] = cloze.gaps_spec(q.gaps)
    else:
        spec["answers"] = [
            {k: v for k, v in (("fraction", a.fraction), ("value", a.value),
                               ("tolerance", a.tolerance), ("minimum", a.minimum),
                               ("maximum", a.maximum)) if v is not None}
            for a in q.answers
        ]
    return spec


def question_content(q: GiftQuestion) -> dict:
    """A question's words in one language."""
    content = {"text": q.text, "format": q.text_format, "general_feedback": q.general_feedback}
    if q.qtype == "truefalse":
        content.update(feedback_true=q.feedback_true, feedback_false=q.feedback_false)
    elif q.qtype == gapselect.QTYPE:
        content.update(gapselect.content_of(q))
    elif q.qtype == "essay" and q.grader_info:
        content["grader_info"] = q.grader_info
    elif q.qtype == "cloze":
        content["gaps"] = cloze.gaps_content(q.gaps)
    if q.qtype not in ("truefalse", gapselect.QTYPE, "cloze"):
        content["answers"] = [{"text": a.text, "feedback": a.feedback, "match": a.match}
                              for a in q.answers]
    return content


def as_gift(question: Question, content: dict) -> GiftQuestion:
    """A stored question, with the words of `content`, as the GIFT reader would give it."""
    spec = question.spec
    gift = GiftQuestion(0, question.ident, question.category, question.qtype,
                        content.get("text", ""),
                        content.get("format") or spec.get("format", "moodle"),
                        general_feedback=content.get("general_feedback", ""),
                        case_sensitive=bool(spec.get("case_sensitive")),
                        grader_info=content.get("grader_info", ""))
    if question.qtype == "truefalse":
        gift.correct = bool(spec.get("correct"))
        gift.feedback_true = content.get("feedback_true", "")
        gift.feedback_false = content.get("feedback_false", "")
    if question.qtype == "cloze":
        gift.gaps = cloze.gaps_from_stored(spec, content)
    words = content.get("answers", [])
    for index, shape in enumerate(spec.get("answers", [])):
        said = words[index] if index < len(words) else {}
        gift.answers.append(Answer(
            text=said.get("text", ""), fraction=float(shape.get("fraction", 0)),
            feedback=said.get("feedback", ""), value=shape.get("value"),
            tolerance=shape.get("tolerance", 0.0), minimum=shape.get("minimum"),
            maximum=shape.get("maximum"), match=said.get("match", "")))
    if question.qtype == gapselect.QTYPE:
        gapselect.fill(gift, spec, content)
    return gift
