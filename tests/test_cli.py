"""The ``baclokg`` command, run in a new process as a user runs it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from baclokg.paths import data_root

from .conftest import Run


def _digest() -> str:
    root = data_root()
    digest = hashlib.sha256()
    for path in sorted(
        p for folder in ("ontology", "graph", "queries") for p in (root / folder).rglob("*") if p.is_file()
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_info_prints_the_card(run_cli: Run) -> None:
    result = run_cli("info", "Baclotop", "--with", "diazepam", "--format", "table", columns=300)
    assert result.returncode == 0, result.stderr
    for text in (
        "Baclotop",
        "baclofen",
        "GABA-B receptor",
        "chronic hiccup",
        "80 mg/day",
        "FDAcategoryC",
        "\u201cBaclotop is classified as a Category C drug for pregnancy.\u201d",
        "sedative",
    ):
        assert text in result.stdout


def test_queries_lists_every_query(run_cli: Run) -> None:
    result = run_cli("queries")
    assert result.returncode == 0
    assert "cq-01-ingredient-and-brands" in result.stdout
    assert "qc-blank-node" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table"])
def test_query_formats(run_cli: Run, fmt: str) -> None:
    result = run_cli(
        "query", "cq-06-co-medication", "--param", "comedication=diazepam", "--format", fmt, columns=400
    )
    assert result.returncode == 0, result.stderr
    assert any(form in result.stdout for form in ("CHEBI_35488", "CHEBI:35488"))


def test_query_json_is_sparql_results(run_cli: Run) -> None:
    result = run_cli("query", "cq-10-onset", "--format", "json")
    data = json.loads(result.stdout)
    assert data["results"]["bindings"][0]["firstEffect"]["value"] == "within a few days"


def test_pipe_gets_tsv(run_cli: Run) -> None:
    result = run_cli("query", "cq-01")
    assert result.stdout.startswith("?drug\t")


def test_csv_parses(run_cli: Run) -> None:
    result = run_cli("query", "cq-05-adverse-effects", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 16


def test_sparql_text_and_ask(run_cli: Run) -> None:
    result = run_cli("query", "--sparql", "ASK { CHEBI:2972 RO:0018027 ?target }", "--format", "json")
    assert json.loads(result.stdout)["boolean"] is True


def test_query_from_file(run_cli: Run, tmp_path: Path) -> None:
    query = tmp_path / "mine.rq"
    query.write_text("SELECT ?label WHERE { CHEBI:2972 rdfs:label ?label }")
    result = run_cli("query", str(query), "--format", "csv")
    assert result.stdout.splitlines() == ["label", "baclofen"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["info", "baclofn"], "closest matches: baclofen"),
        (["query", "--sparql", "SELECT * WHERE { ?s ?p }"], "invalid SPARQL"),
        (["query", "no-such-query"], "named query not found"),
        (["query", "cq-05", "--param", "drug"], "KEY=VALUE"),
        (["query", "cq-05", "--param", "drug=<http://e/a b>"], "not a valid IRI"),
        (["query", "cq-05", "--param", "dose=1"], "no parameter"),
        (["info", "Baclotop", "--data", "/nonexistent/file.ttl"], "no such file"),
    ],
)
def test_bad_input_gives_one_clear_line(run_cli: Run, args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_malformed_extra_file_names_line(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/a> <http://e/b> .\n")
    result = run_cli("query", "cq-01", "--data", str(bad))
    assert result.returncode == 2
    assert f"{bad}:1" in result.stderr


def test_commands_leave_bundled_data_unchanged(run_cli: Run) -> None:
    before = _digest()
    for args in (["info", "baclofen"], ["query", "cq-01"], ["validate", "--no-owl-rl"], ["fmt", "--check"]):
        assert run_cli(*args).returncode == 0
    assert _digest() == before
