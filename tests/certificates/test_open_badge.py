"""The Open Badges 3.0 credential of a certificate: what it states, that it validates against
1EdTech's JSON schema, that its VC-JWT verifies with an independent library (PyJWT) and the key
from the trust list, and that the certificate's PDF carries it as PDF/A-3 associated files."""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import jsonschema
import jwt
import pypdf
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from academy import storage
from academy.certificates import configuring, contents, open_badge, status_list
from academy.credentials import operations as key_ops
from academy.extensions import db
from tests.factories.certificates import issue

BASE = "https://campus.example.org"
SCHEMA = Path(__file__).parents[1] / "schemas" / "ob_v3p0_achievementcredential_schema.json"


@pytest.fixture
def academy_key(academy):
    outcome = key_ops.create_key(academy.id)
    key_ops.create_key(None)  # the network's, which signs the trust list
    db.session.commit()
    return outcome.key


def trust_list_key(client, kid: str) -> Ed25519PublicKey:
    """The key as an outside verifier finds it: in the signed payload of the trust list."""
    document = client.get("/.well-known/campus-trust-list.json").get_json()
    payload = document["jws"].split(".")[1]
    keys = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["keys"]
    jwk = next(k["jwk"] for k in keys if k["kid"] == kid)
    raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)


def test_the_jwt_verifies_with_pyjwt_and_the_key_of_the_trust_list(client, issued, academy,
                                                                    academy_key):
    token = issued.credential
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc",
                      "kid": f"did:web:campus.example.org:academies:cep-madrid#{academy_key.kid}"}
    credential = jwt.decode(token, trust_list_key(client, academy_key.kid), algorithms=["EdDSA"])
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "did:web:campus.example.org:academies:cep-madrid"
    tampered = token.split(".")
    body = dict(credential, credentialSubject={**credential["credentialSubject"],
                                               "identifier": [{**credential["credentialSubject"][
                                                   "identifier"][0], "identityHash": "Somebody"}]})
    tampered[1] = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(".".join(tampered), trust_list_key(client, academy_key.kid),
                   algorithms=["EdDSA"])


def test_the_credential_validates_against_the_open_badges_schema(issued):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema)
    credential = open_badge.payload_of(issued.credential)
    errors = sorted(validator.iter_errors(credential), key=lambda e: list(e.path))
    assert errors == []
    assert validator.is_valid(json.loads(issued.credential_json))  # with its proof
    # The schema does catch a credential that lacks what OB 3.0 requires.
    broken = dict(credential, credentialSubject={**credential["credentialSubject"]})
    del broken["credentialSubject"]["achievement"]["criteria"]
    assert not validator.is_valid(broken)


