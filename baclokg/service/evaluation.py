"""The handler of the query workers: check, evaluate and serialise one request into an HTTP-ready answer.

Each worker process builds one :class:`Evaluator` (the pool calls ``Evaluator(spec)``), which loads its
own copy of the knowledge graph and then answers the messages of :mod:`baclokg.service.messages`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..errors import BacloKGError, QueryError, RefusedQueryError, ResultTooLargeError
from ..formats import Format
from ..jsonld import document_bytes, graph_document
from ..kg import load
from ..results import serialize_graph, serialize_result
from ..safety import could_reach_outside, inspect
from ..terms import text, to_rdflib
from ..union import GraphName
from .messages import Answer, ComedicationRequest, NamedQueryRequest, QueryRequest, Request, UpdateRequest
from .negotiation import choose

__all__ = ["Evaluator", "EvaluatorSpec", "error_answer"]


@dataclass(frozen=True, slots=True)
class EvaluatorSpec:
    """What a worker needs to build its own copy of the knowledge graph, and its limits."""

    extra: tuple[str, ...] = ()
    engine: str = "oxigraph"
    max_result_bytes: int = 64 * 1024 * 1024
    #: the address-space limit of the worker process, in bytes (None: no limit); named in messages
    max_memory: int | None = None
    #: the service's on-disk store, opened read-only (None: the worker loads the files into memory)
    store_path: str | None = None


class _CappedWriter:
    """A byte sink that stops the serialiser once the result passes the size limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLargeError(self.limit)
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def value(self) -> bytes:
        return b"".join(self.parts)


def error_answer(status: int, message: str) -> Answer:
    """A plain-text error answer (never a stack trace)."""
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


