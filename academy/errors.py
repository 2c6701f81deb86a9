"""Error pages in the person's language and the site's layout; never a traceback."""
from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from academy.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)
# The database cannot be reached (PostgreSQL restarting, a connection cut) or is busy beyond
# the wait (SQLite's lock): the request is refused with 503 and nothing it sent is kept.
UNAVAILABLE = (OperationalError, InterfaceError)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# i18n: titles and explanations of error pages.
MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. "
                                   "Check the link or go back to the home page.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    413: (_l("File too large"), _l("What you sent is larger than the platform accepts. "
                                   "Choose a smaller file and try again.")),
    429: (_l("Too many requests"), _l("Too many attempts in a short time. "
                                      "Wait a few minutes and try again.")),
    503: (_l("Briefly unavailable"), _l("The platform cannot reach its database for a moment. "
                                        "Nothing you sent was saved: "
                                        "wait a few seconds and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened on our side. "
                                         "Nothing you did caused it; "
                                         "please try again in a moment.")),
}
CSRF_MESSAGE = _l(
    "The form had expired or was sent from another page. Reload the page and send it again."
)


def render_error(code: int, detail=None):
    """The error page; if even the layout fails, a plain sentence, still without a traceback."""
    title, text = MESSAGES.get(code, MESSAGES[500])
    try:
        return render_template("error.html", code=code, title=title, text=detail or text), code
    except Exception:  # noqa: BLE001 - the last line of defence must not raise
        current_app.logger.exception("The error page itself failed")
        if code == 503:
            return f"{title}. {text}", 503, {"Content-Type": "text/plain; charset=utf-8"}
        return InternalServerError.description, 500


def database_unavailable(error: Exception):
    """A request the database could not serve: a read is tried once more on a fresh connection
    (the pool checks connections before use, so a restarted PostgreSQL is reconnected to); a
    write is refused with a 503 page saying that nothing was kept (the quiz page's saves try
    again by themselves)."""
    from academy.extensions import db

    _forget_session(db)
    if request.method in SAFE_METHODS and not g.get("read_retried"):
        g.read_retried = True
        # The person loaded before is detached from the session just dropped: load them again.
        g.pop("_login_user", None)
        try:
            return current_app.make_response(current_app.dispatch_request())
        except UNAVAILABLE as again:
            error = again
            _forget_session(db)
        except Exception as other:  # noqa: BLE001 - a 404 or a bug: its usual page
            _signed_out_layout()
            return current_app.handle_user_exception(other)
    log.warning("database unavailable: %s %s (%s)", request.method, request.path,
                str(error).splitlines()[0] if str(error) else type(error).__name__)
    _signed_out_layout()
    body, code, *headers = render_error(503)
    response = current_app.make_response((body, code, *headers))
    response.headers["Retry-After"] = "5"
    return response


def _signed_out_layout() -> None:
    """The error page's layout must not ask the database who is signed in (or their language):
    it just failed, and the person loaded before is detached from the session dropped."""
    from flask_login import AnonymousUserMixin

    g._login_user = AnonymousUserMixin()


def _forget_session(db) -> None:
    with contextlib.suppress(Exception):  # the connection is gone: drop the session instead
        db.session.rollback()
    db.session.remove()


def register_error_handlers(app: Flask) -> None:
    """Map every HTTP error and any unexpected exception to a translated page."""

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _unavailable(error):
        return database_unavailable(error)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code and error.code < 400:
            return error
        if isinstance(getattr(error, "original_exception", None), UNAVAILABLE):
            return database_unavailable(error.original_exception)  # before the view was reached
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return _http(error)
        app.logger.exception("Unhandled error", exc_info=error)
        from academy.extensions import db

        db.session.rollback()
        return render_error(500)
