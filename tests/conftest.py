"""Shared fixtures: one read-only knowledge graph per engine, and a way to run the CLI as users do."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import baclokg
from baclokg.kg import KnowledgeGraph

FIXTURES = Path(__file__).parent / "fixtures"
ENGINES = ("oxigraph", "rdflib")


@pytest.fixture(scope="session", params=ENGINES)
def kg(request: pytest.FixtureRequest) -> KnowledgeGraph:
    """The bundled graph on each engine (read-only, so it can be shared)."""
    return baclokg.load(engine=request.param)


@pytest.fixture(scope="session")
def kgs() -> dict[str, KnowledgeGraph]:
    """The bundled graph on both engines at once, for comparisons."""
    return {engine: baclokg.load(engine=engine) for engine in ENGINES}


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(tmp_path: Path) -> Run:
    """Run ``baclokg`` in a new process from a temporary directory, as a user would."""

    def run(*args: str, cwd: Path | None = None, columns: int = 100) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "BACLOKG_DEBUG"} | {"COLUMNS": str(columns)}
        return subprocess.run(
            [sys.executable, "-m", "baclokg.cli", *args],
            cwd=cwd or tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )

    return run


def free_port() -> int:
    """A free TCP port on loopback."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A real ``baclokg serve`` process on a free loopback port."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        import time

        import httpx

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "baclokg.cli", "serve", "--port", str(self.port), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server stopped: {self.process.stderr.read() if self.process.stderr else ''}"
                )
            try:
                if httpx.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start in time")

    def worker_pids(self) -> list[int]:
        import psutil

        return [child.pid for child in psutil.Process(self.process.pid).children(recursive=True)]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """The service with the W3C protocol test data, two workers and a short time limit."""
    running = Server("--workers", "2", "--timeout", "3", "--data", str(FIXTURES / "w3c-protocol.trig"))
    yield running
    running.stop()
