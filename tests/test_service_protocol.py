"""The W3C SPARQL 1.1 Protocol test suite, read from its own manifest and run as raw HTTP on real servers.

``tests/fixtures/w3c-protocol/`` holds the manifest and its data files as w3c/rdf-tests has them
(``sparql/sparql11/protocol/``, see the README there). Every test of the manifest runs, in the manifest's
order, on a server started with ``--allow-update`` and a token: each test's ``ut:graphData`` is loaded
through the protocol itself, by a SPARQL Update, before its requests are sent. The query tests run on the
read-only server too, whose ``--data`` file holds the same graphs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from .conftest import FIXTURES, Server

SUITE = FIXTURES / "w3c-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TOKEN = "w3c-protocol-suite"

#: the media types each expected format of the manifest allows
FORMATS = {
    "boolean": ("application/sparql-results+xml", "application/sparql-results+json"),
    "tabular": (
        "application/sparql-results+xml",
        "application/sparql-results+json",
        "text/tab-separated-values",
        "text/csv",
    ),
    "RDF": (
        "text/turtle",
        "application/n-triples",
        "application/rdf+xml",
        "application/ld+json",
        "application/n-quads",
        "application/trig",
    ),
}


@dataclass(frozen=True)
class Exchange:
    """One request of a test and what its response must be."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[int]  # the first digit of the allowed status codes
    fmt: str | None
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    """A test of the manifest: its data (graph name, file) and its requests in order."""

    name: str
    data: tuple[tuple[str, Path], ...]
    exchanges: tuple[Exchange, ...]

    @property
    def updates(self) -> bool:
        """Whether the test sends updates (it then runs only where updates are allowed)."""
        return "update" in self.name


def _exchange(manifest: Graph, request: URIRef) -> Exchange:
    headers = []
    for header in Collection(manifest, manifest.value(request, HT.headers) or RDF.nil):
        headers.append(
            (str(manifest.value(header, HT.fieldName)), str(manifest.value(header, HT.fieldValue)))
        )
    body = None
    node = manifest.value(request, HT.body)
    if node is not None:
        encoding = str(manifest.value(node, CNT.characterEncoding) or "UTF-8")
        body = str(manifest.value(node, CNT.chars)).encode(encoding)
    response = manifest.value(request, HT.resp)
    statuses = frozenset(
        int(str(s).removeprefix(HTS)[0]) for s in manifest.objects(response, MF.expectedStatus)
    )
    fmt = manifest.value(response, MF.expectedFormat)
    boolean = manifest.value(response, MF.expectedBoolean)
    return Exchange(
        method=str(manifest.value(request, HT.methodName)),
        path=str(manifest.value(request, HT.absolutePath)),
        headers=tuple(headers),
        body=body,
        statuses=statuses,
        fmt=str(fmt) if fmt is not None else None,
        boolean=boolean.toPython() if boolean is not None else None,
    )


def read_manifest(path: Path = SUITE / "manifest.ttl") -> list[ProtocolTest]:
    """The tests of the manifest in its order."""
    manifest = Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())
    root = URIRef(path.resolve().as_uri())
    tests = []
    for entry in Collection(manifest, manifest.value(root, MF.entries)):
        data = tuple(
            sorted(
                (
                    str(manifest.value(g, RDFS.label)),
                    Path(str(manifest.value(g, UT.graph)).removeprefix("file://")),
                )
                for g in manifest.objects(entry, UT.graphData)
            )
        )
        action = manifest.value(entry, MF.action)
        requests = Collection(manifest, manifest.value(action, HT.requests))
        tests.append(
            ProtocolTest(
                name=str(entry).rsplit("#", 1)[-1],
                data=data,
                exchanges=tuple(_exchange(manifest, r) for r in requests),  # type: ignore[arg-type]
            )
        )
    return tests


TESTS = read_manifest()


@pytest.fixture(scope="module")
def updating() -> Iterator[Server]:
    """A server that takes updates with a token, with two query workers (updates must reach both)."""
    running = Server("--workers", "2", "--allow-update", env={"BACLOKG_UPDATE_TOKEN": TOKEN})
    yield running
    running.stop()


