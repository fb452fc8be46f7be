"""BacloKG's named queries and typed API against a remote SPARQL 1.1 store that holds the pushed graphs.

Remote queries name their dataset explicitly (``default-graph-uri`` set to the union graph that
``push`` writes, ``named-graph-uri`` to the BacloKG graphs), so a store's own system graphs never leak
into the answers. Parameters are bound as
a VALUES block of RDF terms written by rdflib (never by pasting user text into the query).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from urllib.error import HTTPError, URLError

from rdflib import Dataset
from rdflib.query import Result
from rdflib.term import Node

from .errors import BacloKGError, QueryError, RemoteError
from .kg import KnowledgeGraph
from .prefixes import PREFIXES
from .queries import bind_values
from .store import UNION_GRAPH, bundled_graphs

__all__ = ["RemoteKnowledgeGraph", "connect", "sparql_client"]

_PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())


def sparql_client(
    endpoint: str, user: str | None = None, password: str | None = None, *, digest: bool = False
) -> Any:
    """A SPARQLWrapper client for ``endpoint``, with basic or digest authentication when given."""
    from SPARQLWrapper import BASIC, DIGEST, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setTimeout(300)
    if user is not None:
        client.setHTTPAuth(DIGEST if digest else BASIC)
        client.setCredentials(user, password or "")
    return client


class RemoteKnowledgeGraph(KnowledgeGraph):
    """The KnowledgeGraph API over a remote store: ``query``, ``rows``, ``sparql``, ``drug`` ..."""

    def __init__(
        self, endpoint: str, *, user: str | None = None, password: str | None = None, digest: bool = False
    ) -> None:
        super().__init__(Dataset(), engine="oxigraph")
        self.endpoint = endpoint
        self._client_args = (endpoint, user, password)
        self._digest = digest
        self._graphs = [g.iri for g in bundled_graphs()]

    @property
    def graph(self) -> Dataset:
        raise BacloKGError("a remote knowledge graph has no local rdflib graph; query it with sparql()")

    def __len__(self) -> int:
        rows = self.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        first: Any = next(iter(rows))
        return int(first[0])

    def sparql(self, text: str, bindings: Mapping[str, Node] | None = None) -> Result:
        """Run a query on the remote store over the union of BacloKG's graphs."""
        from SPARQLWrapper import JSON, POST, URLENCODED

        client = sparql_client(*self._client_args, digest=self._digest)
        # comment lines go: SPARQLWrapper guesses the query form from the first keyword-like word it sees
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        query = body if "PREFIX" in body.upper() else _PROLOGUE + body
        client.setQuery(bind_values(query, bindings or {}))
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setReturnFormat(JSON)
        client.addDefaultGraph(UNION_GRAPH)  # a set: stores merge several default graphs as a bag
        for iri in self._graphs:
            client.addNamedGraph(iri)
        try:
            response = client.query()
            data = response.response.read()
        except HTTPError as error:
            body = error.read().decode("utf-8", "replace").strip()[:500]
            if error.code == 400:
                raise QueryError(f"{self.endpoint} refused the query: {body}") from None
            raise RemoteError(f"{self.endpoint} answered {error.code} {error.reason}: {body}") from None
        except (URLError, OSError) as error:
            raise RemoteError(f"{self.endpoint} is unreachable: {getattr(error, 'reason', error)}") from None
        except Exception as error:  # SPARQLWrapper's own errors (malformed query, unauthorised, ...)
            detail = " ".join(str(error).split())
            raise RemoteError(f"{self.endpoint}: {detail[:300]}") from None
        try:
            return Result.parse(io.BytesIO(data), format="json")
        except Exception:
            raise RemoteError(f"{self.endpoint} did not answer with SPARQL JSON results") from None


def connect(
    endpoint: str, *, user: str | None = None, password: str | None = None, digest: bool = False
) -> RemoteKnowledgeGraph:
    """The typed BacloKG API over a SPARQL endpoint that holds the pushed graphs."""
    return RemoteKnowledgeGraph(endpoint, user=user, password=password, digest=digest)
