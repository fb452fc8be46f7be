"""schemathesis hooks (loaded through SCHEMATHESIS_HOOKS): how to send the SPARQL media types."""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def sparql_text(_context: Any, value: Any) -> bytes:
    """A query or update is sent as its UTF-8 text (whatever value the schema made it)."""
    text = value if isinstance(value, str) else str(value)
    return text.encode("utf-8", "surrogatepass")
