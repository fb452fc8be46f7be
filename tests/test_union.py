"""The default graph stays the union of the named graphs, a set, when the largest extra file is
referenced by it instead of copied into it (baclokg.union): every way of reading it, on both engines,
in an update and through the service."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

import baclokg
from baclokg import KnowledgeGraph
from reliability.servers import Server

#: a triple of the bundled graphs, and one of the small file, both also in the big file
CHEBI_2972, LABEL = (
    "<http://purl.obolibrary.org/obo/CHEBI_2972>",
    "<http://www.w3.org/2000/01/rdf-schema#label>",
)
SHARED_BUNDLED = f'{CHEBI_2972} {LABEL} "baclofen" .'
SHARED_SMALL = '<http://e/shared> <http://e/p> "both files" .'
ITEMS = 200
BIG_TRIPLES = ITEMS + 3  # the items, the two shared triples and one with a blank node

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SHARED = COUNT.replace("?s ?p ?o", f"{{ {CHEBI_2972} {LABEL} ?o }} UNION {{ <http://e/shared> ?p ?o }}")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("union")
    small = folder / "small.ttl"
    small.write_text(f'{SHARED_SMALL}\n<http://e/only-small> <http://e/p> "small" .\n')
    big = folder / "big.nt"
    items = [f'<http://e/item{i}> <http://e/p> "{i}" .' for i in range(ITEMS)]
    big.write_text("\n".join([SHARED_BUNDLED, SHARED_SMALL, *items, '_:b <http://e/p> "blank" .']) + "\n")
    return [small, big]


@pytest.fixture(scope="module")
def loaded(files: list[Path]) -> dict[str, KnowledgeGraph]:
    return {engine: baclokg.load(files, engine=engine) for engine in ("oxigraph", "rdflib")}


def _count(kg: KnowledgeGraph, text: str) -> int:
    return int(next(iter(kg.sparql(text)))[0])  # type: ignore[index, call-overload]


#: every way a user reads the default graph, each answering a number
READS: dict[str, Callable[[KnowledgeGraph], int]] = {
    "len(kg)": len,
    "kg.sparql COUNT": lambda kg: _count(kg, COUNT),
    "kg.sparql shared triples": lambda kg: _count(kg, SHARED),
    "kg.rows": lambda kg: len(kg.rows("cq-01-ingredient-and-brands")),
    "len(kg.graph)": lambda kg: len(kg.graph),
    "kg.graph.triples": lambda kg: sum(1 for _ in kg.graph.triples((None, None, None))),
    "kg.graph.query": lambda kg: int(next(iter(kg.graph.query(COUNT)))[0]),  # type: ignore[index, call-overload]
}


def test_the_largest_extra_file_is_referenced(loaded: dict[str, KnowledgeGraph], files: list[Path]) -> None:
    kg = loaded["oxigraph"]
    big = ox.NamedNode(files[1].resolve().as_uri())
    assert kg.default_graphs == [ox.DefaultGraph(), big]
    store = kg.oxigraph_store
    assert store is not None
    # not copied: the store's own default graph lacks the big file's triples, its graph has them
    assert not store.query("ASK { <http://e/item1> ?p ?o }")
    assert store.query(f"ASK {{ GRAPH {big} {{ <http://e/item1> ?p ?o }} }}")
    # the small file is copied
    assert store.query('ASK { <http://e/only-small> ?p "small" }')


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_every_read_of_the_default_graph_sees_the_union_as_a_set(
    loaded: dict[str, KnowledgeGraph], read: Callable[[KnowledgeGraph], int]
) -> None:
    assert read(loaded["oxigraph"]) == read(loaded["rdflib"])


def test_shared_triples_are_in_the_union_once(loaded: dict[str, KnowledgeGraph]) -> None:
    assert _count(loaded["oxigraph"], SHARED) == 2


def test_an_update_reads_and_keeps_the_whole_union(files: list[Path]) -> None:
    copy = "INSERT { GRAPH <http://e/copy> { ?s <http://e/p> ?o } } WHERE { ?s <http://e/p> ?o }"
    counts = []
    for engine in ("oxigraph", "rdflib"):
        kg = baclokg.load(files, engine=engine)  # type: ignore[arg-type]
        kg.update(copy)
        counts.append((len(kg), _count(kg, COUNT.replace("{ ?s", "{ GRAPH <http://e/copy> { ?s") + " }")))
        if engine == "oxigraph":
            assert kg.default_graphs is None  # copied in before the update
    assert counts[0] == counts[1]
    assert counts[0][1] == ITEMS + 3  # the big file's (the blank node's too) and the small file's own


@pytest.fixture(scope="module")
def service(files: list[Path]) -> Iterator[Server]:
    data = [arg for path in files for arg in ("--data", str(path))]
    running = Server("--in-memory", "--no-validate", "--workers", "1", *data)
    yield running
    running.stop()


def _served(server: Server, text: str, **params: str) -> int:
    answer = httpx.get(
        server.url + "/sparql",
        params={"query": text, **params},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_the_service_answers_over_the_union_and_its_own_datasets(
    service: Server, loaded: dict[str, KnowledgeGraph], files: list[Path]
) -> None:
    big = files[1].resolve().as_uri()
    assert _served(service, COUNT) == len(loaded["rdflib"])
    assert _served(service, SHARED) == 2
    # a dataset of the query's own or of the request's replaces the union
    assert _served(service, f"SELECT (COUNT(*) AS ?n) FROM <{big}> WHERE {{ ?s ?p ?o }}") == BIG_TRIPLES
    assert _served(service, COUNT, **{"default-graph-uri": big}) == BIG_TRIPLES
    assert _served(service, "SELECT (COUNT(*) AS ?n) FROM NAMED <http://e/x> WHERE { ?s ?p ?o }") == 0
