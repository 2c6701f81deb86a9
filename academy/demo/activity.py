"""Months of demo activity: each academy's further trainees enrol over the last eight months,
study, take quizzes, complete, give up or withdraw; Gendarmería de Chile runs its adopted copy of
ESPEN's course, now full, with requests waiting. Certificates follow (academy.demo.awards).

Deterministic: one seeded random.Random, dates counted back from today. Everything is done
through the domains' operations; study.Story then moves their stamps back to the story's moments.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update

from academy.academies.models import Academy
from academy.accounts import operations as account_ops
from academy.accounts.models import User
from academy.cohorts import operations as cohort_ops
from academy.curricula import operations as course_ops
from academy.curricula.models import Course, CourseReview
from academy.db import utcnow
from academy.demo.data import (
    ACADEMIES,
    ACTIVITY,
    ADOPTION,
    DEMO_PASSWORD,
    FIRST_NAMES,
    GRADUATES,
    PEOPLE,
    SURNAME_COUNTS,
    SURNAMES,
)
from academy.demo.study import Learner, Plan, Story, Walk
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import APPROVAL, VIEWED
from academy.extensions import db
from academy.i18n import content_language
from academy.packages import operations as package_ops
from academy.quizzes.models import QuestionVersion

SEED = 2021  # the year the network was founded
WINDOW_DAYS = 235  # about eight months of activity, up to today
LAUNCH_DAYS = 250  # the network's courses were published this long ago
WAITING = 4  # the adopting academy's newest trainees, who ask for a place in its full course
WITHDRAWS = 0.4  # the share of those who gave up whose enrolment is ended


@dataclass
class Activity:
    """What the months held: the story's clock, the new logins, and every enrolment's walk."""

    story: Story
    plans: dict[int, Plan]
    logins: list[tuple[str, str]] = field(default_factory=list)
    walks: list[Walk] = field(default_factory=list)
    requests: list = field(default_factory=list)  # enrolments waiting for a place


def new_story() -> Story:
    """The demo's clock and its seeded random numbers. The story ends at the start of today
    (UTC), so the demo tells the same story whatever the hour it is loaded."""
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return Story(today, random.Random(SEED))


def prefix_of(academy_id: int) -> str:
    """The demo's login prefix of an academy (`es` for es-cep)."""
    slugs = {spec["slug"]: spec["prefix"] for spec in ACADEMIES}
    return slugs[db.session.get(Academy, academy_id).slug]


def staff_of(academy_id: int, role: str) -> User:
    """The demo's admin or instructor of an academy (`es.admin`, `es.instructor`)."""
    return db.session.scalar(select(User).where(User.username == f"{prefix_of(academy_id)}.{role}"))


def plan_of(story: Story, course: Course) -> Plan:
    """The course as the story walks it, its essays graded by its academy's instructor."""
    return story.plan(course, staff_of(course.academy_id, "instructor"))


def new_learner(user: User, spec: dict, rng: random.Random, **traits) -> Learner:
    """A trainee's way of studying, drawn at random (or as given)."""
    drawn = {"ability": min(0.96, max(0.4, rng.gauss(0.7, 0.12))),
             "pace_days": rng.uniform(1.2, 7.0), "steadiness": rng.uniform(0.4, 2.0)}
    return Learner(user, content_language(spec["default_locale"]),
                   ACTIVITY[spec["prefix"]]["utc_offset"], **{**drawn, **traits})


def load_activity(story: Story, courses: list[Course]) -> Activity:
    """Create each academy's further trainees and what they did over the months."""
    copy = adopt(courses)
    activity = Activity(story, {c.id: plan_of(story, c) for c in [*courses, *filter(None, [copy])]})
    waiting: list[User] = []
    for spec in ACADEMIES:
        academy = db.session.scalar(select(Academy).where(Academy.slug == spec["slug"]))
        catalogue = {course.slug: course for course in courses}
        if copy is not None and copy.academy_id == academy.id:
            catalogue[ADOPTION["source"]] = copy
        trainees = create_trainees(academy, spec, story.rng)
        activity.logins += [(user.username, "trainee") for user in trainees]
        if copy is not None and copy.academy_id == academy.id:
            trainees, waiting = trainees[:-WAITING], trainees[-WAITING:]
        study(activity, spec, academy, trainees, catalogue)
    withdraw_some(activity)
    if waiting:  # after the withdrawals, which would give their places to those waiting
        activity.requests = ask_for_places(story, copy, waiting)
    story.backdate()
    backdate_setting(activity, courses, copy)
    return activity


