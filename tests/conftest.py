"""Shared fixtures: one read-only knowledge graph per engine, and a way to run the CLI as users do."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

import baclokg
from baclokg.kg import KnowledgeGraph
from reliability import servers
from reliability.servers import Server, free_port

__all__ = ["FIXTURES", "Run", "Server", "free_port"]

FIXTURES = Path(__file__).parent / "fixtures"
ENGINES = ("oxigraph", "rdflib")


@pytest.fixture(scope="session", autouse=True)
def store_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The service's on-disk stores go to a temporary folder (inherited by every process started)."""
    folder = tmp_path_factory.mktemp("store-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACLOKG_CACHE", str(folder))
        yield folder


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
        return servers.run_cli(*args, cwd=cwd or tmp_path, env={"COLUMNS": str(columns)})

    return run


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """The service with the W3C protocol test data, two workers and a short time limit."""
    running = Server("--workers", "2", "--timeout", "3", "--data", str(FIXTURES / "w3c-protocol.trig"))
    yield running
    running.stop()


#: the browser tests drive Debian's chromium (Playwright's own download is not available here)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium for the browser tests of one module.

    Module scope, not session: Playwright's sync API keeps an event loop running in this thread while it
    is open, and tests that call ``asyncio.run`` later in the session would fail under it.
    """
    with sync_playwright() as playwright:
        running = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield running
        running.close()
