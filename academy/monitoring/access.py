"""Who may read /metrics: the configured networks, or whoever holds the bearer token."""
from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from academy.config import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# Headers a proxy adds to say whom it forwards for. Without PROXY_FIX the app reads none of them,
# so a request that carries one came through a proxy (on this host, its address is loopback).
FORWARDING_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def may_read_metrics(config: Mapping[str, Any], address: str | None,
                     headers: Mapping[str, str]) -> bool:
    """Whether a request from `address` with these headers may read /metrics.

    A request that presents credentials is judged by them alone: a wrong token is refused even
    from an allowed network. A request forwarded by a proxy whose headers the app does not read
    (PROXY_FIX off) is judged by the token alone: its address is the proxy's, not the sender's.
    """
    authorization = headers.get("Authorization")
    if authorization:
        return _token_matches(config.get("METRICS_TOKEN"), authorization)
    if not config.get("PROXY_FIX") and any(headers.get(name) is not None
                                           for name in FORWARDING_HEADERS):
        return False
    return is_allowed(address, config.get("METRICS_ALLOW"))


def _token_matches(token: Any, authorization: str) -> bool:
    scheme, _sep, given = authorization.partition(" ")
    if token in (None, "") or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), str(token).encode())


def is_allowed(address: str | None, allowed: Any) -> bool:
    """Whether `address` (an IPv4 or IPv6 address) lies in one of the `allowed` networks."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1 on a dual-stack socket
    return any(ip.version == network.version and ip in network
               for network in networks(allowed))


def networks(allowed: Any) -> tuple[Network, ...]:
    """The networks of METRICS_ALLOW: a list of CIDR blocks, or one comma-separated string.

    Raises ConfigError for an entry that is not a network.
    """
    if isinstance(allowed, str):
        allowed = allowed.replace(",", " ").split()
    return _parsed(tuple(str(entry).strip() for entry in allowed or ()))


@lru_cache(maxsize=16)
def _parsed(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries if entry)
    except ValueError as error:
        raise ConfigError(f"ACADEMY_METRICS_ALLOW: {error}") from error
