"""What the query page is given: examples that run as shown, and BacloKG's own vocabulary to complete."""

from __future__ import annotations

from pathlib import Path

import pytest

import baclokg
from baclokg.kg import KnowledgeGraph
from baclokg.queries import get
from baclokg.service.query_page import examples, vocabulary

VOCAB = "https://w3id.org/baclokg/vocab/"
EXAMPLES = examples()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_each_example_runs_as_shown(kgs: dict[str, KnowledgeGraph], example: dict[str, object]) -> None:
    """The editor's text (comments, parameters bound by VALUES) gives the rows the query promises."""
    query = get(str(example["id"]))
    text = str(example["sparql"])
    assert all(f"# Parameter ?{name} " in text for name in query.params)
    rows = list(kgs["oxigraph"].sparql(text))
    assert len(rows) >= len(query.expected or ()) > 0


def test_vocabulary_is_what_the_graph_uses_or_declares(kg: KnowledgeGraph) -> None:
    terms = vocabulary(kg)
    assert VOCAB + "DrugProduct" in terms["classes"]
    assert VOCAB + "sourceKey" in terms["properties"]
    assert "http://www.w3.org/2000/01/rdf-schema#label" in terms["properties"]
    assert terms["classes"] == sorted(terms["classes"])


def test_vocabulary_leaves_out_the_users_data(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text('<http://example.org/s> a <http://example.org/Thing> ; <http://example.org/p> "x" .\n')
    terms = vocabulary(baclokg.load([extra]))
    assert "http://example.org/p" not in terms["properties"]
    assert "http://example.org/Thing" not in terms["classes"]
    assert VOCAB + "sourceKey" in terms["properties"]
