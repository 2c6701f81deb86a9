"""The quiz benchmark's report: CPU and PostgreSQL counters around the load, latencies against
the bare baseline, server-side times from gunicorn's access log."""
from __future__ import annotations

import math
import os
import re
import resource
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.harness import Server
from bench.measures import cpu_seconds, machine_busy, percentile, postgres_pids
from bench.quiz_browser import Sample
from bench.quiz_checks import Verdict
from bench.quiz_crowd import Trainee


@dataclass
class Counters:
    """CPU and database counters taken before and after the load."""

    url: str
    server: Server

    def take(self) -> dict:
        busy, total = machine_busy()
        taken = {"busy": busy, "total": total, "client": sum(resource.getrusage(
                 resource.RUSAGE_SELF)[:2]), "gunicorn": cpu_seconds(self.server.workers()),
                 "postgres": cpu_seconds(postgres_pids())}
        if self.url.startswith("postgresql"):
            engine = create_engine(self.url)
            with engine.connect() as conn:
                row = conn.execute(text(
                    "SELECT xact_commit, xact_rollback, deadlocks FROM pg_stat_database "
                    "WHERE datname = current_database()")).one()
                taken.update(commits=row[0], rollbacks=row[1], deadlocks=row[2])
                for name, scans in conn.execute(text(
                        "SELECT relname, seq_scan FROM pg_stat_user_tables")):
                    taken[f"seq:{name}"] = scans
            engine.dispose()
        return taken

    def delta(self, before: dict, after: dict) -> dict:
        return {key: after[key] - before.get(key, 0) for key in after}


# --- The report --------------------------------------------------------------------------------


def line(name: str, times: list[float], baseline: tuple[float, float] | None = None,
         with_max: bool = False) -> str:
    if not times:
        return f"{name:<36} no successful request"
    median, p95 = statistics.median(times), percentile(times, 0.95)
    text_ = f"{name:<36} median {median:7.1f} ms   p95 {p95:7.1f} ms"
    if with_max:
        text_ += f"   max {max(times):7.1f} ms"
    if baseline:
        text_ += f"   x{median / baseline[0]:5.1f} / x{p95 / baseline[1]:5.1f} baseline"
    return text_ + f"   (n={len(times)})"


def server_times(access_log: Path) -> dict[str, list[float]]:
    """Server-side durations by kind of request, from gunicorn's access log."""
    kinds = [("autosave", r"POST /attempts/\d+/autosave"), ("page change", r"POST /attempts/\d+$"),
             ("submit", r"POST /attempts/\d+/submit"), ("summary", r"GET /attempts/\d+/summary"),
             ("review", r"GET /attempts/\d+/review"), ("attempt page", r"GET /attempts/\d+$"),
             ("start", r"POST /courses/\d+/quizzes/\d+/start"),
             ("quiz page", r"GET /courses/\d+/quizzes/\d+$"), ("baseline", r"(GET|POST) /$")]
    found: dict[str, list[float]] = defaultdict(list)
    for entry in access_log.read_text().splitlines():
        method, path, _status, micros = (entry.split() + ["", "", "", ""])[:4]
        for kind, pattern in kinds:
            if re.fullmatch(pattern, f"{method} {path}") and micros.isdigit():
                found[kind].append(int(micros) / 1000)
                break
    return found


def report(args, url: str, seeded_in: float, baseline: list[Sample], trainees: list[Trainee],
           load_wall: float, server_ms: dict, usage: dict, verdict: Verdict,
           queries: dict[str, int]) -> None:
    ok = [s.ms for s in baseline if s.status == 200]
    base = (statistics.median(ok), percentile(ok, 0.95)) if ok else (1.0, 1.0)
    samples = [s for t in trainees for s in t.samples]
    by_kind = defaultdict(list)
    for sample in samples:
        if sample.status in (200, 302):
            by_kind[sample.kind].append(sample.ms)
    print_setup(args, url, seeded_in)
    print_latencies(ok, base, by_kind, server_ms)
    errors = Counter((s.kind, s.status) for s in samples if s.status not in (200, 302))
    errors.update(("baseline", s.status) for s in baseline if s.status != 200)
    print_load(args, samples, by_kind, load_wall, errors, trainees)
    print_checks(verdict, trainees, queries)
    print_usage(usage)
    p95 = percentile(by_kind["autosave"], 0.95) if by_kind["autosave"] else float("inf")
    print(f"target: autosave p95 {p95:.0f} ms {'<' if p95 < 100 else '>='} 100 ms, "
          f"{verdict.lost} lost answers -> "
          f"{'MET' if p95 < 100 and verdict.lost == 0 and not errors else 'NOT MET'}")


