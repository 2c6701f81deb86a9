"""The demo's certificates over the months: issued at completion where a course issues them
automatically, in the coordinator's monthly rounds for part of the others; two revoked, and one
of those that expired renewed today.

Each certificate is drafted with the moment the story gives it and rendered from that draft, so
the PDF shows the dates stored with it and its stored hash stays the PDF's own.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from academy.accounts.models import User
from academy.certificates import configuring, contents, issuing, replacing, revoking, serials
from academy.certificates.models import APPROVAL, AUTOMATIC, Certificate
from academy.demo.activity import WINDOW_DAYS, Activity
from academy.demo.data import RENEWAL_REASON, REVOCATION_REASONS
from academy.demo.study import Walk
from academy.extensions import db
from academy.quizzes import queries as quiz_queries

ROUND_DAYS = 28  # the coordinator issues the certificates waiting for approval every four weeks
APPROVED_SHARE = 0.3  # the share of those waiting that a round issues


def issue_certificates(activity: Activity, coordinator) -> list[Certificate]:
    """Issue, revoke and renew the demo's certificates (the courses' policies already set)."""
    story = activity.story
    rounds = approval_rounds(story.now)
    due = []
    for walk in (w for w in activity.walks if w.is_completed):
        issuance = configuring.policy_of(walk.course.id).issuance
        if issuance == AUTOMATIC:
            due.append((walk.enrolment.completed_at + timedelta(seconds=5), walk, None))
        elif issuance == APPROVAL and story.rng.random() < APPROVED_SHARE:
            when = next((r for r in rounds if r > walk.enrolment.completed_at), None)
            if when is not None:
                due.append((when, walk, coordinator.id))
    issued = [found for when, walk, actor_id in sorted(due, key=lambda item: item[0])
              if (found := issue_at(walk, when, actor_id)) is not None]
    revoke_some([c for c in issued if c.issued_by_id is not None], story, coordinator)
    renew_one(issued, story.now, coordinator)
    return issued


def approval_rounds(now: datetime) -> list[datetime]:
    """The coordinator's rounds of issuing: every four weeks, mid-morning, up to now."""
    first = (now - timedelta(days=WINDOW_DAYS)).date()
    rounds = []
    for number in range(WINDOW_DAYS // ROUND_DAYS + 1):
        moment = datetime.combine(first + timedelta(days=ROUND_DAYS * (number + 1)), time(9, 30),
                                  tzinfo=UTC)
        if moment < now:
            rounds.append(moment)
    return rounds


def issue_at(walk: Walk, when: datetime, actor_id: int | None) -> Certificate | None:
    """One certificate issued at `when` (PDF rendered with that date), if the rules allow it."""
    enrolment, course = walk.enrolment, walk.course
    user = db.session.get(User, enrolment.user_id)
    policy = configuring.policy_of(course.id)
    grade = quiz_queries.course_grade(user.id, course.id)
    if issuing.refusal(enrolment, policy, grade, has_current=False) is not None:
        return None
    draft = issuing.draft_certificate(
        enrolment.completed_at, user, course, serial=serials.next_serials(when.year)[0],
        actor_id=actor_id, base_url=contents.public_base_url(), now=when, grade=grade,
        policy=policy)
    pdf = draft.render()
    issuing.keep_batch([draft], [pdf], actor_id=actor_id, job_id=None)
    return draft.certificate


def revoke_some(candidates: list[Certificate], story, coordinator) -> None:
    """Two certificates revoked by the coordinator, with the reason, days after issue."""
    chosen = story.rng.sample(candidates, min(len(REVOCATION_REASONS), len(candidates)))
    for certificate, reason in zip(chosen, REVOCATION_REASONS, strict=False):
        revoking.revoke(certificate, reason=reason, actor_id=coordinator.id)
        certificate.revoked_at = min(story.now - timedelta(hours=2), certificate.issued_at
                                     + timedelta(days=story.rng.uniform(6, 30)))
    db.session.flush()


def renew_one(issued: list[Certificate], now: datetime, coordinator) -> None:
    """The oldest expired certificate renewed today (the others stay expired)."""
    expired = [c for c in issued if c.expires_at is not None and c.expires_at <= now
               and c.revoked_at is None]
    if expired:
        replacing.renew(min(expired, key=lambda c: c.issued_at), actor_id=coordinator.id,
                        reason=RENEWAL_REASON)
