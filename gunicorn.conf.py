"""Gunicorn's configuration for Campus in production: `gunicorn -c gunicorn.conf.py wsgi:app`.

The values live in academy/server.py (`production_settings`), shared with the embedded
`flask serve`; this file only hands them to gunicorn. Environment:

- `ACADEMY_BIND` or `GUNICORN_BIND`: address to listen on (default 127.0.0.1:8000; a unix socket
  as `unix:/run/campus/web.sock`).
- `WEB_CONCURRENCY`: worker processes (default two per core plus one, at most 12).
- `GUNICORN_THREADS`: threads per worker (default 1: sync workers; more gives gthread workers).
- `PROMETHEUS_MULTIPROC_DIR`: with prometheus-client, where workers keep their metrics.

Behind a proxy on another host, gunicorn trusts `X-Forwarded-*` only from `forwarded_allow_ips`
(default 127.0.0.1, or the `FORWARDED_ALLOW_IPS` variable); the app itself trusts one hop when
`ACADEMY_PROXY_FIX=true`. Set one of the two, not both, to the proxy's address.

preload_app: the app is loaded once in the master and workers fork from it, so a worker killed
or recycled is replaced in milliseconds. The price: `kill -HUP` re-reads this file and replaces
the workers gracefully but keeps the code already loaded; new code needs a restart (see
docs/operations.md, "Upgrading").
"""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:  # gunicorn reads this file before it adds its own directory
    sys.path.insert(0, _HERE)

from academy import server  # noqa: E402  (light: imports neither Flask nor the app)

_settings = server.production_settings(os.environ)

bind = _settings["bind"]
workers = _settings["workers"]
threads = _settings["threads"]
worker_class = _settings["worker_class"]
preload_app = _settings["preload_app"]
timeout = _settings["timeout"]
graceful_timeout = _settings["graceful_timeout"]
keepalive = _settings["keepalive"]
max_requests = _settings["max_requests"]
max_requests_jitter = _settings["max_requests_jitter"]
accesslog = _settings["accesslog"]
errorlog = _settings["errorlog"]
loglevel = _settings["loglevel"]
control_socket_disable = _settings["control_socket_disable"]


def when_ready(arbiter):
    """The app is loaded (preload) and the socket open: close the connections loading opened."""
    server.close_master_connections(arbiter.app.wsgi())
    arbiter.log.info("Campus loaded once in the master (pid %s); workers fork from it", os.getpid())


def post_fork(arbiter, worker):
    """In each new worker: its own database connections, and it ends with the master."""
    server.forget_inherited_connections(arbiter.app.wsgi())
    server.die_with_parent()


def child_exit(arbiter, worker):
    """A worker ended (in the master): retire its metrics in Prometheus multiprocess mode."""
    server.mark_worker_dead(worker.pid, os.environ)
