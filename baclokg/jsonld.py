"""JSON-LD documents written with BacloKG's context: the export, resource pages and CONSTRUCT answers.

Each subject is one node object; a property of the context is written by its term (``label``,
``subject``), a class in ``@type`` by its term (``IndicationStatement``), IRIs as CURIEs where a prefix
matches. A property the context lacks (data loaded with ``--data``, a CONSTRUCT that makes one up)
keeps its CURIE or IRI as key. Values stay strings (lexical forms are kept, ``"10.0"`` is not ``10``);
one value is written alone, several as a sorted array, nodes in ``@id`` order, keys sorted: the same
triples give the same bytes.

>>> from rdflib import Literal, URIRef
>>> drug = URIRef("https://w3id.org/baclokg/entity/baclofen")
>>> label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
>>> document = graph_document([(drug, label, Literal("baclofen"))])
>>> document["@graph"]
[{'@id': 'bkge:baclofen', 'label': 'baclofen'}]
>>> document["@context"]["label"]
'rdfs:label'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.term import Node

from .jsonld_context import context, term_index
from .prefixes import PREFIXES, compact

__all__ = ["dataset_document", "document_bytes", "graph_document", "nodes"]

Triple = tuple[Node, Node, Node]
Value = str | dict[str, str]


def _reference(term: Node) -> str:
    if isinstance(term, BNode):
        return "_:" + str(term)
    return compact(str(term))


def _value(term: Node, coercion: str | None) -> Value:
    """One object in the form its property's coercion reads back as the same RDF term."""
    if isinstance(term, URIRef | BNode):
        return _reference(term) if coercion == "@id" else {"@id": _reference(term)}
    if not isinstance(term, Literal):
        raise TypeError(f"JSON-LD cannot hold the term {term!r}")
    if term.language:
        return {"@language": term.language, "@value": str(term)}
    datatype = None if term.datatype in (None, XSD.string) else str(term.datatype)
    if datatype == coercion:
        return str(term)
    if datatype is None:
        return {"@value": str(term)}
    return {"@type": compact(datatype), "@value": str(term)}


def _sorted(values: Iterable[object]) -> list[object]:
    unique = {json.dumps(value, sort_keys=True, ensure_ascii=False): value for value in values}
    return [unique[key] for key in sorted(unique)]


def nodes(triples: Iterable[Triple]) -> tuple[list[dict[str, object]], set[str]]:
    """The node objects of ``triples`` in ``@id`` order, and the terms of the context they use.

    >>> from rdflib import URIRef
    >>> s = URIRef("https://w3id.org/baclokg/statement/x")
    >>> rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    >>> found, used = nodes([(s, URIRef(rdf + "subject"), URIRef("http://purl.obolibrary.org/obo/CHEBI_2972")),
    ...                      (s, URIRef(rdf + "type"), URIRef(rdf + "Statement"))])
    >>> found
    [{'@id': 'bkgs:x', '@type': 'rdf:Statement', 'subject': 'CHEBI:2972'}]
    >>> sorted(used)
    ['subject']
    """
    index = term_index()
    properties: dict[Node, dict[str, list[object]]] = {}
    used: set[str] = set()
    for s, p, o in triples:
        node = properties.setdefault(s, {})
        if p == RDF.type and isinstance(o, URIRef):
            name, _ = index.get(str(o), (None, None))
            if name is not None:
                used.add(name)
            node.setdefault("@type", []).append(name or compact(str(o)))
            continue
        name, coercion = index.get(str(p), (None, None))
        if name is not None:
            used.add(name)
        node.setdefault(name or compact(str(p)), []).append(_value(o, coercion))
    found = []
    for subject, entries in properties.items():
        node_object: dict[str, object] = {"@id": _reference(subject)}
        for key, values in sorted(entries.items()):
            unique = _sorted(values)
            node_object[key] = unique[0] if len(unique) == 1 else unique
        found.append(node_object)
    return sorted(found, key=lambda n: str(n["@id"])), used


def _context_for(used: set[str]) -> dict[str, object]:
    """The context's prefixes and the terms in ``used`` (an answer need not carry all the rest)."""
    return {name: entry for name, entry in context()["@context"].items() if name in PREFIXES or name in used}


def graph_document(triples: Iterable[Triple]) -> dict[str, object]:
    """A graph as one JSON-LD document: the context's prefixes and the terms it uses, and its nodes."""
    found, used = nodes(triples)
    return {"@context": _context_for(used), "@graph": found}


def dataset_document(graphs: Sequence[tuple[str, Iterable[Triple]]]) -> dict[str, object]:
    """Named graphs as one JSON-LD document with the whole context, graphs in the order given."""
    named = [{"@id": _reference(URIRef(iri)), "@graph": nodes(triples)[0]} for iri, triples in graphs]
    return {"@context": context()["@context"], "@graph": named}


def document_bytes(document: dict[str, object]) -> bytes:
    """The UTF-8 text of a document: keys sorted, two-space indent, a final newline.

    >>> document_bytes({"@graph": [], "@context": {}})
    b'{\\n  "@context": {},\\n  "@graph": []\\n}\\n'
    """
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
