"""The named queries are data: each competency question's expected rows, each check's zero rows."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Literal, URIRef

from baclokg import ParameterError, QueryError, all_queries
from baclokg.kg import KnowledgeGraph
from baclokg.queries import get, parse_iri
from baclokg.terms import text

QUERIES = all_queries()
WITH_EXPECTED = [q for q in QUERIES if q.expected is not None]


def _multiset(rows: list[dict[str, str | None]]) -> Counter[tuple[tuple[str, str], ...]]:
    return Counter(tuple(sorted((k, v) for k, v in row.items() if v is not None)) for row in rows)


@pytest.mark.parametrize("query", WITH_EXPECTED, ids=lambda q: q.id)
def test_expected_answer(kg: KnowledgeGraph, query) -> None:  # type: ignore[no-untyped-def]
    rows = [{k: text(v) for k, v in row.items() if k not in query.params} for row in kg.rows(query.id)]
    assert _multiset(rows) == _multiset(list(query.expected)), f"{query.id} on {kg.engine}"


#: a query expected to answer nothing (every check) is compared with that on both engines already
COMPARED = [q for q in QUERIES if q.expected != ()]


@pytest.mark.parametrize("query", COMPARED, ids=lambda q: q.id)
def test_same_answer_on_both_engines(kgs: dict[str, KnowledgeGraph], query) -> None:  # type: ignore[no-untyped-def]
    answers = [
        _multiset([{k: text(v) for k, v in r.items()} for r in kg.rows(query.id)]) for kg in kgs.values()
    ]
    assert answers[0] == answers[1]


def test_every_competency_question_has_a_query() -> None:
    numbers = {q.id.split("-")[1] for q in QUERIES if q.kind == "competency"}
    assert {f"{n:02d}" for n in range(1, 14)} <= numbers


@pytest.mark.parametrize("query", [q for q in QUERIES if q.kind == "competency"], ids=lambda q: q.id)
def test_competency_queries_are_documented_and_cited(query) -> None:  # type: ignore[no-untyped-def]
    assert query.title
    assert query.question
    assert query.expected
    if query.id != "cq-14-identifiers":
        assert all(row.get("sourceLabel") for row in query.expected), "every answer names its source"


def test_unknown_query_suggests_names() -> None:
    with pytest.raises(LookupError, match="closest matches: cq-05-adverse-effects"):
        get("adverse-effects")


def test_unique_prefix_finds_query() -> None:
    assert get("cq-05").id == "cq-05-adverse-effects"


@pytest.mark.parametrize(
    "value",
    [
        "<http://example.org/x> } UNION { ?s ?p ?o",
        "http://example.org/a b",
        'http://example.org/"quoted"',
        "http://example.org/{brace}",
        "not an iri",
    ],
)
def test_parameter_injection_is_refused(kg: KnowledgeGraph, value: str) -> None:
    with pytest.raises((ParameterError, LookupError)):
        kg.rows("cq-05-adverse-effects", drug=value)


def test_parameters_are_terms_not_text(kg: KnowledgeGraph) -> None:
    # Text that looks like SPARQL is looked up as a name (and not found), never spliced into the query.
    with pytest.raises(LookupError, match="not found"):
        kg.rows("cq-05-adverse-effects", drug='x" } ?s ?p ?o {')
    with pytest.raises(ParameterError, match="needs an IRI"):
        kg.rows("cq-05-adverse-effects", drug=Literal("baclofen"))
    assert len(kg.rows("cq-05-adverse-effects")) == len(get("cq-05").expected or ())


def test_parameter_by_name_and_curie(kg: KnowledgeGraph) -> None:
    by_name = kg.rows("cq-06-co-medication", comedication="diazepam")
    by_curie = kg.rows("cq-06-co-medication", comedication="CHEBI:49575")
    assert by_name == by_curie
    assert by_name


def test_a_uriref_is_checked_too(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="not a valid IRI"):
        kg.rows("cq-05-adverse-effects", drug=URIRef("http://example.org/x> } ?s ?p ?o {"))


def test_unknown_parameter(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="no parameter"):
        kg.query("cq-05-adverse-effects", dose="5")


def test_parse_iri() -> None:
    assert parse_iri("<http://example.org/a>") == URIRef("http://example.org/a")
    with pytest.raises(ParameterError):
        parse_iri("nope thing")


def test_invalid_sparql_names_position(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"(?i)line|col|\d+:\d+"):
        kg.sparql("SELECT * WHERE { ?s ?p }")


def test_a_parsed_query_keeps_no_parameters(kgs: dict[str, KnowledgeGraph]) -> None:
    """The rdflib engine parses a text once; the terms of one call must not reach the next call's answer."""
    names = ("diazepam", "ethanol", "ibuprofen", "diazepam")
    answers = {
        engine: [kg.rows("cq-06-co-medication", comedication=n) for n in names] for engine, kg in kgs.items()
    }
    assert answers["rdflib"][0] == answers["rdflib"][3]
    assert answers["rdflib"][0] != answers["rdflib"][1]
    for got, expected in zip(answers["rdflib"], answers["oxigraph"], strict=True):
        assert sorted(map(str, got)) == sorted(map(str, expected))
