"""Every request: an id (the caller's X-Request-Id when it is sane, else a new one) sent back as
X-Request-Id, its count and time in the metrics, and one JSON line on the `campus.requests`
logger when REQUEST_LOG is on.

The line costs no SQL: the user id is read only from a user this request already loaded.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, request, request_started
from sqlalchemy import inspect

from academy.monitoring import metrics

HEADER = "X-Request-Id"
# Short and made of safe characters (UUIDs, hex, the ids proxies make): anything else could
# forge log lines or headers, and is replaced by an id of our own.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
PATH_LOGGED = 500  # characters of a path kept in the line
log = logging.getLogger("campus.requests")


def init_app(app: Flask) -> None:
    """Give every request of `app` its id, its metrics and, when configured, its log line."""
    request_started.connect(_begin, app)
    app.after_request(_finish)
    if app.config["REQUEST_LOG"]:
        _log_to_stderr()


def _log_to_stderr() -> None:
    """Bare lines on stderr, once per process, unless logging already gives this logger
    handlers of its own (a logging configuration the operator chose)."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if log.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.propagate = False  # one line per request, whatever the root logger does


def request_id(given: str | None) -> str:
    """The caller's id if it is sane, else a new random one."""
    if given and SANE_ID.fullmatch(given):
        return given
    return secrets.token_hex(16)


def _begin(_app: Flask, **_extra: Any) -> None:
    # Sent before every before_request hook, so the time covers them all.
    g.request_started_at = time.perf_counter()
    g.request_id = request_id(request.headers.get(HEADER))


def _finish(response: Response) -> Response:
    started = g.get("request_started_at")
    seconds = time.perf_counter() - started if started is not None else 0.0
    ident = g.get("request_id") or request_id(None)
    response.headers[HEADER] = ident
    metrics.observe_request(request.endpoint, request.method, response.status_code, seconds)
    if current_app.config["REQUEST_LOG"] and log.isEnabledFor(logging.INFO):
        log.info(line(ident, response.status_code, seconds))
    return response


def line(ident: str, status: int, seconds: float) -> str:
    """The request's log line: one JSON object."""
    return json.dumps({
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": ident,
        "method": request.method,
        "path": request.path[:PATH_LOGGED],
        "endpoint": request.endpoint,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "user_id": signed_in_user_id(),
        "remote_addr": request.remote_addr,
    }, separators=(",", ":"), ensure_ascii=False)


def signed_in_user_id() -> int | None:
    """The id of the person this request signed in as, if it loaded them; never a query (the
    id comes from the identity map, even once a commit has expired the person's row)."""
    user = g.get("_login_user")
    state = inspect(user, raiseerr=False) if user is not None else None
    identity = state.identity if state is not None else None
    return identity[0] if identity else None
