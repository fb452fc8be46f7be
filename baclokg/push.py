"""``baclokg push``: load the bundled named graphs into any SPARQL 1.1 store, each replaced atomically.

With a Graph Store HTTP Protocol endpoint, each graph is replaced by one ``PUT`` of the whole graph
(one request the store applies as a whole). With SPARQL Update alone, it is first written beside its
target (a staging graph) in INSERT DATA batches, checked by triple count, then swapped in with one
``MOVE`` (one update request, atomic in the store). Either way the result is checked by count and
checksum. A push that fails leaves the previous graph as it was.

The Graph Store path also avoids a fault of Virtuoso 7.2 (Debian's 07.20.3229): after it is killed,
replaying its transaction log loses triples of graphs that a ``MOVE`` (or ``ADD``, or INSERT ... WHERE
from another graph) replaced, while graphs written by PUT or INSERT DATA come back whole.
"""

from __future__ import annotations

import contextlib
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.error import HTTPError, URLError

import pyoxigraph as ox

from .errors import RemoteError
from .export import graph_bytes
from .formats import by_name
from .remote import sparql_client
from .store import UNION_GRAPH, bundled_graphs

__all__ = ["PushReport", "Target", "graph_checksum", "push", "remote_graphs"]


@dataclass(frozen=True, slots=True)
class Target:
    """Where to push, and how to authenticate."""

    query: str
    update: str | None = None
    store: str | None = None
    user: str | None = None
    password: str | None = None
    digest: bool = False
    batch_size: int = 1000

    @property
    def update_endpoint(self) -> str:
        return self.update or self.query


@dataclass(frozen=True, slots=True)
class PushReport:
    """One pushed graph: its IRI, how many triples, and the checksum both sides agreed on."""

    graph: str
    triples: int
    checksum: int


def _lines(graph_name: str) -> list[str]:
    """The sorted N-Triples lines of one bundled graph (read from its file, lossless)."""
    data = graph_bytes("ntriples", graph=graph_name)
    return [line for line in data.decode("utf-8").splitlines() if line.strip()]


