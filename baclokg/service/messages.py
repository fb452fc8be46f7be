"""The messages between the service and its query workers: what to evaluate, and the answer.

Each request is a small frozen dataclass (picklable, so it crosses the process boundary as is); the
answer is ready for HTTP: status, media type and body.

>>> QueryRequest("ASK {}").default_graphs
()
>>> Answer(204, "text/plain", b"").status
204
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Answer", "ComedicationRequest", "NamedQueryRequest", "QueryRequest", "Request", "UpdateRequest"]


@dataclass(frozen=True, slots=True)
class QueryRequest:
    """A SPARQL query as the protocol received it."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: the request's Accept header (None: the client states no preference)
    accept: str | None = None
    #: the IRI relative IRIs in the query resolve against (the request's own IRI)
    base: str | None = None


@dataclass(frozen=True, slots=True)
class NamedQueryRequest:
    """A named query with its parameters (REST API)."""

    name: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ComedicationRequest:
    """A medication list to check against a drug (REST API)."""

    names: tuple[str, ...]
    drug: str = "CHEBI:2972"


@dataclass(frozen=True, slots=True)
class UpdateRequest:
    """A checked SPARQL update, applied by every worker."""

    update: str
    #: the IRI relative IRIs in the update resolve against
    base: str | None = None


Request = QueryRequest | NamedQueryRequest | ComedicationRequest | UpdateRequest


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP-ready answer: status, media type and body."""

    status: int
    media_type: str
    body: bytes
