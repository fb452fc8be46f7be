"""JSON-LD that reads as JSON: no key of the export, a resource page or a CONSTRUCT answer holds ':'
(outside ``@context``), the context's naming rule holds (negative cases included), it agrees with the
W3C Web Annotation context wherever they share a term, and the documents read back as the same RDF in
pyld, rdflib, pyoxigraph and jsonld.js. (tests/test_export.py reads the whole export with pyld and
rdflib; tests/test_canonical.py checks that ontology/baclokg.context.jsonld is what `baclokg fmt` writes.)
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from baclokg.errors import DataError
from baclokg.export import graph_bytes
from baclokg.formats import by_name
from baclokg.jsonld_context import Definition, annotation_terms, build_context, context, term_index
from baclokg.prefixes import PREFIXES, expand
from baclokg.results import serialize_graph
from baclokg.store import bundled_graphs, parse_file
from baclokg.terms import plain, to_rdflib

from .conftest import Server

JS = Path(__file__).parent / "js"
CONSTRUCT = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
CONSTRUCT { ?claim ?p ?o } WHERE { ?claim rdf:subject <http://purl.obolibrary.org/obo/CHEBI_2972> ; ?p ?o }"""


def colon_keys(node: object, path: str = "$") -> list[str]:
    """The path of every key that holds ':' (a CURIE or an IRI), leaving out what ``@context`` holds."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                continue
            if ":" in key:
                found.append(f"{path}.{key}")
            found += colon_keys(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += colon_keys(item, f"{path}[{i}]")
    return found


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"@graph": [{"@id": "bkge:baclofen", "label": "baclofen"}]}, []),
        ({"@context": {"rdfs:label": {"@id": "rdfs:label"}}, "@graph": []}, []),
        ({"@graph": [{"@id": "bkge:baclofen", "rdfs:label": "baclofen"}]}, ["$.@graph[0].rdfs:label"]),
        (
            {"@graph": [{"@id": "bkgg:x", "@graph": [{"rdf:subject": "CHEBI:2972"}]}]},
            ["$.@graph[0].@graph[0].rdf:subject"],
        ),
        (
            {"http://www.w3.org/2000/01/rdf-schema#label": "x"},
            ["$.http://www.w3.org/2000/01/rdf-schema#label"],
        ),
        ({"label": {"@value": "x", "oa:exact": "y"}}, ["$.label.oa:exact"]),
    ],
)
def test_the_key_walker_finds_prefixed_keys(document: object, expected: list[str]) -> None:
    assert colon_keys(document) == expected


# -- the naming rule and the coercions -----------------------------------------------------------

RDFS, DCT, SCHEMA, OA, BKG = (PREFIXES[p] for p in ("rdfs", "dcterms", "schema", "oa", "bkg"))
XSD, RDF, OWL = (PREFIXES[p] for p in ("xsd", "rdf", "owl"))
DOC, OTHER = URIRef("http://e/doc"), URIRef("http://e/other")


def _t(p: str, o: object) -> tuple[URIRef, URIRef, object]:
    return DOC, URIRef(p), o


@pytest.mark.parametrize(
    ("triples", "expected"),
    [
        ([_t(RDFS + "label", Literal("x"))], {"label": "rdfs:label"}),
        ([_t(RDF + "type", URIRef(BKG + "Drug"))], {"Drug": "bkg:Drug"}),
        (  # two IRIs, one local name: both prefixed
            [_t(DCT + "title", Literal("x")), _t(SCHEMA + "title", Literal("x"))],
            {"dcterms_title": "dcterms:title", "schema_title": "schema:title"},
        ),
        # Web Annotation's "creator" takes IRIs, its "start" is a nonNegativeInteger: other meanings
        ([_t(DCT + "creator", Literal("FDA"))], {"dcterms_creator": "dcterms:creator"}),
        (
            [_t(OA + "start", Literal("1", datatype=URIRef(XSD + "integer")))],
            {"oa_start": {"@id": "oa:start", "@type": "xsd:integer"}},
        ),
        # the same meaning as Web Annotation's: the short name stays
        ([_t(OA + "exact", Literal("x"))], {"exact": "oa:exact"}),
        (
            [_t(OA + "start", Literal("1", datatype=URIRef(XSD + "nonNegativeInteger")))],
            {"start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"}},
        ),
        ([_t(BKG + "schema", Literal("x"))], {"bkg_schema": "bkg:schema"}),  # a prefix's name
        ([_t(BKG + "type", Literal("x"))], {"bkg_type": "bkg:type"}),  # Web Annotation's alias of @type
        # coercions: IRIs, one datatype, mixed values, language strings
        ([_t(BKG + "risk", OTHER)], {"risk": {"@id": "bkg:risk", "@type": "@id"}}),
        (
            [_t(BKG + "dose", Literal("1.5", datatype=URIRef(XSD + "decimal")))],
            {"dose": {"@id": "bkg:dose", "@type": "xsd:decimal"}},
        ),
        (
            [_t(BKG + "dose", Literal("1.5", datatype=URIRef(XSD + "decimal"))), _t(BKG + "dose", OTHER)],
            {"dose": "bkg:dose"},
        ),
        ([_t(BKG + "note", Literal("x")), _t(BKG + "note", Literal("y", lang="en"))], {"note": "bkg:note"}),
        (
            [_t(BKG + "n", Literal("1", datatype=URIRef(XSD + "integer"))), _t(BKG + "n", Literal("x"))],
            {"n": "bkg:n"},
        ),
        # declared in an ontology, unused: coerced after its kind and range
        (
            [(URIRef(BKG + "risk"), URIRef(RDF + "type"), URIRef(OWL + "ObjectProperty"))],
            {"risk": {"@id": "bkg:risk", "@type": "@id"}, "ObjectProperty": "owl:ObjectProperty"},
        ),
        (
            [
                (URIRef(BKG + "days"), URIRef(RDF + "type"), URIRef(OWL + "DatatypeProperty")),
                (URIRef(BKG + "days"), URIRef(RDFS + "range"), URIRef(XSD + "integer")),
            ],
            {
                "days": {"@id": "bkg:days", "@type": "xsd:integer"},
                "DatatypeProperty": "owl:DatatypeProperty",
                "range": {"@id": "rdfs:range", "@type": "@id"},
            },
        ),
    ],
)
def test_term_names_and_coercions(
    triples: list[tuple[object, object, object]], expected: dict[str, object]
) -> None:
    built = build_context(triples)["@context"]  # type: ignore[arg-type]
    assert {name: built[name] for name in built if name not in PREFIXES} == expected


@pytest.mark.parametrize(
    ("triples", "message"),
    [
        # a shared local name and no prefix to tell the IRIs apart
        (
            [_t(RDFS + "label", Literal("x")), _t("http://e/vocab/label", Literal("x"))],
            "no prefix for <http://e/vocab/label>",
        ),
        # the prefixed name is some other IRI's name
        (
            [
                _t(DCT + "title", Literal("x")),
                _t(SCHEMA + "title", Literal("x")),
                _t(BKG + "dcterms_title", Literal("x")),
            ],
            "'dcterms_title'",
        ),
    ],
)
def test_names_that_cannot_be_given_are_refused(
    triples: list[tuple[object, object, object]], message: str
) -> None:
    with pytest.raises(DataError, match=r"baclokg\.context\.jsonld") as error:
        build_context(triples)  # type: ignore[arg-type]
    assert message in str(error.value)


def test_no_term_gives_a_web_annotation_name_another_meaning() -> None:
    anno = annotation_terms()
    shared = {name: term for name, term in context()["@context"].items() if name in anno}
    assert {"label", "exact", "prefix", "suffix", "start", "end", "Annotation", "TextQuoteSelector"} <= set(
        shared
    )
    for name, entry in shared.items():
        if name in PREFIXES:  # the same namespace under the same name (oa, dcterms, rdfs, schema ...)
            assert anno[name] == Definition(PREFIXES[name]), name
            continue
        given = entry if isinstance(entry, dict) else {"@id": entry}
        coercion = given.get("@type")
        ours = Definition(
            expand(str(given["@id"])),
            None
            if coercion is None
            else str(coercion)
            if str(coercion).startswith("@")
            else expand(str(coercion)),
        )
        assert ours == anno[name], name


def test_both_contexts_together_read_a_node_alike() -> None:
    """pyld reads a node the same whichever of BacloKG's and Web Annotation's contexts comes last."""
    anno = {
        name: {
            "@id": term.iri,
            **({"@type": term.type} if term.type else {}),
            **({"@container": term.container} if term.container else {}),
        }
        for name, term in annotation_terms().items()
        if name not in ("id", "type")  # keyword aliases: they name no property
    }
    node = {
        "@id": "bkga:quote",
        "@type": "TextQuoteSelector",
        "exact": "Drowsiness",
        "start": "10",
        "label": "quote",
        "hasSource": "bkgsrc:monograph",
    }
    ours = context()["@context"]
    readings = [
        jsonld.expand({"@context": [first, last], **node}) for first, last in ((anno, ours), (ours, anno))
    ]
    assert readings[0] == readings[1]
    assert readings[0][0]["http://www.w3.org/ns/oa#start"] == [
        {"@type": "http://www.w3.org/2001/XMLSchema#nonNegativeInteger", "@value": "10"}
    ]


# -- the export, a page, a CONSTRUCT answer ------------------------------------------------------


@cache
def _export() -> bytes:
    return graph_bytes("jsonld")


def _source() -> dict[str, Graph]:
    graphs = {}
    for named in bundled_graphs():
        graph = Graph()
        for q in parse_file(named.path, named.iri):
            graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), plain(to_rdflib(q.object))))  # type: ignore[arg-type]
        graphs[named.iri] = graph
    return graphs


def test_the_export_has_no_prefixed_key_and_pyoxigraph_reads_it_back() -> None:
    document = json.loads(_export())
    assert colon_keys(document) == []
    assert document["@context"] == context()["@context"]
    read = set(ox.parse(_export(), format=ox.RdfFormat.JSON_LD))
    source = {q for named in bundled_graphs() for q in parse_file(named.path, named.iri)}
    # the graphs hold no blank node, so the same quads is the same (isomorphic) dataset
    assert not any(isinstance(t, ox.BlankNode) for q in source for t in (q.subject, q.object))
    assert read == source


def _readings(document: bytes) -> dict[str, Graph]:
    """The graph a JSON-LD document holds, as pyld, rdflib and pyoxigraph read it (nothing fetched)."""
    by_pyld = jsonld.to_rdf(json.loads(document), {"format": "application/n-quads"})
    by_rdflib = Dataset().parse(data=document, format="json-ld")
    by_pyoxigraph = ox.serialize(ox.parse(document, format=ox.RdfFormat.JSON_LD), format=ox.RdfFormat.N_QUADS)
    return {
        "pyld": Graph().parse(data=by_pyld, format="nt"),
        "rdflib": Graph().parse(data=by_rdflib.serialize(format="nquads"), format="nt"),
        "pyoxigraph": Graph().parse(data=by_pyoxigraph, format="nt"),
    }


def _check(document: bytes, expected: Graph, used: set[str]) -> None:
    parsed = json.loads(document)
    assert colon_keys(parsed) == []
    full = context()["@context"]
    assert {k: v for k, v in parsed["@context"].items() if k in PREFIXES} == {k: full[k] for k in PREFIXES}
    assert all(parsed["@context"][name] == full[name] for name in parsed["@context"])
    assert used <= set(parsed["@context"])
    for reader, graph in _readings(document).items():
        assert isomorphic(graph, expected), reader


def test_a_resource_page_in_jsonld(server: Server) -> None:
    url = server.url + "/entity/baclotop"
    page = httpx.get(url, params={"format": "jsonld"}, timeout=30)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("application/ld+json")
    expected = Graph().parse(data=httpx.get(url, params={"format": "ntriples"}, timeout=30).text, format="nt")
    _check(page.content, expected, {"label", "RO_0002248"})


def test_a_construct_answer_in_jsonld(server: Server) -> None:
    answer = httpx.get(
        server.url + "/sparql",
        params={"query": CONSTRUCT},
        headers={"Accept": "application/ld+json"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/ld+json")
    nt = httpx.get(
        server.url + "/sparql",
        params={"query": CONSTRUCT},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    expected = Graph().parse(data=nt.text, format="nt")
    assert len(expected) > 50
    _check(answer.content, expected, {"subject", "predicate", "object", "wasDerivedFrom"})
    if not (JS / "node_modules").is_dir():
        pytest.fail("the JavaScript tools are not installed: run `make test` (npm ci --prefix tests/js)")
    by_jsonld_js = subprocess.run(
        ["node", str(JS / "jsonld-to-nquads.mjs")],
        input=answer.content,
        capture_output=True,
        timeout=120,
        check=True,
    ).stdout
    assert isomorphic(Graph().parse(data=by_jsonld_js, format="nt"), expected)


def test_a_graph_written_by_the_rdflib_path_has_no_prefixed_key() -> None:
    """What the rdflib engine's CONSTRUCT answers, the named-graph pages and the descriptions go through."""
    graph = _source()["https://w3id.org/baclokg/graph/annotations"]
    document = serialize_graph(graph, by_name("jsonld"))
    assert colon_keys(json.loads(document)) == []
    assert serialize_graph(graph, by_name("jsonld")) == document
    for reader, parsed in _readings(document).items():
        assert isomorphic(parsed, graph), reader


def test_every_term_of_the_index_is_in_the_context() -> None:
    names = {name for name, _ in term_index().values()}
    assert names == set(context()["@context"]) - set(PREFIXES)
    assert not [name for name in names if ":" in name]


def test_a_construct_answer_json_ld_cannot_hold_is_refused(server: Server) -> None:
    query = "CONSTRUCT { << ?s ?p ?o >> <http://e/noted> true } WHERE { ?s ?p ?o } LIMIT 1"
    answer = httpx.get(
        server.url + "/sparql", params={"query": query}, headers={"Accept": "application/ld+json"}, timeout=30
    )
    assert answer.status_code == 400, answer.text
    assert "JSON-LD cannot hold RDF-star triples" in answer.text
    turtle = httpx.get(
        server.url + "/sparql", params={"query": query}, headers={"Accept": "text/turtle"}, timeout=30
    )
    assert turtle.status_code == 200, turtle.text
