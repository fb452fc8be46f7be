"""The SPARQL 1.1 Protocol's ``using-graph-uri`` and ``using-named-graph-uri``, written into an update.

The protocol's dataset parameters of an update mean what USING and USING NAMED clauses mean in its text
(SPARQL 1.1 Protocol, section 2.2.3): the graphs the WHERE clause of each DELETE/INSERT operation reads.
They are written in as such clauses, before the WHERE of every such operation, so that any engine
evaluates them the same way. An update that has USING or WITH clauses of its own as well is refused,
as the protocol asks.

>>> with_dataset("INSERT { GRAPH <g> { ?s a 1 } } WHERE { ?s ?p ?o }", ["http://a"], [])
'INSERT { GRAPH <g> { ?s a 1 } } USING <http://a> WHERE { ?s ?p ?o }'
>>> with_dataset("DELETE WHERE { ?s ?p ?o }", ["http://a"], []) == "DELETE WHERE { ?s ?p ?o }"
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import RefusedQueryError

__all__ = ["with_dataset"]

_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
      |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7-\U000effff]+)
  | (?P<open>\{) | (?P<close>\})
  | (?P<word>[^\W\d][\w.\-]*(?::[\w.\-%\\]*)?|:[\w.\-%\\]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _clauses(using: Sequence[str], using_named: Sequence[str]) -> str:
    return "".join(f"USING <{iri}> " for iri in using) + "".join(
        f"USING NAMED <{iri}> " for iri in using_named
    )


def with_dataset(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """``update`` with USING clauses for the protocol's dataset; refused if it has USING or WITH."""
    if not using and not using_named:
        return update
    clauses = _clauses(using, using_named)
    out: list[str] = []
    depth = 0
    previous = ""  # the last significant token at depth 0, upper-cased
    for match in _TOKENS.finditer(update):
        kind, token = match.lastgroup, match.group()
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif depth == 0 and kind == "word":
            word = token.upper()
            if word in ("USING", "WITH"):
                raise RefusedQueryError(
                    f"the update has a {word} clause and the request gives using-graph-uri or "
                    "using-named-graph-uri: give the dataset one way, not both"
                )
            if word == "WHERE" and previous != "DELETE":
                out.append(clauses)
        if depth == 0 and kind not in ("space", "comment"):
            previous = token.upper() if kind == "word" else token
        out.append(token)
    return "".join(out)
