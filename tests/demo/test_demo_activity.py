"""The demo's months of activity, read back as the network dashboard and the course reports read
them: enrolments in every academy over many months, completions that obey the completion rule,
people who stopped or left, real quiz attempts, certificates and the exchange of curricula.

The demo is loaded once, committed, and copied into a database of its own for the whole module.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from academy import storage
from academy.academies.models import Academy
from academy.accounts.models import User
from academy.certificates.contents import PDF_KIND
from academy.certificates.models import Certificate
from academy.curricula.models import QUIZ, Course, Lesson, Module
from academy.db import utcnow
from academy.enrolment.models import (
    ACTIVE,
    COMPLETED,
    PENDING,
    WAITLISTED,
    WITHDRAWN,
    Enrolment,
    LessonProgress,
)
from academy.extensions import db
from academy.quizzes.models import FINISHED, Attempt, QuizResult
from academy.quizzes.statistics import quiz_statistics
from tests.support import make_app

pytestmark = pytest.mark.no_transaction


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_copy):
    """An app whose database holds the demo, loaded and committed (a copy of the session's)."""
    tmp = tmp_path_factory.mktemp("demo")
    app = make_app(demo_copy(tmp), tmp)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def session(demo):
    with demo.app_context():
        yield db.session


def _month(moment) -> str:
    return f"{moment:%Y-%m}"


def _lessons_in_order(session, course_id: int) -> list[Lesson]:
    return list(session.scalars(select(Lesson).join(Module).where(Module.course_id == course_id)
                                .order_by(Module.position, Lesson.position)))


def test_the_demo_holds_activity_in_at_least_six_months_and_none_in_the_future(session):
    now = utcnow()
    started = session.scalars(select(Enrolment.activated_at).where(
        Enrolment.activated_at.is_not(None))).all()
    done = session.scalars(select(LessonProgress.completed_at)).all()
    assert len({_month(moment) for moment in started}) >= 6
    assert len({_month(moment) for moment in done}) >= 6
    assert max([*started, *done]) <= now
    assert min(started) >= now - timedelta(days=9 * 31)


def test_every_academy_has_trainees_enrolled_and_some_more_than_others(session):
    per_academy = dict(session.execute(
        select(Academy.slug, func.count(Enrolment.id)).join(User, User.academy_id == Academy.id)
        .join(Enrolment, Enrolment.user_id == User.id).group_by(Academy.slug)).all())
    assert len(per_academy) == session.scalar(select(func.count()).select_from(Academy)) == 10
    assert min(per_academy.values()) >= 10
    assert max(per_academy.values()) >= 1.5 * min(per_academy.values())
    trainees = session.scalar(select(func.count()).select_from(User)
                              .where(User.username.like("%.trainee%")))
    assert trainees >= 10 * (3 + 12)


def test_enrolments_end_completed_withdrawn_waiting_or_mid_course(session):
    counts = dict(session.execute(select(Enrolment.status, func.count())
                                  .group_by(Enrolment.status)).all())
    assert counts[COMPLETED] >= 60 and counts[ACTIVE] >= 40 and counts[WITHDRAWN] >= 10
    assert counts[PENDING] >= 1 and counts[WAITLISTED] >= 1
    assert counts[COMPLETED] < counts[ACTIVE] + counts[COMPLETED] + counts[WITHDRAWN] < 400
    withdrawn = session.scalars(select(Enrolment).where(Enrolment.status == WITHDRAWN)).all()
    assert all(e.withdrawn_at > (e.last_activity_at or e.activated_at) for e in withdrawn)


def test_completed_enrolments_obey_the_completion_rule_with_plausible_dates(session):
    completed = session.scalars(select(Enrolment).where(Enrolment.status == COMPLETED)).all()
    passed = {(r.user_id, r.lesson_id) for r in session.scalars(
        select(QuizResult).where(QuizResult.is_passed.is_(True)))}
    days = []
    for enrolment in completed:
        lessons = _lessons_in_order(session, enrolment.course_id)
        progress = dict(session.execute(select(LessonProgress.lesson_id,
                                               LessonProgress.completed_at).where(
            LessonProgress.user_id == enrolment.user_id,
            LessonProgress.lesson_id.in_([lesson.id for lesson in lessons]))).all())
        assert set(progress) == {lesson.id for lesson in lessons}
        assert all((enrolment.user_id, lesson.id) in passed
                   for lesson in lessons if lesson.kind == QUIZ)
        assert enrolment.activated_at <= min(progress.values())
        assert max(progress.values()) == enrolment.completed_at
        days.append((enrolment.completed_at - enrolment.activated_at).days)
    days.sort()
    assert 2 <= days[len(days) // 2] <= 45  # a few days to weeks, half of them
    assert days[-1] > days[0] + 14


def test_mid_course_trainees_stop_at_various_lessons_more_of_them_later_on(session):
    stopped = select(Enrolment).where(Enrolment.status == ACTIVE,
                                      Enrolment.last_activity_at < utcnow() - timedelta(days=21))
    idle = session.scalars(stopped).all()
    assert len(idle) >= 15
    assert len({e.last_lesson_id for e in idle}) >= 5
    assert any(e.last_lesson_id is None for e in session.scalars(
        select(Enrolment).where(Enrolment.status == ACTIVE)))  # enrolled, never started


def test_progress_follows_the_lesson_order_minutes_apart_within_a_session(session):
    enrolment = session.scalars(select(Enrolment).where(Enrolment.status == COMPLETED)
                                .order_by(Enrolment.id.desc())).first()
    pages = [lesson.id for lesson in _lessons_in_order(session, enrolment.course_id)
             if lesson.kind != QUIZ]
    moments = dict(session.execute(select(LessonProgress.lesson_id, LessonProgress.completed_at)
                                   .where(LessonProgress.user_id == enrolment.user_id,
                                          LessonProgress.lesson_id.in_(pages))).all())
    ordered = [moments[lesson_id] for lesson_id in pages]
    assert ordered == sorted(ordered)
    gaps = [later - earlier for earlier, later in pairwise(ordered)]
    assert min(gaps) < timedelta(hours=3)


def test_finished_attempts_spread_their_grades_and_some_question_is_hard(session):
    fractions = session.scalars(select(Attempt.fraction).where(Attempt.status == FINISHED,
                                                               Attempt.fraction.is_not(None))).all()
    assert len(fractions) >= 200
    assert min(fractions) < 0.5 and max(fractions) == pytest.approx(1.0)
    assert len({round(f, 1) for f in fractions}) >= 5
    results = session.scalars(select(QuizResult)).all()
    assert any(not r.is_passed for r in results) and any(r.attempts == 2 for r in results)
    quiz = session.scalars(select(Lesson).join(Module).join(Course).where(
        Course.slug == "mandela-rules-in-practice", Course.source_course_id.is_(None),
        Lesson.kind == QUIZ).order_by(Module.position)).first()
    statistics = quiz_statistics(quiz.id, "es", "es")
    assert statistics.attempts >= 30
    assert min(question.facility for question in statistics.questions) < 0.45


def test_certificates_are_issued_over_the_months_some_revoked_or_expired(session):
    now = utcnow()
    certificates = session.scalars(select(Certificate)).all()
    assert 25 <= len(certificates) <= 60
    assert len({_month(c.issued_at) for c in certificates}) >= 5
    revoked = [c for c in certificates if c.revoked_at is not None]
    assert len(revoked) == 2 and all(c.revoked_reason and c.revoked_at > c.issued_at
                                     for c in revoked)
    expired = [c for c in certificates if c.status_at(now) == "expired"]
    assert expired and all(c.expires_at <= now for c in expired)
    assert any(c.superseded_by_id is not None for c in certificates)  # one renewed
    assert all(c.issued_at >= c.completed_at for c in certificates)
    for certificate in certificates:
        path = storage.stored_path(PDF_KIND, certificate.pdf_sha256, ".pdf")
        assert hashlib.sha256(path.read_bytes()).hexdigest() == certificate.pdf_sha256


def test_trainees_follow_courses_written_by_other_academies_and_an_adopted_copy(session):
    origin = aliased(Course)
    authored_by = func.coalesce(origin.academy_id, Course.academy_id)
    crossing = (select(func.count()).select_from(Enrolment)
                .join(Course, Course.id == Enrolment.course_id)
                .outerjoin(origin, origin.id == Course.source_course_id)
                .join(User, User.id == Enrolment.user_id)
                .where(authored_by != User.academy_id, Enrolment.activated_at.is_not(None)))
    assert session.scalar(crossing) >= 60
    copy = session.scalars(select(Course).where(Course.source_course_id.is_not(None))).one()
    source = session.get(Course, copy.source_course_id)
    assert copy.academy_id != source.academy_id
    assert copy.created_at > utcnow() - timedelta(days=365)
    learners = session.scalars(select(User.academy_id).distinct().join(
        Enrolment, Enrolment.user_id == User.id).where(Enrolment.course_id == copy.id)).all()
    assert learners == [copy.academy_id]
