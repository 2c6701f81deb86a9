"""The probes and /metrics: answers for load balancers, supervisors and Prometheus."""
from __future__ import annotations

import time
from typing import Any

from flask import Response, abort, current_app, jsonify, request

from academy.monitoring import access, checks, metrics
from academy.monitoring.blueprints import monitoring as bp


def _answer(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/health/live")
def live():
    """The process answers requests (nothing else is asked: no database, no Redis)."""
    return _answer({"status": "alive"}, 200)


@bp.route("/health/ready")
def ready():
    """Whether this process can serve: 200 when every check passes, else 503, with each
    check's result and time."""
    started = time.perf_counter()
    results = checks.readiness(current_app._get_current_object())
    is_ready = all(result["ok"] for result in results.values())
    return _answer({"status": "ready" if is_ready else "not ready", "checks": results,
                    "ms": round((time.perf_counter() - started) * 1000, 1)},
                   200 if is_ready else 503)


@bp.route("/healthz")
def healthz():
    """The older address of the readiness probe (load balancers configured before it)."""
    return ready()


@bp.route("/metrics")
def prometheus():
    """Every metric in Prometheus's text format, for the allowed networks or the token's
    holder; no page at all (404) for anyone else."""
    if not access.may_read_metrics(current_app.config, request.remote_addr, request.headers):
        abort(404)
    return Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE,
                    headers={"Cache-Control": "no-store"})
