"""The query tests of the W3C SPARQL 1.1 Protocol test suite (w3c/rdf-tests, sparql/sparql11/protocol,
manifest.ttl), sent as raw HTTP without an Accept header, against a real server process."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx
import pytest

from .conftest import Server

D = "http://kasei.us/2009/09/sparql/data/"
BOOLEAN = ("application/sparql-results+xml", "application/sparql-results+json")
TABULAR = (*BOOLEAN, "text/tab-separated-values", "text/csv")
RDF = ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    params: list[tuple[str, str]]
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    types: tuple[str, ...] = ()
    boolean: bool | None = None
    fails: bool = False


ASK_2 = f"ASK {{ <{D}data1.rdf> a ?type . <{D}data2.rdf> a ?type . }}"
ASK_NAMED = f"ASK {{ GRAPH ?g1 {{ <{D}data1.rdf> a ?type }} GRAPH ?g2 {{ <{D}data2.rdf> a ?type }} }}"
ASK_FULL = (
    f"ASK {{ <{D}data3.rdf> a ?type GRAPH ?g1 {{ <{D}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{D}data2.rdf> a ?type }} }}"
)
ASK_MULTI = f"ASK FROM <{D}data3.rdf> " + ASK_NAMED.removeprefix("ASK ")
DG0 = ("default-graph-uri", D + "data0.rdf")
NG12 = [("named-graph-uri", D + "data1.rdf"), ("named-graph-uri", D + "data2.rdf")]

CASES = [
    Case("query_post_form", "POST", [DG0], FORM, b"query=ASK%20%7B%7D", BOOLEAN, True),
    Case(
        "query_dataset_default_graphs_get",
        "GET",
        [("query", ASK_2), ("default-graph-uri", D + "data1.rdf"), ("default-graph-uri", D + "data2.rdf")],
        types=BOOLEAN,
        boolean=True,
    ),
    Case(
        "query_dataset_default_graphs_post",
        "POST",
        [("default-graph-uri", D + "data1.rdf"), ("default-graph-uri", D + "data2.rdf")],
        DIRECT,
        ASK_2.encode(),
        BOOLEAN,
        True,
    ),
    Case("query_dataset_named_graphs_post", "POST", NG12, DIRECT, ASK_NAMED.encode(), BOOLEAN, True),
    Case("query_dataset_named_graphs_get", "GET", [("query", ASK_NAMED), *NG12], types=BOOLEAN, boolean=True),
    Case(
        "query_dataset_full",
        "POST",
        [("default-graph-uri", D + "data3.rdf"), *NG12],
        DIRECT,
        ASK_FULL.encode(),
        BOOLEAN,
        True,
    ),
    Case("query_multiple_dataset", "POST", NG12, DIRECT, ASK_MULTI.encode(), BOOLEAN, True),
    Case("query_get", "GET", [("query", "ASK {}"), DG0], types=BOOLEAN, boolean=True),
    Case("query_content_type_select", "POST", [DG0], DIRECT, b"SELECT (1 AS ?value) {}", TABULAR),
    Case("query_content_type_ask", "POST", [DG0], DIRECT, b"ASK {}", BOOLEAN),
    Case("query_content_type_describe", "POST", [DG0], DIRECT, b"DESCRIBE <http://example.org/>", RDF),
    Case("query_content_type_construct", "POST", [DG0], DIRECT, b"CONSTRUCT { <s> <p> 1 } WHERE {}", RDF),
    Case("query_post_direct", "POST", [], DIRECT, b"ASK {}", BOOLEAN, True),
    Case("bad_query_method", "PUT", [("query", "ASK {}"), DG0], FORM, b"", fails=True),
    Case("bad_multiple_queries", "GET", [("query", "ASK {}"), ("query", "SELECT * {}")], fails=True),
    Case("bad_query_wrong_media_type", "POST", [], {"Content-Type": "text/plain"}, b"ASK {}", fails=True),
    Case("bad_query_missing_form_type", "POST", [], {}, b"query=ASK%20%7B%7D", fails=True),
    Case("bad_query_missing_direct_type", "POST", [], {}, b"ASK {}", fails=True),
    Case(
        "bad_query_non_utf8",
        "POST",
        [],
        {"Content-Type": "application/sparql-query; charset=UTF-16"},
        "ASK {}".encode("utf-16"),
        fails=True,
    ),
    Case("bad_query_syntax", "GET", [("query", "ASK {")], fails=True),
]


def _boolean(response: httpx.Response) -> bool:
    if "json" in response.headers["content-type"]:
        return bool(json.loads(response.text)["boolean"])
    return "<boolean>true</boolean>" in response.text


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_w3c_protocol_query_case(server: Server, case: Case) -> None:
    url = server.url + "/sparql"
    if case.params:
        url += "?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in case.params)
    response = httpx.request(case.method, url, content=case.body, headers=case.headers, timeout=30)
    if case.fails:
        assert 400 <= response.status_code < 500, response.text
        assert "Traceback" not in response.text
        return
    assert 200 <= response.status_code < 400, response.text
    media = response.headers["content-type"].split(";")[0]
    assert media in case.types
    if case.boolean is not None:
        assert _boolean(response) is case.boolean
