"""Settings: documented defaults for the embedded mode, overridden by ACADEMY_* variables.

Every setting can be set as ``ACADEMY_<NAME>`` in the environment (values are parsed as JSON
when they look like it, so ``ACADEMY_LOGIN_MAX_FAILURES_PER_ACCOUNT=10`` is a number).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Config, Flask

DEFAULTS: dict[str, Any] = {
    # "development" (embedded default) or "production"; production refuses to start without a
    # secret key and a database URL given in the environment.
    "ENV": "development",
    "DATABASE_URL": None,  # default: SQLite file instance/campus.sqlite3
    "REDIS_URL": None,  # rate limits and jobs (RQ) use Redis when set, the database otherwise
    "REDIS_PREFIX": "campus:rl:",  # key prefix of the rate-limit counters in Redis
    "UPLOAD_DIR": None,  # default: instance/uploads
    "COURSES_DIR": str(Path(__file__).resolve().parent.parent / "courses"),  # the demo's curricula
    "DEFAULT_LOCALE": "en",
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # largest request body accepted, in bytes
    "LOGO_MAX_BYTES": 1024 * 1024,
    "CSV_MAX_BYTES": 2 * 1024 * 1024,
    "CSV_MAX_ROWS": 5000,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,
    "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
    "SESSION_LIFETIME_HOURS": 12,
    "ENROLMENT_KEY_ATTEMPTS": 5,  # wrong enrolment keys per person and course per 15 minutes
    "PASSWORD_MIN_LENGTH": 10,
    # argon2id cost (memory in KiB); the defaults are OWASP's recommended minimum (19 MiB, t=2,
    # p=1), sized so a classroom signing in at once does not exhaust an academy's small server.
    "ARGON2_TIME_COST": 2,
    "ARGON2_MEMORY_COST": 19 * 1024,
    "ARGON2_PARALLELISM": 1,
    "SQLITE_BUSY_TIMEOUT_MS": 30_000,
    # Trust one X-Forwarded-* hop: needed behind any reverse proxy or load balancer, on this host
    # or another (else every request seems to come from the proxy's address).
    "PROXY_FIX": False,
    # Cookies are always Secure in production (a proxy may forward plain HTTP); elsewhere
    # whenever the request is HTTPS, or always when this is set.
    "SESSION_COOKIE_SECURE": False,
    # Certificates: the address printed on them and in their QR codes (default: the address of
    # the request that issues them), the processes a bulk job renders with (default: one per
    # core), and how many public checks one address may make per window.
    "PUBLIC_URL": None,
    "CERTIFICATE_WORKERS": None,
    "VERIFY_MAX_PER_ADDRESS": 60,
    # Signing keys (docs/credentials.md): private keys are read from SIGNING_KEYS
    # (a JSON object of kid -> PEM; ACADEMY_SIGNING_KEYS in production, from a secret store),
    # then from KEY_DIR (default: instance/keys), one <kid>.pem each; never from the database.
    "KEY_DIR": None,
    "SIGNING_KEYS": None,
    "VERIFY_WINDOW_SECONDS": 15 * 60,
    # Seconds the dashboards' figures are kept once computed (academy/cache.py; in Redis when
    # REDIS_URL is set, else per process); 0 computes them for every request.
    "REPORTS_KEPT_SECONDS": 60,
    "JOB_MODE": None,  # "rq" when REDIS_URL is set, else "thread"; tests use "inline"
    # Seconds each process keeps what it read of maintenance mode (academy/maintenance/state.py):
    # `flask maintenance on|off` reaches every process and node within this time, and pages pay
    # no statement for it in between.
    "MAINTENANCE_CHECK_SECONDS": 5,
    "JOB_QUEUE": "campus",  # the RQ queue `flask jobs worker` serves
    # Jobs that finish (academy/jobs/runner.py): a running job beats a heartbeat every
    # JOB_HEARTBEAT_SECONDS; one silent for JOB_STALE_SECONDS is taken up again by the sweep
    # every web process and worker runs every JOB_SWEEP_SECONDS (0: never); a job that fails is
    # retried after JOB_RETRY_SECONDS, then twice as long each time, JOB_MAX_ATTEMPTS in all;
    # the downloads of jobs over JOB_DOWNLOADS_KEPT_DAYS days old are removed.
    "JOB_HEARTBEAT_SECONDS": 10,
    "JOB_STALE_SECONDS": 60,
    "JOB_SWEEP_SECONDS": 15,
    "JOB_RETRY_SECONDS": 30,
    "JOB_MAX_ATTEMPTS": 3,
    "JOB_DOWNLOADS_KEPT_DAYS": 7,
    # Health, metrics and logs (academy/monitoring; docs/operations.md). /health/ready gives
    # each of its checks this many seconds (Redis sockets, PostgreSQL statements). /metrics
    # answers the networks of METRICS_ALLOW (a list of CIDR blocks, or one string of them
    # separated by commas) and anyone sending `Authorization: Bearer <METRICS_TOKEN>`; 404
    # otherwise. A request that carries a proxy's X-Forwarded-For, X-Real-IP or Forwarded while
    # PROXY_FIX is off needs the token (its address is the proxy's). REQUEST_LOG writes one JSON
    # line per request to the logger `campus.requests` (stderr unless logging is configured);
    # None: on in production, off in development.
    "HEALTH_CHECK_TIMEOUT_SECONDS": 1.0,
    "METRICS_ALLOW": ["127.0.0.1/32", "::1/128"],
    "METRICS_TOKEN": None,
    "REQUEST_LOG": None,
}

FIXED: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "campus_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which the server ends
    "BABEL_DEFAULT_LOCALE": "en",
}


class ConfigError(RuntimeError):
    """The configuration cannot start the platform safely."""


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill app.config from defaults, ACADEMY_* variables and explicit overrides; raise
    ConfigError when they cannot start the platform safely."""
    config = app.config
    config.update(DEFAULTS)
    config.update(FIXED)
    config.from_prefixed_env("ACADEMY")
    if overrides:
        config.update(overrides)
    instance = Path(app.instance_path)
    production = config["ENV"] == "production"
    _set_secret_key(config, instance, production)
    _set_database(config, instance, production)
    _set_public_address(config, production)
    _set_folders(config, instance)
    if config.get("REQUEST_LOG") is None:
        config["REQUEST_LOG"] = production
    config["BABEL_DEFAULT_LOCALE"] = config["DEFAULT_LOCALE"]