def _load(server: Server, test: ProtocolTest) -> None:
    """The test's data, loaded through the protocol by one SPARQL Update."""
    if not test.data:
        return
    graphs = " ".join(f"GRAPH <{name}> {{ {path.read_text(encoding='utf-8')} }}" for name, path in test.data)
    response = httpx.post(
        server.url + "/sparql",
        content=f"INSERT DATA {{ {graphs} }}",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 204, response.text


def _boolean(response: httpx.Response) -> bool:
    if "json" in response.headers["content-type"]:
        return bool(json.loads(response.text)["boolean"])
    return "<boolean>true</boolean>" in response.text


def _run(server: Server, test: ProtocolTest, token: bool) -> None:
    for number, exchange in enumerate(test.exchanges, 1):
        headers = dict(exchange.headers)
        if token:
            headers["Authorization"] = f"Bearer {TOKEN}"
        url = server.url + exchange.path
        response = httpx.request(exchange.method, url, content=exchange.body, headers=headers, timeout=30)
        where = f"{test.name}, request {number}: {response.status_code} {response.text[:300]}"
        assert response.status_code // 100 in exchange.statuses, where
        assert "Traceback" not in response.text
        if exchange.fmt is not None:
            assert response.headers["content-type"].split(";")[0] in FORMATS[exchange.fmt], where
        if exchange.boolean is not None:
            assert _boolean(response) is exchange.boolean, where


def test_the_manifest_is_read_whole() -> None:
    assert len(TESTS) == 34
    assert sum(t.updates for t in TESTS) == 14
    assert all(t.exchanges for t in TESTS)


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.name)
def test_w3c_protocol_with_updates(updating: Server, test: ProtocolTest) -> None:
    _load(updating, test)
    _run(updating, test, token=True)


@pytest.mark.parametrize("test", [t for t in TESTS if not t.updates], ids=lambda t: t.name)
def test_w3c_protocol_read_only(server: Server, test: ProtocolTest) -> None:
    _run(server, test, token=False)


#: updates that must fail with a 4xx that says why (never a 5xx): (update, dataset parameters, words)
BAD_UPDATES = [
    ("CREATE GRAPH <http://example.org/twice> ; CREATE GRAPH <http://example.org/twice>", "", "exists"),
    ("DROP GRAPH <http://example.org/never-made>", "", "does not exist"),
    ("INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }", "", "default graph is the union"),
    ("CLEAR DEFAULT", "", "default graph is the union"),
    ("ADD <http://example.org/g> TO DEFAULT", "", "default graph is the union"),
    ("INSERT DATA { GRAPH <http://example.org/g> { <s> <p> <o> . } ", "", "invalid SPARQL"),
    (
        "WITH <http://example.org/g> INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "?using-graph-uri=http%3A%2F%2Fexample.org%2Fother",
        "one way, not both",
    ),
    ("CLEAR ALL", "?using-graph-uri=not%20an%20iri", "not an absolute IRI"),
    ("LOAD <http://127.0.0.1:9/data.ttl>", "", "LOAD is not allowed"),
]


@pytest.mark.parametrize(("update", "params", "words"), BAD_UPDATES)
def test_bad_updates_get_a_4xx_that_says_why(updating: Server, update: str, params: str, words: str) -> None:
    response = httpx.post(
        updating.url + "/sparql" + params,
        content=update,
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert 400 <= response.status_code < 500, response.text
    assert words in response.text


def test_updates_keep_the_default_graph_the_union(updating: Server) -> None:
    graph, triple = "http://example.org/union-test", "<http://example.org/u> <http://example.org/p> 1"
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    ask = {"Accept": "application/sparql-results+json"}
    url = updating.url + "/sparql"
    insert = f"INSERT DATA {{ GRAPH <{graph}> {{ {triple} }} }}"
    assert httpx.post(url, content=insert, headers=headers).status_code == 204
    assert httpx.get(url, params={"query": f"ASK {{ {triple} }}"}, headers=ask).json()["boolean"] is True
    assert httpx.post(url, content=f"DROP GRAPH <{graph}>", headers=headers).status_code == 204
    assert httpx.get(url, params={"query": f"ASK {{ {triple} }}"}, headers=ask).json()["boolean"] is False
