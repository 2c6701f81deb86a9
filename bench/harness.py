"""What the benchmarks share: gunicorn started and stopped around a WSGI app, the environment of
a production deployment, a signed-in browser's session cookie, and a bare Flask page to compare
with (served by gunicorn, or timed in-process through Flask's test client)."""
from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository
COOKIE = "campus_session"  # the name of Campus's session cookie


@dataclass(frozen=True)
class GunicornOptions:
    workers: int = 2
    threads: int = 1
    keep_alive: int = 5


ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"  # method, path, status, server time in µs
BARE_PAGE = "<!doctype html><title>x</title><p>hello</p>"
BASELINE_APP = '''from flask import Flask

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def hello():
    return "<!doctype html><title>x</title><p>hello</p>"
'''


def bare_page_ms(runs: int, warmup: int = 1) -> list[float]:
    """Milliseconds per request of a bare Flask page through Flask's test client, `runs` times
    after `warmup` unmeasured requests: the in-process benchmarks' baseline."""
    from flask import Flask

    bare = Flask("baseline")
    bare.add_url_rule("/", "hello", lambda: BARE_PAGE)
    client = bare.test_client()
    for _ in range(warmup):
        client.get("/")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get("/")
        times.append((time.perf_counter() - started) * 1000)
    return times


def session_cookie(app, token: str) -> str:
    """The signed session cookie a signed-in browser holds (as tests' `login_as` makes it)."""
    return app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": token, "_fresh": True})


# --- gunicorn ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    access_log: Path
    error_log: Path

    def workers(self) -> list[int]:
        """The worker processes' ids (children of the gunicorn master)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def stop(self) -> None:
        """Stop the master and its workers (their own process group), even stuck ones."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # workers left waiting on a lock
        self.process.wait()


def start_server(app_spec: str, cwd: Path, env: dict, options: GunicornOptions, logs: Path,
                 name: str, extra: list[str] | None = None, *, config: Path | None = None,
                 access_format: str = ACCESS_FORMAT) -> Server:
    """gunicorn serving `app_spec`, ready to answer.

    With `config` (a gunicorn.conf.py), that file sets the workers and timeouts; `options.workers`
    is then only how many workers to wait for. The address and the logs are still the run's own.
    The process's own output (what the app logs to stdout and stderr) goes to
    `<name>-output.log`.
    """
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        sys.exit("gunicorn is missing: .venv/bin/pip install -e '.[prod]'")
    access, errors = logs / f"{name}-access.log", logs / f"{name}-error.log"
    if config is None:
        settings = ["-w", str(options.workers), "--threads", str(options.threads),
                    "--keep-alive", str(options.keep_alive), "--backlog", "2048",
                    "--timeout", "120", "--graceful-timeout", "10"]
    else:
        settings = ["-c", str(config)]
    command = [str(gunicorn), *settings, "-b", f"127.0.0.1:{port}", "--access-logfile", str(access),
               "--access-logformat", access_format, "--error-logfile", str(errors), *(extra or []),
               app_spec]
    with (logs / f"{name}-output.log").open("ab") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(process, port, access, errors)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn ({name}) stopped:\n{errors.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            if len(server.workers()) >= options.workers:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    sys.exit(f"gunicorn ({name}) did not answer within 60 s")


def app_env(url: str, secret: str, tmp: Path) -> dict:
    """The environment of a production deployment (secrets only in the environment)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ACADEMY_")}
    env.update(ACADEMY_ENV="production", ACADEMY_SECRET_KEY=secret, ACADEMY_DATABASE_URL=url,
               ACADEMY_PUBLIC_URL="http://127.0.0.1",
               ACADEMY_UPLOAD_DIR=str(tmp / "uploads"), PYTHONDONTWRITEBYTECODE="1")
    return env
