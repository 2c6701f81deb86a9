"""The network data set's enrolments and lesson progress."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from bench.network_seed_data import (
    ACADEMIES,
    BATCH,
    COMPLETING,
    DAY,
    CourseInfo,
    QuizPair,
    pick,
    timeline,
    weighted,
)
from bench.network_seed_loader import COLUMNS


class EnrolmentSeeding:
    """Enrolments and progress (a part of `network_seed.Seeder`)."""

    def enrolments(self) -> None:
        rng, scale = self.rng, self.scale
        followed = [c for c in self.courses if c.weight > 0]
        home = {}
        away = {}
        for index in range(len(ACADEMIES)):
            own = [c for c in followed if c.academy == index]
            other = [c for c in followed if c.academy != index and c.shared]
            home[index] = weighted(own, [c.weight for c in own]) if own else None
            away[index] = weighted(other, [c.weight for c in other])
        wants = [rng.gammavariate(2.0, 1.0) for _ in self.trainees]
        factor = scale.enrolments / sum(wants)
        carry = 0.0
        batch_e, batch_p = [], []
        for (uid, index, _name), want in zip(self.trainees, wants, strict=False):
            carry += want * factor
            count, carry = int(carry), carry - int(carry)
            own = home[index][0] if home[index] else []
            at_home = min(len(own), sum(rng.random() >= scale.exchange for _ in range(count)))
            # Weighted sampling without replacement (Efraimidis-Spirakis keys) in the small pool
            # of the trainee's own academy; repeated draws would spill over to the others.
            chosen = {c.id: c for c in sorted(own, key=lambda c: -rng.random() ** (1 / c.weight)
                                              )[:at_home]}
            for _ in range(count * 4):
                if len(chosen) >= count:
                    break
                course = pick(rng, away[index])
                chosen.setdefault(course.id, course)
            for course in chosen.values():
                self._enrolment(batch_e, batch_p, uid, course)
                self.away += course.academy != index
            if len(batch_e) >= BATCH * 10:
                self._flush_enrolments(batch_e, batch_p)
        self._flush_enrolments(batch_e, batch_p)

    def _flush_enrolments(self, enrolments: list, progress: list) -> None:
        self.load.write("enrolments", COLUMNS["enrolments"], enrolments)
        self.load.write("lesson_progress", COLUMNS["lesson_progress"], progress)
        enrolments.clear()
        progress.clear()

    def _activation(self, opens: datetime) -> datetime:
        rng = self.rng
        while True:
            u = rng.random()
            x = u if rng.random() < 0.5 else math.sqrt(u)  # activity grows over the months
            moment = self.start + timedelta(seconds=self.span * x)
            if moment.month in (8, 12) and rng.random() < 0.35:  # holidays
                continue
            if moment < opens:  # a course adopted during the period: from its publication on
                moment = opens + (self.now - opens) * rng.random()
            return moment

    def _enrolment(self, enrolments: list, progress: list, uid: int, course: CourseInfo) -> None:
        rng, now = self.rng, self.now
        activated = self._activation(course.opens)
        requested = activated - timedelta(seconds=rng.random() * 2 * DAY)
        age = (now - activated).total_seconds() / DAY
        completed = withdrawn = last_lesson = last_activity = None
        lessons, done = course.lessons, 0
        draw = rng.random()
        if age < 45 and draw < 0.2:  # recent requests not decided yet
            status = "pending" if draw < 0.15 else "waitlisted"
            activated = None
        elif 0.2 <= draw < 0.27:
            status = "withdrawn"
            withdrawn = min(now, activated + timedelta(days=rng.uniform(3, 90)))
            done = int(len(lessons) * rng.random() ** 2)
        else:
            duration = timedelta(days=min(150.0, rng.lognormvariate(math.log(21), 0.7)))
            if rng.random() < COMPLETING and activated + duration <= now:
                status, completed, done = "completed", activated + duration, len(lessons)
            else:
                status = "active"
                done = min(len(lessons) - 1, int(len(lessons) * rng.random() ** 1.6))
        self.status_mix[status] += 1
        eid = self.ids("enrolments")
        if activated is not None:
            end = completed or withdrawn or min(now, activated + timedelta(
                days=rng.uniform(1, 60)))
            moments = timeline(rng, activated, end, done) if done else []
            for lid, moment in zip(lessons[:done], moments, strict=False):
                progress.append((self.ids("lesson_progress"), uid, lid, moment))
                if lid in course.quizzes:
                    self.pairs.append(QuizPair(uid, course, lid, True, moment, activated))
            last_lesson = lessons[min(done, len(lessons) - 1)]
            last_activity = moments[-1] if moments else activated + timedelta(minutes=5)
            if status == "active" and lessons[done] in course.quizzes and rng.random() < 0.6:
                stuck = min(now, last_activity + timedelta(days=rng.uniform(0.1, 10)))
                self.pairs.append(QuizPair(uid, course, lessons[done], False, stuck, activated))
            if status == "completed":
                self.completions.append((uid, course, completed))
        enrolments.append((eid, course.id, uid, status, requested, activated, completed,
                           withdrawn, last_lesson, last_activity, None))

    # --- Quizzes -----------------------------------------------------------------------------