def _set_secret_key(config: Config, instance: Path, production: bool) -> None:
    """The secret key given, or in development the one kept in instance/."""
    if config.get("SECRET_KEY"):
        return
    if production:
        raise ConfigError("ACADEMY_SECRET_KEY must be set in production")
    config["SECRET_KEY"] = _instance_secret(instance)


def _set_database(config: Config, instance: Path, production: bool) -> None:
    """The database's URL (in development, an SQLite file in instance/ by default), and how
    connections to a database server are opened."""
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        url = config.get("DATABASE_URL")
        if not url:
            if production:
                raise ConfigError("ACADEMY_DATABASE_URL must be set in production")
            instance.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{instance / 'campus.sqlite3'}"
        config["SQLALCHEMY_DATABASE_URI"] = url
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A connection is checked before each use, so a restarted server costs no request.
        # A server that accepts nothing (a cut network) fails the attempt in 3 s, not minutes.
        options = config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("pool_pre_ping", True)
        if "connect_timeout" not in config["SQLALCHEMY_DATABASE_URI"]:
            options.setdefault("connect_args", {}).setdefault("connect_timeout", 3)


def _set_public_address(config: Config, production: bool) -> None:
    """In production: the public address must be given, and cookies are always Secure."""
    if not production:
        return
    if not config.get("PUBLIC_URL"):
        # Certificates print it in their QR codes: never take it from a request's Host header.
        raise ConfigError("ACADEMY_PUBLIC_URL must be set in production")
    # Even when TLS ends at a proxy that forwards plain HTTP (issue 16).
    config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True


def _set_folders(config: Config, instance: Path) -> None:
    """The upload and key folders (in instance/ by default); keys never among the uploads."""
    config["UPLOAD_DIR"] = str(config.get("UPLOAD_DIR") or instance / "uploads")
    config["KEY_DIR"] = str(config.get("KEY_DIR") or instance / "keys")
    if Path(config["KEY_DIR"]).resolve().is_relative_to(Path(config["UPLOAD_DIR"]).resolve()):
        # The upload folder goes into every backup; private keys must not (issue 19).
        raise ConfigError("ACADEMY_KEY_DIR must not be inside the upload folder")


def _instance_secret(instance: Path) -> str:
    """Read the secret key kept in instance/, generating it on first run."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        # Several workers may start at once: write a private temp file, then link it into
        # place; os.link fails if another worker won, and then everyone reads the winner's key.
        tmp = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
