"""Load on a real service: many keep-alive clients (wrk, Debian) on the named-query mix while a
separate client sends pathological queries, with the memory and CPU of the server's processes watched."""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from baclokg.queries import all_queries
from bench.mix import mix
from bench.wrk import run as run_wrk

from .servers import Server, cpu_percent

__all__ = ["PATHOLOGICAL", "lua_table", "named_mix", "run_load"]

#: queries no time limit short of hours would see the end of: cartesian products, closures, regexes
PATHOLOGICAL = {
    "cartesian count": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "cartesian sort": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1",
    "deep paths": "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x:q>)* ?b . ?c (!<urn:x:q>)* ?d }",
    "regex product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
    'FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), "x{2,}y")) }',
}

_LUA = """
paths = %s
local counter = 0
request = function()
  counter = counter + 1
  local entry = paths[(counter %% #paths) + 1]
  return wrk.format("GET", entry[1], {["Accept"] = entry[2]})
end
"""


def named_mix() -> list[tuple[str, str]]:
    """(path, Accept) of every named query: the benchmark's competency mix over SPARQL GET, every named
    query over /api."""
    sparql = [(f"/sparql?query={quote(text)}", "application/sparql-results+json") for text in mix()]
    return sparql + [(f"/api/queries/{query.id}", "application/json") for query in all_queries()]


def lua_table(entries: list[tuple[str, str]]) -> str:
    """(path, Accept) pairs as a Lua table of two-string tables (JSON strings of ASCII text are Lua strings).

    >>> lua_table([("/sparql?query=ASK%7B%7D", "application/json")])
    '{{"/sparql?query=ASK%7B%7D", "application/json"}}'
    """
    pairs = (f"{{{json.dumps(path)}, {json.dumps(accept)}}}" for path, accept in entries)
    return "{" + ", ".join(pairs) + "}"


def _wrk(url: str, connections: int, seconds: float, folder: Path) -> dict[str, Any]:
    script = folder / "mix.lua"
    script.write_text(_LUA % lua_table(named_mix()))
    return run_wrk(url, script, connections, seconds, timeout=30)


def _pathological(url: str, stop: threading.Event, pause: float, outcomes: list[dict[str, Any]]) -> None:
    names = list(PATHOLOGICAL)
    turn = 0
    with httpx.Client(timeout=120) as client:
        while not stop.is_set():
            name = names[turn % len(names)]
            turn += 1
            started = time.monotonic()
            try:
                response = client.post(url + "/sparql", data={"query": PATHOLOGICAL[name]})
                outcome = {"query": name, "status": response.status_code, "text": response.text.strip()}
            except httpx.HTTPError as error:
                outcome = {"query": name, "status": 0, "text": type(error).__name__}
            outcome["seconds"] = round(time.monotonic() - started, 2)
            outcomes.append(outcome)
            stop.wait(pause)


def run_load(
    server: Server, *, connections: int, seconds: float, pathological_pause: float = 1.0, sample: float = 1.0
) -> dict[str, Any]:
    """Run the named mix from ``connections`` keep-alive clients for ``seconds``, pathological queries
    one after another beside it; report requests, failures, latency percentiles, memory and CPU."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: `make test` installs Debian's wrk")
    for path, accept in named_mix():  # warm up: every answer once, so memory is measured in steady state
        httpx.get(server.url + path, headers={"Accept": accept}, timeout=60)
    time.sleep(1.0)
    rss_before = server.rss()
    samples: list[int] = []
    stop = threading.Event()
    outcomes: list[dict[str, Any]] = []

    def watch() -> None:
        while not stop.is_set():
            samples.append(server.rss())
            stop.wait(sample)

    threads = [
        threading.Thread(target=_pathological, args=(server.url, stop, pathological_pause, outcomes)),
        threading.Thread(target=watch),
    ]
    for thread in threads:
        thread.start()
    with tempfile.TemporaryDirectory() as folder:
        measured = _wrk(server.url, connections, seconds, Path(folder))
    stop.set()
    for thread in threads:
        thread.join(120)
    time.sleep(2.0)  # the last pathological query's worker is replaced; the load has stopped
    idle_cpu = cpu_percent(server.processes(), 2.0)
    rss_after = server.rss()
    statuses = Counter(o["status"] for o in outcomes)
    stopped = [o for o in outcomes if o["status"] in (503, 429)]
    return {
        "connections": connections,
        "seconds": seconds,
        **measured,
        "failed": measured["socket_errors"] + measured["non_2xx"],
        "pathological_sent": len(outcomes),
        "pathological_statuses": {str(k): v for k, v in sorted(statuses.items())},
        "pathological_stopped_seconds_max": max((o["seconds"] for o in stopped), default=0.0),
        "pathological_examples": sorted({o["text"] for o in outcomes})[:4],
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_after_mb": round(rss_after / 2**20, 1),
        "rss_peak_mb": round(max(samples, default=0) / 2**20, 1),
        "rss_median_mb": round(statistics.median(samples) / 2**20, 1) if samples else 0.0,
        "idle_cpu_percent_after": round(idle_cpu, 1),
    }