def adopt(courses: list[Course]) -> Course | None:
    """The adopting academy's own copy of another's shared course, retitled and published."""
    source = next((c for c in courses if c.slug == ADOPTION["source"]), None)
    academy = db.session.scalar(select(Academy).where(Academy.slug == ADOPTION["academy"]))
    if source is None or academy is None:
        return None
    instructor = staff_of(academy.id, "instructor")
    copy = package_ops.adopt_course(source, academy, actor_id=instructor.id)
    for locale, title in ADOPTION["title"].items():
        summary = copy.text(locale)[0].summary
        course_ops.set_course_text(copy, locale, title=title, summary=summary)
    course_ops.publish_course(copy, actor_id=instructor.id)
    return copy


def invent_names(prefix: str, count: int, rng: random.Random) -> list[str]:
    """`count` different names of the country, none already taken by the demo."""
    taken = set(PEOPLE[prefix]) | set(GRADUATES[prefix])
    firsts = rng.sample(FIRST_NAMES[prefix], len(FIRST_NAMES[prefix]))
    names = []
    while len(names) < count:
        first = firsts[len(names) % len(firsts)]
        surnames = rng.sample(SURNAMES[prefix], rng.choice(SURNAME_COUNTS[prefix]))
        name = " ".join([first, *surnames])
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def create_trainees(academy: Academy, spec: dict, rng: random.Random) -> list[User]:
    """The academy's further trainees (`es.trainee4` …), with the demo password."""
    prefix = spec["prefix"]
    people = []
    names = invent_names(prefix, ACTIVITY[prefix]["trainees"], rng)
    for number, name in enumerate(names, start=4):
        user, _ = account_ops.create_user(
            username=f"{prefix}.trainee{number}", display_name=name, academy=academy,
            staff_number=f"{spec['country']}-{3000 + number}", locale=spec["default_locale"],
            password=DEMO_PASSWORD, roles=["trainee"])
        people.append(user)
    return people


def study(activity: Activity, spec: dict, academy: Academy, trainees: list[User],
          catalogue: dict[str, Course]) -> None:
    """The academy's cohort, enrolled together by staff, and everyone's own enrolments."""
    story, rng = activity.story, activity.story.rng
    settings = ACTIVITY[spec["prefix"]]
    members = trainees[:settings["cohort"][2]]
    # A cohort's people study together, followed by staff: fewer give up.
    learners = {user.id: new_learner(user, spec, rng, **({"steadiness": rng.uniform(0.2, 0.9)}
                                                        if user in members else {}))
                for user in trainees}
    enrol_cohort(activity, academy, settings["cohort"], [learners[u.id] for u in members],
                 catalogue)
    for user in trainees:
        skip = settings["cohort"][0] if user in members else None
        for slug in chosen_courses(settings["courses"], rng, skip=skip):
            course = catalogue[slug]
            start = story.session_after(story.now - timedelta(days=start_days(course, rng)),
                                        learners[user.id], 0)
            follow(activity, learners[user.id], enrolment_ops.enrol_self(user, course).enrolment,
                   start)


def enrol_cohort(activity: Activity, academy: Academy, cohort_spec: tuple,
                 members: list[Learner], catalogue: dict[str, Course]) -> None:
    """A cohort of the academy's trainees, enrolled together one day by the course's staff."""
    slug, days_ago, _size, name = cohort_spec
    story, course = activity.story, catalogue[slug]
    cohort = cohort_ops.create_cohort(academy, name)
    cohort_ops.add_members(cohort, [member.user.username for member in members])
    start = story.session_after(story.now - timedelta(days=days_ago), members[0], 0)
    cohort.created_at = start - timedelta(days=3)
    enrolments, _ = enrolment_ops.enrol_people(
        course, [member.user for member in members],
        actor_id=staff_of(course.academy_id, "admin").id)
    by_user = {member.user.id: member for member in members}
    for enrolment in enrolments:
        follow(activity, by_user[enrolment.user_id], enrolment, start)


