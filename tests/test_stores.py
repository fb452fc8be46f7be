"""Push to real SPARQL stores started here on loopback (the Oxigraph server, Virtuoso), then run every
named query remotely; pushes are idempotent and survive the store being killed half way."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import baclokg
from baclokg.push import Target, graph_checksum, push, remote_graphs
from baclokg.queries import all_queries
from baclokg.remote import RemoteError, connect
from baclokg.store import UNION_GRAPH
from baclokg.terms import text

from .conftest import free_port

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass
class Store:
    """A store process, how to (re)start it, and its endpoints."""

    name: str
    start: Callable[[], subprocess.Popen[bytes]]
    target: Target
    read: str
    process: subprocess.Popen[bytes] | None = None

    def run(self) -> None:
        self.process = self.start()
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


def _oxigraph(tmp: Path) -> Store:
    port = free_port()
    binary = Path(sys.executable).parent / "oxigraph"

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(binary), "serve", "--location", str(tmp / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    base = f"http://127.0.0.1:{port}"
    return Store(
        "oxigraph", start, Target(base + "/query", base + "/update", batch_size=200), base + "/query"
    )


def _virtuoso(tmp: Path) -> Store:
    http_port, sql_port = free_port(), free_port()
    folder = tmp / "virtuoso"
    folder.mkdir()
    ini = VIRTUOSO_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    ini = re.sub(r"(\[Parameters\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>{sql_port}", ini, flags=re.S)
    ini = re.sub(r"(\[HTTPServer\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>{http_port}", ini, flags=re.S)
    ini = re.sub(r"^Load\d+\s*=.*$", "", ini, flags=re.M)
    (folder / "virtuoso.ini").write_text(ini)

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    base = f"http://127.0.0.1:{http_port}"
    target = Target(base + "/sparql-auth", user="dba", password="dba", digest=True, batch_size=200)
    return Store("virtuoso", start, target, base + "/sparql")


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    if request.param == "virtuoso" and not shutil.which("virtuoso-t"):
        pytest.fail("virtuoso-t is missing: `make test` installs Debian's virtuoso-opensource")
    made = (_oxigraph if request.param == "oxigraph" else _virtuoso)(tmp_path_factory.mktemp(request.param))
    made.run()
    yield made
    made.stop()


def _answers(kg: baclokg.KnowledgeGraph) -> dict[str, Counter[tuple[tuple[str, str | None], ...]]]:
    return {
        q.id: Counter(tuple(sorted((k, text(v)) for k, v in r.items())) for r in kg.rows(q.id))
        for q in all_queries()
    }


def _count(store: Store, graph: str) -> int:
    return graph_checksum(store.target, graph)[0]


def test_push_then_every_named_query_answers_as_locally(store: Store) -> None:
    reports = push(store.target)
    assert {r.graph for r in reports} >= {UNION_GRAPH}
    remote = connect(store.read)
    local = baclokg.load()
    assert _answers(remote) == _answers(local)
    assert remote.drug("Baclotop") == local.drug("Baclotop")


def test_push_again_duplicates_nothing(store: Store) -> None:
    first = push(store.target)
    second = push(store.target)
    assert [(r.graph, r.triples, r.checksum) for r in first] == [
        (r.graph, r.triples, r.checksum) for r in second
    ]
    for report in second:
        assert _count(store, report.graph) == report.triples
    assert [g for g in remote_graphs(store.target) if "-staging-" in g] == []


def test_killed_store_keeps_the_previous_graph_and_a_second_push_completes(store: Store) -> None:
    before = push(store.target)
    monograph = next(r for r in before if r.graph.endswith("/monograph"))
    landed: list[str] = []

    def kill_after_a_batch(line: str) -> None:
        if line.startswith(monograph.graph + ":") and "batch" in line:
            landed.append(line)
            store.kill()

    with pytest.raises(RemoteError, match=r"unreachable|answered|connection|Connection"):
        push(store.target, progress=kill_after_a_batch)
    assert landed, "at least one batch landed before the store was killed"
    store.run()
    assert _count(store, monograph.graph) == monograph.triples
    after = push(store.target)
    assert [(r.graph, r.triples, r.checksum) for r in after] == [
        (r.graph, r.triples, r.checksum) for r in before
    ]


def test_wrong_password_and_unreachable_endpoint(store: Store) -> None:
    if store.target.user is not None:
        wrong = Target(store.target.query, user=store.target.user, password="wrong", digest=True)
        with pytest.raises(RemoteError, match=re.escape(store.target.query)):
            push(wrong)
    with pytest.raises(RemoteError, match="unreachable"):
        push(Target(f"http://127.0.0.1:{free_port()}/sparql"))


def test_wrong_answer_format_is_reported(store: Store) -> None:
    not_sparql = store.read.rsplit("/", 1)[0] + "/"
    with pytest.raises(RemoteError, match=re.escape(not_sparql)):
        connect(not_sparql).rows("cq-01-ingredient-and-brands")


def test_store_that_rejects_the_data(tmp_path: Path) -> None:
    port = free_port()
    binary = Path(sys.executable).parent / "oxigraph"
    (tmp_path / "ro").mkdir()
    subprocess.run(
        [
            str(binary),
            "update",
            "--location",
            str(tmp_path / "ro"),
            "--update",
            "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        ],
        check=True,
        capture_output=True,
    )
    read_only = Store(
        "oxigraph-read-only",
        lambda: subprocess.Popen(
            [
                str(binary),
                "serve-read-only",
                "--location",
                str(tmp_path / "ro"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        Target(f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/update"),
        f"http://127.0.0.1:{port}/query",
    )
    read_only.run()
    try:
        with pytest.raises(RemoteError, match=re.escape(f"http://127.0.0.1:{port}/update")):
            push(read_only.target)
        assert [g for g in remote_graphs(read_only.target) if "baclokg" in g] == []
    finally:
        read_only.stop()
