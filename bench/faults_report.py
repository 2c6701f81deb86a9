"""The fault drill's report (`bench/faults.py`): its parameters, the faults as they happened, the
saves (attempted, acknowledged, lost), 5xx inside and outside the PostgreSQL restart, other
errors, latency, the probe's sign-ins and certificate checks, and for every failure that should
not happen the request and the server log's error."""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

from bench.measures import percentile

ENTRY_RE = re.compile(r"^(\[\d{4}-\d\d-\d\d|\d{4}-\d\d-\d\d|\{)")  # a log entry's first line
EXPECTED = ("was sent SIGKILL", "was sent SIGTERM", "Booting worker", "Shutting down")
TARGET_P95_MS = 500


def log_errors(paths: list[Path]) -> list[tuple[str, str]]:
    """(first line, final exception line) of every error entry of the server's logs, leaving out
    the drill's own doing (the workers it killed)."""
    entries: list[list[str]] = []
    for path in paths:
        if not path.exists():
            continue
        current: list[str] | None = None
        for line in path.read_text(errors="replace").splitlines():
            if ENTRY_RE.match(line):
                current = [line]
                entries.append(current)
            elif current is not None:
                current.append(line)
    found = []
    for lines in entries:
        is_error = re.search(r"\b(ERROR|CRITICAL|error|critical)\b", lines[0])
        if not (is_error or any(line.startswith("Traceback") for line in lines)):
            continue
        if any(expected in lines[0] for expected in EXPECTED):
            continue
        last = next((line.strip() for line in reversed(lines)
                     if line.strip() and not line.startswith((" ", "\t"))), lines[0])
        found.append((lines[0], last))
    return found


def logged_ids(paths: list[Path]) -> dict[tuple[str, int], list[str]]:
    """Request ids by (path, status), from the app's JSON request log lines (a 500 raised past
    the app's handlers goes out without its X-Request-Id header, but is logged with it)."""
    found: dict[tuple[str, int], list[str]] = {}
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("{") and '"request_id"' in line:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                key = (entry.get("path", ""), entry.get("status", 0))
                found.setdefault(key, []).append(entry.get("request_id", ""))
    return found


def fresh_and_warm(access_log: Path) -> tuple[list[float], list[float]]:
    """Server-side times of saves (gunicorn's access log, whose last field is the worker's pid):
    the first save each worker served, and the others. A worker forked to replace a killed one
    serves its first requests cold."""
    seen: set[str] = set()
    fresh: list[float] = []
    warm: list[float] = []
    if access_log.exists():
        for line in access_log.read_text(errors="replace").splitlines():
            fields = line.split()
            if len(fields) == 5 and fields[1].endswith("/autosave") and fields[3].isdigit():
                (warm if fields[4] in seen else fresh).append(int(fields[3]) / 1000)
                seen.add(fields[4])
    return fresh, warm


def _ms(values: list[float]) -> str:
    if not values:
        return "no answered request"
    return (f"p50 {percentile(values, 0.5):.0f} ms, p95 {percentile(values, 0.95):.0f} ms, "
            f"p99 {percentile(values, 0.99):.0f} ms, max {max(values):.0f} ms (n={len(values)})")


def _window(window, start: float) -> str:
    return f"{window[0] - start:.1f}-{window[1] - start:.1f} s" if window else "did not happen"


def _outcome(request) -> str:
    return str(request.status) if request.status else request.error


def _explain(request, start: float, errors: list[tuple[str, str]], ids: dict) -> str:
    """One failed request, with the server log's errors that name its path or request id."""
    request_id = request.request_id or " or ".join(ids.get((request.path, request.status), []))
    keys = [request.path] + ([request.request_id] if request.request_id else [])
    causes = sorted({last for head, last in errors if any(k in head for k in keys)})
    return (f"  {request.started - start:6.1f} s  {request.method} {request.path} -> "
            f"{_outcome(request)} in {request.ms:.0f} ms (request id {request_id or '-'})"
            + "".join(f"\n      log: {cause[:300]}" for cause in causes[:3]))


