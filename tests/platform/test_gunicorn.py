"""Production's server: gunicorn started with gunicorn.conf.py, as README.md's command does."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from academy import server
from academy.extensions import db
from tests.support import drop_fresh_database, fresh_database_url, make_app, upgrade_schema

pytestmark = pytest.mark.no_transaction

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
# Records every import of the app: with preload it happens once, in the master.
COUNTED_WSGI = """import os
with open(os.environ["IMPORTS_LOG"], "a") as log:
    log.write(f"{os.getpid()}\\n")
from wsgi import app
"""


def test_settings_take_workers_bind_and_threads_from_the_environment():
    settings = server.production_settings({"WEB_CONCURRENCY": "3", "ACADEMY_BIND": "0.0.0.0:9000"})
    assert (settings["workers"], settings["bind"]) == (3, "0.0.0.0:9000")
    assert (settings["worker_class"], settings["preload_app"]) == ("sync", True)
    assert server.production_settings({"GUNICORN_BIND": "unix:/run/c.sock"})["bind"] == \
        "unix:/run/c.sock"
    assert server.production_settings({})["bind"] == "127.0.0.1:8000"
    assert server.production_settings({"GUNICORN_THREADS": "4"})["worker_class"] == "gthread"


def test_default_workers_are_two_per_core_plus_one_within_the_cap(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert server.production_workers({}) == 5
    monkeypatch.setattr(os, "cpu_count", lambda: 32)
    assert server.production_workers({}) == server.MAX_WORKERS
    assert server.production_workers({"WEB_CONCURRENCY": "oops"}) == server.MAX_WORKERS


@pytest.fixture
def production(tmp_path):
    """gunicorn -c gunicorn.conf.py on a migrated, empty database of its own, two workers."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[prod]')")
    url = fresh_database_url(tmp_path)
    app = make_app(url, tmp_path)
    upgrade_schema(app)
    with app.app_context():
        db.engine.dispose()
    port = _free_port()
    (tmp_path / "counted_wsgi.py").write_text(COUNTED_WSGI)
    env = {**os.environ, "ACADEMY_DATABASE_URL": url, "ACADEMY_SECRET_KEY": "gunicorn-test",
           "ACADEMY_UPLOAD_DIR": str(tmp_path / "uploads"), "ACADEMY_BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "2", "IMPORTS_LOG": str(tmp_path / "imports.log")}
    env.pop("ACADEMY_ENV", None)
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"),
                                    "counted_wsgi:app"], cwd=tmp_path, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(lambda: len(_worker_pids(log)) >= 2 and _get(port, "/healthz")[0] == 200,
                  process, log)
        yield process, port, log, tmp_path / "imports.log"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        drop_fresh_database(url)


def test_gunicorn_config_serves_from_workers_forked_after_preload(production):
    process, port, log, imports = production
    assert _get(port, "/healthz")[0] == 200
    # the app was loaded once, by the master
    assert imports.read_text().split() == [str(process.pid)]
    assert "Campus loaded once in the master" in log.read_text()
    for pid in _worker_pids(log):
        assert _parent_of(pid) == process.pid


def test_a_killed_worker_is_replaced_and_requests_keep_succeeding(production):
    process, port, log, imports = production
    first = _worker_pids(log)
    os.kill(first[0], signal.SIGKILL)
    statuses = [_get(port, "/healthz")[0] for _ in range(20)]
    _wait_for(lambda: len(_worker_pids(log)) > len(first), process, log)
    statuses += [_get(port, "/healthz")[0] for _ in range(20)]
    assert statuses == [200] * 40
    replacement = _worker_pids(log)[-1]
    assert replacement not in first and _parent_of(replacement) == process.pid
    assert imports.read_text().split() == [str(process.pid)]  # forked, not loaded again


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()


def _worker_pids(log: Path) -> list[int]:
    return [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", log.read_text())]


def _parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def _wait_for(condition, process, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not get there in {seconds} s:\n{log.read_text()[-3000:]}")
