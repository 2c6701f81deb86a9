"""The public, cacheable documents: the signed trust list and each academy's did:web document.
Both only read."""
from __future__ import annotations

from flask import abort, current_app, jsonify, request

from academy.academies import queries as academy_queries
from academy.credentials import did, queries, trust_list
from academy.credentials.blueprints import credentials as bp

CACHE = "public, max-age=300"


def _public_url() -> str:
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def _json(content: dict, media_type: str = "application/json"):
    response = jsonify(content)
    response.mimetype = media_type
    response.headers["Cache-Control"] = CACHE
    response.headers["Access-Control-Allow-Origin"] = "*"  # read by verifiers anywhere
    return response


@bp.route("/.well-known/campus-trust-list.json")
def trust_list_json():
    """The keys and their status, signed by the network (404 until it has a key)."""
    content = trust_list.signed()
    if content is None:
        abort(404)
    return _json(content)


@bp.route("/academies/<slug>/did.json")
def did_document(slug: str):
    academy = academy_queries.academy_by_slug(slug)
    if academy is None:
        abort(404)
    document = did.document(_public_url(), academy, queries.keys_of(academy.id))
    return _json(document, "application/did+json")
