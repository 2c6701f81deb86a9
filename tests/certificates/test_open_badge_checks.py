"""The Open Badges credential from a user's side: the holder (and staff who may see the
certificate) download it, nobody else; and the public check on /verify says what it is worth,
pasted or uploaded, signed (VC-JWT) or as JSON."""
from __future__ import annotations

import base64
import io
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.certificates import issuing, open_badge, revoking
from academy.credentials import operations as key_ops
from academy.extensions import db
from tests.support import CSRF_RE

BASE = "https://campus.example.org"
EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def public_url(app, monkeypatch):
    """The platform's address, under which the academies' did:web live."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", BASE)


# --- Downloads ------------------------------------------------------------------------------------

def test_the_holder_downloads_the_credential_signed_and_as_json(client, login_as, issued,
                                                                trainee):
    login_as(trainee)
    page = client.get("/my/certificates", headers=EN).get_data(as_text=True)
    assert f"/certificates/{issued.id}/credential.jwt" in page
    assert f"/certificates/{issued.id}/credential.json" in page
    signed = client.get(f"/certificates/{issued.id}/credential.jwt")
    assert signed.status_code == 200 and signed.mimetype == "application/vc+jwt"
    assert signed.get_data(as_text=True) == issued.credential
    assert f'filename="{issued.serial}.jwt"' in signed.headers["Content-Disposition"]
    readable = client.get(f"/certificates/{issued.id}/credential.json")
    assert readable.mimetype == "application/json"
    assert readable.get_data(as_text=True) == issued.credential_json
    assert open_badge.without_proof(readable.get_json()) == open_badge.payload_of(
        issued.credential)
    assert "no-store" in readable.headers["Cache-Control"]


def test_staff_who_see_the_certificate_download_it_and_nobody_else(
        app, login_as, issued, create_user, academy):
    coordinator = create_user(network_roles=["coordinator"])
    another = create_user(academy=academy, roles=["trainee"])
    url = f"/certificates/{issued.id}/credential.json"
    staff = app.test_client()
    login_as(coordinator, staff)
    assert staff.get(url).status_code == 200
    assert f"/certificates/{issued.id}/credential.jwt" in staff.get(
        f"/certificates/{issued.id}").get_data(as_text=True)
    stranger = app.test_client()
    login_as(another, stranger)
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"/certificates/{issued.id}/credential.jwt").status_code == 404
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_certificate_without_a_credential_offers_no_download(client, login_as, course,
                                                               trainee, complete):
    certificate = issuing.issue_certificate(complete(trainee, course), actor_id=None,
                                            base_url=BASE)  # the academy has no key
    db.session.commit()
    login_as(trainee)
    page = client.get("/my/certificates", headers=EN).get_data(as_text=True)
    assert "Download the PDF" in page and "credential.jwt" not in page
    assert client.get(f"/certificates/{certificate.id}/credential.jwt").status_code == 404


# --- The public check -----------------------------------------------------------------------------

def check(client, *, text: str | None = None, file: tuple[bytes, str] | None = None):
    """Post a credential to /verify the way the page's form does; the verdict's name and page."""
    page = client.get("/verify", headers=EN).get_data(as_text=True)
    assert 'action="/verify/credential"' in page
    data = {"credential-csrf_token": CSRF_RE.search(page).group(1)}
    if text is not None:
        data["credential-credential"] = text
    if file is not None:
        data["credential-file"] = (io.BytesIO(file[0]), file[1])
    response = client.post("/verify/credential", data=data, headers=EN,
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    found = html.split('data-verdict="', 1)[1].split('"', 1)[0] if "data-verdict" in html else None
    return response.status_code, found, html


def test_a_genuine_credential_is_valid_and_its_claims_are_shown(client, issued, trainee,
                                                                academy_key):
    status, verdict, html = check(client, text=issued.credential)
    assert (status, verdict) == (200, "valid")
    assert "The signature is genuine and the certificate is valid." in html
    assert trainee.display_name in html and issued.course_title in html
    assert f"Signing key {academy_key.kid}" in html
    uploaded = check(client, file=(issued.credential.encode(), f"{issued.serial}.jwt"))
    assert uploaded[1] == "valid"
    envelope = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": f"data:application/vc+jwt,{issued.credential}",
                "type": "EnvelopedVerifiableCredential"}
    assert check(client, text=json.dumps(envelope))[1] == "valid"


def test_a_tampered_credential_fails_its_signature(client, issued):
    header, payload, signature = issued.credential.split(".")
    claims = open_badge.payload_of(issued.credential)
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    status, verdict, html = check(client, text=f"{header}.{forged}.{signature}")
    assert (status, verdict) == (200, "signature_invalid")
    assert "the credential has been changed" in html and "Someone Else" not in html


def test_a_credential_signed_with_an_unknown_key_is_refused(client, issued, academy):
    claims = open_badge.payload_of(issued.credential)
    stranger = Ed25519PrivateKey.generate()
    header = {"typ": "vc+jwt", "cty": "vc", "kid": f"{claims['issuer']['id']}#AAAAAAAAAAAAAAAA"}
    forged = jwt.encode(claims, stranger, algorithm="EdDSA", headers=header)
    assert check(client, text=forged)[1] == "unknown_key"
    # The academy's own kid does not help a forger: the signature is checked with its key.
    header["kid"] = jwt.get_unverified_header(issued.credential)["kid"]
    forged = jwt.encode(claims, stranger, algorithm="EdDSA", headers=header)
    assert check(client, text=forged)[1] == "signature_invalid"


def test_a_revoked_certificate_or_key_is_said_so(client, issued, academy_key):
    revoking.revoke(issued, reason="Issued by mistake", actor_id=None)
    db.session.commit()
    status, verdict, html = check(client, text=issued.credential)
    assert (status, verdict) == (200, "certificate_revoked")
    assert "the certificate has been revoked" in html
    key_ops.revoke_key(academy_key.kid)
    db.session.commit()
    assert check(client, text=issued.credential)[1] == "revoked_key"


def test_the_json_is_checked_by_its_proof_or_else_against_the_record(client, issued):
    status, verdict, html = check(client, file=(issued.credential_json.encode(),
                                                f"{issued.serial}.json"))
    assert (status, verdict) == (200, "valid") and "no signature of its own" not in html
    changed = json.loads(issued.credential_json)
    changed["validUntil"] = "2099-01-01T00:00:00Z"
    assert check(client, text=json.dumps(changed))[1] == "signature_invalid"
    changed["proof"]["verificationMethod"] = changed["proof"]["verificationMethod"].replace(
        "#", "#X")
    assert check(client, text=json.dumps(changed))[1] == "unknown_key"
    # Without its proof, the JSON counts only as an exact copy of what Campus signed.
    bare = open_badge.without_proof(json.loads(issued.credential_json))
    status, verdict, html = check(client, text=json.dumps(bare))
    assert (status, verdict) == (200, "valid") and "has no signature of its own" in html
    bare["validUntil"] = "2099-01-01T00:00:00Z"
    assert check(client, text=json.dumps(bare))[1] == "not_issued"


def test_what_is_not_a_credential_is_malformed_and_an_empty_form_refused(client, issued):
    assert check(client, text="CAMPUS1:NOT-A-CREDENTIAL")[1] == "malformed"
    assert check(client, text='{"type": ["VerifiableCredential"]}')[1] == "malformed"
    assert check(client, file=(b"\xff\xfe binary", "photo.jwt"))[1] == "malformed"
    deep = "[" * 30000
    assert check(client, text="{\"a\": " + deep)[1] == "malformed"
    nested = base64.urlsafe_b64encode(deep.encode()).rstrip(b"=").decode()
    assert check(client, text=f"eyJhbGciOiJFZERTQSJ9.{nested}.AAAA")[1] == "malformed"
    status, verdict, html = check(client, text="   ")
    assert (status, verdict) == (400, None)
    assert "Paste the credential or choose its file." in html
    refused = client.post("/verify/credential", data={"credential-credential": issued.credential})
    assert refused.status_code == 400  # no CSRF token
