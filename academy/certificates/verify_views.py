"""The public check of a certificate: the check page, by code (a page or JSON) and of a PDF file.
Its rate-limit count and the credential form are shared with signed_views.py and
credential_views.py, the other checks."""
from __future__ import annotations

import hashlib

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for

from academy import ratelimit
from academy.certificates import codes, queries, signed_qr
from academy.certificates.blueprints import certificates as bp
from academy.certificates.forms import (
    VerifyCredentialForm,
    VerifyFileForm,
    VerifyForm,
    VerifyPayloadForm,
)
from academy.certificates.labels import STATUS_LABELS
from academy.certificates.models import Certificate
from academy.db import utcnow
from academy.extensions import db


def count_lookup() -> None:
    """One more check from this address; 429 past the limit (the count is kept either way).
    The count is the rate-limit store's, the only write a GET may make: written on its own, or
    joined to the request's transaction (an SQLite POST, a test's transaction), which the commit
    keeps; the check itself writes nothing."""
    cfg = current_app.config
    limit = ratelimit.Limit(cfg["VERIFY_MAX_PER_ADDRESS"], cfg["VERIFY_WINDOW_SECONDS"])
    hits = ratelimit.record_hit(f"verify:{request.remote_addr or 'unknown'}", limit)
    db.session.commit()
    if hits > limit.hits:
        abort(429)


@bp.route("/verify")
def verify():
    """The check page; its code form is a GET (a lookup changes nothing) that leads on to the
    certificate's own address."""
    typed = "code" in request.args
    scanned = (request.args.get("code") or "").strip()
    if scanned.startswith(signed_qr.PREFIX):  # a scanner typed a signed QR code into the field
        return redirect(url_for("certificates.verify_signed", payload=scanned))
    form = VerifyForm(formdata=request.args if typed else None)
    if typed and form.validate():
        return redirect(url_for("certificates.verify_code",
                                code=codes.grouped(codes.normalise(form.code.data))))
    return render_template("certificates/verify.html", form=form,
                           file_form=VerifyFileForm(formdata=None),
                           payload_form=VerifyPayloadForm(formdata=None),
                           credential_form=credential_form()), \
        400 if form.errors else 200


CREDENTIAL_PREFIX = "credential"  # its CSRF field's id differs from the PDF file form's


def credential_form() -> VerifyCredentialForm:
    """The empty check of an Open Badges credential (credential_views.py), on every check
    page."""
    return VerifyCredentialForm(formdata=None, prefix=CREDENTIAL_PREFIX)


def _public_answer(certificate: Certificate | None) -> dict:
    """What the public check says: only what the certificate itself shows."""
    if certificate is None:
        return {"status": "unknown"}
    academy = queries.academy_of_course(certificate.course_id)
    answer = {
        "status": certificate.status_at(utcnow()), "serial": certificate.serial,
        "name": certificate.name, "course": certificate.course_title,
        "language": certificate.locale,
        "academy": academy.name_in(certificate.locale), "hours": certificate.hours,
        "grade": certificate.grade, "completed_on": certificate.completed_at.date().isoformat(),
        "issued_on": certificate.issued_at.date().isoformat(),
        "expires_on": certificate.expires_at.date().isoformat() if certificate.expires_at else None,
        "revoked_on": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
        "replaced_on": (certificate.superseded_at.date().isoformat()
                        if certificate.superseded_at else None),
    }
    replacement = queries.replacement_of(certificate)
    answer["replaced_by"] = replacement.serial if replacement else None
    return answer


def _found(code: str) -> Certificate | None:
    normalised = codes.normalise(code)
    return queries.by_code(normalised) if normalised else None


@bp.route("/verify/<code>")
def verify_code(code: str):
    count_lookup()
    certificate = _found(code)
    return _verdict(certificate, code=code, status=200 if certificate else 404)


@bp.route("/verify/<code>.json")
def verify_json(code: str):
    count_lookup()
    answer = _public_answer(_found(code))
    response = jsonify(answer)
    response.status_code = 404 if answer["status"] == "unknown" else 200
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/verify/file", methods=["POST"])
@bp.route("/verify/<code>/file", methods=["POST"])
def verify_file(code: str | None = None):
    count_lookup()
    form = VerifyFileForm()
    expected = _found(code) if code else None
    if not form.validate_on_submit():
        return _verdict(expected, code=code, file_form=form, status=400)
    digest = hashlib.sha256(form.pdf.data.read()).hexdigest()
    matching = queries.by_pdf_hash(digest)
    if code is not None and (expected is None or matching is None or matching.id != expected.id):
        matching = None
    return _verdict(matching or expected, code=code, file_checked=True,
                    file_matches=matching is not None, status=200)


def _verdict(certificate: Certificate | None, *, code: str | None, status: int,
             file_form: VerifyFileForm | None = None, file_checked: bool = False,
             file_matches: bool = False):
    answer = _public_answer(certificate)
    grouped = codes.grouped(certificate.code) if certificate else None
    response = render_template(
        "certificates/verdict.html", answer=answer, labels=STATUS_LABELS, code=grouped,
        form=VerifyForm(formdata=None),
        file_form=file_form or VerifyFileForm(formdata=None), file_checked=file_checked,
        file_matches=file_matches, credential_form=credential_form())
    return response, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
