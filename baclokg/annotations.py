"""The monograph's own words: W3C Web Annotations that tie each monograph statement to its span.

The monograph text ships as ``graph/monograph.txt``; ``graph/monograph-quotes.yaml`` names, for each
statement, the exact words it rests on, and the sentences that make no claim (with the reason).
:func:`build_annotations` turns the two into ``graph/annotations.ttl``: per quoted span one
``oa:Annotation`` whose body is the statement and whose target carries a ``TextQuoteSelector``
(exact, prefix, suffix) and a ``TextPositionSelector`` (code point offsets, as Python indexes a
``str``), plus the text resource's checksum and lengths. ``baclokg fmt`` writes that file; the tests
compare it with a fresh build and check the rules of :func:`check_annotations` on the graph.

>>> units = sentence_spans("One. Two?\\n  \\u2022 A bullet: with words. And more.\\n")
>>> ["One. Two?\\n  \\u2022 A bullet: with words. And more.\\n"[s:e] for s, e, _ in units]
['One.', 'Two?', 'A bullet: with words.', 'And more.']
>>> [bullet for _, _, bullet in units]
[None, None, (14, 45), (14, 45)]
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import DataError
from .paths import quotes_file, text_file
from .prefixes import PREFIXES

__all__ = [
    "CONTEXT_CHARS",
    "TEXT_IRI",
    "Quote",
    "Span",
    "build_annotations",
    "check_annotations",
    "load_quotes",
    "locate",
    "monograph_text",
    "sentence_spans",
    "source_texts",
]

#: the most code points ``oa:prefix`` and ``oa:suffix`` hold
CONTEXT_CHARS = 32
#: the IRI of the monograph text, served as text/plain by the service
TEXT_IRI = PREFIXES["bkgsrc"] + "monograph.txt"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_BULLET = re.compile(r"^\s*\u2022\s*")


def source_texts() -> dict[str, Path]:
    """The source texts BacloKG ships, by IRI (the service serves each as text/plain at its IRI)."""
    return {TEXT_IRI: text_file()}


def monograph_text() -> str:
    """The monograph as a ``str`` (UTF-8 on disk)."""
    return text_file().read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Quote:
    """A statement and the words of the monograph it rests on (``occurrence`` counts from 1)."""

    statement: str
    exact: str
    occurrence: int = 1


@dataclass(frozen=True, slots=True)
class Span:
    """A quote located in the text: its offsets and the context on either side."""

    statement: str
    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


def sentence_spans(text: str) -> list[tuple[int, int, tuple[int, int] | None]]:
    """Every sentence of the text as ``(start, end, bullet)``; ``bullet`` is the span of its bullet, if any.

    A line is split after ``.``, ``!`` or ``?`` followed by white space; a line that starts with a
    bullet (``\u2022``) is also one unit as a whole, so a quote may span the sentences of one bullet.
    """
    spans: list[tuple[int, int, tuple[int, int] | None]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        marker = _BULLET.match(content)
        begin = marker.end() if marker else len(content) - len(content.lstrip())
        body = content[begin:].rstrip()
        if body:
            bullet = (offset + begin, offset + begin + len(body)) if marker else None
            position = begin
            for part in _SENTENCE_END.split(body):
                start = content.index(part, position)
                spans.append((offset + start, offset + start + len(part), bullet))
                position = start + len(part)
        offset += len(line)
    return spans


def load_quotes(path: Path | None = None) -> tuple[list[Quote], dict[str, str]]:
    """The quotes and the no-claim sentences (sentence -> reason) of the curated table."""
    path = path or quotes_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        quotes = [
            Quote(str(item["statement"]), str(item["exact"]), int(item.get("occurrence", 1)))
            for item in data["quotes"]
        ]
        no_claim = {str(item["sentence"]): str(item["reason"]) for item in data["no-claim"]}
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise DataError(str(path), f"not a valid quote table: {error}") from error
    return quotes, no_claim


def locate(text: str, quote: Quote) -> Span:
    """Find a quote's span and its context; raise :class:`DataError` if the words are not there."""
    start = -1
    for _ in range(quote.occurrence):
        start = text.find(quote.exact, start + 1)
        if start < 0:
            raise DataError(
                str(quotes_file()),
                f"{quote.statement}: occurrence {quote.occurrence} of {quote.exact!r} not found",
            )
    end = start + len(quote.exact)
    return Span(
        quote.statement,
        quote.exact,
        start,
        end,
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )


