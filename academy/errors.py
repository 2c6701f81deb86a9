"""Error pages in the person's language and the site's layout; never a traceback."""
from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

# i18n: titles and explanations of error pages.
MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. Check the link or go back to the home page.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    413: (_l("File too large"), _l("What you sent is larger than the platform accepts. Choose a smaller file and try again.")),
    429: (_l("Too many requests"), _l("Too many attempts in a short time. Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened on our side. Nothing you did caused it; please try again in a moment.")),
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
        return InternalServerError.description, 500


def register_error_handlers(app: Flask) -> None:
    """Map every HTTP error and any unexpected exception to a translated page."""

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code and error.code < 400:
            return error
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return _http(error)
        app.logger.exception("Unhandled error", exc_info=error)
        from academy.extensions import db

        db.session.rollback()
        return render_error(500)
