"""The one table of formats: names for the CLI, media types for HTTP, suffixes for files.

>>> by_name("turtle").media_type
'text/turtle'
>>> by_suffix(".jsonld").name
'jsonld'
>>> [f.name for f in FORMATS if f.kind == "results"]
['json', 'xml', 'csv', 'tsv']
>>> by_media_type("application/x-turtle").name, by_name("csv").content_type
('turtle', 'text/csv; charset=utf-8')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .errors import ParameterError

if TYPE_CHECKING:
    import pyoxigraph as ox


__all__ = ["EXPORT_FORMATS", "FORMATS", "Format", "by_media_type", "by_name", "by_suffix"]

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
    #: the name people read (pages, help texts)
    title: str
    #: its name in the W3C format registry (https://www.w3.org/ns/formats/)
    w3c: str
    #: whether the format keeps named graphs apart
    datasets: bool = False
    #: other media types clients send for it (older registrations, SPARQLWrapper's, browsers')
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type of an answer in this format: every format here is UTF-8 text."""
        return f"{self.media_type}; charset=utf-8"

    @property
    def media_types(self) -> tuple[str, ...]:
        """The registered media type first, then the aliases."""
        return (self.media_type, *self.aliases)

    @property
    def oxigraph(self) -> ox.RdfFormat | ox.QueryResultsFormat:
        """The matching pyoxigraph format object."""
        import pyoxigraph as ox

        if self.kind == "rdf":
            return ox.RdfFormat.from_media_type(self.media_type)  # type: ignore[return-value]
        return ox.QueryResultsFormat.from_media_type(self.media_type)  # type: ignore[return-value]


# Turtle is a subset of N3, so a Turtle answer serves a client asking for N3. The bare JSON and XML
# types mean SPARQL results to a SELECT and JSON-LD or RDF/XML to a CONSTRUCT (both kinds list them).
FORMATS: tuple[Format, ...] = (
    Format(
        "turtle", "rdf", "text/turtle", ".ttl", "turtle", "Turtle", "Turtle",
        aliases=("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3",
                 "application/rdf+n3"),
    ),
    Format("ntriples", "rdf", "application/n-triples", ".nt", "nt", "N-Triples", "N-Triples"),
    Format("nquads", "rdf", "application/n-quads", ".nq", "nquads", "N-Quads", "N-Quads", datasets=True),
    Format("trig", "rdf", "application/trig", ".trig", "trig", "TriG", "TriG", datasets=True),
    Format(
        "jsonld", "rdf", "application/ld+json", ".jsonld", "json-ld", "JSON-LD", "JSON-LD", datasets=True,
        aliases=("application/json", "application/x-json+ld"),
    ),
    Format(
        "rdfxml", "rdf", "application/rdf+xml", ".rdf", "xml", "RDF/XML", "RDF_XML",
        aliases=("application/xml", "text/xml"),
    ),
    Format(
        "json", "results", "application/sparql-results+json", ".srj", "json", "SPARQL JSON",
        "SPARQL_Results_JSON", aliases=("application/json",),
    ),
    Format(
        "xml", "results", "application/sparql-results+xml", ".srx", "xml", "SPARQL XML",
        "SPARQL_Results_XML", aliases=("application/xml", "text/xml"),
    ),
    Format("csv", "results", "text/csv", ".csv", "csv", "CSV", "SPARQL_Results_CSV"),
    Format("tsv", "results", "text/tab-separated-values", ".tsv", "tsv", "TSV", "SPARQL_Results_TSV"),
)  # fmt: skip

#: what ``baclokg export`` writes: the RDF formats of the table, then KGX (Biolink) and SSSOM tables
EXPORT_FORMATS: tuple[str, ...] = (*(f.name for f in FORMATS if f.kind == "rdf"), "kgx", "sssom")

#: other suffixes RDF files are commonly given, and the format they mean
_ALIASES = {".json": "jsonld", ".owl": "rdfxml", ".xml": "rdfxml", ".n3": "turtle"}


def by_name(name: str) -> Format:
    """The format with this name; a :class:`~baclokg.errors.ParameterError` names the choices."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise ParameterError(f"unknown format {name!r}; choose one of {', '.join(f.name for f in FORMATS)}")


def by_media_type(media_type: str, kind: Kind | None = None) -> Format | None:
    """The format with this media type or alias (parameters such as charset ignored), if any."""
    base = media_type.split(";", 1)[0].strip().lower()
    kinds = (kind,) if kind else ("rdf", "results")
    return next((f for f in FORMATS if f.kind in kinds and base in f.media_types), None)


def by_suffix(suffix: str, kind: Kind = "rdf") -> Format | None:
    """The format of a file suffix such as ``.ttl``, if any."""
    suffix = suffix.lower()
    if kind == "rdf" and suffix in _ALIASES:
        return by_name(_ALIASES[suffix])
    return next((fmt for fmt in FORMATS if fmt.kind == kind and fmt.suffix == suffix), None)
