"""HTML pages for people: the query page and a page for every resource, with its neighbourhood drawn."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from html import escape

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from ..errors import NotFoundError
from ..formats import by_name
from ..kg import KnowledgeGraph
from ..prefixes import BASE, PREFIXES, compact
from . import query_page
from .drug_page import card_html, comedication_box, words_html
from .links import href
from .text_page import text_body

__all__ = ["graph_page", "href", "index_page", "resource_page", "source_text_page"]

#: the formats a named graph's page and a resource's page link to (a choice of this page, not format facts)
_GRAPH_DOWNLOADS = ("turtle", "ntriples", "jsonld", "rdfxml")
_RESOURCE_DOWNLOADS = ("turtle", "jsonld")
_DRUG_TYPES = {URIRef(BASE + "vocab/DrugIngredient"), URIRef(BASE + "vocab/DrugProduct")}


def _layout(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)} · BacloKG</title><link rel="stylesheet" href="/static/style.css"></head>'
        '<body><header><a href="/">BacloKG</a> '
        "<span>the Baclotop (baclofen) monograph as a knowledge graph</span>"
        "</header><main>" + body + "</main></body></html>\n"
    )


def _json_block(name: str, data: object) -> str:
    """Data for the page's script as a JSON block: not executed, so the CSP (no inline scripts) allows it."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script id="{name}" type="application/json">{text}</script>'


def index_page(vocabulary: Mapping[str, list[str]]) -> str:
    """The query page: YASGUI (vendored, see ``static/yasgui/VENDOR.md``) set up by ``static/app.js``.

    ``vocabulary`` holds the class and property IRIs the editor completes (:func:`.query_page.vocabulary`).
    """
    examples = query_page.examples()
    options = "".join(
        f'<option value="{escape(q["id"])}">{escape(q["id"])}: {escape(q["title"])}</option>'
        for q in examples
    )
    body = (
        "<h1>Ask the knowledge graph</h1>"
        "<p>SPARQL 1.1 over the union of BacloKG's named graphs. Pick a competency question (it opens in a "
        "tab of its own, its parameters bound to their defaults) or write your own query: the editor "
        "completes BacloKG's prefixes, classes and properties as you type (Ctrl-Space for more).</p>"
        '<div class="examples"><label>Example <select id="examples">'
        f'<option value="">choose a competency question\u2026</option>{options}</select></label>'
        '<p id="question"></p><ul id="params"></ul></div>'
        '<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">'
        '<div id="yasgui"></div>'
        '<p id="downloads"></p>'
        + _json_block("example-data", examples)
        + _json_block("vocabulary-data", {k: list(v) for k, v in vocabulary.items()})
        + _json_block("prefix-data", PREFIXES)
        + _json_block("format-data", query_page.download_formats())
        + '<script src="/static/yasgui/yasgui.min.js"></script><script src="/static/app.js"></script>'
    )
    return _layout("Query", body)


def graph_page(iri: URIRef, triples: int) -> str:
    """The page of a named graph: its size and its content in each RDF format."""
    name = str(iri).rsplit("/", 1)[-1]
    links = " · ".join(
        f'<a href="/graph/{escape(name)}?format={fmt.name}">{fmt.title}</a>'
        for fmt in map(by_name, _GRAPH_DOWNLOADS)
    )
    body = (
        f'<h1>Named graph {escape(name)}</h1><p class="iri">{escape(str(iri))}</p>'
        f"<p>{triples} triples. Query it with <code>GRAPH &lt;{escape(str(iri))}&gt; {{ ... }}</code> or "
        f"<code>FROM &lt;{escape(str(iri))}&gt;</code>.</p><p>Download: {links}</p>"
    )
    return _layout(f"graph {name}", body)


def _cell(value: object) -> str:
    if isinstance(value, URIRef):
        return f'<a href="{escape(href(str(value)))}">{escape(compact(str(value)))}</a>'
    return escape(str(value))


def _label(kg: KnowledgeGraph, node: object) -> str:
    if isinstance(node, URIRef):
        label = kg.graph.value(node, RDFS.label)
        return str(label) if label is not None else compact(str(node))
    return str(node)


