"""Faults injected into real processes: the service killed mid-load, an external store killed during
``baclokg push``, and ``baclokg export`` aimed at a full or a read-only file system."""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import psutil

from baclokg.errors import RemoteError
from baclokg.export import EXPORT_FORMATS
from baclokg.push import graph_checksum, push, remote_graphs

from .servers import Server, Store, run_cli

__all__ = [
    "answers",
    "export_to_broken_targets",
    "server_killed_mid_load",
    "store_killed_during_push",
    "tmpfs",
]


#: how often :func:`answers` asks again when the service sheds it (429 or 503 with Retry-After)
SHED_RETRIES = 5


def answers(url: str) -> dict[str, str]:
    """The answer of every named query from the service's REST API, as text (the service's view).

    Like a well-behaved client, it waits as Retry-After says and asks again when the service sheds the
    request (it shares its address with the load clients, so their share is its share).
    """
    listing = httpx.get(url + "/api/queries", timeout=30).json()
    found = {}
    for query in listing:
        for _ in range(SHED_RETRIES):
            response = httpx.get(url + f"/api/queries/{query['id']}", timeout=60)
            if response.status_code not in (429, 503):
                break
            wait = response.headers.get("retry-after", "1")
            time.sleep(min(float(wait), 5.0) if wait.isdigit() else 1.0)
        found[query["id"]] = f"{response.status_code} {response.text}"
    return found


def server_killed_mid_load(
    server_args: tuple[str, ...], seconds: float, kills: int, clients: int = 8
) -> dict[str, Any]:
    """Clients query the service while it is SIGKILLed ``kills`` times and restarted on the same port.

    Checked: no process of a killed server is left running, the restart answers every named query as
    before, and between kills the clients' requests succeed.
    """
    server = Server(*server_args)
    try:
        baseline = answers(server.url)
        stop = threading.Event()
        outcomes: Counter[str] = Counter()
        lock = threading.Lock()
        ids = sorted(baseline)

        def client(number: int) -> None:
            rng = random.Random(number)
            with httpx.Client(timeout=30) as session:
                while not stop.is_set():
                    try:
                        status = session.get(server.url + f"/api/queries/{rng.choice(ids)}").status_code
                        kind = "ok" if status == 200 else f"status {status}"
                    except httpx.HTTPError:
                        kind = "refused while down"
                        time.sleep(0.05)
                    with lock:
                        outcomes[kind] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        orphans = 0
        restarts: list[float] = []
        same = 0
        for _ in range(kills):
            time.sleep(seconds / (kills + 1))
            children = server.kill()
            _, alive = psutil.wait_procs(children, timeout=10)
            orphans += len(alive)
            for process in alive:  # do not leave them behind for the next run, but count them
                process.kill()
            restarts.append(server.start())
            same += answers(server.url) == baseline
        time.sleep(seconds / (kills + 1))
        stop.set()
        for thread in threads:
            thread.join(60)
        return {
            "kills": kills,
            "requests": sum(outcomes.values()),
            "outcomes": dict(outcomes),
            "orphan_processes": orphans,
            "restart_seconds_max": round(max(restarts), 2),
            "restarts_with_same_answers": same,
            "named_queries_compared": len(baseline),
        }
    finally:
        server.stop()


def store_killed_during_push(store: Store, kills: int, seed: int = 0) -> dict[str, Any]:
    """Kill the store at a random step of ``baclokg push`` ``kills`` times; after each, restart it.

    Checked each time: the push failed with a RemoteError naming the endpoint; every graph a previous
    push completed holds its previous count and checksum; a second push completes and verifies; no
    staging graph is left behind.
    """
    rng = random.Random(seed)
    steps: list[str] = []
    before = {r.graph: (r.triples, r.checksum) for r in push(store.target, progress=steps.append)}
    results: Counter[str] = Counter()
    killed_at = []
    for _ in range(kills):
        step = rng.randrange(1, len(steps) - 1)
        seen = 0

        def kill_at_step(line: str, at: int = step) -> None:
            nonlocal seen
            seen += 1
            if seen == at:
                killed_at.append(line)
                store.kill()

        try:
            push(store.target, progress=kill_at_step)
            results["push completed before the kill"] += 1
        except RemoteError as error:
            results["push failed with RemoteError"] += 1
            if store.target.query not in str(error) and (store.target.store or "") not in str(error):
                results["error without the endpoint"] += 1
        store.run()
        intact = all(graph_checksum(store.target, g) == kept for g, kept in before.items())
        results["previous graphs intact" if intact else "previous graph changed"] += 1
        after = {r.graph: (r.triples, r.checksum) for r in push(store.target)}
        results["second push verified" if after == before else "second push differs"] += 1
        left = [g for g in remote_graphs(store.target) if "-staging-" in g]
        results["staging graphs left" if left else "no staging graph left"] += 1
    return {"store": store.name, "kills": kills, "steps": len(steps), "results": dict(results)}


@contextmanager
def tmpfs(folder: Path, *, size: str = "64k", read_only: bool = False) -> Any:
    """Mount a small tmpfs at ``folder`` (root only), optionally read-only; unmount afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def export_to_broken_targets(formats: tuple[str, ...] = EXPORT_FORMATS) -> dict[str, Any]:
    """Export every format onto a full tmpfs (over a good earlier file) and onto a read-only one.

    Checked: a non-zero exit, a one-line message naming the path and the cause, no traceback, the good
    file (or KGX folder) byte-identical afterwards, and no temporary file left.
    """
    if os.geteuid() != 0:
        raise PermissionError("mounting the test file systems needs root (the tests run as root)")
    cases = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for fmt in formats:
            for kind in ("full", "read-only"):
                folder = root / f"{fmt}-{kind}"
                good = b"a good earlier export\n"
                with tmpfs(folder, size="48k") as mounted:
                    target = mounted / ("export" if fmt == "kgx" else f"export.{fmt}")
                    keep = target / "nodes.tsv" if fmt == "kgx" else target
                    keep.parent.mkdir(parents=True, exist_ok=True)
                    keep.write_bytes(good)
                    if kind == "read-only":
                        subprocess.run(["mount", "-o", "remount,ro", str(mounted)], check=True)
                    else:  # fill the rest of the file system
                        filler = mounted / "filler"
                        with filler.open("wb", buffering=0) as out, suppress(OSError):
                            while True:
                                out.write(b"\0" * 4096)
                                out.flush()
                    done = run_cli("export", "--format", fmt, "-o", str(target))
                    message = done.stderr.strip()
                    leftovers = [p.name for p in mounted.rglob("*.part")]
                    cases.append(
                        {
                            "format": fmt,
                            "target": kind,
                            "exit": done.returncode,
                            "message": message.replace(str(root), "…"),
                            "names_path": str(target) in message,
                            "traceback": "Traceback" in message,
                            "good_file_kept": keep.read_bytes() == good,
                            "temporary_files_left": len(leftovers),
                        }
                    )
    return {"cases": cases}
