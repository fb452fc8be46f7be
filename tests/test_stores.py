"""Push to real SPARQL stores started here on loopback (the Oxigraph server, Virtuoso), then run every
named query remotely; pushes are idempotent and survive the store being killed half way."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import baclokg
from baclokg.errors import RemoteError
from baclokg.push import Target, graph_checksum, push, remote_graphs
from baclokg.queries import all_queries
from baclokg.remote import connect
from baclokg.store import UNION_GRAPH
from baclokg.terms import text
from reliability.faults import store_killed_during_push
from reliability.servers import Store, free_port, oxigraph_store, virtuoso_store
from reliability.verdicts import problems


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    if request.param == "virtuoso" and not shutil.which("virtuoso-t"):
        pytest.fail("virtuoso-t is missing: `make test` installs Debian's virtuoso-opensource")
    made = (oxigraph_store if request.param == "oxigraph" else virtuoso_store)(
        tmp_path_factory.mktemp(request.param)
    )
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
    # the store holds the graphs of a completed push (the test above; pushed here when run alone)
    if UNION_GRAPH not in remote_graphs(store.target):
        push(store.target)
    kept = {graph: graph_checksum(store.target, graph) for graph in remote_graphs(store.target)}
    second = push(store.target)
    assert [(r.triples, r.checksum) for r in second] == [kept[r.graph] for r in second]
    for report in second:
        assert _count(store, report.graph) == report.triples
    assert [g for g in remote_graphs(store.target) if "-staging-" in g] == []


def test_killed_store_keeps_the_previous_graph_and_a_second_push_completes(store: Store) -> None:
    result = store_killed_during_push(store, kills=1, seed=4)
    assert result["results"]["push failed with RemoteError"] == 1
    assert problems("store", result) == []


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
