"""The RQ workers' entry point: runs a job inside this worker's app, made once per process.

It lives beside the app factory (not in `academy.jobs`) because it creates the app, and no domain
imports the app.
"""
from __future__ import annotations

from flask import Flask, current_app, has_app_context

from academy import create_app
from academy.jobs.runner import run_in_app

_worker_app: Flask | None = None


def run_job(job_id: str) -> None:
    """Run a queued job (`flask jobs worker` runs jobs inside its own app)."""
    global _worker_app
    if has_app_context():
        _worker_app = current_app._get_current_object()
    if _worker_app is None:
        _worker_app = create_app()
    run_in_app(_worker_app, job_id)
