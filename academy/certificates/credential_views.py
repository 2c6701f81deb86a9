"""Open Badges credentials (open_badge.py): the holder's downloads, and their public check."""
from __future__ import annotations

from flask import Response, abort, render_template
from flask_login import login_required

from academy.certificates import credential_check, open_badge, verdicts
from academy.certificates.blueprints import certificates as bp
from academy.certificates.forms import (
    VerifyCredentialForm,
    VerifyFileForm,
    VerifyForm,
    VerifyPayloadForm,
)
from academy.certificates.labels import CREDENTIAL_VERDICT_LABELS
from academy.certificates.verify_views import CREDENTIAL_PREFIX, count_lookup
from academy.certificates.views import visible_certificate
from academy.credentials.vc_jwt import MEDIA_TYPE


@bp.route("/certificates/<int:certificate_id>/credential.<any(json, jwt):kind>")
@login_required
def credential(certificate_id: int, kind: str):
    """The certificate's Open Badges credential as issued: the VC-JWT, or the JSON with its
    embedded proof. For whoever may see the certificate (as its PDF); 404 when it has none (its
    academy had no key)."""
    certificate = visible_certificate(certificate_id)
    body, mimetype = ((certificate.credential, MEDIA_TYPE) if kind == "jwt"
                      else (certificate.credential_json, open_badge.JSON_MEDIA_TYPE))
    if not body:
        abort(404)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{certificate.serial}.{kind}"',
        "Cache-Control": "private, no-store"})


@bp.route("/verify/credential", methods=["POST"])
def verify_credential():
    """Check an Open Badges credential, pasted or uploaded: a POST (a VC-JWT is too long for an
    address) that writes nothing but the rate-limit count."""
    count_lookup()
    form = VerifyCredentialForm(prefix=CREDENTIAL_PREFIX)
    verdict, status = None, 400
    if form.validate_on_submit():
        text = form.text()
        verdict = (credential_check.verify(text) if text is not None
                   else credential_check.Verdict(verdicts.MALFORMED))
        status = 200
    return render_template(
        "certificates/credential_verdict.html", credential_form=form, verdict=verdict,
        labels=CREDENTIAL_VERDICT_LABELS, form=VerifyForm(formdata=None),
        file_form=VerifyFileForm(formdata=None), payload_form=VerifyPayloadForm(formdata=None),
    ), status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
