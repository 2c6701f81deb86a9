"""The public check of a signed QR code's text (signed_qr.py), beside the check by code, and
each academy's status list (status_list.py)."""
from __future__ import annotations

from flask import abort, render_template, request

from academy.academies.queries import academy_by_slug
from academy.certificates import contents, signed_qr, status_list
from academy.certificates.blueprints import certificates as bp
from academy.certificates.forms import VerifyFileForm, VerifyForm, VerifyPayloadForm
from academy.certificates.labels import SIGNED_VERDICT_LABELS
from academy.certificates.verify_views import count_lookup, credential_form
from academy.credentials.vc_jwt import MEDIA_TYPE


@bp.route("/verify/signed")
def verify_signed():
    """Check the text a certificate's QR code holds (pasted or scanned): a GET, it writes
    nothing but the rate-limit count."""
    form = VerifyPayloadForm(formdata=request.args if "payload" in request.args else None)
    verdict, status = None, 200
    if "payload" in request.args:
        if form.validate():
            count_lookup()
            verdict = signed_qr.verify(form.payload.data)
        else:
            status = 400
    return render_template(
        "certificates/signed_verdict.html", payload_form=form, verdict=verdict,
        labels=SIGNED_VERDICT_LABELS, form=VerifyForm(formdata=None),
        file_form=VerifyFileForm(formdata=None), credential_form=credential_form(),
    ), status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@bp.route("/academies/<slug>/status-list")
def status_list_jwt(slug: str):
    """The academy's Bitstring Status List as a VC-JWT, made now (404 without a key)."""
    academy = academy_by_slug(slug)
    token = status_list.signed(academy, contents.public_base_url()) if academy else None
    if token is None:
        abort(404)
    return token, 200, {"Content-Type": MEDIA_TYPE, "Cache-Control": "public, max-age=300",
                        "Access-Control-Allow-Origin": "*"}
