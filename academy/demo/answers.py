"""What a demo trainee answers in a quiz: right or wrong by their ability and each question's
difficulty, written as the stored responses the quiz engine reads (see quizzes.responses)."""
from __future__ import annotations

import random
import zlib

from academy.demo.data import ESSAY_ANSWERS, HARD_QUESTIONS
from academy.quizzes.queries import content_of

# How much harder than a single choice each type is (typing a name beats recognising it).
DIFFICULTY = {"truefalse": -0.04, "single": 0.0, "multiple": 0.1, "matching": 0.08,
              "numerical": 0.18, "shortanswer": 0.24, "essay": 0.0}
PASSING_SHARE = 0.75  # the share of right answers a trainee who must pass gives at least


def chance_right(ability: float, ident: str, qtype: str) -> float:
    """The chance that a trainee of this ability answers this question right."""
    spread = (zlib.crc32(ident.encode()) % 100) / 100 * 0.12 - 0.06  # each question its own
    hardness = HARD_QUESTIONS.get(ident, DIFFICULTY.get(qtype, 0.0) + spread)
    return min(0.98, max(0.03, ability + 0.1 - hardness))


def responses_for(attempt, default_locale: str, ability: float, rng: random.Random,
                  must_pass: bool = False) -> dict[int, object]:
    """The responses (by slot position) a trainee gives in this attempt.

    Slots are answered in question order, not in the order shown, so the same seed gives the
    same answers whatever the shuffle. `must_pass` turns wrong answers right up to a pass.
    """
    slots = sorted(attempt.slots, key=lambda slot: slot.version.ident)
    right = [rng.random() < chance_right(ability, s.version.ident, s.version.qtype) for s in slots]
    if must_pass:
        for index in range(len(right)):
            if sum(right) >= PASSING_SHARE * len(right):
                break
            right[index] = True
    return {slot.position: _response(slot.version, content_of(slot.version, attempt.locale,
                                                              default_locale),
                                     is_right, attempt.locale, rng)
            for slot, is_right in zip(slots, right, strict=True)}


def _response(version, content: dict, right: bool, locale: str, rng: random.Random):
    qtype, spec = version.qtype, version.spec
    if qtype == "single":
        return _single(spec, right, rng)
    if qtype == "multiple":
        return _multiple(spec, right, rng)
    if qtype == "truefalse":
        return bool(spec.get("correct")) == right
    if qtype == "matching":
        return _matching(len(content.get("answers", [])), right, rng)
    if qtype == "numerical":
        return _number(spec, right, rng)
    if qtype == "shortanswer":
        return _short_answer(spec, content, right, rng)
    return rng.choice(ESSAY_ANSWERS.get(locale) or ESSAY_ANSWERS["en"])


def _fractions(spec: dict) -> list[float]:
    return [float(answer.get("fraction", 0)) for answer in spec.get("answers", [])]


def _single(spec: dict, right: bool, rng: random.Random) -> int:
    fractions = _fractions(spec)
    best = max(range(len(fractions)), key=fractions.__getitem__)
    wrong = [i for i, f in enumerate(fractions) if f < fractions[best]]
    return best if right or not wrong else rng.choice(wrong)


def _multiple(spec: dict, right: bool, rng: random.Random) -> list[int]:
    fractions = _fractions(spec)
    good = [i for i, f in enumerate(fractions) if f > 0]
    bad = [i for i, f in enumerate(fractions) if f <= 0]
    if right or not good:
        return good
    if len(good) > 1 and rng.random() < 0.5:  # half the right ones: partial credit
        return [rng.choice(good)]
    return sorted({rng.choice(good), *([rng.choice(bad)] if bad else [])})


def _matching(items: int, right: bool, rng: random.Random) -> list[int]:
    chosen = list(range(items))
    if not right and items > 1:  # two matches swapped: partial credit
        first, second = rng.sample(range(items), 2)
        chosen[first], chosen[second] = chosen[second], chosen[first]
    return chosen


def _number(spec: dict, right: bool, rng: random.Random) -> str:
    answers = spec.get("answers") or [{"value": 0}]
    best = max(answers, key=lambda a: float(a.get("fraction", 0)))
    if best.get("minimum") is not None:
        value, width = (best["minimum"] + best["maximum"]) / 2, best["maximum"] - best["minimum"]
    else:
        value, width = float(best.get("value", 0)), 2 * abs(best.get("tolerance", 0))
    if not right:
        value += rng.choice((-1, 1)) * (width + max(1, round(abs(value) * 0.08)))
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _short_answer(spec: dict, content: dict, right: bool, rng: random.Random) -> str | None:
    accepted = [words.get("text", "") for shape, words in
                zip(spec.get("answers", []), content.get("answers", []), strict=False)
                if float(shape.get("fraction", 0)) >= 1 and words.get("text")]
    answer = (accepted[0] if accepted else "").replace("*", "").strip()
    if right or not answer:
        return answer or None
    if rng.random() < 0.4:
        return None  # left blank
    return _typo(answer, rng)


def _typo(text: str, rng: random.Random) -> str:
    """The answer misremembered: two neighbouring characters swapped (never the same text)."""
    places = [i for i in range(len(text) - 1) if text[i].casefold() != text[i + 1].casefold()
              and text[i].isalnum() and text[i + 1].isalnum()]
    if not places:
        return text + "?"
    i = rng.choice(places)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]