def test_what_the_credential_states(issued, course, academy, trainee):
    credential = open_badge.payload_of(issued.credential)
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["id"] == contents.verify_url(BASE, issued.code)
    assert credential["validFrom"] == issued.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "validUntil" not in credential  # the course's certificates never expire
    assert credential["issuer"] == {
        "id": "did:web:campus.example.org:academies:cep-madrid", "type": ["Profile"],
        "name": academy.name_in(issued.locale), "url": BASE}
    subject = credential["credentialSubject"]
    assert subject["identifier"] == [{"type": "IdentityObject", "identityType": "name",
                                      "hashed": False, "identityHash": trainee.display_name}]
    achievement = subject["achievement"]
    assert achievement["name"] == issued.course_title == course.title_in(issued.locale)
    assert achievement["inLanguage"] == issued.locale.replace("_", "-")
    assert achievement["description"] and achievement["criteria"]["narrative"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["creditsAvailable"] == float(issued.hours) == subject["creditsEarned"]
    # The course is also written in another language: the achievement names it as related.
    languages = {text.locale for text in course.texts} - {issued.locale[:2]}
    assert [r["inLanguage"] for r in achievement["related"]] == sorted(languages)
    assert all(r["id"].startswith("urn:uuid:") and r["id"] != achievement["id"]
               for r in achievement["related"])
    assert credential["credentialStatus"] == status_list.entry(issued, BASE, "cep-madrid")


def test_an_expiring_certificate_says_until_when(course, trainee, complete, academy_key):
    policy = configuring.save_policy(course, issuance="approval", min_grade=None,
                                     validity_months=12, shows_grade=False, actor_id=None)
    db.session.commit()
    certificate = issue(complete(trainee, course))
    credential = open_badge.payload_of(certificate.credential)
    assert policy.validity_months == 12
    assert credential["validUntil"] == certificate.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_pdf_carries_the_credential_as_associated_files(issued):
    pdf = storage.stored_path(contents.PDF_KIND, issued.pdf_sha256, ".pdf").read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    files = reader.attachments
    assert sorted(files) == [f"{issued.serial}.json", f"{issued.serial}.jwt"]
    assert files[f"{issued.serial}.jwt"] == [issued.credential.encode("ascii")]
    readable = json.loads(files[f"{issued.serial}.json"][0])
    assert readable == json.loads(issued.credential_json)
    assert open_badge.without_proof(readable) == open_badge.payload_of(issued.credential)
    # PDF/A-3: each file is an associated file of the document (/AF), with its relationship
    # and its media type.
    # (WeasyPrint 70 lists each twice in /AF, the same object: harmless.)
    associated = {ref.idnum: ref.get_object() for ref in reader.trailer["/Root"]["/AF"]}
    by_name = {spec["/UF"]: spec for spec in associated.values()}
    assert len(associated) == 2
    assert set(by_name) == {f"{issued.serial}.json", f"{issued.serial}.jwt"}
    for spec in by_name.values():
        assert spec["/AFRelationship"] == "/Data" and spec["/Desc"]
    subtypes = {name: spec["/EF"]["/F"].get_object()["/Subtype"]
                for name, spec in by_name.items()}
    assert subtypes == {f"{issued.serial}.jwt": "/application/vc+jwt",
                        f"{issued.serial}.json": "/application/json"}


def multikey(client, academy_slug: str, method: str) -> bytes:
    """The raw public key of a verification method, as a did:web resolver finds it."""
    document = client.get(f"/academies/{academy_slug}/did.json").get_json()
    found = next(m for m in document["verificationMethod"] if m["id"] == method)
    assert method in document["assertionMethod"]
    value = found["publicKeyMultibase"]
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = 0
    for char in value[1:]:
        number = number * 58 + alphabet.index(char)
    decoded = number.to_bytes((number.bit_length() + 7) // 8, "big")
    assert value.startswith("z") and decoded[:2] == b"\xed\x01"
    return decoded[2:]


def test_the_json_carries_an_eddsa_rdfc_2022_proof_that_verifies(app, monkeypatch, client,
                                                                  issued, academy_key):
    from academy.credentials import data_integrity

    monkeypatch.setitem(app.config, "PUBLIC_URL", BASE)  # where the did:web lives
    document = json.loads(issued.credential_json)
    proof = document["proof"]
    method = f"did:web:campus.example.org:academies:cep-madrid#{academy_key.kid}"
    assert {key: proof[key] for key in ("type", "cryptosuite", "proofPurpose",
                                        "verificationMethod", "created")} == {
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod", "verificationMethod": method,
        "created": document["validFrom"]}
    assert proof["proofValue"].startswith("z")
    public = multikey(client, "cep-madrid", method)
    assert public == academy_key.public_key
    assert data_integrity.verifies(document, public)
    changed = json.loads(issued.credential_json)
    changed["credentialSubject"]["creditsEarned"] = 999.0
    assert not data_integrity.verifies(changed, public)
    # The canonical form is RDF: reordering the JSON changes nothing, and nothing is fetched.
    reordered = dict(reversed(list(document.items())))
    assert data_integrity.verifies(reordered, public)
    other = {**document, "@context": [*document["@context"], "https://example.org/other"]}
    assert not data_integrity.verifies(other, public)  # an unknown context is never fetched
    with pytest.raises(data_integrity.UnknownContext):
        data_integrity.load_document("https://example.org/other")


def test_an_academy_without_a_key_issues_no_credential(course, trainee, complete):
    certificate = issue(complete(trainee, course))
    assert certificate.credential is None and certificate.credential_json is None
    pdf = storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256, ".pdf").read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert "/AF" not in reader.trailer["/Root"]
