"""BacloKG's JSON-LD context: the prefixes, and a short term for every property and class of the data.

With it a JSON-LD document reads as JSON: its keys are ``label``, ``subject``, ``hasTarget``, never
``rdfs:label``. ``baclokg fmt`` writes it to ``ontology/baclokg.context.jsonld`` with
:func:`bundled_context`; everything else reads that file through :func:`context`.

The vocabulary is every predicate and every ``rdf:type`` class of the bundled graphs (the ontology
graph included), and every property and class the ontology declares. Each IRI gets one term:

- its name is the IRI's local name, the part after the last ``/`` or ``#`` (``rdfs:label`` -> ``label``,
  ``RO:0000087`` -> ``RO_0000087``), case kept;
- two IRIs with the same local name, or a local name that is a JSON-LD keyword, a prefix of the
  context, or a term of the W3C Web Annotation context with another meaning (the list is
  ``ontology/web-annotation.terms.tsv``), are named ``{prefix}_{local}`` instead, after the IRI's CURIE
  (``dcterms:creator`` -> ``dcterms_creator``, as Web Annotation's ``creator`` takes IRIs);
- a property whose values in the data are all IRIs is coerced with ``"@type": "@id"``; one whose
  values are all literals of one datatype (other than ``xsd:string``) is coerced to it; a declared
  property the data does not use takes ``@id`` if it is an ``owl:ObjectProperty``, else its
  ``rdfs:range`` if that is one XSD datatype.

>>> terms = context()["@context"]
>>> terms["label"], terms["subject"]
('rdfs:label', {'@id': 'rdf:subject', '@type': '@id'})
>>> terms["doseValue"]
{'@id': 'schema:doseValue', '@type': 'xsd:decimal'}
>>> terms["dcterms_creator"], "creator" in terms
('dcterms:creator', False)
"""

from __future__ import annotations

import csv
import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.term import Node

from .errors import DataError
from .paths import context_file, ontology_dir
from .prefixes import PREFIXES, compact, expand
from .prefixes import context as prefix_context
from .store import bundled_graphs, parse_file
from .terms import to_rdflib

__all__ = [
    "KEYWORDS",
    "Definition",
    "annotation_terms",
    "build_context",
    "bundled_context",
    "context",
    "term_index",
]

#: the keywords of JSON-LD 1.1; no term may be named after one
KEYWORDS = frozenset(
    {
        "@base",
        "@container",
        "@context",
        "@direction",
        "@graph",
        "@id",
        "@import",
        "@included",
        "@index",
        "@json",
        "@language",
        "@list",
        "@nest",
        "@none",
        "@prefix",
        "@propagate",
        "@protected",
        "@reverse",
        "@set",
        "@type",
        "@value",
        "@version",
        "@vocab",
    }
)

Triple = tuple[Node, Node, Node]

_PROPERTY_TYPES = (RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
_CLASS_TYPES = (OWL.Class, RDFS.Class)


@dataclass(frozen=True, slots=True)
class Definition:
    """What a term means: the IRI it stands for, its type coercion and container (IRIs expanded).

    >>> Definition("http://www.w3.org/2000/01/rdf-schema#label").entry()
    'rdfs:label'
    >>> Definition("http://www.w3.org/ns/oa#hasTarget", "@id").entry()
    {'@id': 'oa:hasTarget', '@type': '@id'}
    """

    iri: str
    type: str | None = None
    container: str | None = None

    def entry(self) -> str | dict[str, str]:
        """The term's entry in a context: a compact IRI, or an object when it coerces its values."""
        if self.type is None and self.container is None:
            return compact(self.iri)
        entry = {"@id": compact(self.iri)}
        if self.type is not None:
            entry["@type"] = self.type if self.type.startswith("@") else compact(self.type)
        if self.container is not None:
            entry["@container"] = self.container
        return entry


def annotation_terms(path: Path | None = None) -> dict[str, Definition]:
    """The terms of the W3C Web Annotation context (``ontology/web-annotation.terms.tsv``).

    >>> annotation_terms()["target"]
    Definition(iri='http://www.w3.org/ns/oa#hasTarget', type='@id', container=None)
    """
    path = path or ontology_dir() / "web-annotation.terms.tsv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    return {
        row["term"]: Definition(row["iri"], row["type"] or None, row["container"] or None) for row in rows
    }


def _local_name(iri: str) -> str:
    return iri[max(iri.rfind("/"), iri.rfind("#")) + 1 :]


def _prefixed_name(iri: str) -> str:
    curie = compact(iri)
    if curie == iri:
        raise DataError(str(context_file()), f"no prefix for <{iri}>, so no term can be named for it")
    prefix, _, local = curie.partition(":")
    return f"{prefix}_{local}"


