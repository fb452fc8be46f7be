"""The drug card as HTML: one row per claim, the sources' words on demand, and the co-medication box."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ..card import Section, card_header, card_sections
from ..models import MAX_NAMES, Citation, Drug, Words
from .links import href

__all__ = ["card_html", "comedication_box", "text_view_href", "words_html"]


def text_view_href(source_text: str, start: int, end: int) -> str:
    """The HTML view of a shipped text with the span ``start``-``end`` (code points) highlighted.

    The RFC 5147 fragment names the span; the page's script marks it (and marks it again when the
    fragment changes).

    >>> text_view_href("https://w3id.org/baclokg/source/monograph.txt", 10, 42)
    '/source/monograph.txt?view=html#char=10,42'
    """
    return f"{href(source_text)}?view=html#char={start},{end}"


def words_html(words: Words) -> str:
    """A quote linked to its span in the text (HTML view and text/plain), or a paraphrase marked as such.

    >>> from baclokg.models import Words
    >>> words_html(Words("Relaxes muscles.", quoted=False)).startswith('<p class="paraphrase">')
    True
    >>> quoted = words_html(Words("It works.", True, "https://w3id.org/baclokg/source/monograph.txt", 3, 12))
    >>> quoted.split("<p")[0], quoted.count('href="/source/monograph.txt?view=html#char=3,12"')
    ('<blockquote>It works.</blockquote>', 1)
    """
    if not words.quoted:
        note = "The curators\u2019 paraphrase, not the source\u2019s words"
        return f'<p class="paraphrase">{note}: {escape(words.text)}</p>'
    block = f"<blockquote>{escape(words.text)}</blockquote>"
    if words.source_text is None or words.start is None or words.end is None:
        return block
    view = text_view_href(words.source_text, words.start, words.end)
    plain = f"{href(words.source_text)}#char={words.start},{words.end}"
    return (
        block + f'<p class="span-links"><a href="{escape(view)}">see it in the text</a> '
        f"(characters {words.start} to {words.end}; "
        f'<a href="{escape(plain)}">plain text</a>)</p>'
    )


def _sources(citations: Iterable[Citation]) -> str:
    """The sources' names, then each statement's words in a block opened on demand (if any has words)."""
    by_statement: dict[str, list[Citation]] = {}
    for citation in citations:
        by_statement.setdefault(citation.statement, []).append(citation)
    names = "; ".join(dict.fromkeys(c.label for cited in by_statement.values() for c in cited))
    said = []
    for cited in by_statement.values():
        if cited[0].words:
            labels = "; ".join(dict.fromkeys(c.label for c in cited))
            said.append(f'<p class="cited">{escape(labels)}</p>' + "".join(map(words_html, cited[0].words)))
    if not said:
        return escape(names)
    return (
        escape(names)
        + '<details class="words"><summary>source\'s words</summary>'
        + "".join(said)
        + "</details>"
    )


def _table(section: Section) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in section.columns)
    if section.citations:  # the last cell cites: names in the cell, the words on demand
        cells = [
            [escape(v) for v in row[:-1]] + [_sources(cited)]
            for row, cited in zip(section.rows, section.citations, strict=True)
        ]
    else:
        cells = [[escape(v) for v in row] for row in section.rows]
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells)
    return (
        f"<h2>{escape(section.title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def card_html(drug: Drug) -> str:
    """The drug card: its header lines, then one table per section, one row per claim."""
    header = "".join(f"<p>{escape(line)}</p>" for line in card_header(drug))
    return '<section class="card">' + header + "".join(map(_table, card_sections(drug))) + "</section>"


def comedication_box(drug: Drug) -> str:
    """A form that checks a list of names against the drug (``/api/comedications``, by ``drug.js``)."""
    columns = "".join(f"<th>{c}</th>" for c in ("name", "verdict", "effect", "path", "note"))
    return (
        f'<section class="comedication" id="comedication" data-drug="{escape(drug.iri)}" '
        f'data-max-names="{MAX_NAMES}"><h2>Co-medication check</h2>'
        f"<p>Does {escape(drug.label)} interact with other medications? One name a line (a name, CURIE "
        f"or IRI; at most {MAX_NAMES}), one verdict each.</p>"
        '<form id="comedication-form" action="/api/comedications" method="get">'
        f'<input type="hidden" name="drug" value="{escape(drug.iri)}">'
        '<label for="comedication-names">Medications</label>'
        '<textarea id="comedication-names" name="name" rows="4" spellcheck="false"></textarea>'
        '<div class="actions"><button type="submit">Check</button> '
        '<span id="comedication-status" role="status"></span></div></form>'
        f'<table id="comedication-results" hidden><thead><tr>{columns}</tr></thead><tbody></tbody></table>'
        '<p class="note">No record of an interaction is no evidence that a combination is safe.</p>'
        '</section><script src="/static/drug.js"></script>'
    )
