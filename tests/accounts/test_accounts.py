"""Signing in and out, passwords, and sessions that the server really ends."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from academy.accounts.models import User, UserSession
from academy.db import utcnow
from academy.extensions import db
from tests.support import PASSWORD, csrf_token, post_form, sign_in

EN = {"Accept-Language": "en"}


def test_passwords_are_hashed_with_argon2id(trainee):
    assert trainee.password_hash.startswith("$argon2id$")
    assert PASSWORD not in trainee.password_hash


def test_sign_in_with_username_or_email(app, create_user, academy):
    create_user(academy=academy, roles=["trainee"], username="joao.silva",
                email="Joao.Silva@example.org")
    for login in ("JOAO.SILVA", "joao.silva@example.org"):
        client = app.test_client()
        assert sign_in(client, login).status_code == 302
        assert client.get("/account", headers=EN).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(client, trainee):
    wrong = sign_in(client, "maria.lopez", "not the password", )
    unknown = sign_in(client, "nobody.here", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong username or password." in wrong.get_data(as_text=True)

    def strip(r):
        return r.get_data(as_text=True).replace("maria.lopez", "X").replace("nobody.here", "X")

    assert _without_tokens(strip(wrong)) == _without_tokens(strip(unknown))


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r'value="[^"]*"', 'value=""', html)


def test_failed_sign_ins_are_limited_per_account(app, client, trainee):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert sign_in(client, "maria.lopez", "guess").status_code == 401
    blocked = sign_in(client, "maria.lopez", PASSWORD)  # even the right password waits now
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts." in blocked.get_data(as_text=True)


def test_limit_does_not_reveal_whether_the_username_exists(app, client, trainee):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    answers = {}
    for name in ("maria.lopez", "nobody.here"):
        codes = [sign_in(app.test_client(), name, "guess").status_code for _ in range(limit + 1)]
        answers[name] = codes
    assert answers["maria.lopez"] == answers["nobody.here"] == [401] * limit + [429]


def test_failed_sign_ins_are_limited_per_address(app, monkeypatch, create_user, academy):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    create_user(academy=academy, roles=["trainee"], username="other.person")
    client = app.test_client()
    for n in range(3):
        assert sign_in(client, f"guess{n}", "guess").status_code == 401
    assert sign_in(client, "other.person", PASSWORD).status_code == 429
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert sign_in(other_address, "other.person", PASSWORD).status_code == 302


def test_a_good_sign_in_from_a_classroom_address_does_not_use_up_its_limit(app, monkeypatch,
                                                                              create_user, academy):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    people = [create_user(academy=academy, roles=["trainee"]) for _ in range(6)]
    for person in people:  # six trainees behind one address sign in one after another
        assert sign_in(app.test_client(), person.username, PASSWORD).status_code == 302


def test_deactivated_person_cannot_sign_in(client, trainee, app_ctx):
    trainee.is_active = False
    db.session.commit()
    response = sign_in(client, "maria.lopez")
    assert response.status_code == 403
    assert "This account has been deactivated." in response.get_data(as_text=True)
    assert "This account has been deactivated." not in sign_in(client, "maria.lopez",
                                                                "wrong").get_data(as_text=True)


def test_logout_ends_the_session_on_the_server(app, client, trainee):
    sign_in(client, "maria.lopez")
    captured = client.get_cookie("campus_session").value
    post_form(client, "/logout", token_from="/account")
    replay = app.test_client()
    replay.set_cookie("campus_session", captured)
    response = replay.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_every_other_session(app, trainee):
    office, phone = app.test_client(), app.test_client()
    sign_in(office, "maria.lopez")
    sign_in(phone, "maria.lopez")
    response = post_form(office, "/account/password", {"current_password": PASSWORD,
                         "new_password": "a new long passphrase", "confirm_password":
                         "a new long passphrase"})
    assert response.status_code == 302
    assert office.get("/account").status_code == 200  # this browser got a fresh session
    assert phone.get("/account").status_code == 302  # the other one is signed out
    assert sign_in(app.test_client(), "maria.lopez", "a new long passphrase").status_code == 302


def test_deactivation_ends_the_persons_sessions(app, trainee, academy_admin):
    trainee_client, admin_client = app.test_client(), app.test_client()
    sign_in(trainee_client, "maria.lopez")
    sign_in(admin_client, "admin.cep")
    post_form(admin_client, f"/people/{trainee.id}/deactivate",
              token_from=f"/people/{trainee.id}/edit")
    assert trainee_client.get("/account").status_code == 302


def test_expired_session_is_refused(app, client, trainee, app_ctx):
    sign_in(client, "maria.lopez")
    past = utcnow() - timedelta(seconds=1)
    db.session.execute(update(UserSession).values(expires_at=past))
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_initial_password_must_be_changed_before_anything_else(app, client, academy_admin, app_ctx):
    from academy.accounts import operations

    person, one_time = operations.create_user(username="cadet.one", display_name="Cadete Uno",
                                              academy=academy_admin.academy, roles=["trainee"])
    db.session.commit()
    response = sign_in(client, "cadet.one", one_time)
    assert response.headers["Location"].endswith("/account/password")
    assert client.get("/").headers["Location"].endswith("/account/password")
    weak = post_form(client, "/account/password", {"current_password": one_time,
                     "new_password": "short", "confirm_password": "short"}, headers=EN)
    assert "Use at least 10 characters." in weak.get_data(as_text=True)
    post_form(client, "/account/password", {"current_password": one_time, "new_password":
              "mi contraseña propia", "confirm_password": "mi contraseña propia"})
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert not db.session.get(User, person.id).must_change_password


def test_wrong_current_password_is_refused_next_to_the_field(client, trainee):
    sign_in(client, "maria.lopez")
    response = post_form(client, "/account/password", {"current_password": "nope", "new_password":
                         "another long phrase", "confirm_password": "another long phrase"},
                         headers=EN)
    page = response.get_data(as_text=True)
    assert 'id="current_password-error"' in page and "The current password is wrong." in page


def test_sign_in_redirects_only_within_the_site(client, trainee):
    token = csrf_token(client, "/login")
    # Refused targets lead where signing in leads a trainee: their courses.
    for target, expected in (("/account", "/account"), ("https://evil.example/", "/learning"),
                             ("//evil.example/", "/learning"), ("/\\evil.example", "/learning")):
        client = client.application.test_client()
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": "maria.lopez", "password": PASSWORD,
                                               "csrf_token": token, "next": target})
        assert response.headers["Location"] == expected, target


def test_profile_keeps_name_email_and_language(client, trainee, app_ctx):
    sign_in(client, "maria.lopez")
    response = post_form(client, "/account", {"display_name": "María López F.", "email":
                         "maria@example.org", "locale": "pt_BR"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.scalar(select(User).where(User.username == "maria.lopez"))
    assert (saved.display_name, saved.email, saved.locale) == ("María López F.",
                                                               "maria@example.org", "pt_BR")


def test_profile_refuses_an_unknown_language_and_a_bad_email(client, trainee):
    sign_in(client, "maria.lopez")
    response = post_form(client, "/account", {"display_name": "María", "email": "not-an-email",
                                              "locale": "xx"}, headers=EN)
    page = response.get_data(as_text=True)
    assert "This is not a valid e-mail address." in page
    assert "Not a valid choice." in page
    assert 'value="María"' in page


def test_email_used_by_someone_else_is_refused(client, trainee, create_user, academy):
    create_user(academy=academy, roles=["trainee"], email="taken@example.org")
    sign_in(client, "maria.lopez")
    response = post_form(client, "/account", {"display_name": "María", "email": "taken@example.org",
                                              "locale": ""}, headers=EN)
    assert "This e-mail address is already used by another person." in \
        response.get_data(as_text=True)
