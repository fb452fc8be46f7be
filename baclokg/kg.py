"""The knowledge graph object: the bundled named graphs, queries over their union, typed answers."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from . import queries as named_queries
from .disk_store import DiskStore, open_built, open_store
from .drug import build_drug, statement_words
from .errors import NotFoundError, ParameterError, QueryError
from .models import Comedication, Drug, Words
from .prefixes import PREFIXES
from .queries import Row
from .safety import check_complexity, inspect_update
from .store import Engine, apply_update, bundled_graphs, load_files, new_dataset
from .terms import to_rdflib
from .union import GraphName, UnionStore, default_graphs

if TYPE_CHECKING:
    from .comedication import ComedicationChecker

__all__ = ["KnowledgeGraph", "load"]


class KnowledgeGraph:
    """BacloKG's knowledge, read-only: ask it with named queries, SPARQL, or typed objects.

    >>> kg = load()
    >>> kg.drug("Baclotop").label
    'Baclotop'
    >>> [r["ingredientLabel"].value for r in kg.rows("cq-01-ingredient-and-brands")][:1]
    ['baclofen']
    """

    def __init__(
        self, dataset: Dataset, *, engine: Engine, extra: Sequence[Path] = (), disk: DiskStore | None = None
    ) -> None:
        #: the read-only on-disk store behind the dataset, if it was opened from one (``store_cache``)
        self.disk = disk
        self.engine: Engine = engine
        #: the user's files loaded beside the bundled graphs
        self.extra: tuple[Path, ...] = tuple(extra)
        self._names: dict[str, list[URIRef]] | None = None
        self._checkers: dict[str, ComedicationChecker] = {}
        self._words: dict[str, tuple[Words, ...]] | None = None
        self._use(dataset)

    def _use(self, dataset: Dataset) -> None:
        """Answer from ``dataset`` from now on."""
        self._dataset = dataset
        store = dataset.store
        self._union = store if isinstance(store, UnionStore) else None
        #: the pyoxigraph store behind the Oxigraph engine, queried directly on the hot path
        self._ox: ox.Store | None = self._union._inner if self._union is not None else None

    @property
    def oxigraph_store(self) -> ox.Store | None:
        """The pyoxigraph store behind the Oxigraph engine (None on the rdflib engine).

        Read it each time: the first update of a graph opened from an on-disk store moves it to memory.
        Its own default graph may hold only part of the union: query it with
        ``default_graph=kg.default_graphs`` (see :mod:`baclokg.union`).
        """
        return self._ox

    @property
    def default_graphs(self) -> list[GraphName] | None:
        """The graphs that make up the union on :attr:`oxigraph_store`, to pass to its ``query`` as
        ``default_graph`` (None when its own default graph holds the whole union).

        >>> load().default_graphs is None
        True
        """
        return default_graphs(self._union.referenced) if self._union is not None else None

    @property
    def graph(self) -> Dataset:
        """The rdflib dataset itself (default graph: the union of the named graphs)."""
        return self._dataset

    def named_graphs(self) -> list[URIRef]:
        """The IRIs of the named graphs, bundled and extra, in name order."""
        return sorted(
            URIRef(str(g.identifier))
            for g in self._dataset.graphs()
            if isinstance(g.identifier, URIRef) and str(g.identifier) != "urn:x-rdflib:default"
        )

    def named_graph(self, iri: str) -> Graph:
        """One named graph, to read (it never creates the graph, so it works on a read-only store too)."""
        return Graph(store=self._dataset.store, identifier=URIRef(iri))

    def update(self, text: str, base: str | None = None) -> None:
        """Apply a SPARQL update to the named graphs, and forget what was read from the graph before it.

        Relative IRIs resolve against ``base``; afterwards the default graph is again the union of the
        named graphs. A malformed update raises :class:`~baclokg.errors.QueryError` and changes nothing.
        """
        inspect_update(text)  # LOAD, SERVICE and writes into the default graph are refused
        if self.disk is not None and self._ox is not None:
            self._overlay(self._ox)
        apply_update(self._dataset, text, base)
        self._names, self._words = None, None
        self._checkers.clear()

    def _overlay(self, shared: ox.Store) -> None:
        """Copy the read-only on-disk store into memory, where updates go (it is never written)."""
        memory = ox.Store()
        memory.bulk_extend(shared.quads_for_pattern(None, None, None, None))
        self._use(new_dataset("oxigraph", memory))
        self.disk = None

    def statement_words(self) -> dict[str, tuple[Words, ...]]:
        """Every statement's words (quotes first, then paraphrases), read once."""
        if self._words is None:
            self._words = statement_words(self)
        return self._words

    def __len__(self) -> int:
        """The number of triples in the default graph (the union of the named graphs)."""
        if self._union is not None:  # counted inside Oxigraph: six times quicker than through rdflib
            return self._union.default_size()
        return len(self._dataset.default_graph)

    # -- queries ----------------------------------------------------------------------

    def sparql(self, text: str, bindings: Mapping[str, Node] | None = None) -> Result:
        """Run any SPARQL query over the union of the named graphs; ``bindings`` are substituted."""
        check_complexity(text)
        try:
            query: str | Query = text
            if self.engine == "rdflib":  # parsed once per text; the bindings go into a copy
                query = named_queries.bind_algebra(text, bindings or {}, PREFIXES)
            return self._dataset.query(query, initNs=PREFIXES, initBindings=dict(bindings or {}))  # type: ignore[arg-type]
        except SyntaxError as error:
            raise QueryError(f"invalid SPARQL: {error}") from None
        except Exception as error:
            if type(error).__name__ in ("ParseException", "ParseSyntaxException"):
                raise QueryError(f"invalid SPARQL: {error}") from None
            raise

    def _bind(
        self, name: str, params: Mapping[str, object]
    ) -> tuple[named_queries.NamedQuery, dict[str, Node]]:
        query = named_queries.get(name)
        values = {key: self._resolve_param(query, key, value) for key, value in params.items()}
        return query, query.bindings(values)

    def query(self, name: str, **params: object) -> Result:
        """Run a named query; parameters are bound as RDF terms, names of drugs are resolved to IRIs."""
        query, bindings = self._bind(name, params)
        return self.sparql(query.sparql, bindings)

    def rows(self, name: str, **params: object) -> list[Row]:
        """The rows of a named query as dictionaries of variable name to term (or None)."""
        query, bindings = self._bind(name, params)
        if self._ox is not None:
            return self._ox_rows(query.sparql, bindings)
        result = self.sparql(query.sparql, bindings)
        return [{str(var): row[i] for i, var in enumerate(result.vars or [])} for row in result]  # type: ignore[index]

    def _ox_rows(self, text: str, bindings: Mapping[str, Node]) -> list[Row]:
        """SELECT rows straight from pyoxigraph: no rdflib result wrapping on the hot path."""
        assert self._ox is not None
        try:
            solutions = self._ox.query(
                named_queries.bind_values(text, bindings), default_graph=self.default_graphs
            )
        except SyntaxError as error:
            raise QueryError(f"invalid SPARQL: {error}") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("rows() needs a SELECT query")
        names = [v.value for v in solutions.variables]
        convert = _cached_to_rdflib
        return [
            {
                name: None if term is None else convert(term)
                for name, term in zip(names, solution, strict=True)
            }
            for solution in solutions
        ]

    def _resolve_param(self, query: named_queries.NamedQuery, key: str, value: object) -> object:
        param = query.params.get(key)
        if param is None or param.type != "iri" or isinstance(value, URIRef):
            return value
        if not isinstance(value, str) or isinstance(value, Literal):
            raise ParameterError(f"parameter {key!r} of {query.id} needs an IRI, got {value!r}")
        if value.strip().startswith("<") or "://" in value:
            return named_queries.parse_iri(value)  # meant as an IRI: a bad one is an error, not a name
        try:
            return named_queries.parse_iri(value)
        except ParameterError:
            return self.resolve(value)

    # -- names ------------------------------------------------------------------------

    def _name_index(self) -> dict[str, list[URIRef]]:
        if self._names is None:
            index: dict[str, list[URIRef]] = {}
            for row in self.rows("api-names"):
                entity = row["entity"]
                if isinstance(entity, URIRef) and row["name"] is not None:
                    index.setdefault(str(row["name"]).casefold(), []).append(entity)
            self._names = index
        return self._names

    def resolve(self, name: str) -> URIRef:
        """The IRI of an entity given its name, a CURIE or an IRI; ``NotFoundError`` with suggestions."""
        try:
            iri = named_queries.parse_iri(name)
        except ValueError:
            iri = None
        if iri is not None and self.sparql("ASK { ?s ?p ?o }", {"s": iri}).askAnswer:
            return iri
        matches = self._name_index().get(name.strip().casefold(), [])
        if matches:
            return sorted(matches)[0]
        names = sorted(self._name_index())
        raise NotFoundError(
            "entity", name, difflib.get_close_matches(name.casefold(), names, n=3, cutoff=0.5)
        )

    # -- typed answers -----------------------------------------------------------------

    def drug(self, name: str) -> Drug:
        """Everything the graph says about a drug or product, each item with its sources."""
        return build_drug(self, self.resolve(name), name, self.statement_words())

    def interactions_with(self, names: Iterable[str], drug: str = "CHEBI:2972") -> list[Comedication]:
        """One verdict per name of a medication list, checked against ``drug`` (baclofen by default).

        Never raises for a name it cannot resolve: that name's verdict is ``not-known`` (with
        suggestions) or ``ambiguous`` (with the candidates). See :mod:`baclokg.comedication`.
        """
        return self.comedication_checker(drug).check_all(names)

    def comedication_checker(self, drug: str = "CHEBI:2972") -> ComedicationChecker:
        """The co-medication checker of ``drug``, built once (names, cited steps, the drug's claims)."""
        from .comedication import ComedicationChecker

        iri = self.resolve(drug)
        checker = self._checkers.get(str(iri))
        if checker is None:
            checker = self._checkers[str(iri)] = ComedicationChecker(self, iri, self.statement_words())
        return checker


