"""Errors BacloKG raises: each says what went wrong and where, in one line a person can act on.

Every error derives from :class:`BacloKGError` and carries the HTTP status the service answers it with,
so no layer keeps its own table of which error means which status.

>>> NotFoundError("entity", "baclofn", ["baclofen"]).status
404
>>> str(ResultTooLargeError(1000))
'the result is larger than the limit of 1000 bytes'
>>> [cls.status for cls in (QueryError, RefusedQueryError, QueryTimeoutError, RemoteError)]
[400, 400, 503, 502]
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BacloKGError",
    "BadRequestError",
    "DataError",
    "NotFoundError",
    "ParameterError",
    "QueryError",
    "QueryStoppedError",
    "QueryTimeoutError",
    "RefusedQueryError",
    "RemoteError",
    "ResultTooLargeError",
    "ServiceBusyError",
    "SheddingError",
    "TooManyRequestsError",
    "WorkerLostError",
    "WorkerStartError",
]


class BacloKGError(Exception):
    """Base class of every error BacloKG raises on purpose; ``status`` is its HTTP status."""

    status: int = 500


class NotFoundError(BacloKGError, LookupError):
    """A drug, entity or named query is not known; ``suggestions`` holds the closest names."""

    status = 404

    def __init__(self, what: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"; closest matches: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"{what} not found: {name!r}{hint}")


class DataError(BacloKGError, ValueError):
    """An RDF file cannot be loaded; names the file and, where known, the line and column."""

    status = 400

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None) -> None:
        self.path = path
        self.line = line
        self.column = column
        where = path if line is None else f"{path}:{line}" + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}")


class QueryError(BacloKGError, ValueError):
    """A SPARQL query cannot be parsed or run; carries the parser's message with its position."""

    status = 400


class ParameterError(BacloKGError, ValueError):
    """A named-query parameter is unknown or its value is not acceptable."""

    status = 400


class RefusedQueryError(BacloKGError, ValueError):
    """A query asks for something the server does not do (SERVICE, fetching graphs, updating)."""

    status = 400


class BadRequestError(BacloKGError, ValueError):
    """A request the service cannot read (its body, media type or size); the status varies."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class ResultTooLargeError(BacloKGError):
    """An answer grew past the result size limit while it was written."""

    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"the result is larger than the limit of {limit} bytes")


class QueryStoppedError(BacloKGError):
    """The query's worker was stopped before it answered; ``str()`` says why, for the client."""

    status = 503


class QueryTimeoutError(QueryStoppedError):
    """The query ran past the time limit and its worker was stopped."""


class WorkerLostError(QueryStoppedError):
    """The worker ended while answering: it ran out of its memory limit, or was killed from outside."""


class SheddingError(BacloKGError):
    """The service refuses to queue a request now; ``retry_after`` says in how many seconds to retry."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class TooManyRequestsError(SheddingError):
    """One client asks for more than its share of the workers."""

    status = 429


class ServiceBusyError(SheddingError):
    """The service is full: as many requests wait as it will queue."""

    status = 503


class WorkerStartError(BacloKGError):
    """A worker process of the service did not start, or failed while building what it holds."""

    status = 503


class RemoteError(BacloKGError):
    """A remote SPARQL store cannot be reached or refused a request; names the store and the reason."""

    status = 502
