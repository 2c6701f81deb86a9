"""Each academy's Bitstring Status List: every certificate has its own random place, the place's
bit is set once the certificate is revoked or replaced, and the list is published as a VC-JWT
that an independent JOSE library (PyJWT) verifies with the academy's key from the trust list."""
from __future__ import annotations

import base64
import gzip

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from academy.certificates import issuing, replacing, revoking, serials, signed_qr, status_list
from academy.credentials import operations as key_ops
from academy.extensions import db

BASE = "https://campus.example.org"


def published(client, academy, key):
    """The list's credential, fetched from its address and verified with PyJWT."""
    response = client.get(f"/academies/{academy.slug}/status-list")
    assert response.status_code == 200
    assert response.mimetype == "application/vc+jwt"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    token = response.get_data(as_text=True)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    assert header["kid"].endswith(f":academies:{academy.slug}#{key.kid}")
    public = Ed25519PublicKey.from_public_bytes(key.public_key)
    return jwt.decode(token, public, algorithms=["EdDSA"])


def bit(credential, place) -> bool:
    return status_list.is_set(credential["credentialSubject"]["encodedList"], place)


def test_every_certificate_has_its_own_place_and_the_qr_code_names_it(issued, academy):
    assert 0 <= issued.status_index < status_list.LIST_BITS
    _message, claims = signed_qr.decode(signed_qr.payload_for(issued, academy))
    assert claims[signed_qr.STATUS] == issued.status_index
    assert status_list.entry(issued, BASE, "cep-madrid") == {
        "id": f"{BASE}/academies/cep-madrid/status-list#{issued.status_index}",
        "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": str(issued.status_index),
        "statusListCredential": f"{BASE}/academies/cep-madrid/status-list"}


def test_a_batch_draws_distinct_places_beside_those_taken(
        course, create_user, academy, complete, issued):
    enrolments = [complete(create_user(academy=academy, roles=["trainee"]), course)
                  for _ in range(5)]
    drafts = issuing.draft_batch([e.id for e in enrolments], serials.next_serials(2026, 5),
                                 actor_id=None, base_url=BASE, job_id=None)
    places = [draft.certificate.status_index for draft in drafts]
    assert len(drafts) == 5 and None not in places
    assert len(set(places) | {issued.status_index}) == 6


def test_the_list_is_signed_by_the_academy_and_says_nothing_while_all_are_valid(
        client, academy, academy_key, issued):
    credential = published(client, academy, academy_key)
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["issuer"].startswith("did:web:") and credential["validFrom"].endswith("Z")
    subject = credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert encoded.startswith("u") and len(bits) * 8 == status_list.LIST_BITS
    assert not any(bits)


def test_revoking_sets_the_certificates_bit_at_once(client, academy, academy_key, issued,
                                                    site_admin):
    revoking.revoke(issued, reason="fraud", actor_id=site_admin.id)
    db.session.commit()
    assert bit(published(client, academy, academy_key), issued.status_index)


@pytest.mark.parametrize("replace", ["renew", "reissue"])
def test_a_replaced_certificate_is_set_and_its_replacement_is_not(
        client, academy, academy_key, issued, site_admin, replace):
    new = getattr(replacing, replace)(issued, actor_id=site_admin.id, reason="name",
                                        base_url=BASE)
    db.session.commit()
    credential = published(client, academy, academy_key)
    assert new.status_index != issued.status_index
    assert bit(credential, issued.status_index) and not bit(credential, new.status_index)


def test_a_rotated_key_signs_the_list_from_then_on(client, academy, academy_key, issued):
    rotated = key_ops.rotate_key(academy.id).key
    db.session.commit()
    assert published(client, academy, rotated)["issuer"].startswith("did:web:")


def test_no_list_without_a_key_or_an_academy(client, academy):
    assert client.get(f"/academies/{academy.slug}/status-list").status_code == 404
    assert client.get("/academies/no-such-academy/status-list").status_code == 404


def test_place_zero_is_the_first_bytes_highest_bit():
    encoded = status_list.encoded_list([0, 9])
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert bits[0] == 0x80 and bits[1] == 0x40
    assert status_list.is_set(encoded, 0) and status_list.is_set(encoded, 9)
    assert not status_list.is_set(encoded, 1)