def follow(activity: Activity, learner: Learner, enrolment, start) -> None:
    """Follow one enrolment from `start` and keep how it went."""
    plan = activity.plans[enrolment.course_id]
    activity.walks.append(activity.story.follow(plan, learner, enrolment, start))


def chosen_courses(chances: dict[str, float], rng: random.Random, skip: str | None) -> list[str]:
    """The courses one trainee follows on their own (at least one, unless in a cohort)."""
    chosen = [slug for slug, chance in chances.items() if rng.random() < chance and slug != skip]
    if not chosen and skip is None:
        chosen = [max(chances, key=chances.get)]
    return chosen


def start_days(course: Course, rng: random.Random) -> float:
    """How many days ago someone enrolled: any time in the window, more often lately."""
    days = 2 + (WINDOW_DAYS - 2) * rng.random() ** 1.25
    if course.source_course_id is not None:  # not before the copy was made
        days = min(days, ADOPTION["days_ago"] - 8)
    return days


def withdraw_some(activity: Activity) -> None:
    """Some of those who gave up leave, by themselves or taken off by the course's staff."""
    story = activity.story
    for walk in activity.walks:
        if not walk.gave_up or walk.is_completed or story.rng.random() >= WITHDRAWS:
            continue
        when = (walk.last_at or walk.started_at) + timedelta(days=story.rng.uniform(10, 45))
        if when >= story.now - timedelta(days=1):
            continue
        if story.rng.random() < 0.6:
            enrolment_ops.withdraw(walk.enrolment, walk.course)
        else:
            enrolment_ops.withdraw_by_staff(walk.enrolment, walk.course,
                                            actor_id=staff_of(walk.course.academy_id, "admin").id)
        walk.enrolment.withdrawn_at = when


def ask_for_places(story: Story, copy: Course, people: list[User]) -> list:
    """The copy is full and on approval now: the newest trainees' requests wait, half of them
    approved onto the waiting list. Returns their enrolments."""
    admin = staff_of(copy.academy_id, "admin")
    enrolment_ops.save_rules(
        copy, policy=APPROVAL, enrolment_key=None,
        capacity=max(1, enrolment_ops.places_taken(copy.id)), opens_at=None, closes_at=None,
        starts_at=None, ends_at=None, allow_withdrawal=True, completion_mode=VIEWED,
        allowed_academy_ids=set())
    days = sorted((story.rng.uniform(2, 20) for _ in people), reverse=True)
    requests = []
    for number, (person, ago) in enumerate(zip(people, days, strict=True)):
        enrolment = enrolment_ops.enrol_self(person, copy).enrolment
        if number < len(people) // 2:
            enrolment_ops.approve(enrolment, copy, actor_id=admin.id)
        enrolment.requested_at = story.now - timedelta(days=ago)
        requests.append(enrolment)
    return requests


def backdate_setting(activity: Activity, courses: list[Course], copy: Course | None) -> None:
    """Academies, people and courses existed before the months of activity began."""
    now = activity.story.now
    launch = now - timedelta(days=LAUNCH_DAYS)
    db.session.execute(update(Academy).values(created_at=launch - timedelta(days=30)))
    db.session.execute(update(User).where(User.created_at > launch)
                       .values(created_at=launch - timedelta(days=20)))
    db.session.execute(update(CourseReview).where(CourseReview.course_id.in_(
        [c.id for c in courses])).values(created_at=launch))
    for course in courses:
        course.created_at, course.published_at = launch - timedelta(days=20), launch
    if copy is not None:
        copy.created_at = now - timedelta(days=ADOPTION["days_ago"])
        copy.published_at = copy.created_at + timedelta(days=4)
    for course in [*courses, *filter(None, [copy])]:
        course.updated_at = course.published_at
        db.session.execute(update(QuestionVersion).where(QuestionVersion.course_id == course.id)
                           .values(created_at=course.published_at))
    first: dict[int, object] = {}
    for user_id, moment in [*((w.learner.user.id, w.started_at) for w in activity.walks),
                            *((e.user_id, e.requested_at) for e in activity.requests)]:
        first[user_id] = min(first.get(user_id, moment), moment)
    for user_id, moment in first.items():
        db.session.get(User, user_id).created_at = moment - timedelta(days=3)
    db.session.flush()
