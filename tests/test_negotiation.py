"""Content negotiation (baclokg.service.negotiation) against RFC 9110 §12.5.1, then over HTTP.

The RFC's examples are checked as the RFC states them; its table of qualities with erratum 7138
(verified), which corrects text/html;level=3 from 0.7 to 0.3 (only text/* matches it):
https://www.rfc-editor.org/errata/eid7138
"""

from __future__ import annotations

import httpx
import pytest

from baclokg.errors import BadRequestError
from baclokg.service.negotiation import OFFERS, MediaType, Offer, negotiate, parse_accept, quality

from .conftest import Server

RFC_TABLE = (
    "text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5"
)
AUDIO = "audio/*; q=0.2, audio/basic"
TEXTS = "text/plain; q=0.5, text/html, text/x-dvi; q=0.8, text/x-c"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "media", "expected"),
    [
        # RFC 9110 §12.5.1, Table 5 (with erratum 7138)
        (RFC_TABLE, "text/plain;format=flowed", 1.0),
        (RFC_TABLE, "text/plain", 0.7),
        (RFC_TABLE, "text/html", 0.3),
        (RFC_TABLE, "image/jpeg", 0.5),
        (RFC_TABLE, "text/plain;format=fixed", 0.4),
        (RFC_TABLE, "text/html;level=3", 0.3),
        # "audio/basic is preferred, any audio type after an 80% markdown"
        (AUDIO, "audio/basic", 1.0),
        (AUDIO, "audio/mpeg", 0.2),
        (AUDIO, "video/mp4", 0.0),
        # "text/html or text/x-c, else text/x-dvi (0.8), else text/plain (0.5)"
        (TEXTS, "text/html", 1.0),
        (TEXTS, "text/x-c", 1.0),
        (TEXTS, "text/x-dvi", 0.8),
        (TEXTS, "text/plain", 0.5),
        (TEXTS, "image/png", 0.0),
        # parameters: names and a charset's value compare case-insensitively, quoted values unquoted
        ('text/plain;Charset="UTF-8"', "text/plain;charset=utf-8", 1.0),
        ("text/plain;format=Flowed", "text/plain;format=flowed", 0.0),
        ("text/plain;charset=utf-8;q=0.5", "text/plain", 0.0),
        ("text/*;q=0, */*", "text/turtle", 0.0),
        ("text/*;q=0, */*", "application/n-triples", 1.0),
        (None, "image/png", 1.0),
        ("", "image/png", 1.0),
        ("text/plain;q=0.5;ext=1, text/plain;q=0.9", "text/plain", 0.5),
    ],
)
def test_quality(accept: str | None, media: str, expected: float) -> None:
    assert quality(parse_accept(accept), MediaType.parse(media)) == expected


def _offers(*media: str) -> tuple[Offer, ...]:
    return tuple(Offer(MediaType.parse(m)) for m in media)


@pytest.mark.parametrize(
    ("accept", "offers", "expected"),
    [
        (AUDIO, ("audio/mpeg", "audio/basic"), "audio/basic"),
        (AUDIO, ("audio/mpeg",), "audio/mpeg"),
        (AUDIO, ("video/mp4",), None),
        (TEXTS, ("text/plain", "text/x-dvi", "text/x-c", "text/html"), "text/x-c"),  # a tie: server order
        (TEXTS, ("text/plain", "text/html", "text/x-c"), "text/html"),
        (TEXTS, ("text/plain", "text/x-dvi"), "text/x-dvi"),
        (RFC_TABLE, ("text/plain", "text/plain;format=flowed"), "text/plain; format=flowed"),
        (RFC_TABLE, ("image/jpeg", "text/plain"), "text/plain"),
        ("text/plain;q=0", ("text/plain",), None),
    ],
)
def test_rfc_examples_choose(accept: str, offers: tuple[str, ...], expected: str | None) -> None:
    chosen = negotiate(accept, _offers(*offers))
    assert (chosen.content_type if chosen else None) == expected


