"""Headers, cookies, CSRF and error pages: secure by default, and never a traceback."""
from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import InternalServerError

from academy.extensions import db
from tests.support import (
    drop_fresh_database,
    fresh_database_url,
    is_postgres,
    make_app,
    sign_in,
    upgrade_schema,
)


def test_every_response_carries_security_headers(client):
    for path in ("/", "/login", "/static/campus.css", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                          "script-src 'self'"):
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_load_nothing_from_outside_and_use_no_inline_script(client, trainee):
    sign_in(client, "maria.lopez")
    for path in ("/", "/account", "/account/password"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r'(src|href|action)="(https?:)?//', page), path
        assert "<script>" not in page and "onclick=" not in page and "style=" not in page


def test_session_cookie_is_httponly_and_samesite(client, trainee):
    response = sign_in(client, "maria.lopez")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in this test


def test_session_cookie_is_secure_over_https(app):
    response = app.test_client().get("https://localhost/login")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_post_without_csrf_token_is_refused_with_a_translated_page(client, trainee):
    response = client.post("/login", data={"username": "maria.lopez",
                                           "password": "correct horse battery staple"},
                           headers={"Accept-Language": "es"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert '<html lang="es">' in page and "Traceback" not in page
    assert 'class="site-header"' in page


@pytest.mark.parametrize("locale", ["es", "es-419", "pt-BR", "pt-PT", "fr", "en", "it"])
def test_not_found_page_is_translated_and_in_the_layout(client, locale):
    response = client.get("/does-not-exist", headers={"Accept-Language": locale})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert f'<html lang="{locale}">' in page and 'class="language-switcher"' in page


def test_unexpected_error_shows_a_friendly_page_without_traceback(app, monkeypatch):
    from academy.home import views

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views.academy_queries, "all_academies", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = app.test_client().get("/", headers={"Accept-Language": "fr"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in page and "Traceback" not in page
    assert '<html lang="fr">' in page


def test_request_larger_than_the_limit_gets_a_413_page(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = app.test_client().post("/login", data={"username": "x" * 5000},
                                      headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)


def test_method_not_allowed_page(client):
    response = client.get("/logout", headers={"Accept-Language": "en"})
    assert response.status_code == 405
    assert "Traceback" not in response.get_data(as_text=True)


def test_signed_in_pages_are_not_cached(client, trainee):
    sign_in(client, "maria.lopez")
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_internal_server_error_handler_survives_a_broken_layout(app, monkeypatch):
    from academy import errors

    def broken_render(*_a, **_k):
        raise RuntimeError("layout broken")

    monkeypatch.setattr(errors, "render_template", broken_render)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = app.test_client().get("/no-such-page")
    assert response.status_code == 500
    assert response.get_data(as_text=True) == InternalServerError.description


def test_a_rate_limit_holds_across_the_edge_of_a_window(app_ctx):
    """Five hits just before a window ends still count just after it: no second allowance."""
    from academy import ratelimit

    limit = ratelimit.Limit(5, 900)
    edge = 900 * 2_000_000
    for second in range(5):
        ratelimit.record_hit("edge-test", limit, now=edge - 5 + second)
    assert ratelimit.is_limited("edge-test", limit, now=edge + 1)
    assert ratelimit.record_hit("edge-test", limit, now=edge + 1) > limit.hits
    # Long after, the old hits fade out of the estimate.
    assert not ratelimit.is_limited("edge-test", limit, now=edge + 890)


@pytest.mark.no_transaction
def test_a_counted_sign_in_holds_no_lock_while_its_password_is_checked(tmp_path):
    """On PostgreSQL the counter row is written in its own short transaction: another sign-in
    from the same address can count itself while the first one is still hashing (issue 14),
    and the count stays, exact, even if the first request then fails."""
    if not is_postgres():
        pytest.skip("SQLite has one writer at a time: a counter written while the request writes "
                    "joins its transaction")
    from sqlalchemy import create_engine, text

    from academy import ratelimit

    url = fresh_database_url(tmp_path)
    try:
        app = make_app(url, tmp_path)
        upgrade_schema(app)
        limit = ratelimit.Limit(30, 900)
        with app.test_request_context():
            assert ratelimit.record_hit("login:addr:10.0.0.1", limit) == 1
            db.session.execute(text("SELECT 1"))  # the request's own transaction is open
            other = create_engine(url)
            with other.connect() as conn:  # a second sign-in locks the row at once
                conn.execute(text("SET lock_timeout = '1s'"))
                hits = conn.execute(text(
                    "UPDATE rate_counters SET hits = hits + 1 WHERE key = 'login:addr:10.0.0.1' "
                    "RETURNING hits")).scalar_one()
                conn.commit()
            other.dispose()
            assert hits == 2
            db.session.rollback()  # the first request fails: its hit is still counted
            assert ratelimit.record_hit("login:addr:10.0.0.1", limit) == 3
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_fresh_database(url)
