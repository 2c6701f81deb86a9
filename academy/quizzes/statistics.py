"""Quiz statistics, as Moodle gives them: per question its facility, discrimination and the
spread of chosen answers, and the distribution of attempt grades. Every figure is an aggregate
computed by the database; Python only turns sums into ratios and names the choices.

Facility: the mean score on the question, in percent. Discrimination: the correlation between
the score on the question and the score on the rest of the attempt, in percent (Moodle's
discrimination index): a good question is answered well by those who do well elsewhere.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Float, String, case, cast, func, select

from academy.extensions import db
from academy.quizzes import gapselect_stats
from academy.quizzes.gift import DESCRIPTION
from academy.quizzes.models import FINISHED, Attempt, AttemptSlot, Question, QuestionVersion
from academy.quizzes.queries import words_of

CHOICE_TYPES = ("single", "multiple", "truefalse")
BINS = 10
WEAK_DISCRIMINATION = 0.0  # at or below: the question may be wrong or ambiguous


@dataclass
class ChoiceCount:
    label: str
    count: int
    is_right: bool


@dataclass
class QuestionStats:
    question_id: int | None
    ident: str
    text: str
    qtype: str
    answered: int
    facility: float  # mean score, 0..1
    fully_right: int
    discrimination: float | None  # -1..1; None when it cannot be computed
    choices: list[ChoiceCount] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        """Why the question deserves a look: nobody right, or it sorts trainees the wrong way."""
        found = []
        if self.answered and self.fully_right == 0:
            found.append("nobody_right")
        if self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION:
            found.append("negative_discrimination")
        return found


@dataclass
class QuizStatistics:
    attempts: int
    mean: float | None
    histogram: list[int]  # attempts per tenth of the grade (the last includes full marks)
    questions: list[QuestionStats]


def _graded_attempts(lesson_id: int):
    return (Attempt.lesson_id == lesson_id, Attempt.status == FINISHED,
            Attempt.fraction.is_not(None))


def _histogram(lesson_id: int) -> list[int]:
    bucket = func.floor(Attempt.fraction * BINS)
    counts = [0] * BINS
    for value, count in db.session.execute(select(bucket, func.count()).where(
            *_graded_attempts(lesson_id)).group_by(bucket)):
        counts[min(BINS - 1, max(0, int(value)))] += count
    return counts


def _question_sums(lesson_id: int):
    """Per question: n, Σx, Σx², Σy, Σy², Σxy, fully right; x the score on the question, y the
    mean score on the attempt's other questions."""
    asked = QuestionVersion.qtype != DESCRIPTION  # text between questions is not a question
    sizes = (select(AttemptSlot.attempt_id, func.count().label("n"))
             .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
             .join(QuestionVersion, QuestionVersion.id == AttemptSlot.version_id)
             .where(*_graded_attempts(lesson_id), asked)  # this quiz's attempts only
             .group_by(AttemptSlot.attempt_id).subquery())
    x = cast(AttemptSlot.fraction, Float)
    rest = (cast(Attempt.fraction, Float) * sizes.c.n - x) / func.nullif(sizes.c.n - 1, 0)
    stmt = (select(AttemptSlot.question_id, func.max(AttemptSlot.version_id), func.count(),
                   func.sum(x), func.sum(x * x), func.sum(rest), func.sum(rest * rest),
                   func.sum(x * rest), func.sum(case((x >= 0.9999, 1), else_=0)))
            .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
            .join(sizes, sizes.c.attempt_id == Attempt.id)
            .join(QuestionVersion, QuestionVersion.id == AttemptSlot.version_id)
            .where(*_graded_attempts(lesson_id), AttemptSlot.fraction.is_not(None), asked)
            .group_by(AttemptSlot.question_id))
    return db.session.execute(stmt).all()


def _correlation(n, sx, sxx, sy, syy, sxy) -> float | None:
    if not n or n < 2 or sy is None:
        return None
    vx, vy = n * sxx - sx * sx, n * syy - sy * sy
    if vx <= 1e-12 or vy <= 1e-12:
        return None
    return (n * sxy - sx * sy) / math.sqrt(vx * vy)


def _responses(lesson_id: int) -> dict[int | None, dict[str, int]]:
    """Per question, how many attempts gave each (JSON) response, for choice questions."""
    text = cast(AttemptSlot.response, String)
    stmt = (select(AttemptSlot.question_id, text, func.count())
            .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
            .join(QuestionVersion, QuestionVersion.id == AttemptSlot.version_id)
            .where(*_graded_attempts(lesson_id), QuestionVersion.qtype.in_(CHOICE_TYPES))
            .group_by(AttemptSlot.question_id, text))
    found: dict = {}
    for question_id, response, count in db.session.execute(stmt):
        found.setdefault(question_id, {})[response] = count
    return found


def _choices(version: QuestionVersion, content: dict, responses: dict[str, int]
             ) -> list[ChoiceCount]:
    if version.qtype == "truefalse":
        right = bool(version.spec.get("correct"))
        counts = {True: 0, False: 0}
        for raw, count in responses.items():
            value = json.loads(raw) if raw else None
            if isinstance(value, bool):
                counts[value] += count
        return [ChoiceCount("true", counts[True], right), ChoiceCount("false", counts[False],
                                                                      not right)]
    answers = content.get("answers", [])
    weights = [a.get("fraction", 0) for a in version.spec.get("answers", [])]
    counts = [0] * len(answers)
    for raw, count in responses.items():
        value = json.loads(raw) if raw else None
        for index in (value if isinstance(value, list) else [value]):
            if isinstance(index, int) and 0 <= index < len(counts):
                counts[index] += count
    best = max(weights, default=0)
    return [ChoiceCount(answer.get("text", ""), counts[i],
                        (weights[i] > 0) if version.qtype == "multiple" else weights[i] == best)
            for i, answer in enumerate(answers) if i < len(weights)]


def quiz_statistics(lesson_id: int, locale: str, default_locale: str) -> QuizStatistics:
    """The statistics of a quiz's graded attempts, in a handful of queries."""
    attempts, mean = db.session.execute(select(func.count(), func.avg(Attempt.fraction)).where(
        *_graded_attempts(lesson_id))).one()
    sums = _question_sums(lesson_id)
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion).where(
        QuestionVersion.id.in_([row[1] for row in sums])))} if sums else {}
    positions = {qid: position for qid, position in db.session.execute(
        select(Question.id, Question.position).where(
            Question.id.in_([row[0] for row in sums if row[0]])))} if sums else {}
    responses = _responses(lesson_id)
    places = gapselect_stats.place_counts(lesson_id, default_locale)
    questions = []
    for question_id, version_id, n, sx, sxx, sy, syy, sxy, right in sums:
        version = versions[version_id]
        content, _lang = words_of(version, locale, default_locale)
        questions.append(QuestionStats(
            question_id=question_id, ident=version.ident, text=(content.get("text") or "")[:160],
            qtype=version.qtype, answered=n, facility=(sx or 0) / n if n else 0.0,
            fully_right=int(right or 0),
            discrimination=_correlation(n, sx or 0, sxx or 0, sy, syy, sxy),
            choices=_choices(version, content, responses.get(question_id, {}))
            if version.qtype in CHOICE_TYPES else
            [ChoiceCount(*row) for row in gapselect_stats.choice_rows(
                places.get(question_id, Counter()), content)]))
    questions.sort(key=lambda q: (positions.get(q.question_id, 0), q.ident))
    return QuizStatistics(attempts=attempts, mean=float(mean) if mean is not None else None,
                          histogram=_histogram(lesson_id), questions=questions)
