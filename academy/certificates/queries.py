"""Reads for the certificate pages: eligible trainees, issued certificates, verification."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select

from academy.academies.models import Academy
from academy.accounts.models import User
from academy.certificates.models import (
    APPROVAL,
    EXPIRED,
    NONE,
    REVOKED,
    SUPERSEDED,
    VALID,
    Certificate,
    CertificatePolicy,
)
from academy.cohorts.models import CohortMember
from academy.curricula.models import Course
from academy.db import escape_like
from academy.enrolment.models import COMPLETED, Enrolment
from academy.extensions import db
from academy.quizzes import queries as quiz_queries

PAGE_SIZE = 100


@dataclass(frozen=True)
class Filters:
    """What a coordinator narrows a list by (all optional)."""

    academy_id: int | None = None  # the trainee's academy
    country: str | None = None  # the trainee's academy's country
    course_id: int | None = None
    cohort_id: int | None = None
    status: str | None = None  # issued certificates only
    search: str | None = None  # issued certificates only: serial or name


@dataclass
class EligibleRow:
    enrolment_id: int
    user: User
    course_id: int
    completed_at: datetime
    grade: float | None


@dataclass
class Candidate:
    enrolment: Enrolment
    user: User
    course: Course
    grade: float | None


def _current_exists():
    return exists().where(Certificate.user_id == Enrolment.user_id,
                          Certificate.course_id == Enrolment.course_id,
                          Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None))


def _revoked_exists():
    """A revoked certificate that nothing was issued after: a coordinator decides again."""
    return exists().where(Certificate.user_id == Enrolment.user_id,
                          Certificate.course_id == Enrolment.course_id,
                          Certificate.revoked_at.is_not(None),
                          Certificate.superseded_by_id.is_(None))


def _eligible(filters: Filters, *columns):
    grade = quiz_queries.course_grade_of(Enrolment.user_id, Enrolment.course_id)
    stmt = (select(*columns, grade.label("grade"))
            .join(User, User.id == Enrolment.user_id)
            .join(Course, Course.id == Enrolment.course_id)
            .outerjoin(Academy, Academy.id == User.academy_id)
            .outerjoin(CertificatePolicy, CertificatePolicy.course_id == Enrolment.course_id)
            .where(Enrolment.status == COMPLETED, Enrolment.completed_at.is_not(None),
                   func.coalesce(CertificatePolicy.issuance, APPROVAL) != NONE,
                   or_(CertificatePolicy.min_grade.is_(None),
                       grade >= CertificatePolicy.min_grade - 1e-9),
                   ~_current_exists(), ~_revoked_exists()))
    return _narrow(stmt, filters, Enrolment.user_id, Enrolment.course_id)


def _narrow(stmt, filters: Filters, user_id, course_id):
    """The trainee's academy, its country, the course and the cohort (User and the trainee's
    Academy are joined in `stmt`)."""
    if filters.academy_id:
        stmt = stmt.where(User.academy_id == filters.academy_id)
    if filters.country:
        stmt = stmt.where(Academy.country == filters.country)
    if filters.course_id:
        stmt = stmt.where(course_id == filters.course_id)
    if filters.cohort_id:
        stmt = stmt.where(exists().where(CohortMember.cohort_id == filters.cohort_id,
                                         CohortMember.user_id == user_id))
    return stmt


@dataclass
class Listing:
    """One page of a list: its rows, how many rows there are in all, the page and the pages."""

    rows: list
    total: int
    page: int

    @property
    def pages(self) -> int:
        return -(-self.total // PAGE_SIZE)


def _page_of(stmt, order, page: int) -> Listing:
    """One page of the rows of `stmt` in `order` (a page past the end is the last one)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, min(page, -(-total // PAGE_SIZE)))
    rows = db.session.execute(stmt.order_by(*order).limit(PAGE_SIZE)
                              .offset((page - 1) * PAGE_SIZE)).all()
    return Listing(rows, total, page)


def eligible(filters: Filters, page: int = 1) -> Listing:
    """Completed enrolments that may be given a certificate now (EligibleRow), a page at a time."""
    stmt = _eligible(filters, Enrolment.id, User, Enrolment.course_id, Enrolment.completed_at)
    listing = _page_of(stmt, (Enrolment.completed_at, Enrolment.id), page)
    listing.rows = [EligibleRow(*row) for row in listing.rows]
    return listing


def eligible_ids(filters: Filters) -> list[int]:
    """Every eligible enrolment matching the filters (for "issue to all of them")."""
    stmt = _eligible(filters, Enrolment.id).order_by(Enrolment.id)
    return [row[0] for row in db.session.execute(stmt)]


def eligible_among(enrolment_ids: list[int]) -> list[int]:
    """Those of these enrolments that may still be given a certificate, in order."""
    if not enrolment_ids:
        return []
    stmt = _eligible(Filters(), Enrolment.id).where(Enrolment.id.in_(enrolment_ids))
    return sorted(row[0] for row in db.session.execute(stmt))


def people_and_courses(enrolment_ids: list[int], limit: int) -> list[tuple[User, Course]]:
    """The trainee and course of the first `limit` of these enrolments (a confirmation names
    them)."""
    stmt = (select(User, Course).join(Enrolment, Enrolment.user_id == User.id)
            .join(Course, Course.id == Enrolment.course_id)
            .where(Enrolment.id.in_(enrolment_ids[:limit])).order_by(User.sort_name, User.id))
    return [tuple(row) for row in db.session.execute(stmt)]


def batch_candidates(enrolment_ids: list[int]) -> list[Candidate]:
    """The eligible enrolments among these ids, with their people and courses, in id order."""
    stmt = _eligible(Filters(), Enrolment, User, Course).where(Enrolment.id.in_(enrolment_ids))
    return [Candidate(*row) for row in db.session.execute(stmt.order_by(Enrolment.id))]


def count_candidates(enrolment_ids: list[int]) -> int:
    """How many of these enrolments may be given a certificate now."""
    stmt = _eligible(Filters(), Enrolment.id).where(Enrolment.id.in_(enrolment_ids))
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def holding_current(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (user_id, course_id) pairs among these that hold a current certificate."""
    if not pairs:
        return set()
    users, courses = {u for u, _c in pairs}, {c for _u, c in pairs}
    rows = db.session.execute(select(Certificate.user_id, Certificate.course_id).where(
        Certificate.user_id.in_(users), Certificate.course_id.in_(courses),
        Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None)))
    return {tuple(row) for row in rows} & set(pairs)


def courses_by_id(course_ids: set[int]) -> dict[int, Course]:
    if not course_ids:
        return {}
    return {course.id: course for course in db.session.scalars(
        select(Course).where(Course.id.in_(course_ids)))}


def _status_clause(status: str, now: datetime):
    if status == REVOKED:
        return Certificate.revoked_at.is_not(None)
    live = and_(Certificate.revoked_at.is_(None))
    if status == SUPERSEDED:
        return and_(live, Certificate.superseded_at.is_not(None))
    current = and_(live, Certificate.superseded_at.is_(None))
    if status == EXPIRED:
        return and_(current, Certificate.expires_at <= now)
    return and_(current, or_(Certificate.expires_at.is_(None), Certificate.expires_at > now))


def issued(filters: Filters, now: datetime, page: int = 1) -> Listing:
    """Issued certificates (newest first) with their holders, a page at a time, and the total."""
    stmt = (select(Certificate, User).join(User, User.id == Certificate.user_id)
            .outerjoin(Academy, Academy.id == User.academy_id))
    stmt = _narrow(stmt, filters, Certificate.user_id, Certificate.course_id)
    if filters.status in (VALID, EXPIRED, REVOKED, SUPERSEDED):
        stmt = stmt.where(_status_clause(filters.status, now))
    if filters.search:
        needle = filters.search.strip()
        stmt = stmt.where(or_(Certificate.serial == needle.upper(),
                              Certificate.name.ilike(f"%{escape_like(needle)}%", escape="\\")))
    listing = _page_of(stmt, (Certificate.issued_at.desc(), Certificate.id.desc()), page)
    listing.rows = [tuple(row) for row in listing.rows]
    return listing


def of_holder(user_id: int) -> list[Certificate]:
    """A trainee's certificates, newest first."""
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def by_serial(serial: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


def by_pdf_hash(digest: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.pdf_sha256 == digest))


def of_job(job_id: str, limit: int | None = None) -> list[Certificate]:
    """The certificates a job issued, by serial (the first `limit` of them, if given)."""
    return list(db.session.scalars(select(Certificate).where(Certificate.job_id == job_id)
                                   .order_by(Certificate.serial).limit(limit)))


def academy_of_course(course_id: int) -> Academy:
    """The academy a certificate's course belongs to (the public check names it)."""
    return db.session.scalars(select(Academy).join(Course, Course.academy_id == Academy.id)
                              .where(Course.id == course_id)).one()


def replacement_of(certificate: Certificate) -> Certificate | None:
    if certificate.superseded_by_id is None:
        return None
    return db.session.get(Certificate, certificate.superseded_by_id)


def filter_choices() -> tuple[list[Academy], list[Course], list[tuple]]:
    """What the coordinators' filters offer: academies, courses with completions, cohorts."""
    from academy.cohorts.models import Cohort

    academies = list(db.session.scalars(select(Academy).order_by(Academy.slug)))
    with_completions = select(Enrolment.course_id).where(Enrolment.status == COMPLETED)
    with_certificates = select(Certificate.course_id)
    courses = list(db.session.scalars(select(Course).where(
        or_(Course.id.in_(with_completions), Course.id.in_(with_certificates)))))
    names = {academy.id: academy for academy in academies}
    cohorts = [(cohort, names[cohort.academy_id]) for cohort in db.session.scalars(
        select(Cohort).order_by(Cohort.name))]
    return academies, courses, cohorts
