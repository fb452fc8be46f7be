"""The named-query mix the benchmark and the reliability load send: every competency query with its
default parameters bound, as text any SPARQL endpoint can run."""

from __future__ import annotations

from collections.abc import Mapping

from baclokg.queries import NamedQuery, all_queries, bind_values

__all__ = ["mix", "wire_text"]


def wire_text(query: NamedQuery, values: Mapping[str, object] | None = None) -> str:
    """The query as a client sends it: its ``#`` comment lines left out, its parameters bound by VALUES."""
    body = "\n".join(line for line in query.sparql.splitlines() if not line.lstrip().startswith("#"))
    return bind_values(body, query.bindings(values))


def mix() -> list[str]:
    """Every competency query with its default parameters bound (its ``#`` header lines left out)."""
    return [wire_text(query) for query in all_queries() if query.kind == "competency"]