def _literal(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _count(value: int) -> str:
    return f'"{value}"^^xsd:nonNegativeInteger'


def _turtle(text: str, spans: Iterable[Span]) -> str:
    data = text.encode("utf-8")
    lines = [
        f"PREFIX {p}: <{PREFIXES[p]}>"
        for p in ("bkg", "bkga", "bkgs", "bkgsrc", "dcat", "dcterms", "oa", "rdfs", "spdx", "xsd")
    ]
    lines += [
        "",
        f"<{TEXT_IRI}> a bkg:SourceText ;",
        '    rdfs:label "Baclotop monograph, full text" ;',
        '    dcterms:format "text/plain; charset=utf-8" ;',
        f"    dcat:byteSize {_count(len(data))} ;",
        f"    bkg:codePointCount {_count(len(text))} ;",
        f"    spdx:checksum <{TEXT_IRI}-sha256> .",
        f"<{TEXT_IRI}-sha256> a spdx:Checksum ;",
        "    spdx:algorithm spdx:checksumAlgorithm_sha256 ;",
        f'    spdx:checksumValue "{hashlib.sha256(data).hexdigest()}"^^xsd:hexBinary .',
        f"bkgsrc:monograph bkg:hasText <{TEXT_IRI}> .",
    ]
    counters: dict[str, int] = {}
    for span in spans:
        slug = span.statement.removeprefix("bkgs:")
        counters[slug] = counters.get(slug, 0) + 1
        node = f"bkga:{slug}-{counters[slug]}"
        selectors = [f"{node}-quote", f"{node}-position"]
        lines += [
            f"{node} a oa:Annotation ; oa:motivatedBy oa:describing ;",
            f"    oa:hasBody bkgs:{slug} ; oa:hasTarget {node}-target .",
            f"{node}-target a oa:SpecificResource ; oa:hasSource <{TEXT_IRI}> ;",
            f"    oa:hasSelector {', '.join(selectors)} .",
            f"{node}-quote a oa:TextQuoteSelector ; oa:exact {_literal(span.exact)}"
            + (f" ; oa:prefix {_literal(span.prefix)}" if span.prefix else "")
            + (f" ; oa:suffix {_literal(span.suffix)}" if span.suffix else "")
            + " .",
            f"{node}-position a oa:TextPositionSelector ; oa:start {_count(span.start)} ;"
            f" oa:end {_count(span.end)} .",
        ]
    return "\n".join(lines) + "\n"


def build_annotations() -> str:
    """The Turtle of ``graph/annotations.ttl``, built from the text and the quote table.

    :func:`baclokg.canonical.format_file` writes it in canonical form (``baclokg fmt``).
    """
    text = monograph_text()
    quotes, _ = load_quotes()
    spans = sorted((locate(text, q) for q in quotes), key=lambda s: (s.statement, s.start, s.end))
    header = "# Generated by `baclokg fmt` from monograph.txt and monograph-quotes.yaml: edit those.\n\n"
    return header + _turtle(text, spans)


def check_annotations(text: str, spans: Iterable[Span], no_claim: dict[str, str]) -> list[str]:
    """The rules every annotation keeps; each broken rule is one line naming the statement.

    - the exact words are the text between the offsets;
    - prefix and suffix are at most 32 code points and lie directly beside the quote (left out only
      at the start and end of the text);
    - the span lies within one sentence or one bullet;
    - prefix + exact + suffix occurs exactly once in the text;
    - every sentence is quoted by some annotation unless the no-claim list names it.
    """
    problems: list[str] = []
    units = sentence_spans(text)
    covered = [False] * len(units)
    for span in spans:
        where = f"{span.statement} [{span.start}:{span.end}]"
        if text[span.start : span.end] != span.exact:
            problems.append(f"{where}: text[start:end] is not the exact quote")
            continue
        if len(span.prefix) > CONTEXT_CHARS or len(span.suffix) > CONTEXT_CHARS:
            problems.append(f"{where}: prefix or suffix longer than {CONTEXT_CHARS} code points")
        if text[max(0, span.start - CONTEXT_CHARS) : span.start] != span.prefix:
            problems.append(f"{where}: the prefix is not the {CONTEXT_CHARS} code points before the quote")
        if text[span.end : span.end + CONTEXT_CHARS] != span.suffix:
            problems.append(f"{where}: the suffix is not the {CONTEXT_CHARS} code points after the quote")
        if text.count(span.prefix + span.exact + span.suffix) != 1:
            problems.append(f"{where}: prefix + exact + suffix does not occur exactly once")
        inside = [
            i
            for i, (start, end, bullet) in enumerate(units)
            if (start <= span.start and span.end <= end)
            or (bullet is not None and bullet[0] <= span.start and span.end <= bullet[1])
        ]
        if not inside:
            problems.append(f"{where}: the span crosses a sentence or bullet boundary")
        for i, (start, end, _) in enumerate(units):
            if span.start < end and start < span.end:
                covered[i] = True
    sentences = [text[start:end] for start, end, _ in units]
    for sentence, done in zip(sentences, covered, strict=True):
        if not done and sentence not in no_claim:
            problems.append(f"sentence not quoted by any statement and not listed as no claim: {sentence!r}")
    problems += [
        f"no-claim entry is not a sentence of the text: {s!r}" for s in no_claim if s not in sentences
    ]
    return problems
