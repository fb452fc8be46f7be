"""The service as SPARQLWrapper sees it: every query form x every result format x GET and POST."""

from __future__ import annotations

from xml.dom.minidom import Document

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from .conftest import Server

SELECT = "SELECT ?label WHERE { <http://purl.obolibrary.org/obo/CHEBI_2972> rdfs:label ?label }"
ASK = "ASK { <http://purl.obolibrary.org/obo/CHEBI_2972> ?p ?o }"
CONSTRUCT = (
    "CONSTRUCT { <http://purl.obolibrary.org/obo/CHEBI_2972> rdfs:label ?label } "
    "WHERE { <http://purl.obolibrary.org/obo/CHEBI_2972> rdfs:label ?label }"
)
DESCRIBE = "DESCRIBE <https://w3id.org/baclokg/entity/baclotop>"
PREFIX = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def _check_select(fmt: str, result: object) -> None:
    if fmt == JSON:
        assert isinstance(result, dict)
        assert result["results"]["bindings"][0]["label"]["value"] == "baclofen"
    elif fmt == XML:
        assert isinstance(result, Document)
        assert result.getElementsByTagName("literal")[0].firstChild.data == "baclofen"  # type: ignore[union-attr]
    else:
        assert isinstance(result, bytes)
        assert result.decode().splitlines()[1].strip() in ("baclofen", '"baclofen"')


def _check_ask(fmt: str, result: object) -> None:
    if fmt == JSON:
        assert isinstance(result, dict)
        assert result["boolean"] is True
    elif fmt == XML:
        assert isinstance(result, Document)
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]
    else:
        assert isinstance(result, bytes)
        assert b"true" in result.lower()


def _check_graph(fmt: str, result: object, expected: str) -> None:
    if isinstance(result, Graph):
        graph = result
    else:
        assert isinstance(result, bytes)
        graph = Graph().parse(data=result.decode(), format="turtle")
    assert expected in {str(o) for o in graph.objects()} | {str(s) for s in graph.subjects()}


CASES = [
    *((q, f, m) for q in ("SELECT", "ASK") for f in (JSON, XML, CSV, TSV) for m in (GET, POST)),
    *(
        (q, f, m)
        for q in ("CONSTRUCT", "DESCRIBE")
        for f in (TURTLE, N3, RDFXML, JSONLD)
        for m in (GET, POST)
    ),
]


@pytest.mark.parametrize(("form", "fmt", "method"), CASES, ids=lambda v: str(v))
def test_sparqlwrapper(server: Server, form: str, fmt: str, method: str) -> None:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(
        PREFIX + {"SELECT": SELECT, "ASK": ASK, "CONSTRUCT": CONSTRUCT, "DESCRIBE": DESCRIBE}[form]
    )
    client.setReturnFormat(fmt)
    client.setMethod(method)
    response = client.query()
    assert response.response.status == 200
    result = response.convert()
    if form == "SELECT":
        _check_select(fmt, result)
    elif form == "ASK":
        _check_ask(fmt, result)
    else:
        _check_graph(fmt, result, "baclofen" if form == "CONSTRUCT" else "Baclotop")
