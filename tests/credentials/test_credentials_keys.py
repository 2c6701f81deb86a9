"""Signing keys (create, rotate, revoke, list), the signed trust list and did:web documents."""
from __future__ import annotations

import base64
import json
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from academy.credentials import keystore, queries
from academy.credentials.models import CURRENT, RETIRED, REVOKED, SigningKey
from academy.extensions import db


def keys(app, *args: str):
    return app.test_cli_runner().invoke(args=["keys", *args])


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def school(create_academy):
    return create_academy(slug="cep-lisboa", names={"es": "Centro de Estudos", "en": "Centre"})


def test_create_keeps_the_private_key_in_the_key_folder_and_only_the_public_one_in_the_database(
        app, app_ctx, school):
    result = keys(app, "create", "--academy", school.slug)
    assert result.exit_code == 0, result.output
    key = queries.current_key(school.id)
    assert key.status == CURRENT and len(key.public_key) == 32
    assert key.kid == keystore.kid_of(key.public_key) and len(key.kid) >= 11
    path = keystore.key_dir() / f"{key.kid}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    private = keystore.load_private(key.kid)
    assert keystore.raw_public(private.public_key()) == key.public_key
    assert key.kid in result.output and str(path) in result.output


def test_a_second_create_is_refused_and_changes_nothing(app, app_ctx, school):
    assert keys(app, "create", "--academy", school.slug).exit_code == 0
    result = keys(app, "create", "--academy", school.slug)
    assert result.exit_code != 0 and "rotate" in result.output
    assert len(queries.keys_of(school.id)) == 1
    assert keys(app, "create", "--academy", "no-such-academy").exit_code != 0


def test_rotate_retires_the_old_key_which_still_verifies(app, app_ctx, school):
    keys(app, "create", "--academy", school.slug)
    old = queries.current_key(school.id)
    signature = keystore.load_private(old.kid).sign(b"signed before the rotation")
    result = keys(app, "rotate", "--academy", school.slug)
    assert result.exit_code == 0, result.output
    new = queries.current_key(school.id)
    db.session.refresh(old)
    assert new.kid != old.kid and old.status == RETIRED and old.retired_at is not None
    Ed25519PublicKey.from_public_bytes(old.public_key).verify(signature,
                                                              b"signed before the rotation")
    assert keys(app, "rotate").exit_code != 0  # the network has no key to rotate yet


def test_revoke_marks_the_key_and_a_second_revoke_is_refused(app, app_ctx, school):
    keys(app, "create", "--academy", school.slug)
    key = queries.current_key(school.id)
    assert keys(app, "revoke", key.kid).exit_code == 0
    db.session.refresh(key)
    assert key.status == REVOKED and key.revoked_at is not None
    assert queries.current_key(school.id) is None
    assert keys(app, "revoke", key.kid).exit_code != 0
    assert keys(app, "revoke", "unknown-kid").exit_code != 0


@pytest.mark.parametrize("start", ["-W", "--"])
def test_a_kid_beginning_with_a_hyphen_is_revoked_too(app, app_ctx, school, start):
    keys(app, "create", "--academy", school.slug)
    key = queries.current_key(school.id)
    key.kid = start + key.kid[2:]  # base64url may begin so; click must not read it as an option
    db.session.commit()
    result = keys(app, "revoke", key.kid)
    assert result.exit_code == 0, result.output
    db.session.refresh(key)
    assert key.status == REVOKED


def test_list_shows_every_key_with_its_owner_and_status(app, app_ctx, school):
    keys(app, "create")
    keys(app, "create", "--academy", school.slug)
    output = keys(app, "list").output
    assert "\tnetwork\tcurrent\t" in output and f"\t{school.slug}\tcurrent\t" in output
    assert output.count("private key here") == 2


def test_a_private_key_can_come_from_the_environment_setting_instead_of_the_folder(app, app_ctx):
    private = Ed25519PrivateKey.generate()
    kid = keystore.kid_of(keystore.raw_public(private.public_key()))
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    assert keystore.load_private(kid) is None
    app.config["SIGNING_KEYS"] = {kid: pem}
    try:
        loaded = keystore.load_private(kid)
    finally:
        app.config["SIGNING_KEYS"] = None
    assert keystore.raw_public(loaded.public_key()) == keystore.raw_public(private.public_key())


# --- The trust list -----------------------------------------------------------------------------

