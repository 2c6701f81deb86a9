"""The trust list: every public key, its owner and status, signed as a compact JWS by the
network's current key (alg Ed25519, RFC 9864's name for EdDSA over Ed25519)."""
from __future__ import annotations

import base64
import json

from joserfc import jws
from joserfc.jwk import OKPKey

from academy.academies.models import Academy
from academy.credentials import keystore, queries
from academy.credentials.models import SigningKey
from academy.db import utcnow
from academy.extensions import db

JWS_ALG = "Ed25519"
FORMAT = "campus-trust-list/1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _stamp(moment) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def key_entry(key: SigningKey, academy: Academy | None) -> dict:
    """One key as the trust list shows it."""
    owner = ({"type": "network"} if academy is None else
             {"type": "academy", "slug": academy.slug, "names": dict(academy.names or {})})
    return {"kid": key.kid, "owner": owner, "status": key.status,
            "jwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url(key.public_key)},
            "created_at": _stamp(key.created_at), "retired_at": _stamp(key.retired_at),
            "revoked_at": _stamp(key.revoked_at)}


def payload() -> dict:
    """The list's content: the format, when it was made, every key."""
    keys = queries.all_keys()
    academies = {a.id: a for a in db.session.scalars(db.select(Academy).where(
        Academy.id.in_({k.academy_id for k in keys if k.academy_id is not None})))}
    return {"format": FORMAT, "issued_at": _stamp(utcnow()),
            "keys": [key_entry(k, academies.get(k.academy_id)) for k in keys]}


def encode(content: dict) -> bytes:
    """The exact bytes that are signed and served."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True).encode("utf-8")


def signed() -> dict | None:
    """{"trust_list": <payload>, "jws": <compact JWS of exactly encode(payload)>}; None when the
    network has no current key whose private half this server holds."""
    key = queries.current_key(None)
    private = keystore.load_private(key.kid) if key else None
    if private is None:
        return None
    content = payload()
    token = jws.serialize_compact({"alg": JWS_ALG, "kid": key.kid},
                                  encode(content), OKPKey.import_key(private),
                                  algorithms=[JWS_ALG])
    return {"trust_list": content, "jws": token}
