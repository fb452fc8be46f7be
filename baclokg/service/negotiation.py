"""HTTP content negotiation over the one format table: Accept headers with q-values.

>>> choose("application/sparql-results+xml;q=0.9, text/csv", "results").name
'csv'
>>> choose(None, "rdf").name
'turtle'
>>> choose("text/csv", "rdf") is None
True
>>> choose("*/*", "results").name
'json'
"""

from __future__ import annotations

from ..formats import FORMATS, Format, Kind

__all__ = ["DEFAULTS", "choose", "parse_accept"]

#: the format a client that states no preference gets, per result kind
DEFAULTS: dict[Kind, str] = {"results": "json", "rdf": "turtle"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values, best first (stable for ties).

    >>> parse_accept("text/html;q=0.5, application/json")
    [('application/json', 1.0), ('text/html', 0.5)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for position, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((position, media, q))
    ranges.sort(key=lambda r: (-r[2], r[0]))
    return [(media, q) for _, media, q in ranges]


def _matches(media_range: str, fmt: Format) -> bool:
    if media_range in ("*/*", "*"):
        return True
    if media_range.endswith("/*"):
        return fmt.media_type.startswith(media_range[:-1])
    return media_range in fmt.media_types


def choose(accept: str | None, kind: Kind) -> Format | None:
    """The best format of ``kind`` for an Accept header, or None when none is acceptable (406)."""
    candidates = [f for f in FORMATS if f.kind == kind]
    default = next(f for f in candidates if f.name == DEFAULTS[kind])
    ordered = [default, *(f for f in candidates if f is not default)]
    refused = {media for media, q in parse_accept(accept) if q == 0}
    for media, q in parse_accept(accept):
        if q == 0:
            continue
        for fmt in ordered:
            if _matches(media, fmt) and fmt.media_type not in refused:
                return fmt
    return None
