"""The public check of a signed QR code's text (signed_qr.py), beside the check by code."""
from __future__ import annotations

from flask import render_template, request

from academy.certificates import signed_qr
from academy.certificates.forms import VerifyFileForm, VerifyForm, VerifyPayloadForm
from academy.certificates.labels import SIGNED_VERDICT_LABELS
from academy.certificates.views import _count_lookup, bp


@bp.route("/verify/signed")
def verify_signed():
    """Check the text a certificate's QR code holds (pasted or scanned): a GET, it writes
    nothing but the rate-limit count."""
    form = VerifyPayloadForm(formdata=request.args if "payload" in request.args else None)
    verdict, status = None, 200
    if "payload" in request.args:
        if form.validate():
            _count_lookup()
            verdict = signed_qr.verify(form.payload.data)
        else:
            status = 400
    return render_template(
        "certificates/signed_verdict.html", payload_form=form, verdict=verdict,
        labels=SIGNED_VERDICT_LABELS, form=VerifyForm(formdata=None),
        file_form=VerifyFileForm(formdata=None),
    ), status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
