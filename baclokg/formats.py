"""The one table of formats: names for the CLI, media types for HTTP, suffixes for files.

>>> by_name("turtle").media_type
'text/turtle'
>>> by_suffix(".jsonld").name
'jsonld'
>>> [f.name for f in FORMATS if f.kind == "results"]
['json', 'xml', 'csv', 'tsv']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

__all__ = ["FORMATS", "Format", "by_media_type", "by_name", "by_suffix"]

Kind = Literal["rdf", "results"]


@dataclass(frozen=True, slots=True)
class Format:
    """A serialisation format BacloKG reads or writes."""

    name: str
    kind: Kind
    media_type: str
    suffix: str
    #: the rdflib serializer/parser plugin name
    rdflib: str
    #: whether the format keeps named graphs apart
    datasets: bool = False

    @property
    def oxigraph(self) -> ox.RdfFormat | ox.QueryResultsFormat:
        """The matching pyoxigraph format object."""
        if self.kind == "rdf":
            return ox.RdfFormat.from_media_type(self.media_type)  # type: ignore[return-value]
        return ox.QueryResultsFormat.from_media_type(self.media_type)  # type: ignore[return-value]


FORMATS: tuple[Format, ...] = (
    Format("turtle", "rdf", "text/turtle", ".ttl", "turtle"),
    Format("ntriples", "rdf", "application/n-triples", ".nt", "nt"),
    Format("nquads", "rdf", "application/n-quads", ".nq", "nquads", datasets=True),
    Format("trig", "rdf", "application/trig", ".trig", "trig", datasets=True),
    Format("jsonld", "rdf", "application/ld+json", ".jsonld", "json-ld", datasets=True),
    Format("rdfxml", "rdf", "application/rdf+xml", ".rdf", "xml"),
    Format("json", "results", "application/sparql-results+json", ".srj", "json"),
    Format("xml", "results", "application/sparql-results+xml", ".srx", "xml"),
    Format("csv", "results", "text/csv", ".csv", "csv"),
    Format("tsv", "results", "text/tab-separated-values", ".tsv", "tsv"),
)

#: other suffixes RDF files are commonly given, and the format they mean
_ALIASES = {".json": "jsonld", ".owl": "rdfxml", ".xml": "rdfxml", ".n3": "turtle"}


def by_name(name: str) -> Format:
    """The format with this name; ``KeyError`` names the choices."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(f"unknown format {name!r}; choose one of {', '.join(f.name for f in FORMATS)}")


def by_media_type(media_type: str) -> Format | None:
    """The format with this media type (parameters such as charset ignored), if any."""
    base = media_type.split(";", 1)[0].strip().lower()
    return next((fmt for fmt in FORMATS if fmt.media_type == base), None)


def by_suffix(suffix: str, kind: Kind = "rdf") -> Format | None:
    """The format of a file suffix such as ``.ttl``, if any."""
    suffix = suffix.lower()
    if kind == "rdf" and suffix in _ALIASES:
        return by_name(_ALIASES[suffix])
    return next((fmt for fmt in FORMATS if fmt.kind == kind and fmt.suffix == suffix), None)
