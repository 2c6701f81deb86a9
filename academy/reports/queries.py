"""The figures of the network's and each academy's dashboard, computed by the database.

Trainees are counted in the academy they belong to (their home academy), whichever academy
wrote the course they follow; people without an academy (network staff) are left out. For a
period:
- active trainees: people who enrolled, finished a lesson or started a quiz attempt in it;
- enrolments: places taken in it (enrolments activated in the period);
- completion rate: the share of those enrolments completed since;
- completions, median time to complete (from activation to completion) and average final
  grade (the course grade, the mean of the trainee's quiz grades, kept on the enrolment since
  its completion): courses completed in it;
- certificates issued, revoked, and expired (reaching their end of validity) in it.

Each query groups by academy; countries and the network's totals add the academies up, except
medians, which the database computes for each level. Python only adds up and divides a few
numbers per academy; it never walks through enrolments.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Float, String, case, cast, func, literal, or_, select, tuple_, union_all
from sqlalchemy.orm import aliased

from academy.academies.models import Academy
from academy.accounts.models import User
from academy.certificates.models import Certificate
from academy.curricula.models import Course
from academy.db import utcnow
from academy.enrolment.models import COMPLETED, Enrolment, LessonProgress
from academy.extensions import db
from academy.quizzes.models import Attempt
from academy.reports.period import Period
from academy.reports.sql import median, month_key, month_of, seconds_between, within

DAY = 86400.0
TOP_COURSES = 10


@dataclass
class Figures:
    """One academy's, one country's or the network's figures for a period."""

    active_trainees: int = 0
    enrolments: int = 0
    enrolments_completed: int = 0  # of the period's enrolments, completed since
    completions: int = 0
    median_days: float | None = None
    grade_sum: float = 0.0  # of course grades in percent, over `graded` completions
    graded: int = 0
    issued: int = 0
    expired: int = 0
    revoked: int = 0

    @property
    def completion_rate(self) -> float | None:
        """0..1, or None without enrolments."""
        return self.enrolments_completed / self.enrolments if self.enrolments else None

    @property
    def average_grade(self) -> float | None:
        """0..1, or None when no completion had a grade."""
        return self.grade_sum / self.graded / 100 if self.graded else None

    def add(self, other: Figures) -> None:
        for name in ("active_trainees", "enrolments", "enrolments_completed", "completions",
                     "grade_sum", "graded", "issued", "expired", "revoked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class FigureTables:
    total: Figures
    academies: list[tuple[Academy, Figures]]  # every academy in scope, by name
    countries: list[tuple[str, Figures]]  # by country code
    months: list[MonthRow]


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    enrolments: int
    completions: int
    issued: int


@dataclass(frozen=True)
class CourseRow:
    course: Course
    enrolments: int
    completions: int
    academies: int  # academies whose trainees enrolled


@dataclass
class ExchangeRow:
    origin: Academy  # whose course (the original's academy for an adopted copy)
    learners: Academy  # whose trainees
    enrolments: int = 0
    completions: int = 0
    adopted: int = 0  # copies of the origin's courses the learners' academy adopted


@dataclass(frozen=True)
class Scope:
    """The academies a dashboard covers; None: the whole network."""

    academy_ids: frozenset[int] | None = None

    def learners(self, stmt, source, user_id, *, with_academy: bool = False):
        """Rows of `source`, joined to their trainee (by `user_id`), who must belong to an
        academy in the scope; `with_academy` joins the academy too (for its country)."""
        stmt = (stmt.select_from(source).join(User, User.id == user_id)
                .where(User.academy_id.is_not(None)))
        if with_academy:
            stmt = stmt.join(Academy, Academy.id == User.academy_id)
        if self.academy_ids is not None:
            stmt = stmt.where(User.academy_id.in_(self.academy_ids))
        return stmt


def academies_in(scope: Scope) -> list[Academy]:
    stmt = select(Academy)
    if scope.academy_ids is not None:
        stmt = stmt.where(Academy.id.in_(scope.academy_ids))
    return list(db.session.scalars(stmt))


def countries() -> list[str]:
    """The countries of the network's academies."""
    return list(db.session.scalars(select(Academy.country).distinct().order_by(Academy.country)))


def country_scope(country: str) -> Scope:
    return Scope(frozenset(db.session.scalars(
        select(Academy.id).where(Academy.country == country))))


# --- Figures per academy -------------------------------------------------------------------------

def _active(period: Period, scope: Scope) -> dict[int, int]:
    """Trainees per academy who enrolled, finished a lesson or started an attempt in the period:
    one probe per person and kind of activity (an index on the person and the time), instead
    of collecting millions of activity rows to keep the distinct people."""
    def did(model, column):
        return select(literal(1)).where(model.user_id == User.id, within(column, period)).exists()

    stmt = select(User.academy_id, func.count()).where(
        User.academy_id.is_not(None),
        or_(did(Enrolment, Enrolment.activated_at), did(Attempt, Attempt.started_at),
            did(LessonProgress, LessonProgress.completed_at)))
    if scope.academy_ids is not None:
        stmt = stmt.where(User.academy_id.in_(scope.academy_ids))
    return dict(db.session.execute(stmt.group_by(User.academy_id)).all())


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _facts(*parts) -> dict[str, list[tuple]]:
    """Run several aggregates of one statement (UNION ALL of selects whose first column names
    the part), so the rows they share are read once; the rows of each part, by its name."""
    found: dict[str, list[tuple]] = defaultdict(list)
    for kind, *values in db.session.execute(union_all(*parts)):
        found[kind].append(tuple(values))
    return found


PART_VALUES = 3


def _part(kind: str, key, *values):
    """The columns of one part of _facts: its name, a key and up to three numbers (NULL pads
    the rest, so every part has the same columns)."""
    padded = [*values, *[None] * (PART_VALUES - len(values))]
    return [literal(kind).label("kind"), cast(key, String).label("key"),
            *[cast(v, Float).label(f"v{i}") for i, v in enumerate(padded)]]


def _enrolment_facts(period: Period, scope: Scope):
    """Per academy (enrolments, of those completed, completions) and per month (enrolments,
    completions), from one pass over the enrolments of the period."""
    started = within(Enrolment.activated_at, period)
    completed = (Enrolment.status == COMPLETED) & within(Enrolment.completed_at, period)
    facts = scope.learners(select(
        User.academy_id.label("academy_id"),
        case((started, month_of(Enrolment.activated_at))).label("started"),
        case((completed, month_of(Enrolment.completed_at))).label("completed"),
        (Enrolment.status == COMPLETED).label("done"), func.count().label("n")),
        Enrolment, Enrolment.user_id).where(or_(started, completed)).group_by(
        User.academy_id, "started", "completed", "done").cte("enrolment_facts")
    n = facts.c.n
    found = _facts(
        select(*_part("academy", facts.c.academy_id,
                      func.sum(case((facts.c.started.is_not(None), n), else_=0)),
                      func.sum(case((facts.c.started.is_not(None) & facts.c.done, n), else_=0)),
                      func.sum(case((facts.c.completed.is_not(None), n), else_=0))))
        .group_by(facts.c.academy_id),
        select(*_part("started", facts.c.started, func.sum(n)))
        .where(facts.c.started.is_not(None)).group_by(facts.c.started),
        select(*_part("completed", facts.c.completed, func.sum(n)))
        .where(facts.c.completed.is_not(None)).group_by(facts.c.completed))
    per_academy = {int(key): tuple(int(v) for v in values) for key, *values in found["academy"]}
    return (per_academy, {month_key(key): int(v) for key, v, *_none in found["started"]},
            {month_key(key): int(v) for key, v, *_none in found["completed"]})


def _completion_facts(period: Period, scope: Scope):
    """Of the courses completed in the period: per academy the sum and count of final grades
    (percent) and the median days to complete; per country and in all the median. PostgreSQL
    computes the three levels in one aggregate (GROUPING SETS); SQLite, which has none,
    aggregates a common table expression three times."""
    seconds = seconds_between(Enrolment.activated_at, Enrolment.completed_at)
    # A completion dated before its enrolment (data entered by hand) has no meaningful duration.
    days = case((seconds >= 0, seconds / DAY))
    completions = (scope.learners(
        select(Academy.id.label("academy_id"), Academy.country.label("country")),
        Enrolment, Enrolment.user_id, with_academy=True)
        .where(Enrolment.status == COMPLETED, within(Enrolment.completed_at, period),
               Enrolment.activated_at.is_not(None)))
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(completions.add_columns(
            median(days), func.sum(Enrolment.final_grade), func.count(Enrolment.final_grade))
            .group_by(func.grouping_sets(tuple_(Academy.id, Academy.country),
                                         tuple_(Academy.country), tuple_()))).all()
        found = {"academy": [(a, m, t, n) for a, c, m, t, n in rows if a is not None],
                 "country": [(c, m) for a, c, m, _t, _n in rows if a is None and c is not None],
                 "network": [("network", m) for a, c, m, _t, _n in rows if c is None]}
    else:
        c = completions.add_columns(days.label("days"), Enrolment.final_grade.label("grade")
                                    ).cte("completion_facts").c
        found = _facts(
            select(*_part("academy", c.academy_id, median(c.days), func.sum(c.grade),
                          func.count(c.grade))).group_by(c.academy_id),
            select(*_part("country", c.country, median(c.days))).group_by(c.country),
            select(*_part("network", literal("network"), median(c.days))))
    grades = {int(key): (float(total or 0), int(n)) for key, _m, total, n in found["academy"]}
    middle = {"academy": {int(key): m for key, m, *_rest in found["academy"]},
              "country": {key: m for key, m, *_none in found["country"]},
              "network": {key: m for key, m, *_none in found["network"]}}
    return grades, middle


def _certificate_facts(period: Period, scope: Scope):
    """Per academy (issued, expired, revoked) and certificates issued per month."""
    issued = within(Certificate.issued_at, period)
    revoked = within(Certificate.revoked_at, period)
    expired = (within(Certificate.expires_at, period) & (Certificate.expires_at <= utcnow())
               & Certificate.revoked_at.is_(None) & Certificate.superseded_at.is_(None))
    facts = scope.learners(select(
        User.academy_id.label("academy_id"), case((issued, month_of(Certificate.issued_at))).label(
            "issued"), _count(expired).label("expired"), _count(revoked).label("revoked"),
        func.count().label("n")), Certificate, Certificate.user_id).where(
        or_(issued, revoked, within(Certificate.expires_at, period))).group_by(
        User.academy_id, "issued").cte("certificate_facts")
    f = facts.c
    found = _facts(
        select(*_part("academy", f.academy_id,
                      func.sum(case((f.issued.is_not(None), f.n), else_=0)),
                      func.sum(f.expired), func.sum(f.revoked))).group_by(f.academy_id),
        select(*_part("issued", f.issued, func.sum(f.n))).where(f.issued.is_not(None))
        .group_by(f.issued))
    per_academy = {int(key): tuple(int(v or 0) for v in values)
                   for key, *values in found["academy"]}
    return per_academy, {month_key(key): int(v) for key, v, *_none in found["issued"]}


def figures(period: Period, scope: Scope, locale: str) -> FigureTables:
    """Every figure per academy in scope, per country and in total, and per month."""
    academies = academies_in(scope)
    active = _active(period, scope)
    enrolments, started, completed = _enrolment_facts(period, scope)
    grades, middle = _completion_facts(period, scope)
    certificates, issued = _certificate_facts(period, scope)
    per_academy = []
    for academy in sorted(academies, key=lambda a: a.name_in(locale).casefold()):
        started_n, started_completed, completions = enrolments.get(academy.id, (0, 0, 0))
        grade_sum, graded = grades.get(academy.id, (0.0, 0))
        issued_n, expired, revoked = certificates.get(academy.id, (0, 0, 0))
        per_academy.append((academy, Figures(
            active.get(academy.id, 0), started_n, started_completed, completions,
            middle["academy"].get(academy.id), grade_sum, graded, issued_n, expired, revoked)))
    per_country: dict[str, Figures] = defaultdict(Figures)
    total = Figures(median_days=middle["network"].get("network"))
    for academy, numbers in per_academy:
        per_country[academy.country].add(numbers)
        total.add(numbers)
    for country, numbers in per_country.items():
        numbers.median_days = middle["country"].get(country)
    return FigureTables(total, per_academy, sorted(per_country.items()),
                        _months(period, started, completed, issued))


# --- Months, courses and the exchange of curricula -----------------------------------------------

def _months(period: Period, started: dict, completed: dict, issued: dict) -> list[MonthRow]:
    return [MonthRow(month, started.get(month, 0), completed.get(month, 0), issued.get(month, 0))
            for month in period.months()]


def monthly(period: Period, scope: Scope) -> list[MonthRow]:
    """Enrolments, completions and certificates issued per month of the period (every month,
    empty ones included)."""
    _academies, started, completed = _enrolment_facts(period, scope)
    _certificates, issued = _certificate_facts(period, scope)
    return _months(period, started, completed, issued)


def courses_and_exchange(period: Period, scope: Scope, *, shared_only: bool,
                         limit: int | None = TOP_COURSES) -> tuple[list[CourseRow],
                                                                   list[ExchangeRow]]:
    """From one pass over the period's enrolments (by course and trainees' academy):
    - the courses most enrolled in by trainees in scope (only those shared with the network
      when `shared_only`), with their completions and how many academies' trainees;
    - the exchange of curricula: which academies' trainees follow which other academies'
      courses. A copy adopted from another academy counts for the academy that wrote the
      original. Within a scope, pairs where either side is in it."""
    source = aliased(Course)
    origin = func.coalesce(source.academy_id, Course.academy_id)
    # The big pass groups by course and trainees' academy only; what a course is (its origin,
    # whether it is shared) is joined afterwards, on the few thousand grouped rows.
    pairs = (select(Enrolment.course_id.label("course_id"), User.academy_id.label("learners"),
                    func.count().label("n"),
                    _count(Enrolment.status == COMPLETED).label("done"))
             .select_from(Enrolment)
             .join(User, User.id == Enrolment.user_id)
             .where(within(Enrolment.activated_at, period), User.academy_id.is_not(None)))
    if scope.academy_ids is not None:
        theirs = (select(Course.id).outerjoin(source, source.id == Course.source_course_id)
                  .where(origin.in_(scope.academy_ids)))
        pairs = pairs.where(or_(User.academy_id.in_(scope.academy_ids),
                                Enrolment.course_id.in_(theirs)))
    p = pairs.group_by(Enrolment.course_id, User.academy_id).cte("pairs").c
    top = select(p.course_id, func.sum(p.n).label("n"), func.sum(p.done).label("done"),
                 func.count().label("academies"))
    if scope.academy_ids is not None:
        top = top.where(p.learners.in_(scope.academy_ids))
    if shared_only:
        top = top.join(Course, Course.id == p.course_id).where(Course.is_shared)
    top = (top.group_by(p.course_id).order_by(func.sum(p.n).desc(), p.course_id)
           .limit(limit).subquery())
    found = _facts(
        select(*_part("course", top.c.course_id, top.c.n, top.c.done, top.c.academies)),
        select(*_part("pair", origin, p.learners, func.sum(p.n), func.sum(p.done)))
        .join(Course, Course.id == p.course_id)
        .outerjoin(source, source.id == Course.source_course_id)
        .where(origin != p.learners).group_by(origin, p.learners))
    top_rows = sorted(found["course"], key=lambda row: (-row[1], int(row[0])))
    courses = {c.id: c for c in db.session.scalars(select(Course).where(
        Course.id.in_([int(row[0]) for row in top_rows])))} if top_rows else {}
    return ([CourseRow(courses[int(key)], int(n), int(done), int(academies))
             for key, n, done, academies in top_rows],
            _exchange_rows(period, scope, found["pair"]))


def _exchange_rows(period: Period, scope: Scope, pair_rows) -> list[ExchangeRow]:
    """The exchange's pairs with the courses adopted in the period (copies of another
    academy's course), named."""
    source = aliased(Course)
    adopted = (select(source.academy_id, Course.academy_id, func.count())
               .join(source, source.id == Course.source_course_id)
               .where(source.academy_id != Course.academy_id, within(Course.created_at, period)))
    if scope.academy_ids is not None:
        adopted = adopted.where(or_(source.academy_id.in_(scope.academy_ids),
                                    Course.academy_id.in_(scope.academy_ids)))
    pairs: dict[tuple[int, int], list[int]] = {
        (int(origin_id), int(learner_id)): [int(n), int(done), 0]
        for origin_id, learner_id, n, done in pair_rows}
    for origin_id, adopter_id, n in db.session.execute(
            adopted.group_by(source.academy_id, Course.academy_id)):
        pairs.setdefault((origin_id, adopter_id), [0, 0, 0])[2] = n
    if not pairs:
        return []
    academies = {a.id: a for a in db.session.scalars(
        select(Academy).where(Academy.id.in_({i for pair in pairs for i in pair})))}
    rows = [ExchangeRow(academies[origin], academies[learners], *numbers)
            for (origin, learners), numbers in pairs.items()]
    return sorted(rows, key=lambda r: (-r.enrolments, -r.adopted, r.origin.slug, r.learners.slug))


def followed_courses(period: Period, scope: Scope, *, shared_only: bool,
                     limit: int | None = TOP_COURSES) -> list[CourseRow]:
    """The courses most enrolled in during the period by trainees in scope."""
    return courses_and_exchange(period, scope, shared_only=shared_only, limit=limit)[0]


def exchange(period: Period, scope: Scope) -> list[ExchangeRow]:
    """The exchange of curricula in the period (see courses_and_exchange)."""
    return courses_and_exchange(period, scope, shared_only=False, limit=0)[1]
