"""Gunicorn settings for both ways of serving Campus: production's `gunicorn -c gunicorn.conf.py
wsgi:app` (which reads them from here) and the embedded default's `flask serve` (`run`), or
waitress where gunicorn cannot run (Windows).

Werkzeug's development server, which `flask serve` used, answered 16 connections with p99 of
3.6 s (autosave) to 8 s (sign-in) on SQLite (issue 14). SQLite takes many readers and one
writer at a time (WAL), so several processes serve pages in parallel while writes take turns.

This module imports nothing heavy at the top: gunicorn.conf.py reads it in gunicorn's master
before the app is loaded.
"""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

DEFAULT_BIND = "127.0.0.1:8000"
MAX_WORKERS = 12  # each process holds a database connection and about 80 MiB

# Shared by production and the embedded server. A request may render a certificate or build a
# large export, so a worker gets two minutes before gunicorn kills it; a graceful reload (HUP)
# or stop lets requests in flight finish for 30 s; browsers' connections stay open 5 s between
# requests (gthread workers; sync workers close them after each response).
COMMON: dict[str, Any] = {
    "timeout": 120,
    "graceful_timeout": 30,
    "keepalive": 5,
    "accesslog": None,  # the app logs its own line per request
    "errorlog": "-",
    # gunicorn >= 25 opens a control socket at one path per user ($HOME/.gunicorn): two servers
    # on one machine (two nodes, a drill beside production) would fight over it. Signals do.
    "control_socket_disable": True,
}


def default_workers() -> int:
    """The embedded server: one process per core (at least two), each with 4 threads (issue 14
    measured 4 workers on 2 cores against 2)."""
    return max(2, os.cpu_count() or 1)


def production_workers(env: Mapping[str, str] = os.environ) -> int:
    """`WEB_CONCURRENCY`, else two per core plus one, at most MAX_WORKERS: the app is CPU-bound
    Python, so processes, not threads; a few more than cores keep the cores busy while some wait
    for the database (bench/README.md, "Workers")."""
    given = env.get("WEB_CONCURRENCY", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    return min(MAX_WORKERS, 2 * (os.cpu_count() or 1) + 1)


def production_settings(env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """What gunicorn.conf.py sets: COMMON plus the bind address, processes and threads from the
    environment, the app preloaded and workers recycled."""
    threads = _positive(env.get("GUNICORN_THREADS"), 1)
    return {
        **COMMON,
        "bind": env.get("ACADEMY_BIND") or env.get("GUNICORN_BIND") or DEFAULT_BIND,
        "workers": production_workers(env),
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": True,  # workers fork from a loaded app: a new one serves in milliseconds
        # A slow leak cannot grow forever; the jitter keeps the workers from restarting together.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "loglevel": "info",
    }


def _positive(value: str | None, default: int) -> int:
    return int(value) if value and value.strip().isdigit() and int(value) > 0 else default


# --- Hooks -------------------------------------------------------------------------------------

def forget_inherited_connections(app: Flask) -> None:
    """In a new worker: drop the pool the master's app built (preload) without closing its
    connections, which the master still owns, so no two processes ever share one."""
    from flask import Flask

    from academy.extensions import db

    if not isinstance(app, Flask):
        return
    with app.app_context():
        db.engine.dispose(close=False)


def close_master_connections(app: Flask) -> None:
    """In the master once the app is loaded: close what loading it opened, so workers forked
    later inherit no connection and the master holds none while it only watches."""
    from flask import Flask

    from academy.extensions import db

    if not isinstance(app, Flask):
        return
    # Set up every mapper here, once: otherwise each new worker does it on its first request
    # (bench/faults.py measured a replaced worker's first save at ~135 ms against ~15 ms).
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def mark_worker_dead(pid: int, env: Mapping[str, str] = os.environ) -> None:
    """When a worker ends: with Prometheus in multiprocess mode, retire its live gauges."""
    if not env.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    try:
        from prometheus_client import multiprocess
    except ImportError:
        return
    multiprocess.mark_process_dead(pid)


def die_with_parent() -> None:
    """On Linux, a worker ends when the server process ends, even when it is killed outright,
    so no orphan keeps the port or serves with an old configuration."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


# --- The embedded server -----------------------------------------------------------------------

def run(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Serve `app` until interrupted (Ctrl+C)."""
    close_master_connections(app)  # no connection may cross into the worker processes
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        from waitress import serve

        serve(app, host=host, port=port, threads=workers * threads)
        return

    class Embedded(BaseApplication):
        def load_config(self) -> None:
            settings = {
                **COMMON, "bind": f"{host}:{port}", "workers": workers, "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync", "loglevel": "warning",
                "graceful_timeout": 10,  # Ctrl+C on a laptop: do not wait long
                "post_fork": _post_fork(app), "child_exit": _child_exit,
            }
            for key, value in settings.items():
                if key in self.cfg.settings:  # older gunicorn lacks some settings
                    self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Embedded().run()


def _post_fork(app: Flask):
    def post_fork(_server, _worker) -> None:
        forget_inherited_connections(app)
        die_with_parent()

    return post_fork


def _child_exit(_server, worker) -> None:
    mark_worker_dead(worker.pid)
