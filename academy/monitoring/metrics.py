"""The Prometheus metrics: counted here from the signals the domains send, and from each request.

Several server processes: with `PROMETHEUS_MULTIPROC_DIR` in the environment before the app is
loaded, prometheus-client keeps each process's values in files of that folder, and a scrape
answered by any process adds up every process's files (its multiprocess mode; gunicorn's
`child_exit` retires a dead worker's files, academy/server.py). Without it every process counts
alone, which is right for one process only. Jobs are not counted here: a scrape reads them
from the jobs table (`JobsCollector`), so every process and node answers the same.
"""
from __future__ import annotations

import logging
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.exc import SQLAlchemyError

from academy.accounts.signals import sign_in_failed, signed_in
from academy.certificates.signals import certificate_rendered
from academy.db import utcnow
from academy.extensions import db
from academy.jobs import queries as job_queries
from academy.jobs.models import FAILED, FINISHED, QUEUED, RUNNING
from academy.quizzes.signals import answers_saved

CONTENT_TYPE = CONTENT_TYPE_LATEST
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
log = logging.getLogger(__name__)
disable_created_metrics()  # no `*_created` twin of every series: nothing here reads them

REQUESTS = Counter("campus_http_requests", "Requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("campus_http_request_duration_seconds",
                    "Seconds from a request's start to its response, by endpoint.", ["endpoint"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
QUIZ_SAVES = Counter("campus_quiz_answer_saves",
                     "Pages of quiz answers saved (committed), by the page's form or the "
                     "background save.", ["via"])
SIGN_INS = Counter("campus_sign_ins", "Sign-ins that opened a session.")
SIGN_IN_FAILURES = Counter("campus_sign_in_failures",
                           "Sign-ins refused: invalid (wrong name or password), throttled (too "
                           "many failures), refused (an account that may not sign in).",
                           ["reason"])
RENDERS = Counter("campus_certificate_renders", "Certificate PDFs drawn, or that failed to be.",
                  ["outcome"])
RENDER_SECONDS = Histogram("campus_certificate_render_seconds",
                           "Seconds to draw one certificate PDF.",
                           buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32))

# Every series exists from the start at 0, so a rate or an alert has something to read.
for _via in ("page", "autosave"):
    QUIZ_SAVES.labels(_via)
for _reason in ("invalid", "throttled", "refused"):
    SIGN_IN_FAILURES.labels(_reason)
for _outcome in ("ok", "failed"):
    RENDERS.labels(_outcome)


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """Count one answered request (an unknown method counts as OTHER: labels stay few)."""
    endpoint = endpoint or "unmatched"
    REQUESTS.labels(endpoint, method if method in METHODS else "OTHER", str(status)).inc()
    LATENCY.labels(endpoint).observe(seconds)


def _on_answers_saved(_sender: Any, via: str = "page", **_extra: Any) -> None:
    QUIZ_SAVES.labels(via).inc()


def _on_signed_in(_sender: Any, **_extra: Any) -> None:
    SIGN_INS.inc()


def _on_sign_in_failed(_sender: Any, reason: str = "invalid", **_extra: Any) -> None:
    SIGN_IN_FAILURES.labels(reason).inc()


def _on_certificate_rendered(_sender: Any, ok: bool = True, seconds: float | None = None,
                             **_extra: Any) -> None:
    RENDERS.labels("ok" if ok else "failed").inc()
    if ok and seconds is not None:
        RENDER_SECONDS.observe(seconds)


def subscribe() -> None:
    """Count what the domains announce (connecting again changes nothing)."""
    answers_saved.connect(_on_answers_saved)
    signed_in.connect(_on_signed_in)
    sign_in_failed.connect(_on_sign_in_failed)
    certificate_rendered.connect(_on_certificate_rendered)


class JobsCollector:
    """Jobs by state and the oldest queued job's age, read from the jobs table at each scrape
    (one query); nothing when the database does not answer."""

    def collect(self):
        try:
            census = job_queries.census()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.warning("metrics: jobs not read, the database did not answer (%s)", error)
            return
        states = GaugeMetricFamily("campus_jobs", "Jobs in the jobs table, by state.",
                                   labels=["state"])
        for state in sorted({QUEUED, RUNNING, FINISHED, FAILED} | set(census.by_status)):
            states.add_metric([state], census.by_status.get(state, 0))
        yield states
        age = ((utcnow() - census.oldest_queued_at).total_seconds()
               if census.oldest_queued_at else 0.0)
        yield GaugeMetricFamily("campus_jobs_oldest_queued_age_seconds",
                                "Seconds since the oldest queued job was created (0: none "
                                "queued).", value=max(0.0, age))


class _ThisProcess:
    """This process's own metrics, when each process counts alone."""

    def collect(self):
        yield from REGISTRY.collect()


def is_multiprocess() -> bool:
    """Whether prometheus-client keeps values in PROMETHEUS_MULTIPROC_DIR's files: it decides
    once, when it is first imported."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


def exposition() -> bytes:
    """Every metric in Prometheus's text format: every process's (multiprocess mode) or this
    one's, and the jobs read now."""
    registry = CollectorRegistry()
    if is_multiprocess():
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(JobsCollector())
    return generate_latest(registry)
