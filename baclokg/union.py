"""The default graph of an Oxigraph dataset: the union of its named graphs, partly kept by reference.

The default graph is the union (a set) of the named graphs. Copying a large file's triples into it
doubles the load, so the largest file of triples is kept only in its own graph and *referenced*: every
query then reads the default graph as Oxigraph's default graph together with that graph. Oxigraph
merges several default graphs as a bag, so the triples of the referenced graph are first removed from
the copied default graph (:meth:`UnionStore.reference`); the two are then disjoint, and their bag is
the set.

:class:`UnionStore` is the rdflib store over such a dataset: its default graph answers reads, counts and
queries with the referenced graphs included. An update copies them in first
(:meth:`UnionStore.materialise`), so it reads and keeps the same default graph as before.

>>> store = UnionStore(store=ox.Store())
>>> big, small = ox.NamedNode("http://e/big"), ox.NamedNode("http://e/small")
>>> a, b = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b")
>>> store._inner.extend([ox.Quad(a, b, a, big), ox.Quad(a, b, b, big), ox.Quad(a, b, b, small)])
>>> store._inner.extend([ox.Quad(a, b, b)])  # the small graph's triple, copied into the default graph
>>> store.reference(big)
>>> store.default_size(), len(store._inner)  # (a b a) and (a b b) once; three quads in named graphs
(2, 3)
>>> store.materialise()
>>> store.referenced, store.default_size()
((), 2)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result
from rdflib.term import Identifier, Node, URIRef, Variable

from .terms import to_oxigraph, to_rdflib

__all__ = ["GraphName", "UnionStore", "default_graphs"]

#: a graph as pyoxigraph names it in a query's dataset
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def default_graphs(referenced: Sequence[ox.NamedNode]) -> list[GraphName] | None:
    """The graphs a query's default graph is made of (None: Oxigraph's default graph alone).

    >>> default_graphs(())
    >>> default_graphs((ox.NamedNode("http://e/g"),))
    [<DefaultGraph>, <NamedNode value=http://e/g>]
    """
    if not referenced:
        return None
    return [ox.DefaultGraph(), *referenced]


class UnionStore(OxigraphStore):
    """oxrdflib's store, with a default graph that includes the :attr:`referenced` named graphs."""

    def __init__(self, *, store: ox.Store | None = None) -> None:
        super().__init__(store=store)
        #: named graphs whose triples belong to the default graph without being copied into it
        self.referenced: tuple[ox.NamedNode, ...] = ()

    def reference(self, graph: ox.NamedNode) -> None:
        """Count ``graph`` into the default graph without copying it: its triples leave the copy first."""
        self._inner.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o . GRAPH {graph} {{ ?s ?p ?o }} }}")
        self.referenced = (*self.referenced, graph)

    def materialise(self) -> None:
        """Copy the referenced graphs' triples into the default graph; none is referenced afterwards."""
        for graph in self.referenced:
            self._inner.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        self.referenced = ()

    def default_size(self) -> int:
        """The number of triples in the default graph, counted inside Oxigraph (a set: no DISTINCT)."""
        solutions = self._inner.query(_COUNT, default_graph=default_graphs(self.referenced))
        assert isinstance(solutions, ox.QuerySolutions)
        count = next(iter(solutions))["n"]
        assert isinstance(count, ox.Literal)
        return int(count.value)

    def _is_default(self, context: Graph | Node | str | None) -> bool:
        identifier = context.identifier if isinstance(context, Graph) else context
        return bool(self.referenced) and identifier == DATASET_DEFAULT_GRAPH_ID

    def triples(self, triple_pattern: Any, context: Graph | None = None) -> Iterator[Any]:
        found = super().triples(triple_pattern, context)
        if not self._is_default(context):
            return found
        parts = [found] + [
            super(UnionStore, self).triples(triple_pattern, Graph(store=self, identifier=URIRef(g.value)))
            for g in self.referenced
        ]
        return ((triple, iter((context,))) for part in parts for triple, _ in part)

    def __len__(self, context: Graph | None = None) -> int:
        if not self._is_default(context):
            return super().__len__(context)
        return self.default_size()

    def query(
        self,
        query: Any,
        initNs: Mapping[str, Any],  # noqa: N803
        initBindings: Mapping[str, Identifier],  # noqa: N803
        queryGraph: str,  # noqa: N803
        **kwargs: object,
    ) -> Result:
        if not self._is_default(queryGraph) or kwargs or not isinstance(query, str):
            return super().query(query, initNs, initBindings, queryGraph, **kwargs)
        found = self._inner.query(
            query,
            default_graph=default_graphs(self.referenced),
            prefixes=dict(self._namespace_for_prefix, **initNs),
            substitutions={ox.Variable(str(k)): to_oxigraph(v) for k, v in initBindings.items()},
        )
        return _result(found)


def _result(found: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Result:
    """An rdflib result holding what Oxigraph answered."""
    if isinstance(found, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(found)
    elif isinstance(found, ox.QuerySolutions):
        result = Result("SELECT")
        names = [Variable(v.value) for v in found.variables]
        result.vars = names
        result.bindings = [
            {name: _identifier(term) for name, term in zip(names, solution, strict=True) if term is not None}
            for solution in found
        ]
    else:
        result = Result("CONSTRUCT")
        result.graph = Graph()
        result.graph += ((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in found)
    return result


def _identifier(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Identifier:
    node = to_rdflib(term)
    assert isinstance(node, Identifier)
    return node
