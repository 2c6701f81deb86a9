"""Figures the benchmarks read the same way: percentiles, and CPU and memory from /proc (Linux)."""
from __future__ import annotations

import math
import os
import time
from pathlib import Path


def now() -> float:
    """A monotonic clock in seconds, for durations."""
    return time.perf_counter()


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far; gone ones count nothing."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine since boot; two readings give the share."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def postgres_pids() -> list[int]:
    """Every PostgreSQL process of this machine."""
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                found.append(int(comm.parent.name))
        except OSError:
            continue
    return found


def postgres_cpu() -> dict[int, float]:
    """CPU seconds of every PostgreSQL process of this machine, by pid."""
    return {pid: cpu_seconds([pid]) for pid in postgres_pids()}


def proc_status(pid: int | str) -> dict[str, int]:
    """VmRSS, VmHWM, ... of a process in KiB (empty once it has gone)."""
    found = {}
    try:
        for entry in Path(f"/proc/{pid}/status").read_text().splitlines():
            if entry.startswith("Vm"):
                key, _, value = entry.partition(":")
                found[key] = int(value.split()[0])
    except (OSError, ValueError):
        return {}
    return found


def children() -> list[int]:
    """This process's worker processes (multiprocessing's resource tracker left out)."""
    me, found = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != me:
                continue
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if b"resource_tracker" not in command:
            found.append(int(stat.parent.name))
    return found


def reset_peak_rss() -> bool:
    """Make VmHWM start again from the current RSS (Linux 4.0+: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False
