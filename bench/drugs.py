"""``python -m bench.drugs``: every competency query about one drug, with many other drugs in the graph.

Loads the bundled graph plus N synthetic drugs shaped like baclofen (``bench/synthetic.py``; by default
as many as add one million triples, 874) with the Oxigraph engine, then times each competency query with
its ``?drug`` or ``?substance`` bound to a different synthetic drug each time (so no cache helps), in
process; a competency query about something else (``cq-18``'s class) runs with its defaults. Then, unless
``--no-service``, the same through HTTP: BacloKG's service (``--data --no-validate``, its defaults) and the
Oxigraph server on the same data, each query POSTed by wrk at 16 connections, bound by a VALUES block to
one of 200 synthetic drugs in turn, with a comment that makes every request's text new (so BacloKG's
response cache never answers)::

    python -m bench.drugs [--drugs N] [--runs 50] [--seconds 5] [--out FILE]

A query about one drug must not slow down as drugs are added: the targets are a p50 under 10 ms in
process and, through the service, at least the Oxigraph server's rate and 200 requests/s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

import baclokg
from baclokg.queries import NamedQuery, all_queries

from . import synthetic
from .__main__ import ACCEPT, Peer, baclokg_and_oxigraph, run_wrk
from .mix import wire_text
from .report import emit_json

#: wrk's script: POST each query text in turn, each made new by a trailing comment
LUA = """
bodies = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local body = bodies[(counter %% #bodies) + 1] .. "\\n#" .. counter .. "-" .. math.random(1000000000)
  return wrk.format("POST", "%s", {["Content-Type"] = "application/sparql-query", ["Accept"] = "%s"}, body)
end
"""


def measure(drugs: int, runs: int, seed: int = 12, only: tuple[str, ...] = ()) -> dict[str, object]:
    """Load time, size and each competency query's p50 and p99 (ms) at ``drugs`` synthetic drugs."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.nt"
        triples = synthetic.write(path, drugs)
        began = time.perf_counter()
        kg = baclokg.load([path], engine="oxigraph")
        load = time.perf_counter() - began
        print(f"{triples} extra triples loaded in {load:.1f} s", file=sys.stderr, flush=True)
    chooser = random.Random(seed)
    names = [f"{synthetic.ENTITY}synthetic-drug-{index}" for index in range(drugs)]
    figures: dict[str, dict[str, float]] = {}
    for query in _competency(only):
        kg.rows(query.id, **_about(query, chooser.choice(names)))
        times = []
        for _ in range(runs):
            drug = chooser.choice(names)
            started = time.perf_counter()
            kg.rows(query.id, **_about(query, drug))
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        figures[query.id] = {
            "p50_ms": round(statistics.median(times), 2),
            "p99_ms": round(times[min(len(times) - 1, round(0.99 * (len(times) - 1)))], 2),
        }
        print(query.id, figures[query.id], file=sys.stderr, flush=True)
    return {"drugs": drugs, "extra_triples": triples, "total_triples": len(kg), "load_s": round(load, 2),
            "queries": figures}  # fmt: skip


def _competency(only: tuple[str, ...]) -> list[NamedQuery]:
    return [q for q in all_queries() if q.kind == "competency" and (not only or q.id in only)]


#: the parameters that name the drug a query is about; a query without one runs with its defaults
ABOUT = ("drug", "substance")


def _about(query: NamedQuery, drug: str) -> dict[str, str]:
    """The query's parameters binding it to ``drug`` (none for a query about something else).

    >>> from baclokg.queries import get
    >>> _about(get("cq-17-substance-ancestry"), "x"), _about(get("cq-18-substances-of-class"), "x")
    ({'substance': 'x'}, {})
    """
    return {name: drug for name in ABOUT if name in query.params}


def _post_rate(peer: Peer, texts: list[str], seconds: int, folder: Path) -> dict[str, float]:
    if any("]==]" in text for text in texts):
        raise ValueError("a query text holds ]==], which would end its Lua string")
    script = folder / f"drugs-{peer.name}.lua"
    bodies = ", ".join(f"[==[{text}]==]" for text in texts)
    script.write_text(LUA % (bodies, peer.path, ACCEPT), encoding="utf-8")
    figures = run_wrk(peer, script, 16, seconds)
    return {
        "rps": figures["requests_per_second"],
        "p50_ms": figures.get("p50_ms", float("nan")),
        "p99_ms": figures.get("p99_ms", float("nan")),
        "errors": int(figures["non_2xx"] + figures["socket_errors"]),
    }


def through_service(
    drugs: int, seconds: int, seed: int = 12, only: tuple[str, ...] = ()
) -> dict[str, object]:
    """Each competency query's rate at 16 connections: BacloKG's service and the Oxigraph server."""
    chooser = random.Random(seed)
    names = [f"{synthetic.ENTITY}synthetic-drug-{chooser.randrange(drugs)}" for _ in range(200)]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["BACLOKG_CACHE"] = str(folder / "cache")
        extra = folder / "synthetic.nt"
        triples = synthetic.write(extra, drugs)
        _, peers = baclokg_and_oxigraph(folder, [extra])
        result: dict[str, object] = {"drugs": drugs, "extra_triples": triples, "connections": 16}
        for peer in peers:
            ready = peer.start()
            result[f"{peer.name}|ready_s"] = round(ready, 2)
            print(f"{peer.name} ready in {ready:.1f} s", file=sys.stderr, flush=True)
            try:
                for query in _competency(only):
                    texts = [wire_text(query, _about(query, name)) for name in names]
                    for text in texts[:3]:  # every query answers before anything is timed
                        response = httpx.post(
                            peer.url,
                            content=text.encode(),
                            headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT},
                            timeout=60,
                        )
                        response.raise_for_status()
                    figures = _post_rate(peer, texts, seconds, folder)
                    result[f"{peer.name}|{query.id}"] = figures
                    print(peer.name, query.id, figures, file=sys.stderr, flush=True)
            finally:
                peer.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--drugs", type=int, default=None, help="synthetic drugs [as many as make 1M triples]"
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--query", action="append", default=[], help="only these queries (repeat)")
    parser.add_argument("--seconds", type=int, default=5, help="how long wrk runs each query on each server")
    parser.add_argument("--no-service", action="store_true", help="in process only")
    args = parser.parse_args(argv)
    drugs = args.drugs or synthetic.drugs_for(1_000_000)
    result = measure(drugs, args.runs, only=tuple(args.query))
    if not args.no_service:
        result["service"] = through_service(drugs, args.seconds, only=tuple(args.query))
    emit_json(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
