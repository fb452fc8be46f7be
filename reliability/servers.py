"""The real processes the reliability runs and the tests drive, all on loopback: BacloKG's own
service, external SPARQL stores (the Oxigraph server, Virtuoso), and a listener that counts
connections (to prove nothing reached outside)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from baclokg.push import Target

__all__ = [
    "OXIGRAPH_CLI",
    "Listener",
    "Server",
    "Store",
    "cpu_percent",
    "free_port",
    "oxigraph_store",
    "run_cli",
    "virtuoso_store",
]

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: the Oxigraph command-line tool (server, loader, query plans), from PyPI's ``oxigraph`` beside Python
OXIGRAPH_CLI = Path(sys.executable).parent / "oxigraph"


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``baclokg ARGS`` in a new process as a user would (without BACLOKG_DEBUG's tracebacks)."""
    environment = {k: v for k, v in os.environ.items() if k != "BACLOKG_DEBUG"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "baclokg.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        check=False,
    )


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A real ``baclokg serve`` process on a loopback port (a free one unless given)."""

    def __init__(
        self, *args: str, env: dict[str, str] | None = None, port: int | None = None, start: bool = True
    ) -> None:
        self.args = args
        self.env = {**os.environ, **(env or {})}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None
        # the server's log goes to a file: a pipe nobody reads would fill and stall the server
        self.log = tempfile.TemporaryFile(mode="a+", encoding="utf-8")  # noqa: SIM115 (appends only)
        if start:
            self.start()

    def start(self, timeout: float = 90) -> float:
        """Start the server and wait until it answers; return the seconds that took."""
        started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "baclokg.cli", "serve", "--port", str(self.port), *self.args],
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            text=True,
            env=self.env,
        )
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.output()[-2000:]}")
            try:
                if httpx.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start in time")

    def output(self) -> str:
        """What the server has written to its log (standard error) so far."""
        self.log.flush()
        self.log.seek(0)
        text = self.log.read()
        self.log.seek(0, 2)
        return text

    def processes(self) -> list[psutil.Process]:
        """The server and every process under it (HTTP workers, query workers)."""
        assert self.process is not None
        try:
            main = psutil.Process(self.process.pid)
            return [main, *main.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def worker_pids(self) -> list[int]:
        """The processes under the server."""
        return [p.pid for p in self.processes()[1:]]

    def rss(self) -> int:
        """Resident memory of the whole process tree, in bytes."""
        total = 0
        for process in self.processes():
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def kill(self) -> list[psutil.Process]:
        """SIGKILL the server process alone, as a crash or the OOM killer would; return its children."""
        assert self.process is not None
        children = self.processes()[1:]
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        return children

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def cpu_percent(processes: list[psutil.Process], seconds: float) -> float:
    """The summed CPU use of processes over ``seconds``, in percent of one core."""
    alive = []
    for process in processes:
        try:
            process.cpu_percent(None)
            alive.append(process)
        except psutil.NoSuchProcess:
            continue
    time.sleep(seconds)
    total = 0.0
    for process in alive:
        try:
            total += process.cpu_percent(None)
        except psutil.NoSuchProcess:
            continue
    return total


class Listener:
    """A TCP listener on loopback that counts every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@dataclass
class Store:
    """An external SPARQL store process, how to (re)start it, and its endpoints."""

    name: str
    launch: Callable[[], subprocess.Popen[bytes]]
    target: Target
    read: str
    process: subprocess.Popen[bytes] | None = None

    def run(self) -> None:
        """Start the store and wait until it answers a query."""
        self.process = self.launch()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                response = httpx.get(
                    self.read,
                    params={"query": "ASK {}"},
                    timeout=2,
                    headers={"Accept": "application/sparql-results+json"},
                )
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def oxigraph_store(folder: Path) -> Store:
    """The Oxigraph server (from PyPI's ``oxigraph``) on a free port, its data in ``folder``."""
    port = free_port()

    def launch() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [OXIGRAPH_CLI, "serve", "--location", folder / "oxigraph", "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    base = f"http://127.0.0.1:{port}"
    return Store("oxigraph", launch, Target(base + "/query", base + "/update"), base + "/query")


def virtuoso_store(folder: Path) -> Store:
    """Debian's Virtuoso on free ports, its database in ``folder`` (user dba/dba, digest auth)."""
    http_port, sql_port = free_port(), free_port()
    folder = folder / "virtuoso"
    folder.mkdir()
    ini = VIRTUOSO_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    ini = re.sub(r"(\[Parameters\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>{sql_port}", ini, flags=re.S)
    ini = re.sub(r"(\[HTTPServer\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>{http_port}", ini, flags=re.S)
    ini = re.sub(r"^Load\d+\s*=.*$", "", ini, flags=re.M)
    (folder / "virtuoso.ini").write_text(ini)

    def launch() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    base = f"http://127.0.0.1:{http_port}"
    # the Graph Store endpoint, as the README advises for Virtuoso: its PUT replaces a graph whole, while
    # a graph replaced by SPARQL MOVE loses triples when Virtuoso replays its log after being killed
    target = Target(
        base + "/sparql-auth",
        store=base + "/sparql-graph-crud-auth",
        user="dba",
        password="dba",
        digest=True,
        batch_size=200,
    )
    return Store("virtuoso", launch, target, base + "/sparql")
