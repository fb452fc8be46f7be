"""Errors BacloKG raises: each says what went wrong and where, in one line a person can act on."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["BacloKGError", "DataError", "NotFoundError", "ParameterError", "QueryError"]


class BacloKGError(Exception):
    """Base class of every error BacloKG raises on purpose."""


class NotFoundError(BacloKGError, LookupError):
    """A drug, entity or named query is not known; ``suggestions`` holds the closest names."""

    def __init__(self, what: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"; closest matches: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"{what} not found: {name!r}{hint}")


class DataError(BacloKGError, ValueError):
    """An RDF file cannot be loaded; names the file and, where known, the line and column."""

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None) -> None:
        self.path = path
        self.line = line
        self.column = column
        where = path if line is None else f"{path}:{line}" + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}")


class QueryError(BacloKGError, ValueError):
    """A SPARQL query cannot be parsed or run; carries the parser's message with its position."""


class ParameterError(BacloKGError, ValueError):
    """A named-query parameter is unknown or its value is not acceptable."""
