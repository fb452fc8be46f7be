"""``python -m bench.store``: the service with about a million more quads: start, restart, memory, load.

Writes synthetic drugs shaped like baclofen (``bench/synthetic.py``; by default as many as add one million
triples) to one N-Triples file and measures, in one run:

- ``baclokg serve --data FILE --no-validate`` with its defaults (on-disk store): seconds until it answers
  the first time (the store is built) and after a restart (the store is opened), and the proportional set
  size (PSS) of all its processes together;
- the same with ``--in-memory`` (every process loads its own copy), for comparison;
- ``baclokg.load(extra=[FILE])`` in memory on the Oxigraph engine, and pyoxigraph's own load of the same
  file into an in-memory store (the floor).

::

    python -m bench.store [--drugs N] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import pyoxigraph as ox

import baclokg
from reliability.servers import Server

from . import synthetic
from .report import emit_json


def _pss_mb(server: Server) -> float:
    total = 0
    for process in server.processes():
        try:
            total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return round(total / 2**20, 1)


def serve(data: Path, cache: Path, *args: str) -> dict[str, Any]:
    """First start, PSS, and restart of the service on ``data``."""
    env = {"BACLOKG_CACHE": str(cache)}
    server = Server("--data", str(data), "--no-validate", *args, env=env, start=False)
    try:
        first = server.start(timeout=600)
        pss = _pss_mb(server)
        workers = len(server.processes())
        server.stop()
        again = server.start(timeout=600)
    finally:
        server.stop()
    return {"ready_first_s": round(first, 2), "ready_restart_s": round(again, 2), "pss_mb": pss,
            "processes": workers}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--drugs", type=int, default=None, help="synthetic drugs [as many as make 1M triples]"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    drugs = args.drugs or synthetic.drugs_for(1_000_000)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "synthetic.nt"
        triples = synthetic.write(data, drugs)
        result: dict[str, Any] = {"drugs": drugs, "extra_triples": triples, "cores": os.cpu_count()}
        result["disk_store"] = serve(data, Path(folder) / "cache")
        print(json.dumps(result), file=sys.stderr, flush=True)
        result["in_memory"] = serve(data, Path(folder) / "unused", "--in-memory")
        began = time.perf_counter()
        kg = baclokg.load([data])
        result["api_load_s"] = round(time.perf_counter() - began, 2)
        result["api_triples"] = len(kg)
        del kg
        store = ox.Store()
        began = time.perf_counter()
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
        result["pyoxigraph_bulk_load_s"] = round(time.perf_counter() - began, 2)
    emit_json(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
