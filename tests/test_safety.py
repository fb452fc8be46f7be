"""The complexity limits: the quick count of characters never lets through a text the token count refuses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baclokg.errors import QueryError
from baclokg.safety import check_complexity, complexity

# pieces of SPARQL text whose brackets and operators count, or do not (inside IRIs, strings, comments)
PIECES = [
    "{", "}", "(", ")", "[", "]", ".", "/", "|", "||", "&&", "&", "+", "*", "!", "^", ";", ",", "-", " ",
    "UNION", "union", "Optional", "MINUS", "filter", "BIND", "unions", "?x", "?filter", "ex:a.b", "1.5",
    "<http://e/{(.)}>", "'{'", '"(|)"', "'''a.b'''", "# { ( . \n", "\n", "'unterminated {",
    "é", "İ", "\u212a", "\udc80", "\uff55\uff4e\uff49\uff4f\uff4e",
]  # fmt: skip


def _verdict(text: str, nesting: int, operators: int) -> bool:
    try:
        check_complexity(text, nesting=nesting, operators=operators)
    except QueryError:
        return False
    return True


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.integers(0, 6), st.integers(0, 12))
def test_the_quick_check_agrees_with_the_token_count(pieces: list[str], nesting: int, operators: int) -> None:
    text = "".join(pieces)
    deepest, count = complexity(text)
    assert _verdict(text, nesting, operators) == (deepest <= nesting and count <= operators)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("ASK { ?s ?p ?o }", True),
        ("ASK " + "{" * 257 + "}" * 257, False),
        ("ASK { ?s ?p <http://e/" + "a./-" * 300 + "> }", True),  # nor are an IRI's dots and slashes
        ("ASK { " + "?s ?p 1 . " * 1001 + "}", False),
        ("ASK { ?s ?p '" + "." * 2000 + "' }", True),  # dots inside a string are not operators
        ("ASK { " + "{} UNION " * 1001 + "{} }", False),
    ],
)
def test_limits(text: str, accepted: bool) -> None:
    assert _verdict(text, 256, 1000) is accepted
