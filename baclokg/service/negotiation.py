"""HTTP content negotiation, one negotiator for every resource the service serves (RFC 9110 §12.5.1).

Each kind of resource offers its representations in the server's order (:data:`OFFERS`, the one place
that order is stated): SPARQL results JSON first, RDF graphs Turtle first (then the rest in the order of
:data:`~baclokg.formats.FORMATS`), a page HTML first and then the RDF formats, a shipped source text
``text/plain`` first, then its HTML view (what a browser asks for), then the RDF formats about it. An
Accept header gives every offer a quality: the q of the most specific media range that matches its media
type (``type/subtype;params`` before ``type/subtype`` before ``type/*`` before ``*/*``), 0 when none
matches. q=0 excludes, the highest quality wins, and ties go
to the server's order. Media-type parameters take part in matching, and an answer carries the parameters
of the representation chosen (``charset=utf-8``).

Reading of the RFC, stated where it leaves a choice: an Accept header that breaks the grammar (a
media range without a subtype, ``*/html``, a q that is not 0 to 1 with at most three decimals, a
parameter without ``=``) is answered 400 naming the element, never guessed at (one exception: the
default header of Java's HttpURLConnection, read as it means); an absent or empty Accept
means any media type; parameters after ``q`` are accept extensions and take no part in matching. A
format's other media types (:attr:`~baclokg.formats.Format.aliases`, such as ``application/json`` for
JSON-LD) count only when a range names them outright, so ``text/*;q=0`` keeps Turtle out although
``*/*`` would match its alias ``application/turtle``.

>>> choose("application/sparql-results+xml;q=0.9, text/csv", "results").name
'csv'
>>> choose(None, "rdf").name
'turtle'
>>> choose("text/csv", "rdf") is None
True
>>> choose("text/*;q=0, */*", "rdf").name
'ntriples'
>>> choose("text/*;q=0.9, text/csv;q=0.1", "results").name
'tsv'
>>> negotiate("*/*", OFFERS["page"]).content_type
'text/html; charset=utf-8'
>>> CHROMIUM = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
>>> negotiate(CHROMIUM, OFFERS["text"]) is HTML, negotiate("*/*", OFFERS["text"]) is TEXT
(True, True)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import BadRequestError
from ..formats import FORMATS, Format, Kind

__all__ = [
    "DEFAULTS",
    "HTML",
    "OFFERS",
    "TEXT",
    "MediaRange",
    "MediaType",
    "Offer",
    "ResourceKind",
    "accept_header",
    "choose",
    "format_offer",
    "negotiate",
    "parse_accept",
    "quality",
]

#: the kinds of resource the service negotiates: query results, RDF graphs, pages, shipped source texts
ResourceKind = Literal["results", "rdf", "page", "text"]

#: the format a client that states no preference gets, per format kind (the rest follow in table order)
DEFAULTS: dict[Kind, str] = {"results": "json", "rdf": "turtle"}

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")
#: the one header outside the grammar that is read anyway: Java's HttpURLConnection sends it to every
#: server its users call (``*`` for ``*/*``, ``.2`` for ``0.2``); refusing it would refuse those clients
_JAVA_DEFAULT = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"
_OWS = " \t"
Params = tuple[tuple[str, str], ...]


def _split(text: str, separator: str) -> list[str]:
    """``text`` cut at each separator outside a quoted string; ValueError if a quoted string is open."""
    parts, start, quoted, escaped = [], 0, False, False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append(text[start:index])
            start = index + 1
    if quoted:
        raise ValueError("a quoted string is not closed")
    parts.append(text[start:])
    return parts


def _type_subtype(text: str) -> tuple[str, str]:
    kind, slash, subtype = text.strip(_OWS).partition("/")
    if not slash or not _TOKEN.fullmatch(kind) or not _TOKEN.fullmatch(subtype):
        raise ValueError(f"{text.strip(_OWS)!r} is not type/subtype")
    if kind == "*" and subtype != "*":
        raise ValueError(f"{text.strip(_OWS)!r} has a wildcard type with a subtype")
    return kind.lower(), subtype.lower()


def _params(pieces: Sequence[str]) -> Params:
    params = []
    for piece in pieces:
        piece = piece.strip(_OWS)
        if not piece:
            continue  # parameters = *( OWS ";" OWS [ parameter ] )
        name, equals, value = piece.partition("=")
        if not equals or not _TOKEN.fullmatch(name):
            raise ValueError(f"parameter {piece!r} is not name=value")
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif not _TOKEN.fullmatch(value):
            raise ValueError(f"parameter {piece!r} has a value that is neither a token nor a quoted string")
        name = name.lower()
        params.append((name, value.lower() if name == "charset" else value))
    return tuple(params)


def _media_range(element: str) -> MediaRange:
    pieces = _split(element, ";")
    kind, subtype = _type_subtype(pieces[0])
    weight = next((i for i, p in enumerate(pieces) if p.strip(_OWS)[:2].lower() == "q="), None)
    params = _params(pieces[1:weight])  # what follows q is accept extensions, not part of matching
    q = 1.0
    if weight is not None:
        value = pieces[weight].strip(_OWS)[2:]
        if not _QVALUE.fullmatch(value):
            raise ValueError(f"q must be 0 to 1 with at most 3 decimals, not {value!r}")
        q = float(value)
    return MediaRange(kind, subtype, params, q)


@dataclass(frozen=True, slots=True)
class MediaType:
    """A media type with its parameters (names lower case; a charset's value lower case too).

    >>> str(MediaType.parse('Text/Plain; Charset="UTF-8"'))
    'text/plain; charset=utf-8'
    """

    type: str
    subtype: str
    params: Params = ()

    @classmethod
    def parse(cls, text: str) -> MediaType:
        """A media type as a server states it (``type/subtype; name=value``); ValueError if malformed."""
        pieces = _split(text, ";")
        kind, subtype = _type_subtype(pieces[0])
        if "*" in (kind, subtype):
            raise ValueError(f"{text!r} is a media range, not a media type")
        return cls(kind, subtype, _params(pieces[1:]))

    def __str__(self) -> str:
        return "; ".join([f"{self.type}/{self.subtype}", *(f"{name}={value}" for name, value in self.params)])


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One element of an Accept header: a media range, its parameters and its weight ``q``."""

    type: str
    subtype: str
    params: Params = ()
    q: float = 1.0

    @property
    def specificity(self) -> tuple[int, int]:
        """How specific the range is: concrete type and subtype first, then the number of parameters.

        >>> [r.specificity for r in parse_accept("*/*, text/*, text/plain, text/plain;format=flowed")]
        [(0, 0), (1, 0), (2, 0), (2, 1)]
        """
        return (0 if self.type == "*" else 1 if self.subtype == "*" else 2, len(self.params))

    def matches(self, media: MediaType) -> bool:
        """Whether the range covers the media type: same type and subtype (or ``*``), and every
        parameter of the range present in the type with the same value.

        >>> text_range = parse_accept("text/*;charset=utf-8")[0]
        >>> text_range.matches(TEXT.media), text_range.matches(MediaType("text", "plain"))
        (True, False)
        """
        return (
            self.type in ("*", media.type)
            and self.subtype in ("*", media.subtype)
            and all(param in media.params for param in self.params)
        )


@dataclass(frozen=True, slots=True)
class Offer:
    """A representation a resource can give: its media type (with the parameters it is sent with), the
    format that writes it (None for a page or a source text) and other media types clients ask for it by."""

    media: MediaType
    format: Format | None = None
    aliases: tuple[MediaType, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type of an answer in this representation."""
        return str(self.media)

    def quality(self, ranges: Sequence[MediaRange]) -> float:
        """The quality the ranges give this representation (0: not acceptable); an alias counts only
        where a range names it outright."""
        named = [r for r in ranges if r.subtype != "*"]
        return max([quality(ranges, self.media), *(quality(named, alias) for alias in self.aliases)])


def format_offer(fmt: Format) -> Offer:
    """The representation a format of the table writes, sent as UTF-8.

    >>> from ..formats import by_name
    >>> offer = format_offer(by_name("jsonld"))
    >>> offer.content_type
    'application/ld+json; charset=utf-8'
    >>> [str(alias) for alias in offer.aliases]
    ['application/json; charset=utf-8', 'application/x-json+ld; charset=utf-8']
    """
    media = MediaType.parse(fmt.content_type)
    aliases = tuple(MediaType(*_type_subtype(alias), media.params) for alias in fmt.aliases)
    return Offer(media, fmt, aliases)


def _in_server_order(kind: Kind) -> tuple[Offer, ...]:
    formats = [f for f in FORMATS if f.kind == kind]
    formats.sort(key=lambda f: f.name != DEFAULTS[kind])  # the default first, the rest in table order
    return tuple(format_offer(f) for f in formats)


#: a resource's HTML page
HTML = Offer(MediaType("text", "html", (("charset", "utf-8"),)))
#: a source text BacloKG ships, as the annotations' offsets count in it
TEXT = Offer(MediaType("text", "plain", (("charset", "utf-8"),)))

#: what each kind of resource offers, in the server's order: the first acceptable one wins a tie
OFFERS: dict[ResourceKind, tuple[Offer, ...]] = {
    "results": _in_server_order("results"),
    "rdf": _in_server_order("rdf"),
    "page": (HTML, *_in_server_order("rdf")),
    "text": (TEXT, HTML, *_in_server_order("rdf")),
}


def accept_header(lines: Iterable[str]) -> str | None:
    """The Accept field value of a request's Accept lines (several lines are one comma-separated list).

    >>> accept_header(["text/html", "text/turtle;q=0.5"]), accept_header([])
    ('text/html, text/turtle;q=0.5', None)
    """
    return ", ".join(lines) or None


@functools.lru_cache(maxsize=256)
def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header in the order given; a :class:`BadRequestError` (400) names
    the first element that breaks the grammar of RFC 9110 §12.5.1.

    >>> [(r.type, r.subtype, r.params, r.q) for r in parse_accept("text/plain;format=fixed;q=0.4;x=1, */*")]
    [('text', 'plain', (('format', 'fixed'),), 0.4), ('*', '*', (), 1.0)]
    >>> [(r.type, r.q) for r in parse_accept("text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2")]
    [('text', 1.0), ('image', 1.0), ('image', 1.0), ('*', 0.2)]
    >>> parse_accept("text/html;q=1.5")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    baclokg.errors.BadRequestError: Accept element 1 ('text/html;q=1.5'): q must be 0 to 1 ...
    """
    if header is None or not header.strip(_OWS):
        return (MediaRange("*", "*"),)
    if header == _JAVA_DEFAULT:
        return parse_accept("text/html, image/gif, image/jpeg, */*;q=0.2")
    try:
        elements = _split(header, ",")
    except ValueError as error:
        raise BadRequestError(400, f"Accept header: {error}") from None
    ranges = []
    for number, element in enumerate(elements, 1):
        if not element.strip(_OWS):
            continue  # empty list elements are allowed and ignored (RFC 9110 §5.6.1.2)
        try:
            ranges.append(_media_range(element))
        except ValueError as error:
            raise BadRequestError(
                400, f"Accept element {number} ({element.strip(_OWS)!r}): {error}"
            ) from None
    return tuple(ranges)


def quality(ranges: Sequence[MediaRange], media: MediaType) -> float:
    """The q of the most specific range that matches the media type (the first listed of equally
    specific ones), or 0 when none does.

    >>> quality(parse_accept("audio/*; q=0.2, audio/basic"), MediaType("audio", "mpeg"))
    0.2
    """
    best: MediaRange | None = None
    for media_range in ranges:
        if media_range.matches(media) and (best is None or media_range.specificity > best.specificity):
            best = media_range
    return best.q if best is not None else 0.0


def negotiate(accept: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The acceptable offer of the highest quality, the earliest of equals; None when none is acceptable
    (answer 406). Raises :class:`BadRequestError` (400) for an Accept header that breaks the grammar.

    >>> negotiate("text/turtle;q=0.5, text/html;q=0.1", OFFERS["page"]).format.name
    'turtle'
    >>> negotiate("text/html;q=0, text/plain", OFFERS["page"]) is None
    True
    """
    ranges = parse_accept(accept)
    best: Offer | None = None
    best_q = 0.0
    for offer in offers:
        q = offer.quality(ranges)
        if q > best_q:
            best, best_q = offer, q
    return best


def choose(accept: str | None, kind: Kind) -> Format | None:
    """The best format of ``kind`` for an Accept header, or None when none is acceptable (406)."""
    offer = negotiate(accept, OFFERS[kind])
    return offer.format if offer is not None else None
