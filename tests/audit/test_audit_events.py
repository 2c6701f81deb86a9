"""Every sensitive action is recorded once and only once, by whom, on what, in which academy,
and never with a secret in it."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from academy.accounts import operations as account_ops
from academy.audit.models import AuditEvent
from academy.curricula import operations as course_ops
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import Enrolment
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.quizzes import answering, closing, configuring
from academy.quizzes import queries as quiz_queries
from tests.factories.packages import sample_package
from tests.support import PASSWORD, post_form, sign_in

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "a brand new passphrase for María"


def events(action: str, target_id: int | None = ..., **where) -> list[AuditEvent]:
    """The recorded events of one action (about one object, if given), oldest first."""
    db.session.expire_all()  # the requests committed in their own sessions
    stmt = select(AuditEvent).where(AuditEvent.action == action)
    if target_id is not ...:
        stmt = stmt.where(AuditEvent.target_id.is_(None) if target_id is None
                          else AuditEvent.target_id == target_id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def the_event(action: str, target_id: int | None = ..., **where) -> AuditEvent:
    found = events(action, target_id, **where)
    assert len(found) == 1, f"{action}: {len(found)} events"
    return found[0]


def assert_no_secret(event: AuditEvent, *secrets: str) -> None:
    text = json.dumps(event.details)
    for secret in (PASSWORD, NEW_PASSWORD, *secrets):
        assert secret not in text


@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"])


@pytest.fixture
def coordinator(create_user):
    return create_user(network_roles=["coordinator"])


# --- Signing in and out, passwords ---------------------------------------------------------------

def test_a_sign_in_is_recorded_for_the_person(client, trainee, academy):
    assert sign_in(client, trainee.username).status_code == 302
    event = the_event("account.login")
    assert (event.actor_id, event.target_type, event.target_id, event.academy_id) == (
        trainee.id, "user", trainee.id, academy.id)
    assert event.address == "127.0.0.1"
    assert_no_secret(event)
    assert events("account.login_failed") == []


def test_an_event_recorded_outside_a_request_has_no_address(client, trainee):
    """The address comes from the request being served (academy/request_edge.py): one that came
    and went in this thread leaves nothing behind for the CLI, a job or a test."""
    from academy.audit import operations as audit

    assert sign_in(client, trainee.username).status_code == 302
    event = audit.record("account.login", actor_id=trainee.id, target_type="user",
                         target_id=trainee.id)
    assert event.address is None


def test_a_failed_sign_in_is_recorded_although_the_sign_in_fails(client, trainee, academy):
    response = sign_in(client, trainee.username, "not the password")
    assert response.status_code == 401
    event = the_event("account.login_failed")
    assert (event.actor_id, event.target_type, event.target_id, event.academy_id) == (
        None, "user", trainee.id, academy.id)
    assert event.details["login"] == trainee.username
    assert "not the password" not in json.dumps(event.details)
    assert events("account.login") == []


def test_a_failed_sign_in_with_an_unknown_name_keeps_only_the_first_100_characters(client):
    typed = "n" * 150
    assert sign_in(client, typed).status_code == 401
    event = the_event("account.login_failed")
    assert (event.target_type, event.target_id, event.academy_id) == ("user", None, None)
    assert event.details["login"] == "n" * 100
    assert_no_secret(event)


def test_a_deactivated_person_signing_in_is_a_failed_sign_in(client, trainee):
    account_ops.deactivate_user(trainee)
    db.session.commit()
    assert sign_in(client, trainee.username).status_code == 403
    event = the_event("account.login_failed", trainee.id)
    assert event.details["reason"] == "deactivated" and events("account.login") == []


def test_signing_out_is_recorded(client, trainee, login_as, academy):
    login_as(trainee)
    post_form(client, "/logout", token_from="/account")
    event = the_event("account.logout")
    assert (event.actor_id, event.target_id, event.academy_id) == (trainee.id, trainee.id,
                                                                   academy.id)


def test_changing_ones_own_password_is_recorded_without_the_passwords(client, trainee, login_as):
    login_as(trainee)
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    event = the_event("account.password_change")
    assert (event.actor_id, event.target_type, event.target_id) == (trainee.id, "user", trainee.id)
    assert_no_secret(event)
    assert events("account.login") == []  # the new session opened here is not a sign-in


def test_a_wrong_current_password_changes_nothing_and_records_nothing(client, trainee, login_as):
    login_as(trainee)
    post_form(client, "/account/password", {"current_password": "wrong",
                                            "new_password": NEW_PASSWORD,
                                            "confirm_password": NEW_PASSWORD})
    assert events("account.password_change") == []


def test_an_admin_resetting_a_password_is_recorded_without_the_one_time_password(
        client, trainee, academy_admin, academy, login_as):
    login_as(academy_admin)
    response = post_form(client, f"/people/{trainee.id}/reset-password",
                         token_from=f"/people/{trainee.id}/edit")
    one_time = re.search(r'<code class="secret">([a-z0-9-]+)</code>', response.text).group(1)
    event = the_event("account.password_reset")
    assert (event.actor_id, event.target_id, event.academy_id) == (academy_admin.id, trainee.id,
                                                                   academy.id)
    assert_no_secret(event, one_time)


# --- People and their roles
# ------------------------------------------------------------------------

def test_an_admin_adding_a_person_is_recorded_with_their_roles(client, academy, academy_admin,
                                                               login_as):
    login_as(academy_admin)
    response = post_form(client, f"/academies/{academy.id}/people/new", {
        "username": "nuevo.cadete", "display_name": "Nuevo Cadete", "locale": "es",
        "roles": ["trainee"]})
    assert response.status_code == 200
    from academy.accounts.models import User
    person = db.session.scalar(select(User).where(User.username == "nuevo.cadete"))
    event = the_event("account.create", person.id)
    assert (event.actor_id, event.target_type, event.academy_id) == (academy_admin.id, "user",
                                                                     academy.id)
    assert event.details == {"roles": ["trainee"], "network_roles": []}
    assert events("account.roles_change", person.id) == []  # the creation says it all


def test_a_person_created_on_the_command_line_or_by_the_demo_has_no_actor(app_ctx, academy):
    person, one_time = account_ops.create_user(username="sin.actor", display_name="Sin Actor",
                                               academy=academy, roles=["instructor"])
    event = the_event("account.create", person.id)
    assert event.actor_id is None and event.details["roles"] == ["instructor"]
    assert_no_secret(event, one_time)


def test_changing_someones_roles_is_recorded_before_and_after_once(client, trainee, academy,
                                                                   academy_admin, login_as):
    login_as(academy_admin)
    data = {"display_name": trainee.display_name, "locale": "es",
            "roles": ["trainee", "instructor"]}
    assert post_form(client, f"/people/{trainee.id}/edit", data).status_code == 302
    assert post_form(client, f"/people/{trainee.id}/edit", data).status_code == 302  # no change
    event = the_event("account.roles_change", trainee.id)
    assert (event.actor_id, event.academy_id) == (academy_admin.id, academy.id)
    assert event.details == {"before": ["trainee"], "after": ["instructor", "trainee"]}


def test_changing_network_roles_is_recorded(client, site_admin, coordinator, login_as):
    login_as(site_admin)
    response = post_form(client, f"/people/{coordinator.id}/edit", {
        "display_name": coordinator.display_name, "locale": "es",
        "network_roles": ["coordinator", "site_admin"]})
    assert response.status_code == 302
    event = the_event("account.network_roles_change", coordinator.id)
    assert (event.actor_id, event.academy_id) == (site_admin.id, None)
    assert event.details == {"before": ["coordinator"], "after": ["coordinator", "site_admin"]}


def test_deactivating_and_reactivating_are_recorded_once_each(client, trainee, academy,
                                                              academy_admin, login_as):
    login_as(academy_admin)
    edit = f"/people/{trainee.id}/edit"
    post_form(client, f"/people/{trainee.id}/deactivate", token_from=edit)
    post_form(client, f"/people/{trainee.id}/deactivate", token_from=edit)  # a second click
    post_form(client, f"/people/{trainee.id}/reactivate", token_from=edit)
    for action in ("account.deactivate", "account.reactivate"):
        event = the_event(action, trainee.id)
        assert (event.actor_id, event.academy_id) == (academy_admin.id, academy.id)


def test_a_people_import_is_recorded_with_each_person_created(app_ctx, academy, academy_admin):
    from academy.people import operations as people_ops
    from tests.factories.people import GOOD_CSV

    created = people_ops.import_people(academy, GOOD_CSV.encode(), actor_id=academy_admin.id)
    event = the_event("people.import")
    assert (event.actor_id, event.target_type, event.target_id, event.academy_id) == (
        academy_admin.id, "academy", academy.id, academy.id)
    assert event.details == {"rows": 3}
    for person, one_time in created:
        assert the_event("account.create", person.id).actor_id == academy_admin.id
        assert_no_secret(event, one_time)


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
