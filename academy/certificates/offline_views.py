"""The offline verifier's page and its service worker (offline_verifier.py). Both only read."""
from __future__ import annotations

from urllib.parse import unquote

from flask import Response, render_template, url_for

from academy.certificates import offline_verifier
from academy.certificates.blueprints import certificates as bp

# The service worker is fetched again whenever the page opens online, so a new build (or a
# rotated network key, which the page pins) reaches every device that kept the old one.
NO_CACHE = {"Cache-Control": "no-cache"}


@bp.route("/verify/offline/")
def verify_offline():
    """The page that checks a QR code without a network, once opened online."""
    settings = offline_verifier.page_settings(_status_list_url())
    return render_template("certificates/offline.html", settings=settings), 200, {
        **offline_verifier.PAGE_HEADERS, **NO_CACHE}


@bp.route("/verify/offline/sw.js")
def verify_offline_worker():
    """The service worker that keeps the page, its files and its lists (scope /verify/offline/)."""
    return Response(offline_verifier.service_worker_source(), mimetype="text/javascript",
                    headers=NO_CACHE)


def _status_list_url() -> str:
    """An academy's status list address (signed_views.py) with `{slug}` for the script to fill."""
    return unquote(url_for("certificates.status_list_jwt", slug="{slug}"))
