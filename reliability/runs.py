"""Every reliability run, in a short size (``make test``) and a long one (``make reliability``)."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from baclokg.export import EXPORT_FORMATS

from . import attacks, badinput, faults, fuzz, load
from .servers import Listener, Server, oxigraph_store, virtuoso_store
from .verdicts import problems

__all__ = ["LONG", "SHORT", "Size", "run_all"]


@dataclass(frozen=True)
class Size:
    """How much of each run."""

    name: str
    sparql_cases: int
    request_cases: int
    byte_cases: int
    schemathesis_examples: int
    load_seconds: float
    soak_seconds: float
    kill_seconds: float
    kills: int
    store_kills: int
    export_formats: tuple[str, ...]
    fairness_seconds: float


SHORT = Size("short", 150, 150, 60, 3, 8, 12, 8, 1, 1, ("turtle", "jsonld", "kgx", "sssom"), 6)
LONG = Size("long", 3000, 3000, 1000, 50, 60, 300, 60, 5, 5, EXPORT_FORMATS, 12)

#: the service as the fuzzing, attack and injection runs see it: a short time limit
FUZZ_SERVER = ("--timeout", "3")
#: the service under load: the time limit stops the pathological queries quickly
LOAD_SERVER = ("--timeout", "2")


@contextmanager
def _server(*args: str) -> Iterator[Server]:
    server = Server(*args)
    try:
        yield server
    finally:
        server.stop()


def _fuzzing(size: Size, report: Callable[[str, str, Any], None]) -> None:
    with _server(*FUZZ_SERVER) as server:
        report(
            "SPARQL at /sparql (hypothesis)", "fuzz", fuzz.fuzz_sparql(server.url, size.sparql_cases, seed=1)
        )
        report(
            "Random requests (hypothesis)", "fuzz", fuzz.fuzz_requests(server.url, size.request_cases, seed=2)
        )
        report(
            "Raw bytes on the socket (hypothesis)",
            "fuzz",
            fuzz.fuzz_bytes(server.url, size.byte_cases, seed=3),
        )
        report(
            "The OpenAPI description (schemathesis, every check)",
            "schemathesis",
            fuzz.run_schemathesis(server.url, size.schemathesis_examples),
        )


def _load(size: Size, report: Callable[[str, str, Any], None]) -> None:
    with _server(*LOAD_SERVER) as server:
        report("Load: 64 clients", "load", load.run_load(server, connections=64, seconds=size.load_seconds))
    with _server(*LOAD_SERVER) as server:
        report(
            "Soak: 64 clients",
            "load",
            load.run_load(server, connections=64, seconds=size.soak_seconds, sample=5.0),
        )


def _fairness(size: Size, report: Callable[[str, str, Any], None]) -> None:
    from bench.fairness import workload  # the workload issue 12 measured, shared with the benchmark

    for heavy, distinct in ((2, False), (8, False), (8, True)):
        with _server() as server:  # the defaults: a fresh service for each, no heavy query left running
            each = ", each heavy request a new text" if distinct else ""
            report(
                f"Fairness: {heavy} heavy clients and a light one{each}",
                "fairness",
                workload(server.url + "/sparql", heavy, size.fairness_seconds, distinct=distinct),
            )


def _faults(size: Size, report: Callable[[str, str, Any], None]) -> None:
    report(
        "Service killed (SIGKILL) mid-load and restarted",
        "kill",
        faults.server_killed_mid_load(LOAD_SERVER, size.kill_seconds, size.kills),
    )
    with tempfile.TemporaryDirectory() as folder:
        makers = [oxigraph_store] + ([virtuoso_store] if shutil.which("virtuoso-t") else [])
        for make in makers:
            store = make(Path(folder))
            store.run()
            try:
                result = faults.store_killed_during_push(store, size.store_kills, seed=4)
            finally:
                store.stop()
            report(f"{store.name} killed during push", "store", result)
    report(
        "Export to a full and to a read-only file system",
        "export",
        faults.export_to_broken_targets(size.export_formats),
    )


def _bad_input(size: Size, report: Callable[[str, str, Any], None]) -> None:
    rows = [row for case in badinput.FILES for row in badinput.run_file_case(case)]
    report("Bad data files", "rows", {"rows": rows})
    report(
        "Command-line arguments out of range",
        "rows",
        {"rows": [badinput.run_cli_case(c) for c in badinput.CLI_CASES]},
    )
    with _server(*FUZZ_SERVER) as server:
        rows = badinput.run_injections(server.url)
        report("Injection attempts in named-query parameters", "rows", {"rows": rows})
        listener = Listener()
        try:
            rows = [attacks.run_attack(server.url, attack, listener.port) for attack in attacks.ATTACKS]
            time.sleep(0.5)
            report(
                "Attacks on the running service",
                "rows",
                {"rows": rows, "listener_connections": listener.connections},
            )
        finally:
            listener.close()


RUNS = (_fuzzing, _load, _fairness, _faults, _bad_input)


def run_all(size: Size, say: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Run everything at ``size``; return one entry per run with its figures and problems."""
    sections: list[dict[str, Any]] = []
    clock = [time.monotonic()]

    def report(title: str, kind: str, figures: Any) -> None:
        found = problems(kind, figures)
        now = time.monotonic()
        seconds = round(now - clock[0], 1)
        clock[0] = now
        sections.append(
            {"title": title, "kind": kind, "figures": figures, "problems": found, "seconds": seconds}
        )
        say(f"{title}: {'ok' if not found else f'{len(found)} problem(s)'} ({seconds:.0f} s)")

    for run in RUNS:
        clock[0] = time.monotonic()
        run(size, report)
    return sections
