"""Browser tests: real Chromium, driven by Playwright, against a live Campus server.

One server (on a committed SQLite database with the demo loaded) and one browser serve the
whole session; each test gets fresh browser contexts, so cookies never leak between tests.
Every test here runs outside the per-test transaction: the server commits for real.
"""
from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from academy.extensions import db
from tests.support import make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.no_transaction)


class _QuietHandler(WSGIRequestHandler):
    """No line per request in the test output; errors are still logged."""

    def log_request(self, code="-", size="-"):
        pass


@contextmanager
def serving(app, name: str = "campus-live-server"):
    """`app` served over HTTP on a free port by a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, demo_copy):
    """Campus served over HTTP on a free port, with the demo data; yields the base URL."""
    tmp = tmp_path_factory.mktemp("browser")
    app = make_app(demo_copy(tmp, sqlite=True), tmp)
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def axe():
    """axe-core, as bundled by axe-playwright-python (nothing fetched)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = (f"Chromium ({CHROMIUM}) is not installed; install Debian's chromium package "
                   "to run the browser tests")
        if os.environ.get("CI"):
            pytest.fail(f"{message} (required in CI)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _artifact_name(node_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-\[\]]+", "_", node_name)


@pytest.fixture
def new_page(request, browser, live_server):
    """Factory: a page in a fresh context (own cookies); closed after the test.

    The final state of every page is saved to test-artifacts/<test-name>[-n].png for humans.
    """
    contexts = []

    def _new_page(*, locale: str = "es-ES", viewport=None, **options):
        context = browser.new_context(locale=locale, base_url=live_server,
                                      viewport=viewport or {"width": 1280, "height": 900},
                                      **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    from playwright.sync_api import Error as PlaywrightError

    ARTIFACTS.mkdir(exist_ok=True)
    name = _artifact_name(request.node.name)
    for index, context in enumerate(contexts):
        for page in context.pages:
            suffix = "" if index == 0 else f"-{index + 1}"
            # A page that crashed or closed leaves no picture; the test says why.
            with suppress(PlaywrightError):
                page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=True)
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh context with a Spanish browser and a 1280x900 window."""
    return new_page()