@lru_cache(maxsize=1 << 16)
def _cached_to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """Term conversion, memoised: the same few thousand terms come back in every answer."""
    return to_rdflib(term)


def load(
    extra: Sequence[str | Path] = (),
    *,
    engine: Engine = "oxigraph",
    store_cache: str | Path | None = None,
    store_path: str | Path | None = None,
) -> KnowledgeGraph:
    """Load the bundled knowledge graph, plus the user's own RDF files, into a new store.

    Extra files keep their triples in a named graph named after the file's ``file:`` IRI.
    A file that cannot be parsed raises :class:`~baclokg.errors.DataError` and nothing is loaded.

    With ``store_cache`` (Oxigraph engine), the graph is an on-disk store in that folder, built by the
    first process that asks for these files and opened read-only by every later one (see
    :mod:`baclokg.disk_store`); updates then go to an in-memory copy. ``store_path`` opens such a store
    that is known to be built (the service's workers do), without reading the files again.
    """
    bundled = bundled_graphs()
    files: list[tuple[Path, str]] = [(g.path, g.iri) for g in bundled]
    files += [(Path(p), Path(p).resolve().as_uri()) for p in extra]
    reserved = {g.iri for g in bundled}
    resolved = [Path(p).resolve() for p in extra]
    if (store_cache is not None or store_path is not None) and engine == "oxigraph":
        if store_path is not None:
            disk = open_built(Path(store_path))
        else:
            disk = open_store(files, reserved, Path(store_cache))  # type: ignore[arg-type]
        return KnowledgeGraph(new_dataset(engine, disk.store), engine=engine, extra=resolved, disk=disk)
    dataset = new_dataset(engine)
    load_files(dataset, files, reserved=reserved)
    return KnowledgeGraph(dataset, engine=engine, extra=resolved)
