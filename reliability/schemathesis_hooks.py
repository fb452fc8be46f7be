"""schemathesis hooks (loaded through SCHEMATHESIS_HOOKS): how to send the SPARQL media types."""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def sparql_text(_context: Any, value: Any) -> bytes:
    """A query or update is sent as its UTF-8 text (whatever value the schema made it)."""
    text = value if isinstance(value, str) else str(value)
    return text.encode("utf-8", "surrogatepass")


def _admits_text(schema: dict[str, Any]) -> bool:
    """Whether a parameter's schema takes a string, or a list of strings (a repeated parameter)."""
    kinds = [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]
    return any(
        kind.get("type") == "string"
        or (kind.get("type") == "array" and kind.get("items", {}).get("type") == "string")
        for kind in kinds
    )


def _not_text(value: Any) -> bool:
    """Whether a generated value holds JSON that a query string can only carry as its text: a number,
    boolean or object, or a list with any of them (a repeated parameter)."""
    if isinstance(value, list):
        return any(not isinstance(item, str) for item in value)
    return isinstance(value, (int, float, bool, dict))


@schemathesis.hook
def filter_query(context: Any, query: dict[str, Any] | None) -> bool:
    """Leave out a case whose only fault is a JSON type a query string cannot carry: a number or an
    object where the schema takes text goes out as text (``name=-4.8e+16``, ``name={'a': []}``), the same
    bytes as a valid value, so no server can tell it from one (schemathesis would report the answer as a
    schema-violating request accepted)."""
    operation = getattr(context, "operation", None)
    if not query or operation is None:
        return True
    for parameter in operation.query:
        value = query.get(parameter.name)
        if _not_text(value) and _admits_text(parameter.definition.get("schema", {})):
            return False
    return True