def _checksum(lines: Sequence[str]) -> tuple[int, int]:
    """How many distinct triples the lines hold, and the sum of the lengths of their subjects' and
    predicates' IRIs (what the store is asked for afterwards)."""
    triples = set(ox.parse("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    return len(triples), sum(len(t.subject.value) + len(t.predicate.value) for t in triples)


_CHECK = """SELECT (COUNT(*) AS ?n) (SUM(STRLEN(STR(?s)) + STRLEN(STR(?p))) AS ?sum)
WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"""


class _Store:
    def __init__(self, target: Target) -> None:
        self.target = target

    def _fail(self, endpoint: str, error: Exception) -> RemoteError:
        if isinstance(error, HTTPError):
            body = error.read().decode("utf-8", "replace").strip()[:300]
            return RemoteError(f"{endpoint} answered {error.code} {error.reason}: {body}")
        if isinstance(error, URLError | OSError):
            return RemoteError(f"{endpoint} is unreachable: {getattr(error, 'reason', error)}")
        detail = " ".join(str(error).split())
        return RemoteError(f"{endpoint}: {detail[:300]}{'...' if len(detail) > 300 else ''}")

    def update(self, text: str) -> None:
        from SPARQLWrapper import POST, POSTDIRECTLY

        endpoint = self.target.update_endpoint
        client = sparql_client(endpoint, self.target.user, self.target.password, digest=self.target.digest)
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
        client.setQuery(text)
        try:
            client.query().response.read()
        except Exception as error:
            raise self._fail(endpoint, error) from None

    def count(self, graph: str) -> tuple[int, int]:
        from SPARQLWrapper import JSON

        client = sparql_client(
            self.target.query, self.target.user, self.target.password, digest=self.target.digest
        )
        client.setQuery(_CHECK.format(graph=graph))
        client.setReturnFormat(JSON)
        try:
            result = client.query().convert()
        except Exception as error:
            raise self._fail(self.target.query, error) from None
        if not isinstance(result, dict) or "results" not in result:
            raise RemoteError(f"{self.target.query} did not answer with SPARQL JSON results")
        row = result["results"]["bindings"][0] if result["results"]["bindings"] else {}
        count = int(float(row.get("n", {}).get("value", 0)))
        total = int(float(row.get("sum", {}).get("value", 0) or 0))
        return count, total

    def put(self, graph: str, lines: Sequence[str]) -> None:
        assert self.target.store is not None
        url = (
            self.target.store
            + ("&" if "?" in self.target.store else "?")
            + "graph="
            + urllib.parse.quote(graph, safe="")
        )
        request = urllib.request.Request(
            url,
            data=("\n".join(lines) + "\n").encode("utf-8"),
            method="PUT",
            headers={"Content-Type": by_name("ntriples").media_type},
        )
        handlers: list[urllib.request.BaseHandler] = []
        try:
            if self.target.user is not None:
                manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                manager.add_password(None, self.target.store, self.target.user, self.target.password or "")
                if self.target.digest:
                    digest = urllib.request.HTTPDigestAuthHandler(manager)
                    _authorize_digest(digest, request)
                    handlers.append(digest)
                else:
                    handlers.append(urllib.request.HTTPBasicAuthHandler(manager))
            with urllib.request.build_opener(*handlers).open(request, timeout=300) as response:
                response.read()
        except Exception as error:
            raise self._fail(self.target.store, error) from None


def _authorize_digest(handler: urllib.request.HTTPDigestAuthHandler, request: urllib.request.Request) -> None:
    """Give a request its Digest Authorization before it is sent, from the challenge of an empty request.

    A server may refuse a request without credentials (401) before it reads the body, and close the
    connection while a large body is still being sent (Virtuoso does: a broken pipe), so the body must go
    with its credentials the first time.
    """
    probe = urllib.request.Request(request.full_url, method="HEAD")
    try:
        with urllib.request.urlopen(probe, timeout=60):
            return  # no credentials asked for
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
    scheme, _, fields = challenge.partition(" ")
    if scheme.lower() != "digest":
        return
    items = urllib.request.parse_keqv_list([f for f in urllib.request.parse_http_list(fields) if f])
    authorization = handler.get_authorization(request, items)
    if authorization:
        request.add_unredirected_header("Authorization", f"Digest {authorization}")


def graph_checksum(target: Target, graph: str) -> tuple[int, int]:
    """The triple count and checksum of one graph in the store (as push verifies them)."""
    return _Store(target).count(graph)


def remote_graphs(target: Target) -> list[str]:
    """The names of the non-empty graphs of the store."""
    from SPARQLWrapper import JSON

    client = sparql_client(target.query, target.user, target.password, digest=target.digest)
    client.setQuery("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    client.setReturnFormat(JSON)
    try:
        result = client.query().convert()
    except Exception as error:
        raise _Store(target)._fail(target.query, error) from None
    return sorted(row["g"]["value"] for row in result["results"]["bindings"])


def push(
    target: Target, *, graphs: Sequence[str] | None = None, progress: Callable[[str], None] | None = None
) -> list[PushReport]:
    """Push the bundled named graphs (or the named ones) to a SPARQL store; verify each."""
    store = _Store(target)
    say = progress or (lambda _: None)
    reports = []
    jobs = [(g.iri, _lines(g.name)) for g in bundled_graphs() if graphs is None or g.name in graphs]
    jobs.append((UNION_GRAPH, _lines("all")))  # the remote default graph: the union, as a set
    names = {iri for iri, _ in jobs}
    for left in remote_graphs(target):  # staging graphs of a push that was cut off (the store died)
        if "-staging-" in left and left.rsplit("-staging-", 1)[0] in names:
            say(f"{left}: left by an interrupted push, dropped")
            store.update(f"DROP SILENT GRAPH <{left}>")
    for iri, lines in jobs:
        reports.append(_push_graph(store, target, iri, lines, say))
    return reports


def _push_graph(
    store: _Store, target: Target, iri: str, lines: list[str], say: Callable[[str], None]
) -> PushReport:
    """Replace one graph (a PUT, or staging batches and a MOVE), then check the result."""
    expected = _checksum(lines)
    if target.store is not None:
        say(f"{iri}: {len(lines)} triples by one Graph Store PUT")
        store.put(iri, lines)
    else:
        _stage_and_move(store, target, iri, lines, expected, say)
    final = store.count(iri)
    if final != expected:
        raise RemoteError(
            f"{target.query}: <{iri}> holds {final[0]} triples (checksum {final[1]}) "
            f"after the push, expected {expected[0]} (checksum {expected[1]})"
        )
    say(f"{iri}: {expected[0]} triples, checksum {expected[1]}: verified")
    return PushReport(iri, expected[0], expected[1])


def _stage_and_move(
    store: _Store,
    target: Target,
    iri: str,
    lines: list[str],
    expected: tuple[int, int],
    say: Callable[[str], None],
) -> None:
    """Write the graph beside its target in INSERT DATA batches, check the count, swap it in with MOVE."""
    staging = f"{iri}-staging-{secrets.token_hex(6)}"
    say(f"{iri}: {len(lines)} triples into {staging}")
    try:
        store.update(f"DROP SILENT GRAPH <{staging}>")
        for start in range(0, len(lines), target.batch_size):
            batch = "\n".join(lines[start : start + target.batch_size])
            store.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{batch}\n}} }}")
            say(f"{iri}: batch {start // target.batch_size + 1} landed")
        staged = store.count(staging)
        if staged[0] != expected[0]:
            raise RemoteError(
                f"{target.query}: the staging graph holds {staged[0]} triples, not {expected[0]}"
            )
        store.update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{iri}>")
    except BaseException:
        with contextlib.suppress(RemoteError):
            store.update(f"DROP SILENT GRAPH <{staging}>")
        raise