def _vocabulary(triples: Iterable[Triple]) -> dict[str, Definition]:
    """Each property and class IRI of the triples, with the coercion its values allow."""
    kinds: dict[str, set[str]] = defaultdict(set)
    classes: set[str] = set()
    declared: dict[str, set[Node]] = defaultdict(set)
    ranges: dict[str, set[Node]] = defaultdict(set)
    for s, p, o in triples:
        if p == RDF.type:
            if isinstance(o, URIRef):
                classes.add(str(o))
            if isinstance(s, URIRef) and (o in _PROPERTY_TYPES or o in _CLASS_TYPES):
                declared[str(s)].add(o)
            continue
        if p == RDFS.range and isinstance(s, URIRef):
            ranges[str(s)].add(o)
        if isinstance(o, URIRef | BNode):
            kinds[str(p)].add("@id")
        elif isinstance(o, Literal):
            datatype = o.datatype if o.datatype not in (None, XSD.string) else None
            kinds[str(p)].add(str(datatype) if datatype and not o.language else "")
    vocabulary: dict[str, Definition] = {}
    for iri, types in declared.items():
        if types & set(_CLASS_TYPES):
            vocabulary[iri] = Definition(iri)
        if types & set(_PROPERTY_TYPES) and iri not in kinds:
            only = next(iter(ranges[iri])) if len(ranges[iri]) == 1 else None
            coercion = "@id" if OWL.ObjectProperty in types else None
            if coercion is None and isinstance(only, URIRef) and str(only).startswith(str(XSD)):
                coercion = str(only)
            vocabulary[iri] = Definition(iri, coercion)
    vocabulary.update((iri, Definition(iri)) for iri in classes)
    for iri, found in kinds.items():
        (single,) = found if len(found) == 1 else ("",)
        vocabulary[iri] = Definition(iri, single or None)
    return vocabulary


def build_context(
    triples: Iterable[Triple], *, avoid: Mapping[str, Definition] | None = None
) -> dict[str, dict[str, object]]:
    """The context of the prefixes and of a term for each property and class of ``triples``.

    No term takes a name that ``avoid`` (by default the Web Annotation terms) gives another meaning.

    >>> label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    >>> title = URIRef("http://purl.org/dc/terms/title")
    >>> other = URIRef("http://schema.org/title")
    >>> doc, x = URIRef("http://e/doc"), Literal("x")
    >>> terms = build_context([(doc, label, x), (doc, title, x), (doc, other, x)])["@context"]
    >>> {name: terms[name] for name in ("label", "dcterms_title", "schema_title")}
    {'label': 'rdfs:label', 'dcterms_title': 'dcterms:title', 'schema_title': 'schema:title'}
    """
    vocabulary = _vocabulary(triples)
    avoid = annotation_terms() if avoid is None else avoid

    def free(name: str, definition: Definition) -> bool:
        return (
            bool(name)
            and ":" not in name
            and not name.startswith("@")
            and name not in KEYWORDS
            and name not in PREFIXES
            and avoid.get(name, definition) == definition
        )

    by_name: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(vocabulary):
        by_name[_local_name(iri)].append(iri)
    names: dict[str, str] = {}
    for name, iris in by_name.items():
        if len(iris) == 1 and free(name, vocabulary[iris[0]]):
            names[name] = iris[0]
            continue
        for iri in iris:
            prefixed = _prefixed_name(iri)
            if prefixed in names or prefixed in by_name or not free(prefixed, vocabulary[iri]):
                raise DataError(str(context_file()), f"the term name {prefixed!r} for <{iri}> is taken")
            names[prefixed] = iri
    entries = dict(prefix_context()["@context"])
    for name in sorted(names, key=lambda n: (n.casefold(), n)):
        entries[name] = vocabulary[names[name]].entry()
    return {"@context": entries}


def _bundled_triples() -> Iterable[Triple]:
    for graph in bundled_graphs():
        for quad in parse_file(graph.path, graph.iri):
            yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)


def bundled_context() -> dict[str, dict[str, object]]:
    """The context of the bundled graphs as they are on disk (what ``baclokg fmt`` writes)."""
    return build_context(_bundled_triples())


@functools.cache
def context() -> dict[str, dict[str, object]]:
    """The committed context (``ontology/baclokg.context.jsonld``), read once; do not change it."""
    loaded: dict[str, dict[str, object]] = json.loads(context_file().read_text(encoding="utf-8"))
    return loaded


@functools.cache
def term_index() -> dict[str, tuple[str, str | None]]:
    """IRI -> (term name, expanded type coercion) for every term of :func:`context` (not the prefixes).

    >>> term_index()["http://www.w3.org/1999/02/22-rdf-syntax-ns#object"]
    ('object', '@id')
    """
    index: dict[str, tuple[str, str | None]] = {}
    for name, entry in context()["@context"].items():
        if name in PREFIXES:
            continue
        definition = entry if isinstance(entry, dict) else {"@id": entry}
        given = definition.get("@type")
        coercion = None if given is None else str(given) if str(given).startswith("@") else expand(str(given))
        index[expand(str(definition["@id"]))] = (name, coercion)
    return index