def _name(offer: Offer | None) -> str | None:
    if offer is None:
        return None
    if offer.format is not None:
        return offer.format.name
    return offer.media.subtype  # html (a page) or plain (a source text)


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
        # the two cases of issue 13: q=0 excludes, the most specific range sets the quality
        ("text/*;q=0, */*", "rdf", "ntriples"),
        ("text/*;q=0.9, text/csv;q=0.1", "results", "tsv"),
        # each kind's server order: its first offer for any type
        (None, "results", "json"),
        (None, "rdf", "turtle"),
        ("*/*", "page", "html"),
        ("*/*", "text", "plain"),
        ("text/*", "results", "csv"),
        ("application/*", "rdf", "ntriples"),
        ("text/turtle", "page", "turtle"),
        ("text/html;q=0, */*", "page", "turtle"),
        ("text/plain;q=0, */*", "text", "html"),
        ("text/plain;q=0, text/html;q=0, */*", "text", "turtle"),
        (BROWSER, "page", "html"),
        (BROWSER, "text", "html"),  # a browser opening a quote's link reads the text's HTML view
        (BROWSER, "rdf", "rdfxml"),
        # aliases count when named outright, never through a wildcard
        ("application/json", "rdf", "jsonld"),
        ("application/json", "results", "json"),
        ("application/xml", "results", "xml"),
        ("application/x-turtle", "rdf", "turtle"),
        # media-type parameters take part in matching
        ("text/plain;charset=utf-8", "text", "plain"),
        ("text/plain;charset=iso-8859-1", "text", None),
        ("text/plain;charset=iso-8859-1, text/turtle;q=0.1", "text", "turtle"),
        ("application/sparql-results+json;charset=utf-8", "results", "json"),
        ("text/turtle;charset=latin1", "rdf", None),
        # nothing acceptable: 406
        ("text/csv", "rdf", None),
        ("image/png", "page", None),
        ("application/sparql-results+json;q=0", "results", None),
    ],
)
def test_service_offers(accept: str | None, kind: str, expected: str | None) -> None:
    assert _name(negotiate(accept, OFFERS[kind])) == expected  # type: ignore[index]


@pytest.mark.parametrize(
    ("accept", "where"),
    [
        ("text/html;q=2", "element 1 ('text/html;q=2'): q must be 0 to 1"),
        ("text/html;q=0.1234", "q must be 0 to 1 with at most 3 decimals, not '0.1234'"),
        ("text/html;q=.5", "not '.5'"),
        ("text/html, *; q=.2", "element 2 ('*; q=.2'): '*' is not type/subtype"),
        ("*/html", "wildcard type with a subtype"),
        ("text/html;level", "parameter 'level' is not name=value"),
        ("text/html;a=b c", "neither a token nor a quoted string"),
        ('text/html;a="b, text/plain', "a quoted string is not closed"),
        ("text /html", "is not type/subtype"),
    ],
)
def test_bad_accept_is_400(accept: str, where: str) -> None:
    with pytest.raises(BadRequestError, match="Accept") as raised:
        parse_accept(accept)
    assert raised.value.status == 400
    assert where in str(raised.value)


def test_the_default_accept_of_java_is_read_as_it_means() -> None:
    java = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"  # HttpURLConnection's, outside the grammar
    assert _name(negotiate(java, OFFERS["results"])) == "json"
    assert _name(negotiate(java, OFFERS["page"])) == "html"


def test_empty_elements_are_ignored() -> None:
    assert [(r.type, r.subtype) for r in parse_accept(" , text/html,,\t")] == [("text", "html")]


CONSTRUCT = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 1"
SELECT = "SELECT ?s WHERE { ?s a ?t } LIMIT 1"


@pytest.mark.parametrize(
    ("path", "query", "accept", "status", "content_type"),
    [
        ("/sparql", CONSTRUCT, "text/*;q=0, */*", 200, "application/n-triples; charset=utf-8"),
        ("/sparql", SELECT, "text/*;q=0.9, text/csv;q=0.1", 200, "text/tab-separated-values; charset=utf-8"),
        ("/sparql", SELECT, "text/html;q=2", 400, "text/plain; charset=utf-8"),
        (
            "/sparql",
            SELECT,
            ["text/csv;q=0.5", "text/tab-separated-values"],
            200,
            "text/tab-separated-values",
        ),
        ("/sparql", None, "text/*;q=0, */*", 200, "application/n-triples; charset=utf-8"),
        ("/entity/baclotop", None, "*/*", 200, "text/html; charset=utf-8"),
        ("/entity/baclotop", None, "text/html;q=0, text/turtle;q=0.5", 200, "text/turtle; charset=utf-8"),
        ("/entity/baclotop", None, "image/png", 406, "text/plain; charset=utf-8"),
        ("/entity/baclotop", None, "*/html", 400, "text/plain; charset=utf-8"),
        ("/graph/monograph", None, "application/n-quads", 200, "application/n-quads; charset=utf-8"),
        ("/source/monograph.txt", None, "*/*", 200, "text/plain; charset=utf-8"),
        ("/source/monograph.txt", None, "text/plain;q=0, */*", 200, "text/html; charset=utf-8"),
        (
            "/source/monograph.txt",
            None,
            "text/plain;q=0, text/html;q=0, */*",
            200,
            "text/turtle; charset=utf-8",
        ),
        ("/source/monograph.txt", None, BROWSER, 200, "text/html; charset=utf-8"),
        ("/source/monograph.txt", None, "text/plain;charset=iso-8859-1", 406, "text/plain; charset=utf-8"),
        ("/void", None, "text/html", 406, "text/plain; charset=utf-8"),
    ],
)
def test_over_http(
    server: Server, path: str, query: str | None, accept: str | list[str], status: int, content_type: str
) -> None:
    lines = [accept] if isinstance(accept, str) else accept
    response = httpx.get(
        server.url + path,
        params={"query": query} if query else None,
        headers=[("Accept", line) for line in lines],
        timeout=30,
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(content_type)
    assert "Traceback" not in response.text
