"""Phones: no page is wider than a 360 px screen, for any role.

Each role signs in on a 360 px window and visits every page it can reach by following links
(as a person would, so every id in an address is one that person may open), breadth first from
its landing page. A page fails if the document scrolls sideways, if a part of it scrolls
sideways without being a labelled region one can reach with the keyboard (a wide table in a
`role="region"` with a name and `tabindex="0"`), or if it draws a chart too narrow to read (on a
phone the chart's table, always beside it, says the same). Then every page of the URL map that
answers with HTML must have been seen by some role, so a page added later cannot go untested.
"""
from __future__ import annotations

from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.checks import PHONE, WIDTH_CHECK
from tests.browser.steps import add_module, create_course, import_questions, sign_in

GIFT = (Path(__file__).resolve().parents[2] / "courses" / "mandela-rules-in-practice"
        / "01-foundations" / "quiz-foundations.es.gift")
ROLES = {"trainee": "es.trainee5", "instructor": "es.instructor", "academy admin": "es.admin",
         "coordinator": "coordinator", "site admin": "admin",
         # An author of an academy no other browser test uses, with a draft course of their own:
         # the demo's courses are all published, and an editor opens only on a draft.
         "author of a draft": "pe.instructor"}
PAGES_PER_ROLE = 400
DOWNLOADS = (".csv", ".xlsx", ".zip", ".pdf", ".gift", ".json", ".xml", ".png", ".jpg")
# Not pages: files, exports, JSON, and what only answers a form (they are POST in the URL map).
NOT_PAGES = ("static", "academies.logo", "catalog.cover", "catalog.course_file",
             "course_reports.export", "enrolment.export", "quiz_admin.export_gradebook",
             "quiz_admin.statistics_export", "reports.academy_export", "reports.network_export",
             "certificates.pdf", "certificates.specimen", "certificates.signature",
             "certificates.job_download", "certificates.verify_json", "monitoring.healthz",
             "monitoring.live", "monitoring.ready", "monitoring.prometheus",
             "audit.export", "question_bank.download", "authoring.export_package",
             "people.import_template", "credentials.trust_list_json", "credentials.did_document",
             "certificates.verify_offline_worker", "certificates.credential",
             "certificates.status_list_jwt")
# Pages reached only through a form (a search, a start button) or one person's own object;
# their width is checked by the tests of those journeys.
REACHED_BY_FORMS = ("certificates.verify_code", "certificates.verify_signed",
                    "quizzes.attempt_page", "quizzes.summary",
                    "quiz_admin.confirm_regrade", "question_bank.delete", "accounts.login",
                    "accounts.change_password", "people.create_staff", "authoring.changes",
                    # Only after a bulk issue, a sharing request, an upstream change or an essay
                    # answered and not graded, none of which the demo leaves waiting.
                    "certificates.job", "authoring.review", "authoring.upstream",
                    "quiz_admin.essay")

def _endpoint(adapter, path: str) -> str | None:
    from werkzeug.exceptions import HTTPException

    try:
        return adapter.match(path, method="GET")[0]
    except HTTPException:
        return None


def _crawl(page, adapter, live_server: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The pages one person reaches by links: {endpoint: a path seen}, {path: its problems}."""
    seen_endpoints: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    queue, visited = deque([urlsplit(page.url).path]), set()
    visits = Counter()  # of each endpoint, among the visited paths
    while queue and len(visited) < PAGES_PER_ROLE:
        path = queue.popleft()
        if path in visited:
            continue
        endpoint = _endpoint(adapter, urlsplit(path).path)
        if endpoint is None or endpoint in NOT_PAGES:
            continue
        # One or two addresses per endpoint are enough to judge its layout.
        if visits[endpoint] >= 2:
            continue
        visited.add(path)
        visits[endpoint] += 1
        if urlsplit(path).path.endswith(DOWNLOADS) or not _opens_as_html(page, live_server + path):
            continue
        seen_endpoints.setdefault(endpoint, path)
        found = page.evaluate(WIDTH_CHECK)
        if found:
            problems[path] = found
        queue.extend(target for target in _links(page) if target not in visited)
    return seen_endpoints, problems


def _opens_as_html(page, url: str) -> bool:
    """Open the address: True if it answers 200 with an HTML page."""
    try:
        response = page.goto(url)
    except PlaywrightError:  # a download the address does not announce
        return False
    return response is not None and response.status == 200 and \
        "text/html" in (response.headers.get("content-type") or "")


def _links(page) -> list[str]:
    """The site's own addresses the page links to from its main part, navigation and footer."""
    targets = []
    for href in page.eval_on_selector_all(
            "main a[href], nav a[href], footer a[href]",
            "links => links.map(a => a.getAttribute('href'))"):
        parts = urlsplit(href)
        if parts.netloc or not parts.path.startswith("/") or parts.path == "/logout":
            continue
        targets.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return targets


@pytest.fixture(scope="module")
def url_map(tmp_path_factory):
    from tests.support import make_app

    tmp = tmp_path_factory.mktemp("urlmap")
    app = make_app(f"sqlite:///{tmp / 'unused.sqlite3'}", tmp)
    return app.url_map.bind("localhost")


def test_no_page_is_wider_than_a_phone_for_any_role(new_page, live_server, url_map):
    seen: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    # No service workers: the offline verifier's would keep fetching its 2.7 MB of files after
    # the crawl has moved on, and the live server then drops those connections mid-file.
    anonymous = new_page(viewport=PHONE, service_workers="block")
    anonymous.goto("/")
    found, wrong = _crawl(anonymous, url_map, live_server)
    seen.update(found)
    problems.update({f"(signed out) {path}": p for path, p in wrong.items()})
    for role, username in ROLES.items():
        page = new_page(viewport=PHONE, service_workers="block")
        page.goto("/")
        sign_in(page, username)
        if role == "author of a draft":
            course_id = create_course(page, "Curso en preparación", "curso-en-preparacion")
            add_module(page, "Primer módulo")
            import_questions(page, course_id, GIFT, "es")  # a bank to edit and preview
            page.goto(f"{live_server}/authoring/courses/{course_id}")
        found, wrong = _crawl(page, url_map, live_server)
        seen.update(found)
        problems.update({f"({role}) {path}": p for path, p in wrong.items()})
        page.context.close()
    assert not problems, "\n".join(f"{path}: {'; '.join(p)}" for path, p in problems.items())

    pages = {rule.endpoint for rule in url_map.map.iter_rules()
             if "GET" in rule.methods and rule.endpoint not in NOT_PAGES}
    missing = pages - set(seen) - set(REACHED_BY_FORMS)
    assert not missing, f"pages no role reached by a link: {sorted(missing)}"
