"""The maintenance page as people meet it: on a 360 px phone, without JavaScript, in their
language, accessible; and a site admin who signs in and works under the banner.

A server of its own (an empty database with one site admin), so turning maintenance on never
reaches the other browser tests' server.
"""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from academy.accounts import operations as account_ops
from academy.db import utcnow
from academy.extensions import db
from academy.maintenance import operations as maintenance_ops
from tests.browser.checks import PHONE, WIDTH_CHECK, assert_accessible
from tests.browser.conftest import _QuietHandler
from tests.support import PASSWORD, fresh_database_url, make_app, upgrade_schema


@pytest.fixture(scope="module")
def closed_server(tmp_path_factory):
    """Campus under maintenance, on its own database; yields its base URL."""
    tmp = tmp_path_factory.mktemp("maintenance")
    app = make_app(fresh_database_url(tmp, sqlite=True), tmp, MAINTENANCE_CHECK_SECONDS=0)
    upgrade_schema(app)
    with app.test_request_context():
        account_ops.create_user(username="root.admin", display_name="Administración",
                                network_roles=["site_admin"], password=PASSWORD)
        maintenance_ops.turn_on(utcnow(), "Volvemos a las 14:30.")
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def phone(browser, closed_server):
    contexts = []

    def _open(**options):
        context = browser.new_context(base_url=closed_server, viewport=PHONE, is_mobile=True,
                                      **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def test_a_visitor_meets_the_page_on_a_phone_without_javascript(phone, axe):
    page = phone(locale="es-ES", java_script_enabled=False)
    response = page.goto("/courses")
    assert response.status == 503 and response.headers["retry-after"].isdigit()
    assert page.locator("html").get_attribute("lang") == "es"
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Volvemos a las 14:30.")
    assert page.evaluate(WIDTH_CHECK) == []
    checked = phone(locale="es-ES")  # axe runs as a script: a page of its own, with JavaScript
    checked.goto("/courses")
    assert_accessible(checked, axe)


def test_a_site_admin_signs_in_and_works_under_the_banner(phone):
    page = phone(locale="en-GB")
    page.goto("/")
    page.locator("main a[href='/login']").click()
    page.locator("#username").fill("root.admin")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".maintenance-notice")).to_contain_text("Maintenance mode is on")
    assert page.evaluate(WIDTH_CHECK) == []
