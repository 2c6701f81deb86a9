"""Maintenance mode at the edge: every request but a site admin's meets the maintenance page.

Still served while it is on: static files, the health checks and metrics (monitoring goes on),
and signing in, signing out and choosing a language (so a site admin can sign in and work).
"""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from academy.maintenance import state

UNWATCHED_PREFIXES = ("/static/", "/health", "/metrics")  # answered as usual, never checked
OPEN_ENDPOINTS = {"accounts.login", "accounts.logout", "accounts.set_language"}
RETRY_AFTER_SECONDS = 120


def register(app: Flask) -> None:
    """Check maintenance mode before every request (after the app's other request hooks, so
    the page has its language); give templates the notice to show."""
    app.before_request(refuse_during_maintenance)
    app.context_processor(lambda: {"maintenance_notice": maintenance_notice})


def refuse_during_maintenance():
    """The maintenance page (503) while maintenance is on, unless a site admin asks or the page
    stays open; None otherwise (the request goes on)."""
    if request.endpoint == "static" or request.path.startswith(UNWATCHED_PREFIXES):
        return None
    maintenance = state.current(current_app)
    if maintenance is None:
        return None
    g.maintenance = maintenance
    if request.endpoint in OPEN_ENDPOINTS or _is_site_admin():
        return None
    return maintenance_page(maintenance)


def maintenance_page(maintenance: state.Maintenance):
    response = current_app.make_response(
        (render_template("maintenance/page.html", maintenance=maintenance), 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def maintenance_notice() -> str | None:
    """The line every page shows while maintenance is on: to site admins, that it is on; on
    the sign-in page, who may sign in."""
    if not has_request_context() or g.get("maintenance") is None:
        return None
    if _is_site_admin():
        return _("Maintenance mode is on: only site administrators can use the platform until "
                 "it is turned off (flask maintenance off).")
    if request.endpoint == "accounts.login":
        return _("The platform is under maintenance: only site administrators can use it for "
                 "now.")
    return None


def _is_site_admin() -> bool:
    return bool(current_user.is_authenticated and current_user.is_site_admin)