def report(args, config, workers: int, trainees, probe, faults, window, verdict,
           logs: list[Path], access_log: Path) -> bool:
    """Print the report; True when something went wrong that the logs should be kept for."""
    start, end, busy = window
    saves = [s for t in trainees for s in t.saves]
    requests = [s.request for s in saves]
    acked = [s for s in saves if 200 <= s.request.status < 300]
    server_errors = [r for r in requests + probe.log if r.status >= 500]
    outside = [r for r in server_errors if not r.overlaps(faults.pg_window)]
    in_redis = [r for r in server_errors if r.overlaps(faults.redis_window)]
    others = Counter(f"{r.kind} {_outcome(r)}" for r in requests
                     if not 200 <= r.status < 300 and r.status < 500)
    errors = log_errors(logs)
    ids = logged_ids(logs)
    lost = verdict.lost

    print(f"\nFault drill: {len(trainees)} trainees for {end - start:.0f} s (think "
          f"{args.think[0]:g}-{args.think[1]:g} s), a gunicorn worker SIGKILLed every "
          f"{args.kill_every:g} s, PostgreSQL restarted at 1/3 "
          f"({'no' if args.no_pg_restart else 'yes'}), Redis stopped at 2/3 for "
          f"{args.redis_down:g} s ({'no' if args.no_redis_stop else 'yes'}); "
          f"gunicorn {'-c ' + config.name if config else '-w 3 (no gunicorn.conf.py)'}, "
          f"{workers} workers; seed {args.seed}; the machine ({os.cpu_count()} cores) "
          f"{100 * busy:.0f}% busy during the load, load average {os.getloadavg()[0]:.1f}")
    print(f"faults: {faults.kills} workers killed; PostgreSQL restart "
          f"{_window(faults.pg_window, start)}; Redis down {_window(faults.redis_window, start)}"
          + "".join(f"; {note}" for note in faults.notes))
    print(f"saves: {len(saves)} attempted, {len(acked)} acknowledged (2xx), {len(lost)} lost "
          f"({verdict.checked} questions with an acknowledged answer checked in the database)")
    of_saves = sum(r.kind == "save" for r in server_errors)
    statuses = ", ".join(f"{status} x{n}" for status, n in
                         sorted(Counter(r.status for r in server_errors).items()))
    print(f"5xx: {len(server_errors)} ({statuses or 'none'}; {of_saves} saves, "
          f"{len(server_errors) - of_saves} probe requests); outside the PostgreSQL "
          f"restart window: {len(outside)}; during the Redis stop: {len(in_redis)}")
    print("other save errors: " + (", ".join(f"{k} x{n}" for k, n in others.most_common())
                                   or "none"))
    print(f"save latency, acknowledged: {_ms([s.request.ms for s in acked])}")
    print(f"save latency, every answered save: "
          f"{_ms([r.ms for r in requests if r.status])}")
    print(f"save latency, acknowledged, outside the PostgreSQL restart: "
          f"{_ms([s.request.ms for s in acked if not s.request.overlaps(faults.pg_window)])}")
    fresh, warm = fresh_and_warm(access_log)
    print(f"inside the server (access log), a worker's first save: {_ms(fresh)}; its later "
          f"saves: {_ms(warm)}")
    stopped = Counter(t.stopped for t in trainees if t.stopped)
    if stopped:
        print("trainees stopped early: " + ", ".join(f"{why} x{n}" for why, n in stopped.items()))
    probes = Counter((r.kind, _outcome(r)) for r in probe.log)
    print("probe (a sign-in and a certificate check every second): " + (", ".join(
        f"{kind} {outcome} x{n}" for (kind, outcome), n in sorted(probes.items())) or "none"))

    p95 = percentile([s.request.ms for s in acked], 0.95) if acked else float("inf")
    print(f"targets: 0 lost -> {len(lost)}; 0 5xx outside the PostgreSQL restart -> "
          f"{len(outside)}; save p95 < {TARGET_P95_MS} ms -> {p95:.0f} ms: "
          f"{'MET' if not lost and not outside and p95 < TARGET_P95_MS else 'NOT MET'}")
    # A 500 is never right, even while PostgreSQL restarts (then: a 503 that says to retry).
    explained = outside + [r for r in server_errors if r.status == 500 and r not in outside]
    if explained:
        print("5xx outside the PostgreSQL restart window, and 500s inside it:")
        for request in sorted(explained, key=lambda r: r.started)[:40]:
            print(_explain(request, start, errors, ids))
    if lost:
        print("acknowledged answers missing from the database:")
        for line in lost[:40]:
            print("  " + line)
    if errors:
        print("server log errors (most common first):")
        shapes = Counter(re.sub(r"\d+", "N", last)[:300] for _, last in errors)
        for last, n in shapes.most_common(8):
            print(f"  {n:4d} x {last}")
    return bool(lost or explained or errors)
