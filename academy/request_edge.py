"""What the request being served tells the code below its views: the client's address and the
address the request was sent to.

No Flask here: operations read these values, so they run the same from the CLI, a job or a test,
where there is no request and both are None. The app sets them as each request starts and
clears them when it ends (academy/app.py).
"""
from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class Edge:
    """One request's facts: `address` the client's (as ProxyFix gives it), `host_url` the
    address it was sent to ("http://localhost:5000/")."""

    address: str | None
    host_url: str | None


_current: ContextVar[Edge | None] = ContextVar("request_edge", default=None)


def enter(address: str | None, host_url: str | None) -> Token:
    """Remember the request being served; returns the token that `leave` takes."""
    return _current.set(Edge(address or None, host_url or None))


def leave(token: Token) -> None:
    """Forget the request that `enter` remembered."""
    _current.reset(token)


def client_address() -> str | None:
    """The address of the client of the request being served; None outside a request."""
    edge = _current.get()
    return edge.address if edge else None


def host_url() -> str | None:
    """The address the request being served was sent to; None outside a request."""
    edge = _current.get()
    return edge.host_url if edge else None
