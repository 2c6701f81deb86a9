"""The network data set's quiz attempts, responses, quiz results and certificates."""
from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta

from bench.network_seed_data import BATCH, DAY, PASS, QuestionInfo, QuizPair, draw_response
from bench.network_seed_loader import COLUMNS


class ResultSeeding:
    """Quiz attempts and certificates (a part of `network_seed.Seeder`)."""

    def attempts(self) -> None:
        rng = self.rng
        counts = []
        for pair in self.pairs:
            draw = rng.random()
            counts.append((1 if draw < 0.72 else 2 if draw < 0.94 else 3) if pair.passed
                          else (1 if draw < 0.7 else 2))
        offered = sum(k * len(p.course.quizzes[p.lesson])
                      for p, k in zip(self.pairs, counts, strict=False))
        self.quiz_share = min(1.0, self.scale.responses / max(1, offered))
        attempts, slots, results = [], [], []
        for pair, k in zip(self.pairs, counts, strict=False):
            if rng.random() >= self.quiz_share:
                continue
            self._pair(pair, k, attempts, slots, results)
            if len(slots) >= BATCH * 50:
                self._flush_attempts(attempts, slots, results)
        self._flush_attempts(attempts, slots, results)

    def _flush_attempts(self, attempts: list, slots: list, results: list) -> None:
        self.load.write("quiz_attempts", COLUMNS["quiz_attempts"], attempts)
        self.load.write("quiz_attempt_slots", COLUMNS["quiz_attempt_slots"], slots)
        self.load.write("quiz_results", COLUMNS["quiz_results"], results)
        for rows in (attempts, slots, results):
            rows.clear()

    def _pair(self, pair: QuizPair, k: int, attempts: list, slots: list, results: list) -> None:
        rng = self.rng
        questions = pair.course.quizzes[pair.lesson]
        ability = self.ability[pair.user]
        finishes = [pair.at]
        for _ in range(k - 1):
            finishes.insert(0, max(pair.since + timedelta(minutes=30),
                                   finishes[0] - timedelta(seconds=rng.uniform(0.05, 6) * DAY)))
        fractions = []
        for number, finished in enumerate(finishes, 1):
            must_pass = pair.passed and number == k
            aid = self.ids("quiz_attempts")
            started = finished - timedelta(minutes=rng.uniform(4, 40))
            scores = self._scores(questions, ability + 0.4 * (number - 1), must_pass)
            fraction = sum(scores) / len(scores)
            fractions.append(fraction)
            locale = pair.course.locale
            attempts.append((aid, pair.course.id, pair.lesson, pair.user, number, locale,
                             "finished", started, None, 120, finished, fraction,
                             (len(questions) - 1) // 5 + 1))
            for position, (question, score) in enumerate(zip(questions, scores, strict=False), 1):
                saved = started + (finished - started) * (position / (len(questions) + 1))
                response, order = draw_response(rng, question, score)
                slots.append((aid, position, (position - 1) // 5 + 1, question.id,
                               question.version_id, order, response, rng.randint(1, 3), saved,
                               score, ""))
        best = max(fractions)
        results.append((pair.lesson, pair.user, pair.course.id, best, best >= PASS, k, pair.at))
        self.results.setdefault((pair.user, pair.course.id), []).append(best)

    def _scores(self, questions: list[QuestionInfo], ability: float, must_pass: bool
                ) -> list[float]:
        rng, scores = self.rng, []
        for q in questions:
            p = 1.0 / (1.0 + math.exp(-(q.slope * (ability - q.difficulty))))
            right = rng.random() < p
            if q.qtype in ("multiple", "shortanswer") and not right:
                scores.append(0.5 if rng.random() < 0.4 else 0.0)
            else:
                scores.append(1.0 if right else 0.0)
        order = list(range(len(scores)))
        rng.shuffle(order)
        for i in order:  # a pass (or a failure) as the pair says, by changing a few answers
            total = sum(scores) / len(scores)
            if must_pass and total < PASS:
                scores[i] = 1.0
            elif not must_pass and total >= PASS:
                scores[i] = 0.0
        return scores

    # --- Certificates ------------------------------------------------------------------------

    def certificates(self) -> None:
        from academy.certificates.codes import ALPHABET

        rng, now = self.rng, self.now
        names = {uid: name for uid, _index, name in self.trainees}
        drafts, codes = [], set()
        for uid, course, completed in self.completions:
            if course.policy is None:
                continue
            issuance, validity, shows = course.policy
            if issuance == "automatic":
                if rng.random() >= 0.97:
                    continue
                issued, by = completed + timedelta(minutes=1), None
            else:
                issued = completed + timedelta(days=rng.uniform(1, 30))
                if rng.random() >= 0.65 or issued > now:
                    continue
                by = self.coordinator
            code = "".join(rng.choice(ALPHABET) for _ in range(28))
            while code in codes:
                code = "".join(rng.choice(ALPHABET) for _ in range(28))
            codes.add(code)
            grades = self.results.get((uid, course.id))
            grade = round(100 * sum(grades) / len(grades), 1) if shows and grades else None
            expires = issued + timedelta(days=30.44 * validity) if validity else None
            revoked = issued + timedelta(days=rng.uniform(5, 200)) if rng.random() < 0.015 else None
            if revoked and revoked > now:
                revoked = None
            drafts.append([issued, code, uid, course, completed, expires, by, grade, revoked])
        drafts.sort(key=lambda d: d[0])
        rows, last = [], Counter()
        for issued, code, uid, course, completed, expires, by, grade, revoked in drafts:
            last[issued.year] += 1
            rows.append((self.ids("certificates"), f"PAN-{issued.year}-{last[issued.year]:06d}",
                         code, uid, course.id, self.academy_ids[course.academy], course.locale,
                         None, names[uid], course.title, course.hours, grade, completed, issued,
                         expires, by, revoked, "Error en la matrícula" if revoked else None,
                         None, None, None, None, None, None))
        self.load.write("certificates", COLUMNS["certificates"], rows)
        self.load.write("certificate_serials", ("year", "last_number"), sorted(last.items()))
