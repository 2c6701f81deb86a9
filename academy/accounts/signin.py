"""Signing in: counting the attempt against the limits, checking the password, recording what
came of it. Never commits.

Two limits, over the last LOGIN_FAILURE_WINDOW_SECONDS (README, "Configuration"):
- **Per account**, LOGIN_MAX_FAILURES_PER_ACCOUNT attempts that did not sign in. The key is the
  account the typed username or e-mail address designates, so both ways in share one allowance;
  a name that matches no account is keyed on what was typed, so the answers are the same for
  every name and reveal nothing.
- **Per address**, LOGIN_MAX_FAILURES_PER_ADDRESS failures that look like guessing: every
  attempt on a name that matches no account, and every account that failed from there and has
  not signed in from there since (counted once, however often it failed). A classroom behind one
  address whose people mistype their own passwords, then sign in, uses none of it; an address
  that tries many accounts, or invents names, is stopped for all.
Every attempt is counted before the password is checked, so parallel guesses cannot slip past.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app

from academy import ratelimit
from academy.accounts import passwords, queries
from academy.accounts.models import User
from academy.audit import operations as audit
from academy.domain_errors import DomainError
from academy.i18n import lazy_gettext as _l
from academy.i18n import lazy_ngettext


class InvalidCredentials(DomainError):
    """Unknown login name or wrong password (deliberately not told apart)."""


class AccountDeactivated(DomainError):
    """Right password, but the account was deactivated."""


class LoginThrottled(DomainError):
    """Too many failed attempts for this account or from this address."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            lazy_ngettext(
                "Too many failed sign-in attempts. Wait %(num)d minute and try again.",
                "Too many failed sign-in attempts. Wait %(num)d minutes and try again.",
                minutes,
            )
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limits:
    """The configured failed sign-in limits."""

    account: ratelimit.Limit
    address: ratelimit.Limit

    @classmethod
    def configured(cls) -> Limits:
        cfg = current_app.config
        window = cfg["LOGIN_FAILURE_WINDOW_SECONDS"]
        return cls(ratelimit.Limit(cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"], window),
                   ratelimit.Limit(cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"], window))


@dataclass(frozen=True)
class Keys:
    """The counters one attempt touches."""

    account: str  # the account's, or the typed name's when it matches none
    address: str
    pair: str | None  # this account from this address (None for an unknown name)


def keys_for(user: User | None, login: str, address: str | None) -> Keys:
    """The counters of an attempt at `user` (None: `login` matches no account) from `address`."""
    where = address or "unknown"
    if user is None:
        digest = hashlib.sha256(login.strip().lower().encode()).hexdigest()[:32]
        return Keys(f"login:name:{digest}", f"login:addr:{where}", None)
    return Keys(f"login:user:{user.id}", f"login:addr:{where}", f"login:pair:{where}:{user.id}")


@dataclass
class LoginCheck:
    """What checking a sign-in found, before anything about it is recorded."""

    login: str
    user: User | None
    problem: DomainError | None  # None: the credentials open `user`
    new_hash: str | None = None  # the password hashed anew, when the cost settings changed
    keys: Keys | None = None  # the counters a good sign-in takes back
    now: float = 0.0


@dataclass(frozen=True)
class LoginOutcome:
    """What a sign-in came to, once recorded: the user it opens, or the problem (a refused
    attempt was audited, unless throttled: the caller commits either way)."""

    user: User | None
    problem: DomainError | None = None


def _count(keys: Keys, limits: Limits, now: float) -> LoginThrottled | None:
    """Count the attempt; the refusal when the account or the address is over its limit."""
    with ratelimit.batch():
        if ratelimit.record_hit(keys.account, limits.account, now) > limits.account.hits:
            return LoginThrottled(limits.account.retry_after(now))
        first = keys.pair is None or ratelimit.record_hit(keys.pair, limits.address, now) == 1
        if first:  # an unknown name, or this account's first attempt from here in the window
            over = ratelimit.record_hit(keys.address, limits.address, now) > limits.address.hits
        else:  # counted already: refused only if the address went past its limit since
            beyond = ratelimit.Limit(limits.address.hits + 1, limits.address.seconds)
            over = ratelimit.is_limited(keys.address, beyond, now)
    return LoginThrottled(limits.address.retry_after(now)) if over else None


def check_login(login: str, password: str, address: str | None) -> LoginCheck:
    """Count the attempt and check the password; nothing is written in the request's transaction
    (the counters are written on their own), so the caller may end its read before recording
    the outcome with `record_login`: on SQLite no write lock is held while the password is
    hashed, and sign-ins from one classroom do not queue behind each other (issue 14)."""
    user = queries.find_user_for_login(login) if len(login) <= 254 else None
    keys, now = keys_for(user, login, address), ratelimit.now()
    throttled = _count(keys, Limits.configured(), now)
    if throttled is not None:
        return LoginCheck(login, None, throttled)
    if not passwords.verify_password(user.password_hash if user else None, password[:1024]):
        return LoginCheck(login, user, InvalidCredentials(_l("Wrong username or password.")))
    if not user.is_active:
        return LoginCheck(login, user, AccountDeactivated(
            _l("This account has been deactivated. Please contact your academy.")))
    new_hash = passwords.hash_password(password) \
        if passwords.needs_rehash(user.password_hash) else None
    return LoginCheck(login, user, None, new_hash, keys, now)


def record_login(check: LoginCheck) -> LoginOutcome:
    """Record a checked sign-in: a good one takes the account off the limits and is audited, as
    is a wrong password or a deactivated account (a throttled attempt writes nothing)."""
    if isinstance(check.problem, LoginThrottled):
        return LoginOutcome(None, check.problem)
    if check.problem is not None:
        reason = "deactivated" if isinstance(check.problem, AccountDeactivated) else \
            "wrong_password"
        _record_failed_login(check.login, check.user, reason)
        return LoginOutcome(None, check.problem)
    user, keys = check.user, check.keys
    # Its owner is in: the account's failures are forgiven, and it no longer counts against
    # the address (it counted there once, on its first attempt).
    with ratelimit.batch():
        ratelimit.reset(keys.account)
        ratelimit.reset(keys.pair)
        ratelimit.forgive(keys.address, Limits.configured().address, check.now)
    if check.new_hash:
        user.password_hash = check.new_hash
    audit.record("account.login", actor_id=user.id, target_type="user", target_id=user.id,
                 academy_id=user.academy_id)
    return LoginOutcome(user)


def authenticate(login: str, password: str, address: str | None) -> LoginOutcome:
    """Check and record a sign-in in one go (outside a request's read/write split)."""
    return record_login(check_login(login, password, address))


def _record_failed_login(login: str, user: User | None, reason: str) -> None:
    # Throttled attempts are refused before this and not recorded: the limits bound how many
    # rows an anonymous guesser can add to the log.
    audit.record("account.login_failed", actor_id=None, target_type="user",
                 target_id=user.id if user else None,
                 academy_id=user.academy_id if user else None,
                 details={"login": login[:100], "reason": reason})
