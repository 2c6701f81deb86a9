"""wrk runs and their parsing, for the benchmarks that load pages from outside: a Lua script by
which every connection sends its own (path, cookie, body), counts the responses outside the
expected status class, and prints its figures as one JSON line; the run's figures with the
server's CPU per request (its workers' CPU from /proc)."""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.harness import COOKIE, Server
from bench.measures import cpu_seconds

# wrk's script: each request takes the next (path, cookie, body) of its thread's share of the
# sessions, so every connection works as its own person; statuses other than 2xx are counted.
WRK_SCRIPT = r"""
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  requests_list = {}
  local n = tonumber(args[1])
  local method = args[2]
  expect = tonumber(args[3])
  local i = 4
  while args[i] do
    local path, cookie, body = args[i], args[i + 1], args[i + 2]
    local headers = {["Cookie"] = cookie, ["Accept-Language"] = "es"}
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["X-Requested-With"] = "fetch"
    end
    if body == "-" then body = nil end
    table.insert(requests_list, wrk.format(method, path, headers, body))
    i = i + 3
  end
  index = id % #requests_list
  bad = 0
end
function request()
  index = index % #requests_list + 1
  return requests_list[index]
end
function response(status, headers, body)
  if math.floor(status / 100) ~= expect then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do total_bad = total_bad + thread:get("bad") end
  io.write(string.format('JSON{"requests": %d, "seconds": %f, "p50": %f, "p90": %f, "p99": %f, ' ..
    '"bad": %d, "errors": %d}\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    total_bad, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
"""


@dataclass
class Target:
    """One page under load: where it is served, and the (path, cookie, body) each session sends."""

    name: str
    server: str  # "bare", "floor" or "campus"
    method: str
    requests: list[tuple[str, str, str]]
    expect: int = 2  # the class of status that counts as answered: 2xx, or 3xx for a sign-in


@dataclass
class Run:
    rps: float
    p50: float
    p99: float
    cpu_ms: float
    bad: int


# --- wrk --------------------------------------------------------------------------------------

def run_wrk(target: Target, port: int, server: Server, args, tmp: Path) -> Run:
    script = tmp / "pages.lua"
    if not script.exists():
        script.write_text(WRK_SCRIPT)
    flat = [item for path, cookie, body in target.requests
            for item in (path, f"{COOKIE}={cookie}" if cookie else "x=1", body or "-")]
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.duration}",
               "--timeout", "10s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}", "--",
               str(len(target.requests)), target.method, str(target.expect), *flat]
    before = cpu_seconds(server.workers())
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(server.workers()) - before
    found = json.loads(output.split("JSON", 1)[1].splitlines()[0])
    requests = max(1, found["requests"])
    return Run(found["requests"] / found["seconds"], found["p50"], found["p99"],
               1000 * cpu / requests, found["bad"] + found["errors"])
