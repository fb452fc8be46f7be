"""Every claim says what its source says: the monograph's own words by offset, statuses as stated."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

import baclokg
from baclokg.annotations import (
    TEXT_IRI,
    Span,
    check_annotations,
    load_quotes,
    locate,
    monograph_text,
)
from baclokg.canonical import format_file
from baclokg.kg import KnowledgeGraph
from baclokg.kgx import kgx_tables
from baclokg.paths import annotations_file, text_file
from baclokg.prefixes import PREFIXES

from .conftest import FIXTURES, Server

OA = Namespace(PREFIXES["oa"])
BKG = Namespace(PREFIXES["bkg"])
SPDX = Namespace(PREFIXES["spdx"])
DCAT = Namespace(PREFIXES["dcat"])
SHARED_COPY = Path(__file__).resolve().parents[2] / "shared" / "reference" / "baclotop-monograph.txt"


def _spans(kg: KnowledgeGraph) -> list[Span]:
    """The annotations as the loaded graph holds them."""
    rows = kg.graph.query(
        """SELECT ?statement ?exact ?prefix ?suffix ?start ?end WHERE {
             ?a oa:hasBody ?statement ; oa:hasTarget ?t . ?t oa:hasSource ?text ; oa:hasSelector ?q , ?p .
             ?q oa:exact ?exact . OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix }
             ?p oa:start ?start ; oa:end ?end }""",
        initNs={"oa": PREFIXES["oa"]},
    )
    return [
        Span(
            str(r.statement), str(r.exact), int(r.start), int(r.end), str(r.prefix or ""), str(r.suffix or "")
        )
        for r in rows
    ]


def test_the_shipped_text_is_the_monograph_byte_for_byte() -> None:
    if SHARED_COPY.is_file():
        assert text_file().read_bytes() == SHARED_COPY.read_bytes()
    text = monograph_text()
    graph = Graph().parse(annotations_file())
    node = URIRef(TEXT_IRI)
    checksum = graph.value(node, SPDX.checksum)
    assert (
        str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(text_file().read_bytes()).hexdigest()
    )
    assert graph.value(node, DCAT.byteSize) == Literal(
        len(text.encode("utf-8")), datatype=XSD.nonNegativeInteger
    )
    assert graph.value(node, BKG.codePointCount) == Literal(len(text), datatype=XSD.nonNegativeInteger)


def test_annotations_are_built_from_the_quote_table() -> None:
    assert annotations_file().read_text(encoding="utf-8") == format_file(annotations_file()), (
        "run `baclokg fmt`"
    )


def test_offsets_are_non_negative_integers_in_the_file() -> None:
    graph = Graph().parse(annotations_file())
    values = [o for p in (OA.start, OA.end) for o in graph.objects(None, p)]
    assert values
    assert {v.datatype for v in values} == {XSD.nonNegativeInteger}


def test_every_annotation_keeps_the_rules(kg: KnowledgeGraph) -> None:
    spans = _spans(kg)
    assert len(spans) == len(load_quotes()[0])
    assert check_annotations(monograph_text(), spans, load_quotes()[1]) == []


def test_every_monograph_statement_quotes_the_monograph(kg: KnowledgeGraph) -> None:
    statements = {
        str(s)
        for s in kg.graph.query(
            "SELECT ?s WHERE { ?s prov:wasDerivedFrom/dcterms:isPartOf bkgsrc:monograph }",
            initNs={"prov": PREFIXES["prov"], "dcterms": PREFIXES["dcterms"], "bkgsrc": PREFIXES["bkgsrc"]},
        ).bindings
        for s in s.values()
    }
    assert len(statements) >= 25
    assert statements == {s.statement for s in _spans(kg)}


def _good() -> tuple[str, list[Span], dict[str, str]]:
    text = monograph_text()
    quotes, no_claim = load_quotes()
    return text, [locate(text, q) for q in quotes], no_claim


def _shift(span: Span) -> Span:
    return replace(span, start=span.start + 1, end=span.end + 1)


def _long_prefix(span: Span) -> Span:
    return replace(span, prefix="x" * 33)


def _detached_prefix(span: Span) -> Span:
    return replace(span, prefix=span.prefix[:-1])


def _across(span: Span) -> Span:
    text = monograph_text()
    start = text.index("It functions as")
    return Span(span.statement, text[start - 20 : start + 10], start - 20, start + 10, "", "")


def _ambiguous(span: Span) -> Span:
    return replace(
        span, exact="Common side effects", end=span.start + len("Common side effects"), suffix="", prefix=""
    )


#: one broken span per rule; each must be reported
BROKEN = {
    "offsets do not give the quote": _shift,
    "prefix longer than 32 code points": _long_prefix,
    "prefix not directly before the quote": _detached_prefix,
    "span crosses a sentence boundary": _across,
    "context does not occur exactly once": _ambiguous,
}


@pytest.mark.parametrize("breaks", list(BROKEN.values()), ids=list(BROKEN))
def test_each_rule_catches_its_broken_span(breaks) -> None:  # type: ignore[no-untyped-def]
    text, spans, no_claim = _good()
    target = next(s for s in spans if s.exact == "Common side effects of Baclotop include:")
    if breaks is _across:
        target = spans[0]
    broken = [breaks(s) if s is target else s for s in spans]
    assert check_annotations(text, broken, no_claim)


def test_an_unquoted_claim_sentence_is_reported() -> None:
    text, spans, no_claim = _good()
    kept = [s for s in spans if "Kidney Function" not in s.exact]
    problems = check_annotations(text, kept, no_claim)
    assert any("Patients with impaired kidney function need dose adjustments." in p for p in problems)


def test_a_no_claim_entry_must_be_a_sentence() -> None:
    text, spans, no_claim = _good()
    problems = check_annotations(text, spans, {**no_claim, "Not in the text.": "made up"})
    assert problems == ["no-claim entry is not a sentence of the text: 'Not in the text.'"]


# -- statuses as the sources state them ---------------------------------------------------------------------

_MAY_BE = re.compile(r"may (also )?be of (some )?value", re.I)


def _expected_status(words: list[str], indications_section: bool) -> str:
    """The status rules of qc-indication-status, written once more in Python over the words (the quotes,
    or the paraphrase where BacloKG may not quote)."""
    if any("off-label" in w.lower() for w in words):
        return "OffLabelUse"
    if indications_section and any(_MAY_BE.search(w) for w in words):
        return "LabelSaysMayBeOfValue"
    if indications_section:
        return "LabelledIndication"
    return "UsedForNoApprovalStated"


def test_every_indication_status_follows_from_its_quotes(kg: KnowledgeGraph) -> None:
    words = {s.statement: [] for s in _spans(kg)}
    for s in _spans(kg):
        words[s.statement].append(s.exact)
    ns = {"bkg": PREFIXES["bkg"], "prov": PREFIXES["prov"]}
    rows = kg.graph.query(
        """SELECT ?s ?status (SAMPLE(?text) AS ?quote) (COUNT(?labelSection) AS ?label) WHERE {
             ?s a bkg:IndicationStatement ; bkg:indicationStatus ?status .
             OPTIONAL { { ?s bkg:supportingText ?text } UNION { ?s bkg:paraphrase ?text } }
             OPTIONAL { ?s prov:wasDerivedFrom ?labelSection .
                        ?labelSection bkg:sectionType bkg:IndicationsAndUsageSection } }
           GROUP BY ?s ?status""",
        initNs=ns,
    )
    seen = {}
    for row in rows:
        statement = str(row.s)
        quotes = [*words.get(statement, []), *([str(row.quote)] if row.quote else [])]
        assert quotes, f"{statement} has no words to read its status from"
        seen[statement] = str(row.status).rsplit("/", 1)[-1]
        assert seen[statement] == _expected_status(quotes, int(row.label) > 0), statement
    assert set(seen.values()) == {
        "LabelledIndication",
        "LabelSaysMayBeOfValue",
        "OffLabelUse",
        "UsedForNoApprovalStated",
    }


def test_the_status_check_catches_every_statement_of_its_fixture() -> None:
    fixture = FIXTURES / "checks" / "qc-indication-status.ttl"
    bad = {str(s) for s in Graph().parse(fixture).subjects(RDF.type, BKG.IndicationStatement)}
    for engine in ("oxigraph", "rdflib"):
        found = {
            str(r["entity"]) for r in baclokg.load([fixture], engine=engine).rows("qc-indication-status")
        }
        assert found == bad, engine


# -- the words reach the users -------------------------------------------------------------------------------


def test_kgx_supporting_text_is_the_exact_quote(kgs: dict[str, KnowledgeGraph]) -> None:
    kg = kgs["oxigraph"]
    edges = kgx_tables(kg, list(kg.named_graphs()))["edges.tsv"].decode("utf-8").splitlines()
    header = edges[0].split("\t")
    by_id = {row.split("\t")[0]: dict(zip(header, row.split("\t"), strict=True)) for row in edges[1:]}
    words = (
        "Alcohol and CNS Depressants: Concomitant use with alcohol or other CNS depressants can enhance the"
    )
    edge = by_id["bkgs:mono-interaction-alcohol"]
    assert edge["supporting_text"].startswith(words)
    label = by_id["bkgs:labeltab-indication-spasticity-sci"]
    assert label["supporting_text"] == (
        "Baclofen tablets USP may also be of some value in patients with spinal cord injuries and other"
        " spinal cord diseases."
    )
    assert label["clinical_approval_status"] == "not_provided"


def test_the_text_is_served_at_its_iri_and_spans_are_found_there(server: Server) -> None:
    path = TEXT_IRI.removeprefix("https://w3id.org/baclokg")
    response = httpx.get(server.url + path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == text_file().read_bytes()
    for span in [locate(response.text, q) for q in load_quotes()[0]]:
        assert response.text[span.start : span.end] == span.exact
    described = httpx.get(server.url + path, headers={"Accept": "text/turtle"})
    assert described.headers["content-type"].startswith("text/turtle")
    assert "codePointCount" in described.text
    annotation = httpx.get(server.url + "/annotation/mono-onset-1", headers={"Accept": "text/turtle"})
    assert annotation.status_code == 200
    assert "mono-onset" in annotation.text
