"""A shipped source text as an HTML page, with the span a quote names marked.

A quote links to ``/source/<text>?view=html#char=START,END``: the RFC 5147 fragment names the span in
code points (as the Web Annotations' offsets count), and ``static/text.js`` wraps it in ``<mark>`` and
scrolls to it, on load and whenever the fragment changes. Without script, ``?char=START,END`` has the
server mark the span. The text itself stays the text/plain resource (its fragment means the same there).
"""

from __future__ import annotations

import re
from html import escape

from ..errors import ParameterError

__all__ = ["char_span", "text_body"]

_SPAN = re.compile(r"(\d{1,9}),(\d{1,9})")


def char_span(value: str, length: int) -> tuple[int, int]:
    """The span ``START,END`` of a ``char`` parameter, checked against a text of ``length`` code points.

    >>> char_span("3,12", 20)
    (3, 12)
    >>> char_span("12,3", 20)
    Traceback (most recent call last):
    ...
    baclokg.errors.ParameterError: char=12,3: give START,END with 0 <= START <= END <= 20 (code points)
    """
    match = _SPAN.fullmatch(value)
    if match is not None:
        start, end = int(match[1]), int(match[2])
        if start <= end <= length:
            return start, end
    raise ParameterError(f"char={value}: give START,END with 0 <= START <= END <= {length} (code points)")


def text_body(text: str, plain_href: str, span: tuple[int, int] | None = None) -> str:
    """The page body: the whole text in a ``<pre>``, the span (if given) in a ``<mark>``.

    >>> text_body("one two three", "/source/t.txt", (4, 7)).split("<pre", 1)[1].split("</pre>")[0]
    ' id="source-text" data-length="13">one <mark id="span">two</mark> three'
    """
    if span is None:
        shown = escape(text)
        status = ""
    else:
        start, end = span
        shown = (
            escape(text[:start]) + f'<mark id="span">{escape(text[start:end])}</mark>' + escape(text[end:])
        )
        status = f"characters {start} to {end}"
    return (
        "<p>The text as BacloKG ships it; its quotes count their offsets in it. "
        f'<a href="{escape(plain_href)}">Plain text</a> (text/plain; a link to it may name a span as '
        "<code>#char=START,END</code>, RFC 5147).</p>"
        f'<p id="span-status" role="status">{status}</p>'
        f'<pre id="source-text" data-length="{len(text)}">{shown}</pre>'
        '<script src="/static/text.js"></script>'
    )
