"""Every sensitive action about courses is recorded once and only once, by whom, on what, in
which academy: courses, quizzes and grades, exports of personal data, staff's enrolment
decisions, cohorts."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from academy.curricula import operations as course_ops
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import Enrolment
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.quizzes import answering, closing, configuring
from academy.quizzes import queries as quiz_queries
from tests.factories.audit import events, the_event
from tests.factories.packages import sample_package
from tests.support import post_form

# --- Courses -------------------------------------------------------------------------------------

def test_a_course_package_import_is_recorded_with_its_slug_and_version(app_ctx, academy,
                                                                       instructor):
    found = package_ops.import_package(sample_package(), academy=academy, actor_id=instructor.id)
    event = the_event("course.import", found.id)
    assert (event.actor_id, event.target_type, event.academy_id) == (instructor.id, "course",
                                                                     academy.id)
    assert event.details == {"slug": found.slug, "version": found.version}


@pytest.mark.parametrize("change, action", [("unpublish", "course.unpublish"),
                                            ("archive", "course.archive")])
def test_status_changes_are_recorded_by_the_author(client, course, instructor, academy, login_as,
                                                   change, action):
    login_as(instructor)
    page = f"/authoring/courses/{course.id}"
    post_form(client, f"{page}/status", {"change": change}, token_from=page)
    post_form(client, f"{page}/status", {"change": change}, token_from=page)  # no change again
    post_form(client, f"{page}/status", {"change": "publish"}, token_from=page)
    event = the_event(action, course.id)
    assert (event.actor_id, event.academy_id) == (instructor.id, academy.id)
    assert the_event("course.publish", course.id, actor_id=instructor.id)


def test_sharing_is_requested_refused_then_approved_and_stopped(client, course, instructor,
                                                                coordinator, academy, login_as):
    login_as(instructor)
    page = f"/authoring/courses/{course.id}"
    post_form(client, f"{page}/share", token_from=page)
    course_ops.return_sharing(course, coordinator, "Traduzca el módulo 2.")
    course_ops.request_sharing(course, actor_id=instructor.id)
    review = course_ops.approve_sharing(course, coordinator)
    course_ops.keep_in_academy(course, actor_id=instructor.id)
    db.session.commit()
    requests = events("course.share_request", course.id)
    assert [e.actor_id for e in requests] == [instructor.id, instructor.id]
    assert all(e.academy_id == academy.id for e in requests)
    refused = the_event("course.share_reject", course.id)
    assert refused.actor_id == coordinator.id and refused.details["version"] == course.version
    approved = the_event("course.share_approve", course.id)
    assert approved.actor_id == coordinator.id and approved.details["review_id"] == review.id
    assert the_event("course.share_stop", course.id).actor_id == instructor.id


def test_adopting_a_shared_course_is_recorded_on_the_copy(app_ctx, course, coordinator,
                                                          other_academy, create_user):
    course_ops.approve_sharing(course, coordinator)
    adopter = create_user(academy=other_academy, roles=["instructor"])
    copy = package_ops.adopt_course(course, other_academy, actor_id=adopter.id)
    event = the_event("course.adopt")
    assert (event.actor_id, event.target_id, event.academy_id) == (adopter.id, copy.id,
                                                                   other_academy.id)
    assert event.details["source_course_id"] == course.id
    assert events("course.import", copy.id) == []


# --- Quizzes and grades --------------------------------------------------------------------------

@pytest.fixture
def finished_attempt(course, trainee):
    from tests.factories.quizzes import slot_of, start

    enrolment_ops.enrol_self(trainee, course)
    quiz = quiz_queries.quizzes_of(course.id)[0]
    attempt = start(trainee, quiz, course)
    essay = slot_of(attempt, "p-q7")
    answering.save_answers(attempt, {essay.position: "Solo lo necesario."}, 1, utcnow())
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    return attempt


def test_grading_an_essay_is_recorded_with_the_mark_before_and_after(
        client, course, academy, instructor, finished_attempt, login_as):
    from tests.factories.quizzes import slot_of

    position = slot_of(finished_attempt, "p-q7").position
    login_as(instructor)
    url = f"/attempts/{finished_attempt.id}/questions/{position}/grade"
    post_form(client, url, {"mark": "80", "comment": "Bien."})
    post_form(client, url, {"mark": "90", "comment": "Muy bien."})
    first, second = events("quiz.essay_grade", finished_attempt.id)
    assert (first.actor_id, first.target_type, first.academy_id) == (instructor.id, "attempt",
                                                                     academy.id)
    assert first.details == {"attempt_id": finished_attempt.id, "position": position,
                             "user_id": finished_attempt.user_id, "before": None, "after": 0.8}
    assert (second.details["before"], second.details["after"]) == (0.8, 0.9)


def test_regrading_a_question_is_recorded_with_how_many_attempts(
        client, course, academy, instructor, finished_attempt, login_as):
    from academy.quizzes.models import Question
    from tests.factories.quizzes import slot_of

    question = db.session.get(Question, slot_of(finished_attempt, "p-q3").question_id)
    question.version += 1
    db.session.commit()
    login_as(instructor)
    url = f"/courses/{course.id}/questions/{question.id}/regrade"
    assert post_form(client, url, {"confirm": "y"}).status_code == 302
    event = the_event("quiz.regrade", question.id)
    assert (event.actor_id, event.target_type, event.academy_id) == (instructor.id, "question",
                                                                     academy.id)
    assert event.details["question_id"] == question.id and event.details["attempts"] == 1


def test_quiz_exceptions_added_and_removed_are_recorded(app_ctx, course, academy, trainee,
                                                        instructor):
    quiz = quiz_queries.quizzes_of(course.id)[0]
    override = configuring.add_override(quiz, user_id=trainee.id, cohort_id=None, attempts=5,
                                        closes_at=utcnow(), actor_id=instructor.id)
    override_id = override.id
    configuring.delete_override(override, actor_id=instructor.id)
    added, removed = the_event("quiz.override_add"), the_event("quiz.override_delete")
    for event in (added, removed):
        assert (event.actor_id, event.target_type, event.target_id, event.academy_id) == (
            instructor.id, "lesson", quiz.id, academy.id)
        assert event.details["user_id"] == trainee.id
        assert event.details["override_id"] == override_id
    assert added.details["attempts"] == 5 and isinstance(added.details["closes_at"], str)


def test_a_question_file_import_is_recorded_with_its_format(app_ctx, course, academy, instructor):
    from academy.quizzes.bank import operations as bank_ops

    bank_ops.import_questions(course, b"::nueva-1:: Bien {T}\n\n::nueva-2:: Mal {F}\n", "gift",
                              "es", "nuevas", None, actor_id=instructor.id)
    event = the_event("question_bank.import", course.id)
    assert (event.actor_id, event.target_type, event.academy_id) == (instructor.id, "course",
                                                                     academy.id)
    assert (event.details["questions"], event.details["format"]) == (2, "gift")


# --- Exports of personal data --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exporting_the_gradebook_is_recorded(client, course, academy, instructor, login_as, kind):
    login_as(instructor)
    response = post_form(client, f"/courses/{course.id}/gradebook.{kind}",
                         token_from=f"/courses/{course.id}/gradebook")
    assert response.status_code == 200
    event = the_event("export.gradebook", course.id)  # committed by the download itself
    assert (event.actor_id, event.target_type, event.academy_id) == (instructor.id, "course",
                                                                     academy.id)
    assert event.details["format"] == kind


def test_exporting_the_participants_is_recorded(client, course, academy, instructor, login_as):
    login_as(instructor)
    response = post_form(client, f"/authoring/courses/{course.id}/progress.xlsx",
                         {"status": "nonsense"},
                         token_from=f"/authoring/courses/{course.id}/progress")
    assert response.status_code == 200
    event = the_event("export.enrolments", course.id)
    assert (event.actor_id, event.academy_id) == (instructor.id, academy.id)
    assert event.details == {"format": "xlsx", "status": None, "rows": 0}


def test_looking_at_the_gradebook_page_records_nothing(client, course, instructor, login_as):
    login_as(instructor)
    assert client.get(f"/courses/{course.id}/gradebook").status_code == 200
    assert events("export.gradebook") == []


# --- Enrolment decisions by staff ----------------------------------------------------------------

def _enrolment(course, person) -> Enrolment:
    return db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id,
                                                     Enrolment.user_id == person.id))


def test_approving_a_request_and_withdrawing_are_recorded_for_staff_only(
        client, course, academy, trainee, instructor, login_as):
    from tests.factories.enrolment import set_rules

    set_rules(course, policy="approval")
    enrolment_ops.enrol_self(trainee, course)
    db.session.commit()
    enrolment = _enrolment(course, trainee)
    login_as(instructor)
    page = f"/authoring/courses/{course.id}/enrolment"
    post_form(client, f"/authoring/enrolments/{enrolment.id}/approve", token_from=page)
    post_form(client, f"/authoring/enrolments/{enrolment.id}/withdraw", token_from=page)
    approved = the_event("enrolment.approve", enrolment.id)
    assert (approved.actor_id, approved.target_type, approved.academy_id) == (
        instructor.id, "enrolment", academy.id)
    assert approved.details == {"course_id": course.id, "user_id": trainee.id, "status": "active"}
    withdrawn = the_event("enrolment.withdraw_by_staff", enrolment.id)
    assert withdrawn.actor_id == instructor.id and withdrawn.details["before"] == "active"
    assert events("enrolment.staff_enrol") == []  # the trainee's own request is not recorded


def test_a_trainee_leaving_by_themselves_is_not_a_staff_withdrawal(client, course, trainee,
                                                                   login_as):
    login_as(trainee)
    post_form(client, f"/courses/{course.id}/enrol", token_from=f"/courses/{course.id}")
    post_form(client, f"/courses/{course.id}/withdraw", {"confirmed": "1"},
              token_from=f"/courses/{course.id}")
    assert _enrolment(course, trainee).status == "withdrawn"
    assert events("enrolment.withdraw_by_staff") == [] and events("enrolment.staff_enrol") == []


def test_staff_enrolling_someone_is_recorded_once(client, course, academy, trainee, instructor,
                                                  login_as):
    login_as(instructor)
    page = f"/authoring/courses/{course.id}/enrolment"
    post_form(client, f"{page}/people", {"username": trainee.username})
    post_form(client, f"{page}/people", {"username": trainee.username})  # already enrolled
    event = the_event("enrolment.staff_enrol")
    assert (event.actor_id, event.target_id, event.academy_id) == (
        instructor.id, _enrolment(course, trainee).id, academy.id)
    assert event.details["user_id"] == trainee.id


def test_an_enrolment_import_is_recorded_with_each_enrolment(app_ctx, course, academy, trainee,
                                                             create_user, instructor):
    other = create_user(academy=academy, roles=["trainee"])
    data = f"username\n{trainee.username}\n{other.username}\n".encode()
    enrolment_ops.enrol_from_csv(course, data, actor_id=instructor.id)
    event = the_event("enrolment.import", course.id)
    assert (event.actor_id, event.target_type, event.academy_id) == (instructor.id, "course",
                                                                     academy.id)
    assert event.details == {"rows": 2}
    assert {e.details["user_id"] for e in events("enrolment.staff_enrol", actor_id=instructor.id)} \
        == {trainee.id, other.id}


# --- Cohorts
# ---------------------------------------------------------------------------------------

def test_cohort_membership_changes_are_recorded_once_each(client, trainee, academy,
                                                          academy_admin, login_as):
    from academy.cohorts import operations as cohort_ops

    cohort = cohort_ops.create_cohort(academy, "Promoción 2026")
    db.session.commit()
    login_as(academy_admin)
    page = f"/cohorts/{cohort.id}"
    post_form(client, f"/cohorts/{cohort.id}/members", {"people": "maria.lopez\nnobody"},
              token_from=page)
    post_form(client, f"/cohorts/{cohort.id}/members", {"people": "maria.lopez"},
              token_from=page)  # already in: nothing changes, nothing recorded
    added = the_event("cohort.members_add", cohort.id)
    assert (added.actor_id, added.academy_id) == (academy_admin.id, academy.id)
    assert added.details == {"cohort": "Promoción 2026", "usernames": ["maria.lopez"]}
    post_form(client, f"/cohorts/{cohort.id}/members/{trainee.id}/remove", token_from=page)
    post_form(client, f"/cohorts/{cohort.id}/members/{trainee.id}/remove", token_from=page)
    removed = the_event("cohort.member_remove", cohort.id)
    assert removed.details["username"] == "maria.lopez" and removed.actor_id == academy_admin.id
    post_form(client, f"/cohorts/{cohort.id}/delete", {"confirmed": "1"}, token_from=page)
    deleted = the_event("cohort.delete", cohort.id)
    assert deleted.details == {"name": "Promoción 2026", "members": 0}
