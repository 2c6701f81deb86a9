"""Loading the demo data set (idempotent: nothing is loaded twice)."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from academy.academies import operations as academy_ops
from academy.academies.models import Academy
from academy.accounts import operations as account_ops
from academy.curricula import operations as course_ops
from academy.curricula import topics
from academy.demo import activity, awards
from academy.demo.data import (
    ACADEMIES,
    CERTIFICATE_DESIGNS,
    CERTIFICATE_POLICIES,
    DEMO_PASSWORD,
    GRADUATE_COHORT,
    GRADUATES,
    NETWORK_STAFF,
    PEOPLE,
    TOPICS,
)
from academy.extensions import db
from academy.i18n import content_language
from academy.packages import operations as package_ops
from academy.packages import revisions
from academy.packages.archive import read_folder


def is_loaded() -> bool:
    """Whether the database already holds academies (demo or real)."""
    return bool(db.session.scalar(select(func.count()).select_from(Academy)))


def load_demo() -> list[tuple[str, str]]:
    """Create the demo academies, people, courses and months of activity; return (username, role
    description) for the README."""
    logins: list[tuple[str, str]] = []
    created_staff = []
    for staff in NETWORK_STAFF:
        user, _ = account_ops.create_user(username=staff["username"],
                                          display_name=staff["display_name"],
                                          locale=staff["locale"], password=DEMO_PASSWORD,
                                          network_roles=staff["roles"])
        created_staff.append(user)
        logins.append((staff["username"], staff["roles"][0]))
    for spec in ACADEMIES:
        academy = academy_ops.create_academy(slug=spec["slug"], names=spec["names"],
                                             country=spec["country"],
                                             default_locale=spec["default_locale"])
        names = PEOPLE[spec["prefix"]]
        roles = [("admin", "academy_admin"), ("instructor", "instructor"),
                 ("trainee1", "trainee"), ("trainee2", "trainee"), ("trainee3", "trainee")]
        for index, ((suffix, role), name) in enumerate(zip(roles, names, strict=True)):
            username = f"{spec['prefix']}.{suffix}"
            email = f"{username}@demo.example.org" if index < 2 else None  # most trainees have none
            account_ops.create_user(
                username=username, display_name=name, email=email,
                staff_number=f"{spec['country']}-{1001 + index}", academy=academy,
                locale=spec["default_locale"], password=DEMO_PASSWORD, roles=[role])
            logins.append((username, role))
    db.session.flush()
    coordinator = next(u for u in created_staff if u.is_coordinator)
    courses = load_curricula(reviewer=coordinator)
    story = activity.new_story()
    logins.extend(load_graduates(next(c for c in courses if c.slug == "mandela-rules-in-practice"),
                                 story))
    months = activity.load_activity(story, courses)
    # The policies come after the months of study, so no certificate is issued with today's
    # date on the way; awards issues them as of their own days.
    set_up_certificates(courses, coordinator)
    awards.issue_certificates(months, coordinator)
    logins.extend(months.logins)
    return logins


def set_up_certificates(courses, coordinator) -> None:
    """The demo courses' certificate settings and two academies' certificate designs."""
    from academy.certificates import configuring as certificate_settings

    for course in courses:
        if course.slug in CERTIFICATE_POLICIES:
            certificate_settings.save_policy(course, actor_id=coordinator.id,
                                             **CERTIFICATE_POLICIES[course.slug])
    for slug, design in CERTIFICATE_DESIGNS.items():
        academy = db.session.scalar(select(Academy).where(Academy.slug == slug))
        certificate_settings.save_template(academy, actor_id=coordinator.id, **design)


def load_graduates(course, story) -> list[tuple[str, str]]:
    """Each academy's graduates: a cohort of trainees who completed `course` (its quizzes
    passed) in the last weeks."""
    from datetime import timedelta

    from academy.cohorts import operations as cohort_ops
    from academy.enrolment import operations as enrolment_ops

    logins = []
    plan = activity.plan_of(story, course)
    for number, spec in enumerate(ACADEMIES):
        academy = db.session.scalar(select(Academy).where(Academy.slug == spec["slug"]))
        usernames = []
        for index, name in enumerate(GRADUATES[spec["prefix"]], start=1):
            username = f"{spec['prefix']}.graduate{index}"
            user, _ = account_ops.create_user(
                username=username, display_name=name, academy=academy,
                staff_number=f"{spec['country']}-{2000 + index}", locale=spec["default_locale"],
                password=DEMO_PASSWORD, roles=["trainee"])
            enrolment = enrolment_ops.enrol_by_staff(user, course)
            steady = activity.new_learner(user, spec, story.rng, ability=0.88, pace_days=1.5,
                                          steadiness=0)
            started = story.now - timedelta(days=28 + 3 * number + index)
            story.follow(plan, steady, enrolment, started, must_complete=True)
            usernames.append(username)
            logins.append((username, "trainee"))
        cohort = cohort_ops.create_cohort(
            academy, GRADUATE_COHORT.get(content_language(spec["default_locale"]),
                                         GRADUATE_COHORT["en"]))
        cohort_ops.add_members(cohort, usernames)
        cohort.created_at = story.now - timedelta(days=32 + 3 * number)
    return logins


def curricula_folders() -> list[Path]:
    """The network's course packages shipped in courses/."""
    root = Path(current_app.config["COURSES_DIR"])
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "course.toml").is_file())


def load_curricula(reviewer) -> list:
    """Import, publish and share every package of courses/ (as approved by the coordinator),
    with the network's names for their topics."""
    for slug, names in TOPICS.items():
        topics.save_topic(slug, names, approve=True)
    courses = []
    for folder in curricula_folders():
        course = package_ops.import_package(read_folder(folder))
        course_ops.publish_course(course)
        revisions.approve_course(course, reviewer)
        courses.append(course)
    return courses