class Evaluator:
    """Holds a worker's own knowledge graph and answers requests against it."""

    def __init__(self, spec: EvaluatorSpec) -> None:
        self.spec = spec
        self.kg = load(spec.extra, engine=spec.engine, store_path=spec.store_path)  # type: ignore[arg-type]

    def __call__(self, request: Request) -> Answer:
        """The answer to one request; every error becomes an answer with its status (never raised)."""
        try:
            if isinstance(request, QueryRequest):
                return self._query(request)
            if isinstance(request, NamedQueryRequest):
                return self._named(request)
            if isinstance(request, ComedicationRequest):
                return self._comedications(request)
            if isinstance(request, UpdateRequest):
                self.kg.update(request.update, request.base)
                return Answer(204, "text/plain", b"")
            return error_answer(400, f"unknown request {type(request).__name__}")
        except BacloKGError as error:
            return error_answer(error.status, str(error))
        except MemoryError:
            limit = self.spec.max_memory
            within = f" within the limit of {limit // 2**20} MiB" if limit else ""
            return error_answer(503, f"the query needed more memory than it may use{within} and was stopped")
        except Exception as error:  # a fault of the service: reported without a stack trace
            return error_answer(500, f"internal error while evaluating the query ({type(error).__name__})")

    def _query(self, request: QueryRequest) -> Answer:
        query = request.query
        default = list(request.default_graphs)
        named = list(request.named_graphs)
        own_dataset = False  # whether the query names its own graphs (FROM, FROM NAMED)
        if self.kg.oxigraph_store is None or could_reach_outside(query):
            plan = inspect(query)  # parsed: SERVICE is refused here; other graphs are empty graphs
            kind = plan.kind
            own_dataset = bool(plan.default_graphs or plan.named_graphs)
        else:
            kind = None  # no such keyword can be in the query: Oxigraph parses it, the result tells its form
        if self.kg.oxigraph_store is not None:
            union = None if own_dataset else self.kg.default_graphs
            return self._oxigraph(query, default, named, request.accept, kind, request.base, union)
        fmt = choose(request.accept, plan.kind)  # type: ignore[arg-type]
        if fmt is None:
            return _not_acceptable(plan.kind)
        return self._rdflib(query, default, named, fmt)

    def _oxigraph(
        self,
        query: str,
        default: list[str],
        named: list[str],
        accept: str | None,
        kind: str | None,
        base: str | None,
        union: list[GraphName] | None,
    ) -> Answer:
        assert self.kg.oxigraph_store is not None
        options: dict[str, Any] = {"base_iri": base} if base else {}
        if default or named:  # the protocol's dataset replaces the query's own FROM clauses
            options["default_graph"] = [ox.NamedNode(iri) for iri in default]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named]
        elif union is not None:  # the union is the store's default graph and a referenced graph
            options["default_graph"] = union
        if kind is not None and choose(accept, kind) is None:  # type: ignore[arg-type]
            return _not_acceptable(kind)
        try:
            result = self.kg.oxigraph_store.query(query, **options)
        except SyntaxError as error:
            raise QueryError(f"invalid SPARQL: {error}") from None
        kind = "rdf" if isinstance(result, ox.QueryTriples) else "results"
        fmt = choose(accept, kind)  # type: ignore[arg-type]
        if fmt is None:
            return _not_acceptable(kind)
        if fmt.name == "jsonld" and isinstance(result, ox.QueryTriples):  # written with BacloKG's context
            body = document_bytes(graph_document(_rdflib_triples(result, self.spec.max_result_bytes)))
            self._check_size(body)
            return Answer(200, fmt.content_type, body)
        writer = _CappedWriter(self.spec.max_result_bytes)
        result.serialize(writer, format=fmt.oxigraph)  # type: ignore[arg-type]
        return Answer(200, fmt.content_type, writer.value())

    def _rdflib(self, query: str, default: list[str], named: list[str], fmt: Format) -> Answer:
        if default or named:
            raise RefusedQueryError("default-graph-uri and named-graph-uri need the oxigraph engine")
        result = self.kg.sparql(query)
        if result.type in ("SELECT", "ASK"):
            body = serialize_result(result, fmt).encode()
        else:
            assert result.graph is not None
            body = serialize_graph(result.graph, fmt)
        self._check_size(body)
        return Answer(200, fmt.content_type, body)

    def _check_size(self, body: bytes) -> None:
        if len(body) > self.spec.max_result_bytes:
            raise ResultTooLargeError(self.spec.max_result_bytes)

    def _named(self, request: NamedQueryRequest) -> Answer:
        rows = self.kg.rows(request.name, **request.params)
        data = [{key: text(value) for key, value in row.items() if value is not None} for row in rows]
        body = json.dumps({"query": request.name, "rows": data}, ensure_ascii=False).encode()
        self._check_size(body)
        return Answer(200, "application/json", body)

    def _comedications(self, request: ComedicationRequest) -> Answer:
        from ..card import to_data

        checker = self.kg.comedication_checker(request.drug)
        checks = checker.check_all(request.names)
        drug = checker.drug_term
        data = {
            "drug": {"iri": drug.iri, "curie": drug.curie, "label": drug.label},
            "resolved": all(check.resolved for check in checks),
            "comedications": to_data(checks),
        }
        body = json.dumps(data, ensure_ascii=False).encode()
        self._check_size(body)
        return Answer(200, "application/json", body)


def _not_acceptable(kind: str) -> Answer:
    what = "SPARQL results (SELECT, ASK)" if kind == "results" else "RDF (CONSTRUCT, DESCRIBE)"
    return error_answer(406, f"none of the accepted media types can carry this query's answer: {what}")


def _rdflib_triples(triples: Iterable[ox.Triple], limit: int) -> Iterator[tuple[Any, Any, Any]]:
    """A CONSTRUCT answer's triples as rdflib terms, refused once their N-Triples pass ``limit`` bytes
    (a JSON-LD document groups them by subject, so they are all held before it is written)."""
    size = 0
    for triple in triples:
        size += len(str(triple)) + 3
        if size > limit:
            raise ResultTooLargeError(limit)
        if isinstance(triple.subject, ox.Triple) or isinstance(triple.object, ox.Triple):
            raise QueryError("JSON-LD cannot hold RDF-star triples; ask for Turtle or N-Triples")
        yield to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)
