"""/metrics: who may read it, and what it counts."""
from __future__ import annotations

from concurrent.futures import Future

import pytest
from prometheus_client import REGISTRY

from academy.config import ConfigError
from academy.extensions import db
from academy.jobs import runner
from academy.monitoring import access
from tests.factories.monitoring import scrape
from tests.support import make_app, sign_in

METRICS_TOKEN = "metrics-token-of-the-tests"


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- Who may read /metrics ----------------------------------------------------------------------

ELSEWHERE = {"environ_base": {"REMOTE_ADDR": "10.9.8.7"}}


def test_metrics_are_no_page_at_all_for_a_disallowed_address(client):
    response = client.get("/metrics", **ELSEWHERE)
    assert response.status_code == 404
    assert "campus_" not in response.get_data(as_text=True)


def test_metrics_refuse_a_wrong_token_even_from_an_allowed_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", METRICS_TOKEN)
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.get("/metrics", headers=wrong, **ELSEWHERE).status_code == 404
    assert client.get("/metrics", headers=wrong).status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Basic {METRICS_TOKEN}"},
                      **ELSEWHERE).status_code == 404


def test_metrics_answer_the_token_from_anywhere(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", METRICS_TOKEN)
    response = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
                          **ELSEWHERE)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert "campus_http_requests_total" in response.get_data(as_text=True)


def test_no_token_configured_means_no_token_opens_the_metrics(app, client):
    assert app.config["METRICS_TOKEN"] is None
    assert client.get("/metrics", headers={"Authorization": "Bearer "},
                      **ELSEWHERE).status_code == 404


@pytest.mark.parametrize("allowed, address, expected", [
    ("10.0.0.0/8, 192.168.1.0/24", "10.9.8.7", 200),
    ("10.0.0.0/8, 192.168.1.0/24", "192.168.2.1", 404),
    (["127.0.0.1/32", "::1/128"], "::1", 200),
    (["127.0.0.1/32", "::1/128"], "::ffff:127.0.0.1", 200),
    (["fd00::/8"], "10.9.8.7", 404),
])
def test_metrics_answer_the_configured_networks(app, client, monkeypatch, allowed, address,
                                                expected):
    monkeypatch.setitem(app.config, "METRICS_ALLOW", allowed)
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == expected


FORWARDED = [{"X-Forwarded-For": "203.0.113.5"}, {"X-Real-IP": "203.0.113.5"},
             {"Forwarded": "for=203.0.113.5;proto=https"}]


@pytest.mark.parametrize("forwarded", FORWARDED)
def test_a_request_forwarded_by_a_proxy_on_the_same_host_needs_the_token(app, client,
                                                                         monkeypatch, forwarded):
    """nginx on the node itself and PROXY_FIX off: every visitor arrives from 127.0.0.1."""
    monkeypatch.setitem(app.config, "METRICS_TOKEN", METRICS_TOKEN)
    assert app.config["PROXY_FIX"] is False
    loopback = {"environ_base": {"REMOTE_ADDR": "127.0.0.1"}}
    assert client.get("/metrics", headers=forwarded, **loopback).status_code == 404
    token = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    assert client.get("/metrics", headers={**forwarded, **token}, **loopback).status_code == 200
    assert client.get("/metrics", **loopback).status_code == 200  # a scrape on the node itself


def test_with_proxy_fix_the_forwarded_address_decides():
    config = {"PROXY_FIX": True, "METRICS_ALLOW": ["127.0.0.1/32"], "METRICS_TOKEN": None}
    headers = {"X-Forwarded-For": "203.0.113.5"}
    # ProxyFix has made the forwarded address the request's: the visitor's, or the node's own.
    assert not access.may_read_metrics(config, "203.0.113.5", headers)
    assert access.may_read_metrics(config, "127.0.0.1", {"X-Forwarded-For": "127.0.0.1"})


def test_a_mistyped_network_stops_the_start(tmp_path):
    with pytest.raises(ConfigError, match="METRICS_ALLOW"):
        make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path,
                 METRICS_ALLOW="10.0.0.0/8, intranet")


# --- What the metrics count ---------------------------------------------------------------------

