"""``python -m bench.drugs``: every competency query about one drug, with many other drugs in the graph.

Loads the bundled graph plus N synthetic drugs shaped like baclofen (``bench/synthetic.py``; 1,460
drugs add about one million triples) with the Oxigraph engine, then times each competency query with
``?drug`` bound to a different synthetic drug each time (so no cache helps), in process::

    python -m bench.drugs [--drugs 1460] [--runs 50] [--out FILE]

A query about one drug must not slow down as drugs are added: the target is a p50 under 10 ms at 1M.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import baclokg
from baclokg.queries import all_queries

from . import synthetic
from .report import emit_json


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
    for query in all_queries():
        if query.kind != "competency" or "drug" not in query.params or (only and query.id not in only):
            continue
        kg.rows(query.id, drug=chooser.choice(names))
        times = []
        for _ in range(runs):
            drug = chooser.choice(names)
            started = time.perf_counter()
            kg.rows(query.id, drug=drug)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        figures[query.id] = {
            "p50_ms": round(statistics.median(times), 2),
            "p99_ms": round(times[min(len(times) - 1, round(0.99 * (len(times) - 1)))], 2),
        }
        print(query.id, figures[query.id], file=sys.stderr, flush=True)
    return {"drugs": drugs, "extra_triples": triples, "total_triples": len(kg), "load_s": round(load, 2),
            "queries": figures}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drugs", type=int, default=1460)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--query", action="append", default=[], help="only these queries (repeat)")
    args = parser.parse_args(argv)
    result = measure(args.drugs, args.runs, only=tuple(args.query))
    emit_json(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
