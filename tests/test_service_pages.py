"""Content negotiation, descriptions, entity pages, the REST API and CORS, on a real server."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser

import httpx
import pytest
from rdflib import Dataset, Graph

from .conftest import Server

SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/baclokg/vocab/DrugProduct> }"
CONSTRUCT = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 1"


@pytest.mark.parametrize(
    ("query", "accept", "status", "media"),
    [
        (SELECT, None, 200, "application/sparql-results+json"),
        (SELECT, "text/csv;q=0.5, application/sparql-results+xml", 200, "application/sparql-results+xml"),
        (SELECT, "application/sparql-results+xml;q=0.2, text/csv;q=0.9", 200, "text/csv"),
        (SELECT, "text/tab-separated-values", 200, "text/tab-separated-values"),
        (SELECT, "text/turtle", 406, None),
        (SELECT, "application/sparql-results+json;q=0, */*;q=0.1", 200, "application/sparql-results+xml"),
        (SELECT, "application/sparql-results+json;q=0", 406, None),
        (CONSTRUCT, None, 200, "text/turtle"),
        (CONSTRUCT, "text/csv", 406, None),
        (CONSTRUCT, "application/n-triples", 200, "application/n-triples"),
        (CONSTRUCT, "application/ld+json", 200, "application/ld+json"),
        (CONSTRUCT, "application/rdf+xml", 200, "application/rdf+xml"),
        (CONSTRUCT, "application/trig", 200, "application/trig"),
        (CONSTRUCT, "application/n-quads", 200, "application/n-quads"),
        (CONSTRUCT, "image/png", 406, None),
    ],
)
def test_content_negotiation(
    server: Server, query: str, accept: str | None, status: int, media: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(server.url + "/sparql", params={"query": query}, headers=headers, timeout=30)
    assert response.status_code == status, response.text
    if media:
        assert response.headers["content-type"].split(";")[0] == media


def test_service_description(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = {str(o) for _, p, o in graph if str(p) == sd + "endpoint"}
    assert endpoints == {server.url + "/sparql"}
    formats = {str(o) for _, p, o in graph if str(p) == sd + "resultFormat"}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats


def test_void(server: Server) -> None:
    graph = Graph().parse(data=httpx.get(server.url + "/void").text, format="turtle")
    assert any(str(p) == "http://rdfs.org/ns/void#sparqlEndpoint" for _, p, _ in graph)


def test_cors_is_open_for_reads(server: Server) -> None:
    response = httpx.get(
        server.url + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = httpx.options(
        server.url + "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200


def test_drug_page_html(server: Server) -> None:
    response = httpx.get(server.url + "/entity/baclotop", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for text in ("Baclotop", "GABA-B receptor", "Indications", "<svg", "Baclotop monograph"):
        assert text in response.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
        ("text/html;q=0, */*", "turtle"),  # a client that refuses the page gets the first RDF format
    ],
)
def test_minted_iris_dereference_as_rdf(server: Server, accept: str | None, fmt: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(server.url + "/statement/mono-onset", headers=headers)
    assert response.status_code == 200
    graph = Dataset().parse(data=response.text, format=fmt)
    assert len(list(graph.quads((None, None, None, None)))) > 3


@pytest.mark.parametrize(
    "path",
    [
        "/vocab/IndicationStatement",
        "/source/monograph",
        "/graph/monograph",
        "/ontology",
        "/entity/gaba-b-receptor",
    ],
)
def test_other_minted_iris_have_pages(server: Server, path: str) -> None:
    assert httpx.get(server.url + path, headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/entity/unknown-thing",
        "/entity/..%2F..%2Fetc%2Fpasswd",
        "/static/../pages.py",
        "/nothing/here",
        "/page?iri=http://example.org/unknown",
    ],
)
def test_unknown_and_traversal_paths_are_404(server: Server, path: str) -> None:
    response = httpx.get(server.url + path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "root:" not in response.text


def test_external_iri_page(server: Server) -> None:
    response = httpx.get(
        server.url + "/page",
        params={"iri": "http://purl.obolibrary.org/obo/CHEBI_2972"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200
    assert "baclofen" in response.text


def test_rest_api(server: Server) -> None:
    listed = httpx.get(server.url + "/api/queries").json()
    assert "cq-06-co-medication" in {q["id"] for q in listed}
    rows = httpx.get(
        server.url + "/api/queries/cq-06-co-medication", params={"comedication": "zolpidem"}
    ).json()
    assert rows["rows"]
    assert all(r["via"] == "CHEBI:35488" for r in rows["rows"])
    bad = httpx.get(server.url + "/api/queries/cq-06-co-medication", params={"comedication": "<http://a b>"})
    assert bad.status_code == 400
    unknown = httpx.get(
        server.url + "/api/queries/cq-06-co-medication", params={"comedication": "nosuchdrug"}
    )
    assert unknown.status_code == 404
    spec = httpx.get(server.url + "/api/openapi.json").json()
    assert "/queries/cq-06-co-medication" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/queries/cq-06-co-medication"]["get"]["parameters"]}
    assert params == {"drug", "comedication"}


def test_index_page_lists_examples_without_external_scripts(server: Server) -> None:
    page = httpx.get(server.url + "/").text
    assert "cq-01-ingredient-and-brands" in page
    assert "http://" not in page.split("<script", 1)[1].split(">", 1)[0]
    data = page.split('id="example-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert len(json.loads(data)) >= 13


def test_rdflib_engine_serves_too() -> None:
    from .conftest import Server as Serve

    running = Serve("--workers", "1", "--engine", "rdflib")
    try:
        select = httpx.get(running.url + "/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"})
        assert select.text.splitlines() == ["s", "https://w3id.org/baclokg/entity/baclotop"]
        graph = httpx.get(
            running.url + "/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/turtle"}
        )
        assert len(Graph().parse(data=graph.text, format="turtle")) == 1
    finally:
        running.stop()


@pytest.mark.parametrize("path", ["/entity/baclotop", "/ontology", "/void", "/page?iri=CHEBI:2972"])
def test_an_unknown_format_name_is_refused(server: Server, path: str) -> None:
    response = httpx.get(server.url + path, params={"format": "nonsense"})
    assert response.status_code == 400
    assert "turtle" in response.text


def test_the_whole_service_is_described_in_openapi(server: Server) -> None:
    document = httpx.get(server.url + "/openapi.json").json()
    assert {"/sparql", "/page", "/entity/{slug}", "/api/queries"} <= set(document["paths"])
    assert set(document["paths"]["/sparql"]) == {"get", "post"}


class _Tables(HTMLParser):
    """The tables of a page by the heading above them: each row's cells as text, with the links in them.

    A cell's text leaves out what it holds in a <details> block (the sources' words, shown on demand).
    """

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[tuple[str, str]] = []  # (quote, link) of every quote's "see it in the text"
        self._heading: str | None = None
        self._title = ""
        self._cell: list[str] | None = None
        self._details = 0
        self._quote: list[str] | None = None
        self._last_quote = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._heading, self._title = "", ""
        elif tag == "tr":
            self.tables.setdefault(self._title, []).append([])
        elif tag == "td":
            self._cell = []
        elif tag == "details":
            self._details += 1
        elif tag == "blockquote":
            self._quote = []
        elif tag == "a" and "view=html" in (href := dict(attrs).get("href") or ""):
            self.links.append((self._last_quote, href))

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            self._title, self._heading = self._heading, None
        elif tag == "td" and self._cell is not None:
            self.tables[self._title][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "details":
            self._details -= 1
        elif tag == "blockquote" and self._quote is not None:
            self._last_quote, self._quote = "".join(self._quote), None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading += data
        if self._quote is not None:
            self._quote.append(data)
        if self._cell is not None and not self._details:
            self._cell.append(data)


@pytest.fixture(scope="module")
def drug_page(server: Server) -> tuple[str, _Tables]:
    """Baclotop's page (fetched once for this module's tests) and its tables."""
    response = httpx.get(server.url + "/entity/baclotop", headers={"Accept": "text/html"})
    assert response.status_code == 200
    tables = _Tables()
    tables.feed(response.text)
    return response.text, tables


@pytest.mark.parametrize(
    ("section", "claim", "sources"),
    [
        ("Indications", ["Spasticity", "multiple sclerosis", "labelled indication"], ["Ozobax", "US tablet"]),
        ("Indications", ["Spasticity", "multiple sclerosis", "used for (no approval stated)"], ["monograph"]),
        ("Classes and roles", ["muscle relaxant"], ["ChEBI", "monograph"]),
        ("Interactions", ["ethanol", "additive CNS depression (enhanced sedation)"], ["Ozobax", "monograph"]),
    ],
)
def test_drug_page_has_one_row_per_claim(
    drug_page: tuple[str, _Tables], section: str, claim: list[str], sources: list[str]
) -> None:
    _, tables = drug_page
    rows = [row for row in tables.tables[section] if row[: len(claim)] == claim]
    assert len(rows) == 1, rows
    assert all(source in rows[0][-1] for source in sources), rows[0]


def test_drug_page_keeps_claims_that_differ_apart(drug_page: tuple[str, _Tables]) -> None:
    _, tables = drug_page
    statuses = [
        row[2] for row in tables.tables["Indications"] if row[:2] == ["Spasticity", "multiple sclerosis"]
    ]
    assert sorted(statuses) == ["labelled indication", "used for (no approval stated)"]
    cited = ("Classes and roles", "Indications", "Adverse effects", "Interactions", "Precautions", "Dosing")
    every = [(title, *row[:-1]) for title in cited for row in tables.tables[title] if row]
    assert len(every) == len(set(every)), "a claim shows once, whatever the number of its sources"


def test_every_quote_link_names_its_own_words_in_the_text(
    server: Server, drug_page: tuple[str, _Tables]
) -> None:
    page, tables = drug_page
    assert "<summary>source's words</summary>" in page
    assert len(tables.links) >= 10
    text = httpx.get(server.url + "/source/monograph.txt").text
    for quote, link in tables.links:
        path, fragment = link.split("#")
        assert path == "/source/monograph.txt?view=html"
        start, end = map(int, fragment.removeprefix("char=").split(","))
        assert text[start:end] == html.unescape(quote), link
    view = httpx.get(server.url + "/source/monograph.txt", params={"view": "html"})
    assert view.status_code == 200
    assert view.headers["content-type"].startswith("text/html")
    assert '<script src="/static/text.js"></script>' in view.text
    assert "<mark" not in view.text


def test_the_text_stays_text_plain(server: Server) -> None:
    response = httpx.get(server.url + "/source/monograph.txt")
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith(httpx.get(server.url + "/source/monograph.txt").text[:20])


@pytest.mark.parametrize(("start", "end"), [(0, 8), (100, 160)])
def test_text_view_marks_the_span_without_script(server: Server, start: int, end: int) -> None:
    text = httpx.get(server.url + "/source/monograph.txt").text
    view = httpx.get(server.url + "/source/monograph.txt", params={"view": "html", "char": f"{start},{end}"})
    assert view.status_code == 200
    assert f'<mark id="span">{html.escape(text[start:end])}</mark>' in view.text
    assert f"characters {start} to {end}" in view.text


@pytest.mark.parametrize("span", ["9,3", "0,999999", "a,b", "5", "-1,3", "", " 3,5"])
def test_text_view_refuses_a_bad_span(server: Server, span: str) -> None:
    view = httpx.get(server.url + "/source/monograph.txt", params={"view": "html", "char": span})
    assert view.status_code == 400
    assert f"char={span}: give START,END" in view.text


@pytest.mark.parametrize("view", ["AAA", "HTML", ""])
def test_an_unknown_view_is_refused(server: Server, view: str) -> None:
    response = httpx.get(server.url + "/source/monograph.txt", params={"view": view})
    assert response.status_code == 400
    assert "the one view is view=html" in response.text


def test_view_html_is_only_for_texts(server: Server) -> None:
    response = httpx.get(
        server.url + "/entity/baclotop", params={"view": "html"}, headers={"Accept": "text/html"}
    )
    assert "source-text" not in response.text
    assert "Co-medication check" in response.text


def test_drug_page_has_the_comedication_box(server: Server, drug_page: tuple[str, _Tables]) -> None:
    page, _ = drug_page
    assert 'data-drug="https://w3id.org/baclokg/entity/baclotop"' in page
    assert '<script src="/static/drug.js"></script>' in page
    assert "<script>" not in page, "no inline script (a Content-Security-Policy of 'self' is coming)"
    for name in ("drug.js", "text.js"):
        script = httpx.get(server.url + "/static/" + name)
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
    statement = httpx.get(server.url + "/statement/mono-onset", headers={"Accept": "text/html"}).text
    assert "comedication" not in statement, "the box is on drug pages only"


def test_the_text_view_is_described_in_openapi(server: Server) -> None:
    paths = httpx.get(server.url + "/openapi.json").json()["paths"]
    names = {p["name"] for p in paths["/source/{slug}"]["get"]["parameters"]}
    assert {"view", "char"} <= names
    assert not {"view", "char"} & {p["name"] for p in paths["/entity/{slug}"]["get"]["parameters"]}
