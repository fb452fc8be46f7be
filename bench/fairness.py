"""``python -m bench.fairness``: how long light queries wait while heavy clients hammer the service.

The workload of issue 12: each heavy client sends a three-way cross product of the whole graph and sends
it again as soon as it is answered (whatever the answer); meanwhile a light client sends the label of
baclofen, with a different LIMIT each time (so no cache helps), from a new connection every 50 ms for
12 s. Each client has its own loopback address (127.0.0.2 for the light one, 127.0.0.10 and up for the
heavy ones), so a service can tell them apart as it would tell apart clients on a network.

BacloKG (``baclokg serve`` with its defaults) and the Oxigraph server (``oxigraph serve-read-only`` on
the same data) run the same workload one after the other in one run::

    python -m bench.fairness [--heavy 2 --heavy 8 --distinct-heavy 8] [--out bench/results/fairness.json]

``--distinct-heavy N`` runs N heavy clients that give every request a text of its own (the same query
with a new ``LIMIT``), so a service cannot learn from one text what the next one costs. Without options:
2 and 8 heavy clients with one text, then 8 with a new text each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from .__main__ import baclokg_and_oxigraph
from .report import emit_json

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = (
    "SELECT ?label WHERE { <http://purl.obolibrary.org/obo/CHEBI_2972> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT %d"
)
ACCEPT = {"Accept": "application/sparql-results+json"}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def workload(
    url: str, heavy: int, seconds: float = 12.0, interval: float = 0.05, *, distinct: bool = False
) -> dict[str, Any]:
    """Run the workload against a SPARQL endpoint; the light latencies and the heavy clients' answers
    (``distinct``: each heavy request a text of its own)."""
    stop = threading.Event()
    heavy_statuses: Counter[str] = Counter()
    lock = threading.Lock()
    sent = iter(range(1, 10**9))

    def hammer(number: int) -> None:
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{10 + number}")
        with httpx.Client(transport=transport, timeout=60) as client:
            while not stop.is_set():
                text = f"{HEAVY} LIMIT {next(sent)}" if distinct else HEAVY
                try:
                    status = str(client.post(url, data={"query": text}, headers=ACCEPT).status_code)
                except httpx.HTTPError as error:
                    status = type(error).__name__
                with lock:
                    heavy_statuses[status] += 1

    light: list[tuple[float, int | str]] = []

    def ask(limit: int) -> None:
        transport = httpx.HTTPTransport(local_address="127.0.0.2")
        began = time.perf_counter()
        try:
            with httpx.Client(transport=transport, timeout=60) as client:
                answer = client.get(url, params={"query": LIGHT % limit}, headers=ACCEPT)
                status: int | str = answer.status_code
        except httpx.HTTPError as error:
            status = type(error).__name__
        with lock:
            light.append((time.perf_counter() - began, status))

    heavies = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(heavy)]
    for thread in heavies:
        thread.start()
    time.sleep(1.0)  # the heavy clients are at it before the first light query
    asks = []
    began = time.perf_counter()
    limit = 1
    while time.perf_counter() - began < seconds:
        thread = threading.Thread(target=ask, args=(limit,), daemon=True)
        thread.start()
        asks.append(thread)
        limit += 1
        time.sleep(max(0.0, began + limit * interval - time.perf_counter()))
    for thread in asks:
        thread.join(90)
    stop.set()
    for thread in heavies:
        thread.join(90)
    waits = [seconds * 1000 for seconds, _ in light]
    return {
        "heavy_clients": heavy,
        "distinct_heavy": distinct,
        "light_sent": len(asks),
        "light_answered": len(light),
        "light_statuses": dict(Counter(str(status) for _, status in light)),
        "light_p50_ms": round(statistics.median(waits), 1),
        "light_p99_ms": round(_percentile(waits, 0.99), 1),
        "light_max_ms": round(max(waits), 1),
        "heavy_statuses": dict(heavy_statuses),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--heavy", type=int, action="append", help="heavy clients re-sending one text (repeat) [2 and 8]"
    )
    parser.add_argument(
        "--distinct-heavy", type=int, action="append", help="heavy clients sending a new text each time [8]"
    )
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--peer", action="append", help="only these peers (baclokg, oxigraph) [both]")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    if not args.heavy and not args.distinct_heavy:
        args.heavy, args.distinct_heavy = [2, 8], [8]
    runs = [(n, False) for n in args.heavy or []] + [(n, True) for n in args.distinct_heavy or []]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ["BACLOKG_CACHE"] = str(Path(folder) / "store-cache")  # the service's on-disk store
        for peer in baclokg_and_oxigraph(Path(folder))[1]:
            if args.peer and peer.name not in args.peer:
                continue
            peer.start()
            try:
                for heavy, distinct in runs:
                    run = workload(peer.url, heavy, args.seconds, distinct=distinct)
                    figures = {"peer": peer.name, **run}
                    print(json.dumps(figures), file=sys.stderr)
                    results.append(figures)
                    time.sleep(12)  # the last heavy queries end (the time limit is 10 s)
            finally:
                peer.stop()
    emit_json(results, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
