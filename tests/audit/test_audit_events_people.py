"""Every sensitive action about people is recorded once and only once, by whom, on whom, in
which academy, and never with a secret in it: signing in and out, passwords, people and their
roles."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from academy.accounts import operations as account_ops
from academy.audit.models import AuditEvent
from academy.extensions import db
from tests.factories.audit import events, the_event
from tests.support import PASSWORD, post_form, sign_in

NEW_PASSWORD = "a brand new passphrase for María"


def assert_no_secret(event: AuditEvent, *secrets: str) -> None:
    text = json.dumps(event.details)
    for secret in (PASSWORD, NEW_PASSWORD, *secrets):
        assert secret not in text


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
