"""Shared courses change through revisions: the network keeps the approved version until a
coordinator approves the next one on a page that shows what changed; trainees keep their
progress, and what a revision removes keeps its history."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from academy.curricula import operations as course_ops
from academy.curricula.models import Course, CourseVersion, Lesson
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import LessonProgress
from academy.extensions import db
from academy.packages import revisions
from academy.quizzes.models import Question, QuestionVersion
from tests.support import csrf_token

EN = {"Accept-Language": "en"}


@pytest.fixture
def coordinator(create_user):
    return create_user(network_roles=["coordinator"], username="coordinadora", locale="en")


@pytest.fixture
def shared(course, coordinator):
    """The sample course, shared with the network (version 3 approved)."""
    revisions.approve_course(course, coordinator)
    db.session.commit()
    return course


@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"], username="ana.instructora",
                       locale="en")


@pytest.fixture
def reader(shared, create_user, other_academy):
    """A trainee of another academy, enrolled in the shared course, with its first page read."""
    person = create_user(academy=other_academy, roles=["trainee"], locale="en")
    enrolment = enrolment_ops.enrol_self(person, shared).enrolment
    enrolment_ops.complete_lesson(enrolment, shared.modules[0].lessons[0])
    db.session.commit()
    return person


def post(client, path: str, data: dict | None = None, token_from: str | None = None, **kwargs):
    token = csrf_token(client, token_from or path)
    return client.post(path, data={"csrf_token": token, **(data or {})}, headers=EN, **kwargs)


def first_page(course: Course) -> Lesson:
    db.session.expire_all()
    return db.session.get(Course, course.id).modules[0].lessons[0]


def body(lesson: Lesson, locale: str = "es") -> str:
    return next(t.body for t in lesson.texts if t.locale == locale)


def edit_page(client, lesson: Lesson, text: str, locale: str = "es"):
    path = f"/authoring/lessons/{lesson.id}/texts/{locale}"
    title = next(t.title for t in lesson.texts if t.locale == locale)
    return post(client, path, {"title": title, "body": text, "minutes": "5", "action": "save"},
                token_from=f"/authoring/courses/{lesson.module.course_id}")


def test_an_approved_version_is_kept_and_its_content_cannot_change_in_place(
        client, login_as, shared, instructor):
    kept = db.session.scalar(select(CourseVersion).where(CourseVersion.course_id == shared.id))
    assert kept.version == 3 and any(path.endswith(".es.md") for path in kept.files)
    login_as(instructor)
    lesson = first_page(shared)
    before = body(lesson)
    page = client.get(f"/authoring/courses/{shared.id}", headers=EN).get_data(as_text=True)
    assert "Shared with the network: version 3" in page and "Edit a new version" in page
    assert "Add a quiz" not in page  # no editing in place
    refused = edit_page(client, lesson, "Un enlace a https://phishing.example/login")
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith(f"/authoring/courses/{shared.id}#revision")
    assert body(first_page(shared)) == before
    assert client.get(f"/authoring/lessons/{lesson.id}/texts/es").status_code == 302
    bank = f"/courses/{shared.id}/questions"
    assert client.get(f"{bank}/new/truefalse").status_code == 302


def test_the_network_sees_the_approved_text_until_the_revision_is_approved(
        client, login_as, shared, instructor, coordinator, reader):
    login_as(instructor)
    started = post(client, f"/authoring/courses/{shared.id}/revision",
                   token_from=f"/authoring/courses/{shared.id}")
    revision = revisions.revision_of(shared.id)
    revision_id = revision.id
    assert started.headers["Location"] == f"/authoring/courses/{revision.id}"
    assert revision.version == 4 and revision.status == "draft"
    again = post(client, f"/authoring/courses/{shared.id}/revision",
                 token_from=f"/authoring/courses/{shared.id}")
    assert again.headers["Location"] == f"/authoring/courses/{revision.id}"  # still one
    mine = [c.id
            for c in db.session.scalars(select(Course).where(Course.revision_of_id == shared.id))]
    assert mine == [revision.id]

    assert edit_page(client, first_page(revision),
                     "Texto **revisado** de la lección.").status_code == 302
    original_text = body(first_page(shared))
    assert original_text != "Texto **revisado** de la lección."

    changes = client.get(f"/authoring/courses/{revision.id}/changes", headers=EN)
    page = changes.get_data(as_text=True)
    assert changes.status_code == 200 and "Texto **revisado** de la lección." in page
    assert "in Spanish" in page and "<del>" in page and "<ins>" in page

    asked = post(client, f"/authoring/courses/{revision.id}/revision/review",
                 token_from=f"/authoring/courses/{revision.id}")
    db.session.expire_all()
    assert asked.status_code == 302 and db.session.get(Course,
                                                       revision.id).review_status == "pending"

    login_as(reader)
    lesson_path = f"/courses/{shared.id}/lessons/{first_page(shared).id}?lang=es"
    assert "revisado" not in client.get(lesson_path).get_data(as_text=True)

    login_as(coordinator)
    review = client.get(f"/reviews/{revision.id}", headers=EN).get_data(as_text=True)
    assert "Changes since the shared version" in review and "revisado" in review
    approved = post(client, f"/reviews/{revision.id}", {"decision": "approve", "comment": ""})
    assert approved.status_code == 302
    db.session.expire_all()
    course = db.session.get(Course, shared.id)
    assert (course.version, course.approved_version, course.is_shared) == (4, 4, True)
    assert revisions.revision_of(shared.id) is None
    assert db.session.scalar(select(Course).where(Course.id == revision_id)) is None
    assert body(first_page(course)).strip() == "Texto **revisado** de la lección."
    versions = db.session.scalars(select(CourseVersion.version).where(
        CourseVersion.course_id == course.id).order_by(CourseVersion.version)).all()
    assert versions == [3, 4]

    login_as(reader)
    assert "revisado" in client.get(lesson_path).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LessonProgress).where(
        LessonProgress.user_id == reader.id)) == 1  # progress kept: the lesson is the same


def _revision_of(shared, instructor) -> Course:
    revision = revisions.start_revision(shared, actor_id=instructor.id)
    db.session.commit()
    return revision


def test_a_removed_lesson_keeps_its_history_and_leaves_the_course(app_ctx, shared, instructor,
                                                                  coordinator, reader):
    revision = _revision_of(shared, instructor)
    course_ops.delete_lesson(first_page(revision))
    revisions.request_review(revision)
    gone = first_page(shared)
    revisions.approve_revision(revision, coordinator)
    db.session.commit()
    db.session.expire_all()
    course = db.session.get(Course, shared.id)
    assert gone.id not in [lesson.id for module in course.modules for lesson in module.lessons]
    assert db.session.get(Lesson, gone.id).removed_at is not None
    assert enrolment_ops.required_lessons(course.id).count(gone.id) == 0
    assert db.session.scalar(select(func.count()).select_from(LessonProgress).where(
        LessonProgress.lesson_id == gone.id)) == 1

    # A later version may bring back a lesson of the same short name: a new lesson.
    again = _revision_of(course, instructor)
    course_ops.add_lesson(again.modules[0], "Why")
    again.modules[0].lessons[-1].slug = db.session.get(Lesson, gone.id).slug.split("-removed-")[0]
    course_ops.set_lesson_text(again.modules[0].lessons[-1], "es", title="Por qué",
                               body="Otra vez.")
    db.session.flush()
    revisions.request_review(again)
    revisions.approve_revision(again, coordinator)
    db.session.commit()
    db.session.expire_all()
    back = db.session.get(Course, shared.id).modules[0].lessons[-1]
    assert back.id != gone.id and body(back).strip() == "Otra vez."


def test_a_changed_question_used_in_attempts_gets_a_new_version(app_ctx, shared, instructor,
                                                                coordinator):
    from academy.quizzes import starting

    question = db.session.scalar(select(Question).where(Question.course_id == shared.id,
                                                        Question.ident == "p-q2"))
    starting.snapshots([question])  # used by an attempt: version 1 is frozen
    revision = _revision_of(shared, instructor)
    copy = db.session.scalar(select(Question).where(Question.course_id == revision.id,
                                                    Question.ident == "p-q2"))
    spanish = next(text for text in copy.texts if text.locale == "es")
    spanish.content = {**spanish.content, "text": "Un registro es proporcional."}
    db.session.flush()
    revisions.request_review(revision)
    revisions.approve_revision(revision, coordinator)
    db.session.commit()
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert question.version == 2
    words = {t.locale: t.content["text"] for t in question.texts}
    assert words["es"] == "Un registro es proporcional."
    frozen = db.session.scalar(select(QuestionVersion)
                               .where(QuestionVersion.question_id == question.id))
    assert frozen.version == 1 and frozen.texts["es"]["text"] != "Un registro es proporcional."


def test_a_revision_that_could_not_become_the_course_is_not_sent_for_review(
        client, login_as, shared, instructor):
    revision = _revision_of(shared, instructor)
    course_ops.add_module(revision, "Módulo vacío")
    db.session.commit()
    login_as(instructor)
    response = post(client, f"/authoring/courses/{revision.id}/revision/review",
                    token_from=f"/authoring/courses/{revision.id}", follow_redirects=True)
    assert "Sharing with the network needs these fixed first: The module “Módulo vacío” has no " \
        "lessons." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Course, revision.id).review_status is None


def test_a_revision_thrown_away_leaves_the_shared_course_as_it_was(client, login_as, shared,
                                                                   instructor):
    revision = _revision_of(shared, instructor)
    login_as(instructor)
    response = post(client, f"/authoring/courses/{revision.id}/revision/discard",
                    token_from=f"/authoring/courses/{revision.id}")
    assert response.headers["Location"] == f"/authoring/courses/{shared.id}"
    assert revisions.revision_of(shared.id) is None
    page = client.get("/authoring", headers=EN).get_data(as_text=True)
    assert f"/authoring/courses/{shared.id}" in page
    assert f"/authoring/courses/{revision.id}" not in page


def test_only_the_authors_and_coordinators_read_a_revisions_changes(
        client, login_as, shared, instructor, create_user, other_academy, reader):
    revision = _revision_of(shared, instructor)
    path = f"/authoring/courses/{revision.id}/changes"
    login_as(reader)
    assert client.get(path).status_code == 404
    login_as(create_user(academy=other_academy, roles=["instructor"]))
    assert client.get(path).status_code == 404
    assert client.get(f"/courses/{revision.id}").status_code == 404  # not in the catalogue


# --- Adopted copies follow their original's new versions -----------------------------------------

def test_an_adopted_copy_takes_the_new_version_where_it_did_not_change_the_same_part(
        client, login_as, shared, instructor, coordinator, other_academy, create_user):
    from academy.packages import operations as package_ops
    from academy.packages.upstream import upstream_of

    copy = package_ops.adopt_course(shared, other_academy)
    course_ops.set_lesson_text(first_page(copy), "es", title="Por qué importa",
                               body="Nuestra versión, adaptada a Chile.")
    revision = _revision_of(shared, instructor)
    course_ops.set_lesson_text(first_page(revision), "es", title="Por qué importa",
                               body="Texto nuevo del original.")
    cells = db.session.get(Course, revision.id).modules[1].lessons[0]
    course_ops.set_lesson_text(cells, "es", title="Celdas", body="Celdas: versión 4.")
    revisions.request_review(revision)
    revisions.approve_revision(revision, coordinator)
    db.session.commit()
    found = upstream_of(db.session.get(Course, copy.id))
    assert (found.adopted, found.available, found.known) == (3, 4, True)
    assert sorted(change.path for change in found.changes) == [
        "practice/cells.es.md", "principles/why.es.md"]

    login_as(create_user(academy=other_academy, roles=["instructor"]))
    page = client.get(f"/authoring/courses/{copy.id}", headers=EN).get_data(as_text=True)
    assert "A new version of the original is available (version 4)." in page
    shown = client.get(f"/authoring/courses/{copy.id}/upstream", headers=EN).get_data(as_text=True)
    assert "Celdas: versión 4." in shown and "Take the changes" in shown
    taken = post(client, f"/authoring/courses/{copy.id}/upstream/take",
                 token_from=f"/authoring/courses/{copy.id}/upstream", follow_redirects=True)
    assert ("follow the new version: 1. Parts you had changed yourselves, kept as you wrote them: "
            "1.") in taken.get_data(as_text=True)
    db.session.expire_all()
    copy = db.session.get(Course, copy.id)
    assert copy.source_version == 4 and upstream_of(copy) is None
    assert body(first_page(copy)).strip() == "Nuestra versión, adaptada a Chile."
    assert body(copy.modules[1].lessons[0]).strip() == "Celdas: versión 4."


def test_a_shared_quiz_keeps_its_settings_and_only_its_dates_change_in_place(
        client, login_as, shared, instructor):
    from academy.quizzes import queries as quiz_queries

    quiz = quiz_queries.quizzes_of(shared.id)[0]
    before = dict(quiz.settings)
    login_as(instructor)
    path = f"/courses/{shared.id}/quizzes/{quiz.id}/settings"
    page = client.get(path, headers=EN).get_data(as_text=True)
    assert "its quiz settings change in a new version of the course" in page
    assert 'name="time_limit_minutes"' not in page
    response = post(client, path, {"opens_at": "2027-01-10T09:00", "closes_at": "2027-01-20T18:00",
                                   "time_limit_minutes": "1", "pass_mark": "5"})
    assert response.status_code == 302
    db.session.expire_all()
    quiz = quiz_queries.quizzes_of(shared.id)[0]
    # Typed in the instructor's zone (their academy's: Madrid, UTC+1 in January), kept in UTC.
    assert quiz.settings["opens_at"].startswith("2027-01-10T08:00")
    assert {k: quiz.settings[k] for k in before} == before  # time limit and pass mark as approved


def test_a_shared_courses_question_bank_is_read_only_and_says_where_to_change_it(
        client, login_as, shared, instructor):
    login_as(instructor)
    page = client.get(f"/courses/{shared.id}/questions", headers=EN).get_data(as_text=True)
    assert "its questions change in a new version of the course" in page
    assert "/questions/new" not in page and 'id="move-form"' not in page
    assert "/questions/export" in page  # reading and exporting stay open
