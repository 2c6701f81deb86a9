"""The network-scale data set of `bench/network.py` (issue 7): 20 academies in 14 countries,
50,000 trainees, 500 courses, 500,000 enrolments and 1,000,000 quiz responses by default.

Rows are drawn in Python from one seeded random generator (the same figures on every run,
dated back from the moment of the run) and loaded in batches with COPY on PostgreSQL (with
foreign-key triggers off: the rows are consistent by construction) or with executemany inserts
on SQLite. The schema comes first from the app's migrations; sequences are moved past the ids
given here at the end.

What the rows look like:

- academies of different sizes (trainees and courses in proportion), each with an academy
  admin and three instructors; two network coordinators and a site admin; every trainee has
  a home academy and a trainee membership there;
- courses with two to four modules and 8 to 12 lessons, one or two of them quizzes of 8 to 12
  questions (single and multiple choice, true/false, short answer: Question, QuestionText and
  the frozen QuestionVersion that attempts point at); most courses shared with the network
  (approved), some for their academy only, some waiting for review or returned, some adopted
  copies of another academy's shared course (`source_course_id`), a few archived or drafts;
- popularity skewed (a Zipf law over the courses), trainees following mostly their own
  academy's courses and a share (`exchange`) of other academies' shared courses;
- enrolments activated over the last 24 months (more recently, fewer in August and December):
  about 40 % completed days to weeks later, some withdrawn, pending or waitlisted, the rest
  active; LessonProgress rows in course order (every lesson of a completed course, the first
  few of the others) with last_lesson_id and last_activity_at to match;
- finished quiz attempts graded by an item-response model (trainee ability, question
  difficulty; a few questions that sort trainees the wrong way), passed where the quiz lesson
  is done, failed where a trainee is stuck at it; their slots carry responses of the
  question's type; a QuizResult per person and quiz;
- certificates for most completions of courses with a certificate policy, serials numbered
  per year in order of issue, unique codes, some revoked, some expired (12- or 24-month
  validity).

Completing a course needs every quiz passed, so at 40 % completions every completion would
bring all its quizzes' attempts (about three million responses). To keep the issue's
1,000,000 responses, only a share of the quiz lessons done get their attempts (drawn at
random; the rest read as if their attempts had been deleted); `seed` reports that share.
"""
from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

from bench.network_seed_courses import CourseSeeding
from bench.network_seed_data import DAY, CourseInfo, QuizPair
from bench.network_seed_enrolments import EnrolmentSeeding
from bench.network_seed_loader import Ids, Loader
from bench.network_seed_people import PeopleSeeding
from bench.network_seed_results import ResultSeeding


@dataclass
class Scale:
    trainees: int = 50_000
    courses: int = 500
    enrolments: int = 500_000
    responses: int = 1_000_000
    exchange: float = 0.3  # share of enrolments in other academies' shared courses
    months: int = 24
    seed: int = 7


class Seeder(PeopleSeeding, CourseSeeding, EnrolmentSeeding, ResultSeeding):
    """Draws the rows and hands them to the loader, one kind after the other (people, catalogue,
    enrolments, attempts, certificates); what a later kind needs of an earlier one is kept here."""

    def __init__(self, loader: Loader, scale: Scale, now: datetime, password_hash: str) -> None:
        from academy.i18n import sort_key

        self.load, self.scale, self.now = loader, scale, now
        self.rng = random.Random(scale.seed)
        self.ids = Ids()
        self.sort_key = sort_key
        self.password_hash = password_hash
        self.span = scale.months * 30.44 * DAY
        self.start = now - timedelta(seconds=self.span)
        self.academy_ids: list[int] = []
        self.trainees: list[tuple[int, int, str]] = []  # (user id, academy index, display name)
        self.ability: dict[int, float] = {}
        self.courses: list[CourseInfo] = []
        self.coordinator = 0
        self.pairs: list[QuizPair] = []
        self.completions: list[tuple[int, CourseInfo, datetime]] = []
        self.results: dict[tuple[int, int], list[float]] = {}
        self.status_mix: Counter[str] = Counter()
        self.quiz_share = 1.0
        self.away = 0  # enrolments in other academies' courses



def seed(app, scale: Scale, log=print) -> dict:
    """Fill the app's (migrated, empty) database; returns rows per table, timings and shares."""
    from academy.accounts.passwords import hash_password
    from academy.db import utcnow
    from academy.extensions import db

    timings: dict[str, float] = {}
    with app.app_context():
        now = utcnow().replace(microsecond=0)
        with db.engine.connect() as conn:
            loader = Loader(conn, db.metadata)
            seeder = Seeder(loader, scale, now, hash_password("bench password 1"))
            for step in ("people", "catalogue", "enrolments", "attempts", "certificates"):
                started = time.perf_counter()
                getattr(seeder, step)()
                timings[step] = time.perf_counter() - started
                log(f"  {step}: {timings[step]:.1f} s")
            loader.finish()
            # Completion keeps the course grade with the enrolment
            # (quizzes.marking.record_final_grade); rows loaded by COPY get it the way migration
            # 0010 gives it to older ones.
            conn.exec_driver_sql(
                "UPDATE enrolments SET final_grade = (SELECT avg(q.fraction) * 100 "
                "FROM quiz_results q WHERE q.user_id = enrolments.user_id "
                "AND q.course_id = enrolments.course_id) WHERE status = 'completed'")
            conn.commit()
    return {"rows": dict(loader.counts), "timings": timings, "quiz_share": seeder.quiz_share,
            "statuses": dict(seeder.status_mix), "quiz_pairs": len(seeder.pairs),
            "exchange": seeder.away / max(1, sum(seeder.status_mix.values()))}


def vacuum_analyze(app) -> float:
    """VACUUM ANALYZE (PostgreSQL: statistics, and the visibility map for index-only scans) or
    ANALYZE (SQLite); returns the seconds it took."""
    from academy.extensions import db

    started = time.perf_counter()
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    return time.perf_counter() - started


def table_sizes(app) -> list[tuple[str, int, int | None]]:
    """(table, rows, bytes with indexes and TOAST on PostgreSQL) of every table with rows."""
    from academy.extensions import db

    found = []
    with app.app_context(), db.engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        for table in sorted(db.metadata.tables):
            rows = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
            if not rows:
                continue
            size = conn.execute(text("SELECT pg_total_relation_size(:t)"), {"t": table}
                                ).scalar() if postgres else None
            found.append((table, rows, size))
    return sorted(found, key=lambda row: -(row[2] or row[1]))
