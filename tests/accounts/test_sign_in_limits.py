"""Failed sign-in limits keyed on the account, an address limit a classroom does not trip, and
cookies that are Secure in production (issue 16)."""
from __future__ import annotations

import pytest

from academy.accounts import signin
from academy.audit.models import AuditEvent
from academy.extensions import db
from tests.support import PASSWORD, make_app, sign_in


def _from(app, address: str = "10.20.30.40"):
    """A browser behind the given address (a classroom's NAT)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_username_and_an_email_share_one_allowance(app, create_user, academy):
    create_user(academy=academy, roles=["trainee"], username="ana.garcia",
                email="ana.garcia@example.org")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    ways_in = ["ana.garcia", "ANA.GARCIA@example.org"]
    codes = [sign_in(_from(app), ways_in[n % 2], "guess").status_code for n in range(limit)]
    assert codes == [401] * limit
    for login in ways_in:  # neither way in gets five more tries, not even the right password
        assert sign_in(_from(app), login, PASSWORD).status_code == 429


def test_names_that_match_no_account_are_limited_each_as_typed(app):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert sign_in(_from(app), "nobody.here", "guess").status_code == 401
    assert sign_in(_from(app), "nobody.here", "guess").status_code == 429
    assert sign_in(_from(app), "nobody.else", "guess").status_code == 401


def test_a_classroom_of_thirty_mistyping_their_own_passwords_still_signs_in(
        app, create_user, academy):
    """Thirty trainees behind one address each mistype twice before anyone gets in (the worst
    order): the address limit (30) is not reached, and everyone signs in."""
    assert app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] == 30
    people = [create_user(academy=academy, roles=["trainee"]) for _ in range(30)]
    for _round in range(2):
        for person in people:
            assert sign_in(_from(app), person.username, "mistyped").status_code == 401
    for person in people:
        assert sign_in(_from(app), person.username, PASSWORD).status_code == 302
    # Having signed in, they use nothing up: the same classroom can mistype again.
    assert sign_in(_from(app), people[0].username, "again").status_code == 401
    assert sign_in(_from(app), people[0].username, PASSWORD).status_code == 302


def test_one_persons_repeated_failures_count_once_against_the_address(
        app, monkeypatch, create_user, academy):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 2)
    forgetful, other = (create_user(academy=academy, roles=["trainee"]) for _ in range(2))
    for _ in range(4):
        assert sign_in(_from(app), forgetful.username, "guess").status_code == 401
    assert sign_in(_from(app), other.username, PASSWORD).status_code == 302


def test_an_address_trying_many_accounts_is_stopped_for_every_account(
        app, monkeypatch, create_user, academy):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    people = [create_user(academy=academy, roles=["trainee"]) for _ in range(5)]
    for person in people[:3]:  # one guess at each of three accounts
        assert sign_in(_from(app), person.username, "Summer2026!").status_code == 401
    assert sign_in(_from(app), people[3].username, "Summer2026!").status_code == 429
    assert sign_in(_from(app), people[0].username, PASSWORD).status_code == 429
    assert sign_in(_from(app, "10.99.0.1"), people[4].username, PASSWORD).status_code == 302


def test_names_that_match_no_account_count_against_the_address(app, monkeypatch, create_user,
                                                               academy):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    person = create_user(academy=academy, roles=["trainee"])
    for n in range(3):
        assert sign_in(_from(app), f"invented{n}", "guess").status_code == 401
    assert sign_in(_from(app), person.username, PASSWORD).status_code == 429


def test_a_refused_sign_in_is_an_outcome_and_audited(app_ctx, create_user, academy):
    """Recording a refused sign-in returns what came of it: nothing raised after a write."""
    person = create_user(academy=academy, roles=["trainee"])
    outcome = signin.authenticate(person.username, "wrong", "10.1.1.1")
    assert outcome.user is None and isinstance(outcome.problem, signin.InvalidCredentials)
    assert db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "account.login_failed", AuditEvent.target_id == person.id))
    good = signin.authenticate(person.username, PASSWORD, "10.1.1.1")
    assert good.user == person and good.problem is None


@pytest.fixture
def production_app(app, tmp_path):
    """The test database served as in production (over the plain HTTP of the test client)."""
    production = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, ENV="production",
                          PUBLIC_URL="https://campus.example.org", REQUEST_LOG=False)
    yield production
    with production.app_context():
        db.engine.dispose()


def test_cookies_are_secure_in_production_even_over_plain_http(production_app):
    client = production_app.test_client()
    page = client.get("http://localhost/login")
    assert "Secure" in page.headers["Set-Cookie"] and "HttpOnly" in page.headers["Set-Cookie"]
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True
