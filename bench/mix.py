"""The named-query mix the benchmark and the reliability load send: every competency query with its
default parameters bound, as text any SPARQL endpoint can run."""

from __future__ import annotations

from baclokg.queries import all_queries, bind_values

__all__ = ["mix"]


def mix() -> list[str]:
    """Every competency query with its default parameters bound (its ``#`` header lines left out)."""
    texts = []
    for query in all_queries():
        if query.kind != "competency":
            continue
        body = "\n".join(line for line in query.sparql.splitlines() if not line.lstrip().startswith("#"))
        texts.append(bind_values(body, query.bindings()))
    return texts
