"""Writing answers in the formats of the format table: SELECT and ASK results in the SPARQL 1.1 result
formats, graphs (CONSTRUCT, DESCRIBE, pages, descriptions) in any RDF format."""

from __future__ import annotations

from typing import Any

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result

from .formats import Format
from .jsonld import document_bytes, graph_document
from .terms import plain

__all__ = ["serialize_graph", "serialize_result"]


def serialize_graph(graph: Graph, fmt: Format, **options: Any) -> bytes:
    """A graph in an RDF format; N-Quads and TriG, made for datasets, carry it as the default graph;
    JSON-LD is written with BacloKG's context (:mod:`baclokg.jsonld`), ``options`` are for rdflib's writers.

    >>> from rdflib import URIRef
    >>> from baclokg.formats import by_name
    >>> g = Graph()
    >>> g.add((URIRef("http://e/a"), URIRef("http://e/b"), URIRef("http://e/c")))  # doctest: +ELLIPSIS
    <Graph ...>
    >>> serialize_graph(g, by_name("nquads")).split()
    [b'<http://e/a>', b'<http://e/b>', b'<http://e/c>', b'.']
    """
    if fmt.kind != "rdf":
        raise ValueError(f"{fmt.name} is not an RDF format")
    if fmt.name == "jsonld":
        return document_bytes(graph_document(graph))
    if fmt.name == "nquads":  # N-Triples lines are N-Quads lines in the default graph
        data = graph.serialize(format="nt", encoding="utf-8")
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    if fmt.name == "trig":
        dataset = Dataset()
        default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
        default.addN((s, p, o, default) for s, p, o in graph)
        for prefix, namespace in graph.namespaces():
            dataset.bind(prefix, namespace, override=True, replace=True)
        graph = dataset
    data = graph.serialize(format=fmt.rdflib, encoding="utf-8", **options)
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def _tsv(result: Result) -> str:
    if result.type == "ASK":
        return "?_askResult\n" + ("true" if result.askAnswer else "false") + "\n"
    variables = list(result.vars or [])
    lines = ["\t".join("?" + str(v) for v in variables)]
    for row in result:
        lines.append("\t".join("" if value is None else value.n3() for value in row))  # type: ignore[union-attr]
    return "\n".join(lines) + "\n"


def _plain_result(result: Result) -> Result:
    """A copy of a SELECT result with xsd:string literals written as simple literals."""
    copy = Result("SELECT")
    copy.vars = result.vars
    copy.bindings = [{var: plain(value) for var, value in row.items()} for row in result.bindings]
    return copy


def serialize_result(result: Result, fmt: Format) -> str:
    """The text of a SELECT or ASK result in a results format (json, xml, csv, tsv)."""
    if fmt.kind != "results":
        raise ValueError(f"{fmt.name} is not a format for SELECT or ASK results")
    if result.type == "SELECT":
        result = _plain_result(result)
    if fmt.name == "tsv":
        return _tsv(result)
    data = result.serialize(format=fmt.rdflib)
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)
