"""Inside a worker process: check, evaluate and serialise one request into an HTTP-ready answer."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore

from .errors import BacloKGError, NotFoundError, ParameterError, QueryError
from .formats import Format
from .kg import load
from .negotiate import choose
from .results import serialize_graph
from .safety import RefusedQueryError, could_reach_outside, inspect
from .terms import text
from .workers import Answer, WorkerSpec

__all__ = ["Evaluator", "error_answer"]


class _TooLargeError(Exception):
    pass


class _CappedWriter:
    """A byte sink that stops the serialiser once the result passes the size limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLargeError
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

    def __init__(self, spec: WorkerSpec) -> None:
        import rdflib.plugins.sparql as rdflib_sparql

        # defence in depth: rdflib's engine must never fetch a graph named in FROM (checked before, too)
        rdflib_sparql.SPARQL_LOAD_GRAPHS = False
        self.spec = spec
        self.kg = load(spec.extra, engine=spec.engine)  # type: ignore[arg-type]
        self.graphs = frozenset(str(g) for g in self.kg.named_graphs())
        store = self.kg.graph.store
        self.store: ox.Store | None = store._inner if isinstance(store, OxigraphStore) else None
        for update in spec.updates:
            self.apply_update(update)

    def apply_update(self, update: str) -> None:
        """Apply an already checked SPARQL update to this worker's graph."""
        self.kg.update(update)

    def run(self, request: dict[str, Any]) -> Answer:
        try:
            if request["op"] == "query":
                return self._query(request)
            if request["op"] == "named":
                return self._named(request)
            if request["op"] == "comedications":
                return self._comedications(request)
            if request["op"] == "update":
                self.apply_update(request["update"])
                return Answer(204, "text/plain", b"")
            return error_answer(400, f"unknown operation {request['op']!r}")
        except (RefusedQueryError, QueryError, ParameterError) as error:
            return error_answer(400, str(error))
        except NotFoundError as error:
            return error_answer(404, str(error))
        except _TooLargeError:
            return error_answer(
                413, f"the result is larger than the limit of {self.spec.max_result_bytes} bytes"
            )
        except BacloKGError as error:
            return error_answer(400, str(error))
        except MemoryError:
            limit = self.spec.max_memory
            within = f" within the limit of {limit // 2**20} MiB" if limit else ""
            return error_answer(503, f"the query needed more memory than it may use{within} and was stopped")
        except Exception as error:  # a fault of the service: reported without a stack trace
            return error_answer(500, f"internal error while evaluating the query ({type(error).__name__})")

    def _query(self, request: dict[str, Any]) -> Answer:
        query: str = request["query"]
        default = list(request.get("default_graphs") or ())
        named = list(request.get("named_graphs") or ())
        for iri in (*default, *named):
            if iri not in self.graphs:
                raise RefusedQueryError(f"graph <{iri}> is not in this dataset")
        if self.store is None or could_reach_outside(query):
            plan = inspect(query, self.graphs)  # parsed: SERVICE, FROM and FROM NAMED are decided here
            kind = plan.kind
        else:
            kind = None  # no such keyword can be in the query: Oxigraph parses it, the result tells its form
        if self.store is not None:
            return self._oxigraph(query, default, named, request.get("accept"), kind, request.get("base"))
        fmt = choose(request.get("accept"), plan.kind)  # type: ignore[arg-type]
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
    ) -> Answer:
        assert self.store is not None
        options: dict[str, Any] = {"base_iri": base} if base else {}
        if default or named:  # the protocol's dataset replaces the query's own FROM clauses
            options["default_graph"] = [ox.NamedNode(iri) for iri in default]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named]
        if kind is not None and choose(accept, kind) is None:  # type: ignore[arg-type]
            return _not_acceptable(kind)
        try:
            result = self.store.query(query, **options)
        except SyntaxError as error:
            raise QueryError(f"invalid SPARQL: {error}") from None
        kind = "rdf" if isinstance(result, ox.QueryTriples) else "results"
        fmt = choose(accept, kind)  # type: ignore[arg-type]
        if fmt is None:
            return _not_acceptable(kind)
        writer = _CappedWriter(self.spec.max_result_bytes)
        result.serialize(writer, format=fmt.oxigraph)  # type: ignore[arg-type]
        return Answer(200, _content_type(fmt), writer.value())

    def _rdflib(self, query: str, default: list[str], named: list[str], fmt: Format) -> Answer:
        if default or named:
            raise RefusedQueryError("default-graph-uri and named-graph-uri need the oxigraph engine")
        result = self.kg.sparql(query)
        if result.type in ("SELECT", "ASK"):
            from .results import serialize_result

            body = serialize_result(result, fmt).encode()
        else:
            assert result.graph is not None
            body = serialize_graph(result.graph, fmt)
        if len(body) > self.spec.max_result_bytes:
            raise _TooLargeError
        return Answer(200, _content_type(fmt), body)

    def _named(self, request: dict[str, Any]) -> Answer:
        rows = self.kg.rows(request["name"], **request.get("params", {}))
        data = [{key: text(value) for key, value in row.items() if value is not None} for row in rows]
        body = json.dumps({"query": request["name"], "rows": data}, ensure_ascii=False).encode()
        if len(body) > self.spec.max_result_bytes:
            raise _TooLargeError
        return Answer(200, "application/json", body)

    def _comedications(self, request: dict[str, Any]) -> Answer:
        from .card import to_data

        checker = self.kg.comedication_checker(request.get("drug") or "CHEBI:2972")
        checks = checker.check_all(request["names"])
        drug = checker.drug_term
        data = {
            "drug": {"iri": drug.iri, "curie": drug.curie, "label": drug.label},
            "resolved": all(check.resolved for check in checks),
            "comedications": to_data(checks),
        }
        body = json.dumps(data, ensure_ascii=False).encode()
        if len(body) > self.spec.max_result_bytes:
            raise _TooLargeError
        return Answer(200, "application/json", body)


def _not_acceptable(kind: str) -> Answer:
    what = "SPARQL results (SELECT, ASK)" if kind == "results" else "RDF (CONSTRUCT, DESCRIBE)"
    return error_answer(406, f"none of the accepted media types can carry this query's answer: {what}")


def _content_type(fmt: Format) -> str:
    textual = fmt.media_type.startswith("text/") or fmt.name in (
        "json",
        "xml",
        "jsonld",
        "rdfxml",
        "trig",
        "nquads",
        "ntriples",
    )
    return f"{fmt.media_type}; charset=utf-8" if textual else fmt.media_type
