"""One scale measurement in a fresh process: load a file beside the bundled graph, time the named queries.

Usage: ``python -m bench.probe FILE ENGINE REPEATS [BUDGET_SECONDS [competency]]`` prints one JSON object.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time

import baclokg
from baclokg.queries import all_queries


def main() -> None:
    path, engine, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    budget = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0  # seconds of repeats per query at most
    kinds = ("competency",) if len(sys.argv) > 5 and sys.argv[5] == "competency" else ("competency", "check")
    started = time.perf_counter()
    kg = baclokg.load([path] if path != "-" else [], engine=engine)  # type: ignore[arg-type]
    load_seconds = time.perf_counter() - started
    latency = {}
    for query in all_queries() if repeats else []:
        if query.kind not in kinds:
            continue
        kg.rows(query.id)
        times: list[float] = []
        while len(times) < repeats and (not times or sum(times) < budget):
            begin = time.perf_counter()
            kg.rows(query.id)
            times.append(time.perf_counter() - begin)
        times.sort()
        latency[query.id] = {
            "runs": len(times),
            "p50_ms": statistics.median(times) * 1000,
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
        }
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"triples": len(kg), "load_s": load_seconds, "rss_mb": rss, "latency": latency}))


if __name__ == "__main__":
    main()
