"""``python -m bench``: measure BacloKG against its peers and write bench/results/ (JSON, Markdown, PNG)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from baclokg.export import graph_bytes

from . import synthetic
from .mix import mix
from .wrk import run as run_wrk_at

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Peer:
    name: str
    command: list[str]
    path: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def start(self) -> float:
        began = time.perf_counter()
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if (
                    httpx.get(
                        self.url, params={"query": "ASK {}"}, headers={"Accept": ACCEPT}, timeout=2
                    ).status_code
                    == 200
                ):
                    return time.perf_counter() - began
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


LUA = """
paths = {%s}
local counter = 0
wrk.headers["Accept"] = "%s"
request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  if %s then path = path .. "%%0A%%23" .. counter .. "-" .. math.random(1000000000) end
  return wrk.format("GET", path)
end
"""


def run_wrk(peer: Peer, script: Path, connections: int, seconds: float) -> dict[str, float]:
    """wrk's figures for ``script`` against ``peer`` (see :func:`bench.wrk.run`)."""
    return run_wrk_at(f"http://127.0.0.1:{peer.port}", script, connections, seconds)


def wrk(
    peer: Peer, queries: list[str], connections: int, seconds: float, distinct: bool, folder: Path
) -> dict[str, float]:
    paths = ", ".join(json.dumps(f"{peer.path}?query={quote(q)}") for q in queries)
    script = folder / f"mix-{peer.name}-{distinct}.lua"
    script.write_text(LUA % (paths, ACCEPT, "true" if distinct else "false"))
    figures = run_wrk(peer, script, connections, seconds)
    return {
        "rps": figures["requests_per_second"],
        "p50_ms": figures.get("p50_ms", float("nan")),
        "p99_ms": figures.get("p99_ms", float("nan")),
        "errors": int(figures["non_2xx"]),
    }


def median_run(runs: list[dict[str, float]]) -> dict[str, float | list[float]]:
    rps = [r["rps"] for r in runs]
    best = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
    return {**best, "rps": statistics.median(rps), "rps_runs": rps, "errors": sum(r["errors"] for r in runs)}


def baclokg_and_oxigraph(folder: Path, extra: Sequence[Path] = ()) -> tuple[Path, list[Peer]]:
    """The bundled graph as N-Triples in ``folder``, and BacloKG's service (its defaults) and the Oxigraph
    server (``serve-read-only``, the same data loaded into ``folder``) as peers, not started. ``extra``
    N-Triples files go to both: BacloKG serves them with ``--data --no-validate``, Oxigraph loads them into
    its default graph beside the bundled graph (the union BacloKG's default graph is)."""
    data = folder / "baclokg.nt"
    data.write_bytes(graph_bytes("ntriples"))
    for path in (data, *extra):
        subprocess.run(
            [str(BIN / "oxigraph"), "load", "--location", str(folder / "oxigraph"), "--file", str(path)],
            check=True,
            capture_output=True,
        )
    ports = [free_port(), free_port()]
    served = [arg for path in extra for arg in ("--data", str(path))] + (["--no-validate"] if extra else [])
    return data, [
        Peer(
            "baclokg",
            [str(BIN / "baclokg"), "serve", *served, "--port", str(ports[0])],
            "/sparql",
            ports[0],
        ),
        Peer(
            "oxigraph",
            [
                str(BIN / "oxigraph"),
                "serve-read-only",
                "--location",
                str(folder / "oxigraph"),
                "--bind",
                f"127.0.0.1:{ports[1]}",
            ],
            "/query",
            ports[1],
        ),
    ]