def test_the_trust_list_is_signed_by_the_network_and_verifies_without_joserfc(
        app, app_ctx, client, school):
    """Signed with joserfc; checked here with nothing but `cryptography` over the JWS input."""
    keys(app, "create")
    keys(app, "create", "--academy", school.slug)
    keys(app, "rotate", "--academy", school.slug)
    retired = queries.keys_of(school.id)[0]
    keys(app, "revoke", retired.kid)
    response = client.get("/.well-known/campus-trust-list.json")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    body = response.get_json()
    header_b64, payload_b64, signature_b64 = body["jws"].split(".")
    header = json.loads(b64url_decode(header_b64))
    network = queries.current_key(None)
    assert header["alg"] == "Ed25519" and header["kid"] == network.kid
    Ed25519PublicKey.from_public_bytes(network.public_key).verify(
        b64url_decode(signature_b64), f"{header_b64}.{payload_b64}".encode("ascii"))
    signed = json.loads(b64url_decode(payload_b64))
    assert signed == body["trust_list"]
    entries = {entry["kid"]: entry for entry in signed["keys"]}
    assert entries[network.kid]["owner"] == {"type": "network"}
    assert entries[retired.kid]["status"] == REVOKED and entries[retired.kid]["revoked_at"]
    current = queries.current_key(school.id)
    assert entries[current.kid]["owner"]["slug"] == school.slug
    assert b64url_decode(entries[current.kid]["jwk"]["x"]) == current.public_key


def test_a_tampered_trust_list_fails_the_check(app, app_ctx, client):
    keys(app, "create")
    token = client.get("/.well-known/campus-trust-list.json").get_json()["jws"]
    header_b64, payload_b64, signature_b64 = token.split(".")
    forged = json.loads(b64url_decode(payload_b64))
    forged["keys"].append({"kid": "forged"})
    forged_b64 = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    from cryptography.exceptions import InvalidSignature

    with pytest.raises(InvalidSignature):
        Ed25519PublicKey.from_public_bytes(queries.current_key(None).public_key).verify(
            b64url_decode(signature_b64), f"{header_b64}.{forged_b64}".encode())


def test_without_a_network_key_there_is_no_trust_list(app_ctx, client):
    assert client.get("/.well-known/campus-trust-list.json").status_code == 404


# --- did:web ------------------------------------------------------------------------------------

def test_an_academys_did_document_lists_its_keys_not_revoked_as_multikeys(
        app, app_ctx, client, school):
    keys(app, "create", "--academy", school.slug)
    keys(app, "rotate", "--academy", school.slug)
    first, second = queries.keys_of(school.id)
    keys(app, "rotate", "--academy", school.slug)
    keys(app, "revoke", first.kid)
    app.config["PUBLIC_URL"] = "https://campus.example.org:8443"
    try:
        response = client.get(f"/academies/{school.slug}/did.json")
    finally:
        app.config["PUBLIC_URL"] = None
    assert response.status_code == 200 and response.mimetype == "application/did+json"
    document = response.get_json()
    did = "did:web:campus.example.org%3A8443:academies:cep-lisboa"
    assert document["id"] == did
    methods = {method["id"]: method for method in document["verificationMethod"]}
    assert set(methods) == {f"{did}#{k.kid}" for k in queries.keys_of(school.id)
                            if k.status != REVOKED}
    method = methods[f"{did}#{second.kid}"]
    assert method["type"] == "Multikey" and method["controller"] == did
    assert method["publicKeyMultibase"].startswith("z6Mk")  # Ed25519 public key, base58btc
    assert b64url_decode(method["publicKeyJwk"]["x"]) == second.public_key
    assert document["assertionMethod"] == list(methods)
    assert client.get("/academies/no-such-academy/did.json").status_code == 404


def test_key_rows_hold_no_private_material(app, app_ctx, school):
    keys(app, "create", "--academy", school.slug)
    columns = set(SigningKey.__table__.columns.keys())
    assert columns == {"id", "kid", "academy_id", "public_key", "status", "created_at",
                       "retired_at", "revoked_at"}


def test_the_key_folder_may_not_be_inside_the_upload_folder_that_backups_copy(tmp_path):
    from academy.config import ConfigError
    from tests.support import make_app

    with pytest.raises(ConfigError, match="KEY_DIR"):
        make_app(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path,
                 KEY_DIR=str(tmp_path / "uploads" / "keys"))
