"""The embedded default's web server: gunicorn with a few processes and threads, or waitress
where gunicorn cannot run (Windows).

Werkzeug's development server, which `flask serve` used, answered 16 connections with p99 of
3.6 s (autosave) to 8 s (sign-in) on SQLite (issue 14). SQLite takes many readers and one
writer at a time (WAL), so several processes serve pages in parallel while writes take turns.
"""
from __future__ import annotations

import os
import sys

from flask import Flask

from academy.extensions import db


def default_workers() -> int:
    """One process per core (at least two): more are no faster on a small server and each costs
    its own memory (issue 14 measured 4 workers on 2 cores against 2)."""
    return max(2, os.cpu_count() or 1)


def run(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Serve `app` until interrupted (Ctrl+C)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # no connection may cross into the worker processes
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        from waitress import serve

        serve(app, host=host, port=port, threads=workers * threads)
        return

    class Embedded(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}", "workers": workers, "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync", "timeout": 120,
                "graceful_timeout": 10, "keepalive": 5, "accesslog": None, "errorlog": "-",
                "loglevel": "warning", "post_fork": _post_fork(app),
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Embedded().run()


def _post_fork(app: Flask):
    def post_fork(_server, _worker) -> None:
        with app.app_context():
            db.engine.dispose(close=False)  # the parent's pool stays the parent's
        _die_with_parent()

    return post_fork


def _die_with_parent() -> None:
    """On Linux, a worker ends when the server process ends, even when it is killed outright,
    so no orphan keeps the port or serves with an old configuration."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass
