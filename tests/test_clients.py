"""Real clients of the field against the running service: rdflib's SPARQLStore and Comunica (also
federating BacloKG with a file of Wikidata-shaped triples served on loopback), and jsonld.js on the
JSON-LD export. The JavaScript tools come from tests/js's lock file (`make test` installs them)."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from baclokg.export import export_bytes
from baclokg.kg import KnowledgeGraph

from .conftest import FIXTURES, Server

JS = Path(__file__).parent / "js"
BACLOFEN = URIRef("http://purl.obolibrary.org/obo/CHEBI_2972")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX biolink: <https://w3id.org/biolink/vocab/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
"""
SIDE_EFFECT_LABELS = f"{{ <{BACLOFEN}> biolink:has_side_effect ?e . ?e rdfs:label ?l }}"


def _node(script: str, *args: str, stdin: bytes | None = None) -> bytes:
    if not (JS / "node_modules").is_dir():
        pytest.fail("the JavaScript tools are not installed: run `make test` (npm ci --prefix tests/js)")
    result = subprocess.run(
        ["node", str(JS / script), *args], input=stdin, capture_output=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-3000:]
    return result.stdout


# -- rdflib's SPARQLStore -----------------------------------------------------


@pytest.fixture(scope="module")
def remote(server: Server) -> Graph:
    # SPARQLStore's default (XML results) also asks for RDF/XML on CONSTRUCT; with returnFormat="json" it
    # asks for SPARQL JSON results only, which no CONSTRUCT can meet, and the service answers 406
    return Graph(store=SPARQLStore(query_endpoint=server.url + "/sparql"))


def test_sparqlstore_select_ask_construct(remote: Graph) -> None:
    rows = list(remote.query(f"{PREFIXES}SELECT ?label WHERE {{ <{BACLOFEN}> rdfs:label ?label }}"))
    assert [str(r[0]) for r in rows] == ["baclofen"]  # type: ignore[index]
    assert remote.query(f"ASK {{ <{BACLOFEN}> ?p ?o }}").askAnswer is True
    built = remote.query(f"{PREFIXES}CONSTRUCT {{ ?e rdfs:label ?l }} WHERE {SIDE_EFFECT_LABELS}").graph
    assert built is not None
    assert Literal("Drowsiness") in set(built.objects(None, LABEL))


def test_sparqlstore_len_and_triples(remote: Graph, server: Server) -> None:
    answer = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    count = next(iter(answer))[0]  # type: ignore[index]
    assert len(remote) == int(count) > 2000
    labels = list(remote.triples((BACLOFEN, LABEL, None)))
    assert [str(o) for _, _, o in labels] == ["baclofen"]


# -- Comunica -----------------------------------------------------------------


def _comunica(query: str, *sources: str) -> object:
    return json.loads(_node("comunica.mjs", query, *sources))


def test_comunica_select_and_construct(server: Server) -> None:
    endpoint = "sparql@" + server.url + "/sparql"
    rows = _comunica(f"{PREFIXES}SELECT ?label WHERE {{ <{BACLOFEN}> rdfs:label ?label }}", endpoint)
    assert rows == [{"label": "baclofen"}]
    triples = _comunica(
        f"{PREFIXES}CONSTRUCT {{ ?e rdfs:label ?l }} WHERE {SIDE_EFFECT_LABELS}",
        endpoint,
    )
    drowsiness = ["http://purl.obolibrary.org/obo/HP_0002329", str(LABEL), "Drowsiness"]
    assert drowsiness in triples  # type: ignore[operator]


@pytest.fixture
def wikidata_file() -> Iterator[str]:
    """The Wikidata-shaped file, served over HTTP on a loopback port."""
    handler = functools.partial(_QuietHandler, directory=str(FIXTURES))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/wikidata-baclofen.ttl"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path: str | object) -> str:
        return "text/turtle" if str(path).endswith(".ttl") else super().guess_type(path)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        return


def test_comunica_joins_baclokg_with_wikidata_shaped_data(server: Server, wikidata_file: str) -> None:
    query = f"""{PREFIXES}SELECT DISTINCT ?item ?effectLabel WHERE {{
      ?item wdt:P683 ?chebi .
      BIND(IRI(CONCAT("http://purl.obolibrary.org/obo/CHEBI_", ?chebi)) AS ?drug)
      ?drug biolink:has_side_effect ?effect . ?effect rdfs:label ?effectLabel .
    }}"""
    rows = _comunica(query, "sparql@" + server.url + "/sparql", wikidata_file)
    items = {r["item"] for r in rows}  # type: ignore[union-attr,index]
    assert items == {"http://www.wikidata.org/entity/Q413717"}
    assert "Drowsiness" in {r["effectLabel"] for r in rows}  # type: ignore[union-attr,index]


# -- jsonld.js -----------------------------------------------------------------


def _quads(data: bytes, fmt: ox.RdfFormat) -> set[str]:
    return {str(q) for q in ox.parse(data, format=fmt)}


def test_jsonld_js_reads_the_export_as_pyld_rdflib_and_pyoxigraph_do(kgs: dict[str, KnowledgeGraph]) -> None:
    document = export_bytes(kgs["oxigraph"], "jsonld")
    by_jsonld_js = _quads(_node("jsonld-to-nquads.mjs", stdin=document), ox.RdfFormat.N_QUADS)
    by_pyoxigraph = _quads(document, ox.RdfFormat.JSON_LD)
    by_pyld = _quads(
        jsonld.to_rdf(json.loads(document), {"format": "application/n-quads"}).encode("utf-8"),
        ox.RdfFormat.N_QUADS,
    )
    parsed = Dataset()
    parsed.parse(data=document, format="json-ld")
    by_rdflib = _quads(parsed.serialize(format="nquads").encode("utf-8"), ox.RdfFormat.N_QUADS)
    assert len(by_jsonld_js) > 2000
    assert by_jsonld_js == by_pyoxigraph == by_pyld == by_rdflib
