"""Per-place counts of select-missing-words answers, for the quiz statistics.

A response lists the chosen choice per place in the order of the attempt's language, which may
differ from another language's order; so each attempt's places are read in its own language, and
counted by the place's right choice ([[n]]), which every language shares. Two queries, whatever
the number of attempts.
"""
from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import String, cast, func, select

from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.quizzes import gapselect
from academy.quizzes.models import FINISHED, Attempt, AttemptSlot, QuestionVersion
from academy.quizzes.queries import words_of


def _rows(lesson_id: int):
    text = cast(AttemptSlot.response, String)
    return db.session.execute(
        select(AttemptSlot.question_id, AttemptSlot.version_id, Attempt.locale, text, func.count())
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptSlot.version_id)
        .where(Attempt.lesson_id == lesson_id, Attempt.status == FINISHED,
               Attempt.fraction.is_not(None), QuestionVersion.qtype == gapselect.QTYPE)
        .group_by(AttemptSlot.question_id, AttemptSlot.version_id, Attempt.locale, text)).all()


def place_counts(lesson_id: int, default_locale: str) -> dict[int | None, Counter]:
    """Per question: how many attempts chose each choice at the places of right choice n,
    as a Counter of (n, chosen stored index)."""
    rows = _rows(lesson_id)
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion).where(
        QuestionVersion.id.in_({row[1] for row in rows})))} if rows else {}
    found: dict[int | None, Counter] = {}
    for question_id, version_id, locale, raw, count in rows:
        content, _lang = words_of(versions[version_id], locale, default_locale)
        response = json.loads(raw) if raw else None
        counts = found.setdefault(question_id, Counter())
        for n, chosen in zip(gapselect.places(content.get("text")),
                             response if isinstance(response, list) else [], strict=False):
            if isinstance(chosen, int):
                counts[(n, chosen)] += count
    return found


def choice_rows(counts: Counter, content: dict) -> list[tuple[str, int, bool]]:
    """(label, count, is right) per place and chosen choice, in the words of `content`."""
    words = [answer.get("text", "") for answer in content.get("answers", [])]
    return [(str(_l("Place [[%(n)d]]: %(answer)s", n=n, answer=words[chosen])), count,
             chosen == n - 1) for (n, chosen), count in sorted(counts.items())
            if 0 <= chosen < len(words)]