def neighbourhood_svg(kg: KnowledgeGraph, iri: URIRef, limit: int = 24) -> str:
    """An SVG drawing of the resource and the resources it links to or is linked from."""
    neighbours: dict[URIRef, str] = {}
    for predicate, obj in sorted(kg.graph.predicate_objects(iri)):
        if isinstance(obj, URIRef) and predicate != RDF.type and obj not in neighbours:
            neighbours[obj] = _label(kg, predicate)
    for subject, predicate in sorted(kg.graph.subject_predicates(iri)):
        if isinstance(subject, URIRef) and subject not in neighbours:
            neighbours[subject] = "← " + _label(kg, predicate)
    items = list(neighbours.items())[:limit]
    size, radius = 640, 220
    centre = size / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="graph" '
        f'role="img" aria-label="neighbourhood of {escape(_label(kg, iri))}">'
    ]
    for index, (node, edge) in enumerate(items):
        angle = 2 * math.pi * index / max(1, len(items))
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        parts.append(f'<line x1="{centre:.0f}" y1="{centre:.0f}" x2="{x:.0f}" y2="{y:.0f}"/>')
        parts.append(
            f'<text class="edge" x="{(centre + x) / 2:.0f}" y="{(centre + y) / 2:.0f}">{escape(edge)}</text>'
        )
        parts.append(
            f'<a href="{escape(href(str(node)))}"><circle cx="{x:.0f}" cy="{y:.0f}" r="6"/>'
            f'<text x="{x:.0f}" y="{y - 10:.0f}">{escape(_label(kg, node)[:40])}</text></a>'
        )
    parts.append(
        f'<circle class="centre" cx="{centre:.0f}" cy="{centre:.0f}" r="10"/>'
        f'<text x="{centre:.0f}" y="{centre - 16:.0f}">{escape(_label(kg, iri)[:40])}</text></svg>'
    )
    return "".join(parts)


def resource_page(kg: KnowledgeGraph, iri: URIRef) -> str | None:
    """The HTML page of a resource (the drug card for a drug), or None if the graph knows nothing of it."""
    outgoing = sorted(kg.graph.predicate_objects(iri))
    incoming = sorted(kg.graph.subject_predicates(iri))
    if not outgoing and not incoming:
        return None
    title = _label(kg, iri)
    body = [f'<h1>{escape(title)}</h1><p class="iri">{escape(str(iri))}</p>']
    types = set(kg.graph.objects(iri, RDF.type))
    if types & _DRUG_TYPES:
        try:
            drug = kg.drug(str(iri))
        except NotFoundError:
            drug = None
        if drug is not None:  # one row per claim, the sources' words on demand, then the co-medication box
            body.append(card_html(drug) + comedication_box(drug))
    words = kg.statement_words().get(str(iri), ())
    if words:
        body.append("<h2>In the source's words</h2>" + "".join(map(words_html, words)))
    body.append("<h2>Neighbourhood</h2>" + neighbourhood_svg(kg, iri))
    rows = "".join(f"<tr><td>{_cell(p)}</td><td>{_cell(o)}</td></tr>" for p, o in outgoing)
    body.append(
        f"<h2>Statements about it</h2><table><thead><tr><th>property</th><th>value</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    if incoming:
        rows = "".join(f"<tr><td>{_cell(s)}</td><td>{_cell(p)}</td></tr>" for s, p in incoming)
        body.append(
            f"<h2>Linked from</h2><table><thead><tr><th>resource</th><th>property</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    links = " · ".join(
        f'<a href="{escape(href(str(iri)))}{"&" if "?" in href(str(iri)) else "?"}format={fmt.name}">'
        f"{fmt.title}</a>"
        for fmt in map(by_name, _RESOURCE_DOWNLOADS)
    )
    body.append(f"<p>This resource as RDF: {links}</p>")
    return _layout(title, "".join(body))


def source_text_page(iri: str, text: str, span: tuple[int, int] | None = None) -> str:
    """The HTML view of a source text BacloKG ships, ``span`` (code points) marked (see :mod:`.text_page`)."""
    name = iri.rsplit("/", 1)[-1]
    body = f'<h1>The text {escape(name)}</h1><p class="iri">{escape(iri)}</p>' + text_body(
        text, href(iri), span
    )
    return _layout(f"text {name}", body)
