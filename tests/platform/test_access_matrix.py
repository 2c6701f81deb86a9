"""Every route of the app, classified, against every role: who may open what.

A route that nobody classified in tests/factories/routes.py fails
`test_every_route_is_classified`, so a page added later cannot slip through without deciding who
may use it.
"""
from __future__ import annotations

import pytest

from tests.factories.routes import ACTORS, ANONYMOUS, ROUTES
from tests.factories.world import build_world, module_factories


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = endpoints - set(ROUTES)
    assert not unclassified, f"classify these routes in ROUTES: {sorted(unclassified)}"
    assert not set(ROUTES) - endpoints, "ROUTES names endpoints that no longer exist"


def test_no_route_changes_data_on_get(app):
    """Routes classified as POST accept nothing else; GET routes are the reading ones."""
    for rule in app.url_map.iter_rules():
        access = ROUTES[rule.endpoint]
        if access.method == "POST":
            assert "GET" not in rule.methods, f"{rule.endpoint} changes data and must be POST-only"


@pytest.fixture(scope="module")
def matrix_world(app, module_transaction):
    """The same world, built once for this module's ~950 cases (each runs in a savepoint of
    the module's transaction, rolled back after it): people by id, as each case has its own
    session."""
    with app.test_request_context():
        people, objects = build_world(*module_factories())
        return {actor: person.id for actor, person in people.items()}, objects


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_access(app, matrix_world, login_as, endpoint, actor):
    from flask import url_for

    from academy.accounts.models import User
    from academy.extensions import db

    people, objects = matrix_world
    access = ROUTES[endpoint]
    client = app.test_client()
    if actor != ANONYMOUS:
        login_as(db.session.get(User, people[actor]), client)
    values = {name: objects.get(ref, ref) for name, ref in access.values.items()}
    with app.test_request_context():
        url = url_for(endpoint, **values)
    app.config["WTF_CSRF_ENABLED"] = False  # this test is about roles; CSRF has its own tests
    try:
        response = client.open(url, method=access.method)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    response.close()
    location = response.headers.get("Location", "")
    if actor in access.allowed:
        assert response.status_code not in (401, 403, 404, 405), (endpoint, actor)
        assert "/login" not in location or endpoint == "accounts.logout", (endpoint, actor)
        assert response.status_code < 500
    elif actor == ANONYMOUS:
        assert response.status_code == 302 and "/login" in location, \
            (endpoint, response.status_code)
    else:
        assert response.status_code == access.denied, (endpoint, actor, response.status_code)