def throughput(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    data, peers = baclokg_and_oxigraph(folder)
    port = free_port()
    peers += [
        Peer(
            "rdflib-endpoint",
            [
                str(BIN / "rdflib-endpoint"),
                "serve",
                str(data),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            "/",
            port,
        ),
    ]
    queries = mix()
    results: dict[str, object] = {}
    for peer in peers:
        started = peer.start()
        try:
            for text in queries:  # every query answers on every peer before anything is timed
                response = httpx.get(peer.url, params={"query": text}, headers={"Accept": ACCEPT}, timeout=60)
                response.raise_for_status()
            for distinct in (False, True):
                for connections in (1, 16):
                    runs = [
                        wrk(peer, queries, connections, args.seconds, distinct, folder)
                        for _ in range(args.runs)
                    ]
                    results[f"{peer.name}|{'distinct' if distinct else 'named'}|{connections}"] = median_run(
                        runs
                    )
            results[f"{peer.name}|startup_s"] = started
        finally:
            peer.stop()
    return results


def in_process(args: argparse.Namespace) -> dict[str, object]:
    out = {}
    for engine in ("oxigraph", "rdflib"):
        # a quick run times Oxigraph alone: each of rdflib's quality checks takes seconds even once
        repeats = 0 if args.quick and engine == "rdflib" else args.repeats
        result = subprocess.run(
            [sys.executable, "-m", "bench.probe", "-", engine, str(repeats), str(args.budget)],
            capture_output=True,
            text=True,
            check=True,
        )
        out[engine] = json.loads(result.stdout)
    return out


def cold_start(args: argparse.Namespace) -> dict[str, object]:
    times = []
    for _ in range(args.cold_runs):
        began = time.perf_counter()
        subprocess.run(
            [str(BIN / "baclokg"), "query", "cq-10-onset", "--format", "csv"], check=True, capture_output=True
        )
        times.append(time.perf_counter() - began)
    serve = []
    for _ in range(max(1, args.cold_runs // 2)):
        port = free_port()
        peer = Peer("baclokg", [str(BIN / "baclokg"), "serve", "--port", str(port)], "/sparql", port)
        serve.append(peer.start())
        peer.stop()
    return {
        "query_s": statistics.median(times),
        "query_runs": times,
        "serve_s": statistics.median(serve),
        "serve_runs": serve,
    }


def scale(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    per_drug = synthetic.triples_per_drug()
    out: dict[str, object] = {}
    for size in args.sizes:
        path = folder / f"synthetic-{size}.nt"
        written = synthetic.write(path, max(1, size // per_drug))
        for engine in ("oxigraph", "rdflib"):
            if engine == "rdflib" and size > args.rdflib_max:
                out[f"{size}|{engine}"] = {
                    "skipped": f"rdflib engine above {args.rdflib_max} triples (time budget)"
                }
                continue
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.probe",
                    str(path),
                    engine,
                    str(args.scale_repeats if engine == "oxigraph" else 0),
                    str(args.budget),
                    "competency",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            measured = json.loads(result.stdout)
            measured["synthetic_triples"] = written
            if engine == "oxigraph":
                port = free_port()
                peer = Peer(
                    "baclokg",
                    [
                        str(BIN / "baclokg"),
                        "serve",
                        "--no-validate",
                        "--data",
                        str(path),
                        "--port",
                        str(port),
                    ],
                    "/sparql",
                    port,
                )
                peer.start()
                try:
                    measured["service_distinct_16"] = wrk(peer, mix(), 16, args.seconds, True, folder)
                finally:
                    peer.stop()
            out[f"{size}|{engine}"] = measured
        path.unlink()
    return out


def machine() -> dict[str, object]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = match.group(1).strip() if match else model
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: one tiny size, short runs")
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    args = parser.parse_args()
    args.seconds = 1 if args.quick else 5
    args.runs = 1 if args.quick else 3
    args.repeats = 3 if args.quick else 300
    args.scale_repeats = 5 if args.quick else 50
    args.cold_runs = 2 if args.quick else 5
    args.sizes = [10_000] if args.quick else [10_000, 100_000, 1_000_000]
    args.budget = 0.2 if args.quick else 2.0
    # the rdflib engine is loaded (time, memory) up to this size; its query latency is only timed on the
    # bundled graph, where some named queries already take seconds
    args.rdflib_max = 0 if args.quick else 100_000
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs Debian's wrk")
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"machine": machine(), "quick": args.quick}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # the service's on-disk stores are built in this run's folder (a first start is what is timed)
        os.environ["BACLOKG_CACHE"] = str(folder / "store-cache")
        steps: list[tuple[str, Callable[[], dict[str, object]]]] = [
            ("throughput", lambda: throughput(args, folder)),
            ("in_process", lambda: in_process(args)),
            ("cold_start", lambda: cold_start(args)),
            ("scale", lambda: scale(args, folder)),
        ]
        for name, step in steps:
            began = time.perf_counter()
            results[name] = step()
            print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr)
    from .report import write_report

    write_report(results, args.out)


if __name__ == "__main__":
    main()
