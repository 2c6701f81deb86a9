"""Headers, cookies, CSRF and error pages: secure by default, and never a traceback."""
from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import InternalServerError

from tests.support import sign_in


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


@pytest.mark.parametrize("locale", ["es", "pt", "fr", "en", "it"])
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
