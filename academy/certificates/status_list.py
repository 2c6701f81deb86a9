"""Each academy's Bitstring Status List (W3C Bitstring Status List v1.0), purpose revocation.

Every certificate has a random place in its academy's list (`Certificate.status_index`); its bit
is set once the certificate is revoked or replaced (renewed, reissued): it is no longer the one
that counts. The list is computed from the certificates on each request, so it is up to date the
moment a coordinator revokes, renews or reissues, and signed as a VC-JWT by the academy's
current key (academy/credentials/vc_jwt.py).
"""
from __future__ import annotations

import base64
import gzip
import random
from datetime import datetime

from sqlalchemy import or_, select

from academy.academies.models import Academy
from academy.certificates.models import Certificate
from academy.credentials import did, vc_jwt
from academy.db import utcnow
from academy.extensions import db

LIST_BITS = 131072  # the specification's minimum: 16 KiB, so one list hides who is who
PURPOSE = "revocation"
_CHOOSER = random.SystemRandom()


def list_url(base_url: str, academy_slug: str) -> str:
    return f"{base_url.rstrip('/')}/academies/{academy_slug}/status-list"


def free_places(academy_id: int, count: int) -> list[int | None]:
    """`count` random places nobody in the academy holds (None past a full list)."""
    taken = set(db.session.scalars(select(Certificate.status_index).where(
        Certificate.academy_id == academy_id, Certificate.status_index.is_not(None))))
    free = LIST_BITS - len(taken)
    chosen: list[int | None] = []
    while len(chosen) < min(count, free):
        place = _CHOOSER.randrange(LIST_BITS)
        if place not in taken:
            taken.add(place)
            chosen.append(place)
    return chosen + [None] * (count - len(chosen))


def entry(certificate: Certificate, base_url: str, academy_slug: str) -> dict | None:
    """The credentialStatus of a certificate's credential (None without a place)."""
    if certificate.status_index is None:
        return None
    url = list_url(base_url, academy_slug)
    return {"id": f"{url}#{certificate.status_index}", "type": "BitstringStatusListEntry",
            "statusPurpose": PURPOSE, "statusListIndex": str(certificate.status_index),
            "statusListCredential": url}


def set_places(academy_id: int) -> list[int]:
    """The places of the academy's certificates that no longer count."""
    return list(db.session.scalars(select(Certificate.status_index).where(
        Certificate.academy_id == academy_id, Certificate.status_index.is_not(None),
        or_(Certificate.revoked_at.is_not(None), Certificate.superseded_at.is_not(None)))))


def encoded_list(places: list[int]) -> str:
    """Multibase base64url (prefix "u") of the gzipped bits; place 0 is the first byte's most
    significant bit."""
    bits = bytearray(LIST_BITS // 8)
    for place in places:
        bits[place // 8] |= 0x80 >> (place % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def is_set(encoded: str, place: int) -> bool:
    """Whether `place`'s bit is set in an encodedList (what any verifier does)."""
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    body = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return bool(bits[place // 8] & (0x80 >> (place % 8)))


def credential(academy: Academy, base_url: str, now: datetime | None = None) -> dict:
    """The academy's BitstringStatusListCredential as of now, unsigned."""
    url = list_url(base_url, academy.slug)
    stamp = (now or utcnow()).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did.did_of(base_url, academy.slug), "validFrom": stamp,
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": PURPOSE,
                              "encodedList": encoded_list(set_places(academy.id))},
    }


def signed(academy: Academy, base_url: str) -> str | None:
    """The list as a VC-JWT; None while the academy has no key here."""
    return vc_jwt.sign(credential(academy, base_url), academy.id,
                       did.did_of(base_url, academy.slug))
