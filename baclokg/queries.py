"""The one loader of named queries: ``queries/*.rq`` with a machine-readable header.

A query file starts with ``#+`` lines that hold YAML (the convention of grlc decorators)::

    #+ id: cq-05-adverse-effects
    #+ title: Adverse effects
    #+ question: What are its common adverse effects, with frequency where known?
    #+ params:
    #+   drug: {type: iri, default: "CHEBI:2972", description: the drug or product}
    #+ expected:
    #+   - {effect: "HP:0002315", effectLabel: headache, ...}

``id`` equals the file name; ``kind`` is derived from it (``cq-`` competency question,
``qc-`` quality check that must return no rows, ``api-`` a query the Python API is built on).
Parameters are bound as RDF terms, never pasted into the query as text: a leading VALUES block of
terms written by rdflib on the Oxigraph engine and remote stores (:func:`bind_values`), terms put into
the parsed query's triple patterns on the rdflib engine (:func:`bind_algebra`).

>>> q = get("cq-01-ingredient-and-brands")
>>> q.kind, sorted(q.params)
('competency', ['drug'])
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from types import MethodType
from typing import Any, Literal, Protocol

import pyoxigraph as ox
import yaml
from rdflib import Literal as RdfLiteral
from rdflib import URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import reorderTriples, translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node, Variable

from .errors import DataError, NotFoundError, ParameterError
from .paths import queries_dir
from .prefixes import expand, is_curie

__all__ = [
    "NamedQuery",
    "Parameter",
    "Row",
    "RowSource",
    "all_queries",
    "bind_algebra",
    "bind_values",
    "from_file",
    "get",
    "parse_iri",
]

#: one row of a named query's answer: variable name to term (None where the variable is unbound)
Row = dict[str, Node | None]


class RowSource(Protocol):
    """Anything that answers named queries by name: a loaded knowledge graph, a remote store."""

    def rows(self, name: str, **params: object) -> list[Row]:
        """The rows of the named query ``name`` with its parameters bound."""
        ...


Kind = Literal["competency", "check", "api"]
_KINDS: dict[str, Kind] = {"cq": "competency", "qc": "check", "api": "api"}
ParamType = Literal["iri", "string", "integer", "decimal", "boolean"]
_DATATYPES = {"integer": XSD.integer, "decimal": XSD.decimal, "boolean": XSD.boolean}
# Characters that may not appear in an IRI reference (RFC 3987 / SPARQL IRIREF).
_BAD_IRI = re.compile(r'[\x00-\x20\x7f\s<>"{}|^`\\]')
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def bind_values(query: str, bindings: Mapping[str, Node]) -> str:
    """The query with its parameters bound by a VALUES block of RDF terms at the start of its WHERE group.

    The terms are validated RDF terms written by rdflib (IRIs were checked by :func:`parse_iri`, literals
    are escaped), never user text. Leading the group, the block lets the engine join on the parameters
    first: Oxigraph plans a substituted variable as unbound and scans, so a query that takes 1.6 ms with
    VALUES takes 36 ms with substitution on 100 thousand triples.

    >>> bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": URIRef("http://example.org/a")})
    'SELECT ?s WHERE { VALUES (?o) { (<http://example.org/a>) } ?s ?p ?o }'
    """
    if not bindings:
        return query
    for name, term in bindings.items():
        if not _VARIABLE.match(name):
            raise ParameterError(f"not a variable name: {name!r}")
        if isinstance(term, URIRef):
            parse_iri(str(term))  # an rdflib URIRef may hold any text
        elif not isinstance(term, RdfLiteral):
            raise ParameterError(f"parameter {name!r} must be an IRI or a literal, got {term!r}")
    block = " VALUES ({}) {{ ({}) }} ".format(
        " ".join(f"?{name}" for name in bindings), " ".join(term.n3() for term in bindings.values())
    )
    match = _WHERE.search(query)
    if match is None:
        return query + block
    return query[: match.end()] + block.rstrip() + " " + query[match.end() :].lstrip()


def bind_algebra(
    query: str, bindings: Mapping[str, Node], namespaces: Mapping[str, str] | None = None
) -> Query:
    """The query parsed for rdflib, its parameters' terms put into its triple patterns.

    rdflib orders the patterns of a group once, when it parses the query, by how many of their terms are
    unknown; a parameter passed as ``initBindings`` counts as unknown there, so a query about one drug
    started from every statement of the graph. With the terms in place, the patterns about the drug come
    first. The variables stay bound (pass the same bindings as ``initBindings``) for the projection and
    for expressions.

    >>> q = bind_algebra("SELECT ?s WHERE { ?s ?p ?o . ?o a ?t }", {"o": URIRef("http://example.org/a")})
    >>> [t[2] for t in q.algebra.p.p.triples]
    [rdflib.term.Variable('t'), rdflib.term.URIRef('http://example.org/a')]

    Parsing takes most of a named query's time on rdflib, so a text is parsed once (the last
    ``PARSED_QUERIES`` texts are kept) and each call gets its own copy of the algebra: the terms go into
    the copy, and rdflib's expressions, which hold their context while they are evaluated, are never
    shared between two evaluations.

    >>> text = "SELECT ?s WHERE { ?s ?p ?o }"
    >>> bind_algebra(text, {}).algebra is bind_algebra(text, {}).algebra
    False
    """
    parsed = _translated(query, tuple(sorted((namespaces or {}).items())))
    terms = {Variable(name): term for name, term in bindings.items()}
    return Query(parsed.prologue, _copy(parsed.algebra, terms))


#: how many query texts keep their parsed form for :func:`bind_algebra` (the named queries' forms take
#: 7 MB together, 0.19 MB on average)
PARSED_QUERIES = 128


@lru_cache(maxsize=PARSED_QUERIES)
def _translated(query: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return translateQuery(parseQuery(query), initNs=dict(namespaces))


def _copy(node: Any, terms: Mapping[Variable, Node]) -> Any:
    """A copy of an algebra tree (its nodes and lists; terms are shared) with ``terms`` in its patterns."""
    if isinstance(node, CompValue):
        copied = type(node).__new__(type(node))
        OrderedDict.__init__(copied)
        copied.__dict__.update(node.__dict__)
        evaluate = node.__dict__.get("_evalfn")
        if evaluate is not None:  # an expression's evaluator is bound to the node it belongs to
            copied.__dict__["_evalfn"] = MethodType(evaluate.__func__, copied)
        for key, value in OrderedDict.items(node):
            OrderedDict.__setitem__(copied, key, _copy(value, terms))
        if node.name == "BGP" and terms:
            triples = [tuple(terms.get(term, term) for term in triple) for triple in node["triples"]]
            OrderedDict.__setitem__(copied, "triples", reorderTriples(triples))
        return copied
    if isinstance(node, list):
        return [_copy(item, terms) for item in node]
    return node


def parse_iri(value: str) -> URIRef:
    """An IRI from ``<iri>``, an absolute IRI or a known CURIE; ``ParameterError`` otherwise.

    >>> parse_iri("HP:0002315")
    rdflib.term.URIRef('http://purl.obolibrary.org/obo/HP_0002315')
    >>> parse_iri("<http://example.org/a b>")
    Traceback (most recent call last):
    ...
    baclokg.errors.ParameterError: not a valid IRI: '<http://example.org/a b>'
    """
    raw = value.strip()
    inner = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
    if is_curie(inner):
        inner = expand(inner)
    if not _ABSOLUTE.match(inner) or _BAD_IRI.search(inner):
        raise ParameterError(f"not a valid IRI: {value!r}")
    try:  # the store's own reading of RFC 3987 (control and private-use characters, bad escapes, ...)
        ox.NamedNode(inner)
    except ValueError:
        raise ParameterError(f"not a valid IRI: {value!r}") from None
    return URIRef(inner)


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter of a named query: a variable bound before evaluation."""

    name: str
    type: ParamType
    default: str | None
    description: str

    def term(self, value: object) -> Node:
        """The RDF term for a value given in Python or as text on the command line."""
        if isinstance(value, URIRef):
            return parse_iri(str(value))  # an rdflib URIRef may hold any text: check it like a string
        if isinstance(value, RdfLiteral):
            return value
        if self.type == "iri":
            return parse_iri(str(value))
        if self.type == "string":
            return RdfLiteral(str(value))
        literal = RdfLiteral(
            str(value).lower() if self.type == "boolean" else str(value), datatype=_DATATYPES[self.type]
        )
        if literal.value is None or (self.type == "integer" and isinstance(literal.value, bool)):
            raise ParameterError(f"parameter {self.name!r} needs a {self.type}, got {value!r}")
        return literal


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A named query: its SPARQL text and header."""

    id: str
    title: str
    question: str
    sparql: str
    path: Path
    params: Mapping[str, Parameter] = field(default_factory=dict)
    #: the expected rows for the default parameters (values as CURIEs or lexical forms), if given
    expected: tuple[Mapping[str, str | None], ...] | None = None

    @property
    def kind(self) -> Kind:
        """``competency``, ``check`` or ``api``, from the file name."""
        return _KINDS[self.id.split("-", 1)[0]]

    def bindings(self, values: Mapping[str, object] | None = None) -> dict[str, Node]:
        """The initial bindings for the given values, defaults filling the rest."""
        values = dict(values or {})
        unknown = sorted(set(values) - set(self.params))
        if unknown:
            known = ", ".join(sorted(self.params)) or "none"
            raise ParameterError(
                f"query {self.id} has no parameter {', '.join(unknown)} (parameters: {known})"
            )
        bound: dict[str, Node] = {}
        for name, param in self.params.items():
            value = values.get(name, param.default)
            if value is None:
                raise ParameterError(f"query {self.id} needs a value for parameter {name!r}")
            bound[name] = param.term(value)
        return bound


#: libyaml's safe loader where PyYAML was built with it (13x faster on the query headers), else PyYAML's
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def from_file(path: Path) -> NamedQuery:
    """A query from any ``.rq`` file (its header is optional, its id defaults to the file name)."""
    return _parse(path, strict=False)


def _parse(path: Path, *, strict: bool = True) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line[3:] for line in text.splitlines() if line.startswith("#+ ") or line == "#+")
    try:
        meta: dict[str, Any] = yaml.load(header, Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as error:
        raise DataError(str(path), f"header is not valid YAML: {error}") from None
    if strict and meta.get("id") != path.stem:
        raise DataError(str(path), f"header id {meta.get('id')!r} differs from the file name")
    if strict and path.stem.split("-", 1)[0] not in _KINDS:
        raise DataError(str(path), "name must start with cq-, qc- or api-")
    params = {
        name: Parameter(name, spec.get("type", "iri"), spec.get("default"), spec.get("description", ""))
        for name, spec in (meta.get("params") or {}).items()
    }
    expected = meta.get("expected")
    if expected is None and path.stem.startswith("qc-"):
        expected = []
    rows = None
    if expected is not None:
        rows = tuple({k: (None if v is None else str(v)) for k, v in row.items()} for row in expected)
    return NamedQuery(
        id=str(meta.get("id", path.stem)),
        title=str(meta.get("title", "")),
        question=str(meta.get("question", "")),
        sparql=text,
        path=path,
        params=params,
        expected=rows,
    )


@cache
def _parsed(folder: Path, name: str) -> NamedQuery:
    return _parse(folder / f"{name}.rq")


@cache
def _ids(folder: Path) -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in folder.glob("*.rq")))


def _load(folder: Path) -> dict[str, NamedQuery]:
    return {name: _parsed(folder, name) for name in _ids(folder)}


def all_queries(folder: Path | None = None) -> list[NamedQuery]:
    """Every named query, in file-name order."""
    return list(_load(folder or queries_dir()).values())


def get(name: str, folder: Path | None = None) -> NamedQuery:
    """A named query by id or unique id prefix; ``NotFoundError`` suggests the closest ids.

    Only the query asked for is read (the command line's cold start reads one file, not all of them).
    """
    folder = folder or queries_dir()
    ids = _ids(folder)
    matches = [name] if name in ids else [q for q in ids if q.startswith(name + "-")]
    if len(matches) == 1:
        return _parsed(folder, matches[0])
    import difflib

    raise NotFoundError(
        "named query", name, matches or difflib.get_close_matches(name, list(ids), n=3, cutoff=0.4)
    )
