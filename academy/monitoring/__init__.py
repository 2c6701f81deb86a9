"""Health, metrics and logs for operators (docs/operations.md, "Health, metrics and logs").

- `views`: `/health/live`, `/health/ready` (with `/healthz`, its alias) and `/metrics`;
- `checks`: what readiness asks of the database, Redis, the job queue and the upload folder;
- `metrics`: the Prometheus metrics, counted from the signals the domains send;
- `access`: who may read `/metrics`;
- `request_log`: a request id for every request and one structured log line per request.

It sits at the app's level: it listens to the domains, none of them imports it.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Check /metrics' networks; register the per-request hooks and the metrics' subscriptions."""
    from academy.monitoring import access, metrics, request_log

    access.networks(app.config["METRICS_ALLOW"])  # a mistyped network stops the start here
    request_log.init_app(app)
    metrics.subscribe()
