"""A partner academy enrols its own people in another academy's shared course, without adopting
it: by cohort or one by one, after a confirmation with the count and the names, within the
course's rules, with each person's true outcome."""
from __future__ import annotations

import re

import pytest

from academy.cohorts import operations as cohort_ops
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import Enrolment
from academy.extensions import db
from tests.support import post_form

EN = {"Accept-Language": "en"}


@pytest.fixture
def shared(make_course, other_academy, create_user):
    """ENAP's course, shared with the network."""
    reviewer = create_user(network_roles=["coordinator"])
    return make_course(other_academy, slug="partage", share=True, reviewer=reviewer)


@pytest.fixture
def intake(academy, create_user):
    """A cohort of the Spanish academy: two trainees and one whose account was deactivated."""
    people = [create_user(academy=academy, roles=["trainee"], display_name=f"Cadete {n}")
              for n in range(3)]
    people[2].is_active = False
    cohort = cohort_ops.create_cohort(academy, "Promoción de otoño")
    cohort_ops.add_members(cohort, [p.username for p in people])
    db.session.commit()
    return cohort, people


def enrolled_ids(course) -> set[int]:
    return set(db.session.scalars(db.select(Enrolment.user_id).where(
        Enrolment.course_id == course.id, Enrolment.status.in_(("active", "waitlisted")))))


def test_an_academy_admin_enrols_a_cohort_in_another_academys_shared_course(
        client, login_as, academy, academy_admin, shared, intake):
    cohort, people = intake
    login_as(academy_admin)
    page = client.get(f"/courses/{shared.id}", headers=EN).text
    assert f"/courses/{shared.id}/people?academy={academy.id}" in page

    choose = client.get(f"/courses/{shared.id}/people?academy={academy.id}", headers=EN).text
    assert "Promoción de otoño" in choose and "Cadete 0" in choose
    confirm = post_form(client, f"/courses/{shared.id}/people/confirm",
                        {"academy": str(academy.id), "cohort_id": str(cohort.id)},
                        token_from=f"/courses/{shared.id}/people", headers=EN)
    assert confirm.status_code == 200
    assert "You are about to enrol 3 people" in confirm.text and "Cadete 1" in confirm.text
    assert enrolled_ids(shared) == set()  # nothing before the confirmation

    ids = re.findall(r'name="person" value="(\d+)"', confirm.text)
    done = post_form(client, f"/courses/{shared.id}/people/apply",
                     {"academy": str(academy.id), "person": ids},
                     token_from=f"/courses/{shared.id}/people", headers=EN)
    assert done.status_code == 200
    assert "2 people enrolled" in done.text and "1 person not enrolled" in done.text
    assert "The account is deactivated." in done.text
    assert enrolled_ids(shared) == {people[0].id, people[1].id}

    again = post_form(client, f"/courses/{shared.id}/people/apply",
                      {"academy": str(academy.id), "person": ids[:1]},
                      token_from=f"/courses/{shared.id}/people", headers=EN)
    assert "Already enrolled." in again.text


def test_the_courses_rules_hold_for_partners_and_the_page_says_why(
        client, login_as, academy, other_academy, academy_admin, shared, intake):
    cohort, people = intake
    rules = enrolment_ops.rules_of(shared)
    enrolment_ops.save_rules(shared, policy=rules.policy, enrolment_key=None, capacity=1,
                             opens_at=None, closes_at=None, starts_at=None, ends_at=None,
                             allow_withdrawal=True, completion_mode=rules.completion_mode,
                             allowed_academy_ids=set())
    db.session.commit()
    login_as(academy_admin)
    done = post_form(client, f"/courses/{shared.id}/people/apply",
                     {"academy": str(academy.id), "person": [str(people[0].id), str(people[1].id)]},
                     token_from=f"/courses/{shared.id}/people", headers=EN)
    assert "1 person enrolled" in done.text and "1 person on the waiting list" in done.text

    enrolment_ops.save_rules(shared, policy=rules.policy, enrolment_key=None, capacity=None,
                             opens_at=None, closes_at=None, starts_at=None, ends_at=None,
                             allow_withdrawal=True, completion_mode=rules.completion_mode,
                             allowed_academy_ids={other_academy.id})
    db.session.commit()
    page = client.get(f"/courses/{shared.id}/people", headers=EN).text
    assert "This course is not open to people of your academy." in page
    outsider = db.session.get(type(people[2]), people[2].id)
    outsider.is_active = True
    db.session.commit()
    done = post_form(client, f"/courses/{shared.id}/people/apply",
                     {"academy": str(academy.id), "person": [str(people[2].id)]},
                     token_from=f"/courses/{shared.id}/people", headers=EN)
    assert "This course is not open to people of your academy." in done.text
    assert people[2].id not in enrolled_ids(shared)


def test_only_a_partner_academys_staff_enrol_and_only_their_own_people(
        client, login_as, academy, other_academy, academy_admin, trainee, shared, create_user):
    login_as(trainee)
    assert client.get(f"/courses/{shared.id}/people").status_code == 404
    owner = create_user(academy=other_academy, roles=["academy_admin"])
    login_as(owner)
    assert client.get(f"/courses/{shared.id}/people").status_code == 404  # they manage it
    stranger = create_user(academy=other_academy, roles=["trainee"])
    login_as(academy_admin)
    assert client.get(f"/courses/{shared.id}/people?academy={other_academy.id}").status_code == 404
    done = post_form(client, f"/courses/{shared.id}/people/confirm",
                     {"academy": str(academy.id), "person": [str(stranger.id)]},
                     token_from=f"/courses/{shared.id}/people", headers=EN)
    assert done.status_code == 422 and "tick at least one person" in done.text
    assert stranger.id not in enrolled_ids(shared)


def test_enrolling_a_cohort_in_ones_own_course_asks_first(
        client, login_as, academy, academy_admin, course, intake):
    cohort, people = intake
    login_as(academy_admin)
    path = f"/authoring/courses/{course.id}/enrolment/cohort"
    asked = post_form(client, path, {"cohort_id": str(cohort.id)},
                      token_from=f"/authoring/courses/{course.id}/enrolment", headers=EN)
    assert asked.status_code == 200 and "You are about to enrol 3 people" in asked.text
    assert enrolled_ids(course) == set()
    done = post_form(client, path, {"cohort_id": str(cohort.id), "confirmed": "1"},
                     token_from=f"/authoring/courses/{course.id}/enrolment")
    assert done.status_code == 302
    assert enrolled_ids(course) == {people[0].id, people[1].id}  # the deactivated one is not
