"""Private servers a fault drill may restart and kill: a PostgreSQL cluster made with initdb in a
folder of the run, and a Redis server without persistence, each on a port of its own. Never the
machine's shared PostgreSQL (5432) or Redis (6379).

As root, PostgreSQL runs as the `postgres` OS user (`runuser`), which owns the cluster's folder.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from bench.harness import free_port


def port_near(preferred: int) -> int:
    """`preferred` when nothing listens there (55432, 56379: easy to spot in `ss`), else a free
    port."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            return free_port()
    return preferred


def postgres_bin() -> Path:
    """The newest PostgreSQL's programs (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise SystemExit("PostgreSQL's pg_ctl is missing (apt-get install postgresql)")
    return Path(pg_ctl).parent


class PrivatePostgres:
    """A PostgreSQL cluster of its own in `root` (trust authentication, 127.0.0.1 only)."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.data, self.log = root / "data", root / "postgres.log"
        self.bin = postgres_bin()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command: str, timeout: float = 120) -> None:
        done = subprocess.run([*self.as_postgres, str(self.bin / command[0]), *command[1:]],
                              capture_output=True, text=True, timeout=timeout,
                              start_new_session=True)  # Ctrl-C reaches the drill, not the server
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> None:
        """Create the cluster (the first time) and start it; returns once it takes connections."""
        if not self.data.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            if self.as_postgres:
                os.chmod(self.root.parent, 0o755)  # mkdtemp's 0700 would keep `postgres` out
                shutil.chown(self.root, "postgres", "postgres")
            self._run("initdb", "-D", str(self.data), "--no-sync", "-A", "trust", "-U", "postgres",
                      "-E", "UTF8", "--locale", "C.UTF-8")
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                           f"unix_socket_directories = '{self.root}'\nmax_connections = 200\n")
        self._pg_ctl("start")

    def _pg_ctl(self, *action: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *action)

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, in-flight transactions roll back."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        """Stop at once (immediate: nothing is kept of the cluster anyway), if it runs."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._pg_ctl("stop", "-m", "immediate")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new database `name`; returns its SQLAlchemy URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)


class PrivateRedis:
    """A Redis server of its own, in memory only (`--save "" --appendonly no`)."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it; returns once it answers PING."""
        server = shutil.which("redis-server")
        if server is None:
            raise SystemExit("redis-server is missing (apt-get install redis-server)")
        log = (self.root / "redis.log").open("a")
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.root)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._answers():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL after 5 s), if it runs."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