def print_setup(args, url: str, seeded_in: float) -> None:
    pages = math.ceil(args.questions / args.per_page)
    worker = f"gthread, keep-alive {args.keep_alive} s" if args.threads > 1 else \
        "sync: one request per connection"
    if args.fresh_connections:
        worker += "; the client opens a connection per request"
    print(f"\nSeeded {args.trainees} trainees and a quiz of {args.questions} questions "
          f"({args.per_page} a page, {pages} pages) in {seeded_in:.0f} s on {url.split(':')[0]}")
    print(f"gunicorn -w {args.workers} --threads {args.threads} ({worker}); think "
          f"{args.think[0]:g}-{args.think[1]:g} s; starts spread over {args.ramp:g} s; "
          f"question versions taken {'before the load' if args.warm else 'by the first starts'}")


def print_latencies(ok: list[float], base: tuple[float, float], by_kind: dict,
                    server_ms: dict) -> None:
    print(line("baseline (bare Flask, same gunicorn)", ok))
    print(line("autosave", by_kind["autosave"], base, with_max=True))
    for kind in ("page change", "attempt page", "start", "quiz page", "summary", "submit",
                 "review"):
        print(line(kind, by_kind[kind], base, with_max=kind == "page change"))
    print("server side (gunicorn access log, from the request read to the response written):")
    for kind in ("baseline", "autosave", "page change", "attempt page", "submit"):
        if server_ms.get(kind):
            print("  " + line(kind, server_ms[kind]))


def print_load(args, samples: list[Sample], by_kind: dict, load_wall: float, errors: Counter,
               trainees: list[Trainee]) -> None:
    pages = math.ceil(args.questions / args.per_page)
    thinks = pages * (args.autosaves + 1) + 1
    per_trainee = 2 + pages * (args.autosaves + 2) + 3 + args.double_submit
    paced = args.trainees * per_trainee / (thinks * sum(args.think) / 2)  # instant replies
    print(f"throughput: {len(samples)} requests in {load_wall:.1f} s = "
          f"{len(samples) / load_wall:.0f} requests/s "
          f"({len(by_kind['autosave']) + len(by_kind['page change'])} answer saves); the "
          f"trainees' pace asks for about {paced:.0f} requests/s")
    print("errors: " + (", ".join(f"{kind} {status} x{n}" for (kind, status), n in
                                 errors.most_common()) or "none"))
    stopped = Counter(" ".join(t.stopped.split()[:2]) for t in trainees if t.stopped)
    print(f"trainees stopped early: {sum(stopped.values())} {dict(stopped) or ''}; "
          f"stale keep-alive connections resent: {sum(t.retries for t in trainees)}; "
          f"autosaves answering fewer saves than questions: {sum(t.short_saves for t in trainees)}")


def print_checks(verdict: Verdict, trainees: list[Trainee], queries: dict[str, int]) -> None:
    doubles = sum(t.double_submitted for t in trainees)
    print(f"answers checked: {verdict.answers}; lost or different: {verdict.lost}; stored seq "
          f"different from the last sent: {verdict.seq_mismatches}; never acknowledged: "
          f"{verdict.never_saved}")
    for example in verdict.examples:
        print("  " + example)
    wrong = ", ".join(f"{why} x{n}" for why, n in verdict.attempts_wrong.items()) or "none"
    print(f"attempts: {len(trainees) - sum(verdict.attempts_wrong.values())} of {len(trainees)} "
          f"finished once and graded ({doubles} submitted twice at once); problems: {wrong}; "
          f"quiz results: {verdict.results}")
    print("SQL statements per request (one trainee, in-process): " +
          ", ".join(f"{name} {n}" for name, n in queries.items()))


def print_usage(usage: dict) -> None:
    span = usage["total"] / os.sysconf("SC_CLK_TCK") / (os.cpu_count() or 1)
    print(f"CPU during the load ({span:.0f} s x {os.cpu_count()} cores): machine "
          f"{100 * usage['busy'] / max(1, usage['total']):.0f}% busy; gunicorn workers "
          f"{usage['gunicorn']:.0f} s, load client {usage['client']:.0f} s, postgres processes "
          f"{usage['postgres']:.0f} s")
    if "commits" in usage:
        scans = ", ".join(f"{key[4:]} {n}" for key, n in sorted(usage.items())
                          if key.startswith("seq:") and n)
        print(f"PostgreSQL: {usage['commits']} commits, {usage['rollbacks']} rollbacks, "
              f"{usage['deadlocks']} deadlocks; sequential scans: {scans or 'none'}")