def test_requests_are_counted_by_endpoint_and_status_and_timed(client):
    before = scrape(client)
    client.get("/health/live")
    client.get("/no-such-page")
    after = scrape(client)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("campus_http_requests_total", endpoint="monitoring.live", method="GET",
                 status="200") == 1
    assert moved("campus_http_requests_total", endpoint="unmatched", method="GET",
                 status="404") == 1
    assert moved("campus_http_request_duration_seconds_count", endpoint="monitoring.live") == 1
    assert moved("campus_http_request_duration_seconds_bucket", endpoint="monitoring.live",
                 le="+Inf") == 1


def test_sign_ins_and_their_failures_are_counted(client, trainee):
    before = scrape(client)
    assert sign_in(client, trainee.username, "wrong password").status_code == 401
    assert sign_in(client, trainee.username).status_code == 302
    after = scrape(client)

    assert (value(after, "campus_sign_ins_total") - value(before, "campus_sign_ins_total")) == 1
    failures = "campus_sign_in_failures_total"
    assert (value(after, failures, reason="invalid")
            - value(before, failures, reason="invalid")) == 1
    assert value(after, failures, reason="throttled") == value(before, failures,
                                                               reason="throttled")


def test_quiz_saves_are_counted_by_how_they_were_sent(client, login_as, course, create_user,
                                                      academy):
    from academy.enrolment import operations as enrolment_ops
    from academy.quizzes import queries
    from tests.factories.quizzes import start
    from tests.support import csrf_token

    person = create_user(academy=academy, roles=["trainee"], locale="en")
    enrolment_ops.enrol_self(person, course)
    db.session.commit()
    attempt = start(person, queries.quizzes_of(course.id)[0], course)
    slot = next(s for s in attempt.slots if s.version.qtype == "truefalse")
    login_as(person)
    token = csrf_token(client, f"/attempts/{attempt.id}?page={slot.page}")
    fields = {"csrf_token": token, "page": str(slot.page), f"q{slot.position}": "true"}
    before = scrape(client)

    assert client.post(f"/attempts/{attempt.id}/autosave", data=fields).status_code == 200
    assert client.post(f"/attempts/{attempt.id}", data=fields).status_code == 302
    after = scrape(client)

    saves = "campus_quiz_answer_saves_total"
    assert value(after, saves, via="autosave") - value(before, saves, via="autosave") == 1
    assert value(after, saves, via="page") - value(before, saves, via="page") == 1


def test_jobs_are_counted_by_state_from_the_table_in_one_query(app, client, app_ctx,
                                                               count_queries):
    before = scrape(client)
    runner.create_job("test.count", owner_id=None, payload={}, total=1)
    db.session.commit()

    after = scrape(client)
    statements = count_queries(lambda: client.get("/metrics"))

    assert value(after, "campus_jobs", state="queued") == value(before, "campus_jobs",
                                                                state="queued") + 1
    assert ("campus_jobs", (("state", "failed"),)) in after  # every state, even at 0
    assert value(after, "campus_jobs_oldest_queued_age_seconds") >= 0
    assert statements == 1


def renders(outcome: str) -> float:
    return REGISTRY.get_sample_value("campus_certificate_renders_total", {"outcome": outcome})


def render_seconds() -> float:
    return REGISTRY.get_sample_value("campus_certificate_render_seconds_count")


def test_certificate_renders_are_counted_with_their_time(monkeypatch):
    from academy.certificates import rendering

    drawn, lost, timed = renders("ok"), renders("failed"), render_seconds()
    monkeypatch.setattr(rendering, "render_timed", lambda html, css, roots,
                        attachments=(): (b"%PDF-1.7", 0.2))
    assert rendering.render_pdf("<p>x</p>", "", ()) == b"%PDF-1.7"
    assert renders("ok") == drawn + 1 and render_seconds() == timed + 1

    def broken(html, css, roots, attachments=()):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(rendering, "render_timed", broken)
    with pytest.raises(RuntimeError):
        rendering.render_pdf("<p>x</p>", "", ())
    assert renders("failed") == lost + 1 and render_seconds() == timed + 1


def test_pdfs_from_worker_processes_are_counted_by_the_job_that_collects_them():
    from academy.certificates import rendering

    drawn, lost, timed = renders("ok"), renders("failed"), render_seconds()
    done, broken = Future(), Future()
    done.set_result((b"%PDF-1.7", 0.4))
    broken.set_exception(RuntimeError("worker died"))

    assert rendering.collect([done]) == [b"%PDF-1.7"]
    with pytest.raises(RuntimeError):
        rendering.collect([broken])
    assert renders("ok") == drawn + 1 and renders("failed") == lost + 1
    assert render_seconds() == timed + 1
