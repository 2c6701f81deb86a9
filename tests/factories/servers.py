"""A real server in a process of its own (`flask serve`), which a test may kill outright."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`flask serve` in a process of its own, which a test may kill outright."""

    def __init__(self, url: str, tmp: Path, secret: str) -> None:
        self.port = _free_port()
        self.env = {**os.environ, "ACADEMY_DATABASE_URL": url, "ACADEMY_SECRET_KEY": secret,
                    "ACADEMY_UPLOAD_DIR": str(tmp / "uploads"), "ACADEMY_ARGON2_TIME_COST": "1",
                    "ACADEMY_ARGON2_MEMORY_COST": "1024", "ACADEMY_ARGON2_PARALLELISM": "1"}
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--no-demo", "--port",
             str(self.port)], cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)  # no clean shutdown: as a crash would be
        self.process.wait(timeout=10)
        # Its workers end with it (they are told when their parent dies) and close the port;
        # until then one could still answer, then drop what waits in its queue. A supervisor
        # restarts the server once the old one is gone, and so does this test.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            except OSError:
                return
            time.sleep(0.1)
        raise RuntimeError("the killed server's workers still hold the port")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"
