"""``baclokg validate``: the bundled graph passes; each quality check catches its negative fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

import baclokg
from baclokg.queries import all_queries
from baclokg.validate import check_owl_rl, check_queries

from .conftest import FIXTURES, Run

CHECKS = [q for q in all_queries() if q.kind == "check"]
CHECK_FIXTURES = FIXTURES / "checks"


def test_every_check_has_a_negative_fixture() -> None:
    fixtures = {p.stem for p in CHECK_FIXTURES.iterdir()}
    assert [q.id for q in CHECKS if q.id not in fixtures] == []


@pytest.mark.parametrize("check", CHECKS, ids=lambda q: q.id)
def test_check_finds_its_fixture(check) -> None:  # type: ignore[no-untyped-def]
    fixture = next(CHECK_FIXTURES.glob(check.id + ".*"))
    kg = baclokg.load([fixture])
    assert kg.rows(check.id), f"{check.id} does not catch {fixture.name}"


def test_bundled_graph_passes_every_check(kgs: dict[str, baclokg.KnowledgeGraph]) -> None:
    # on one engine: each check's zero rows on both engines is already its expected answer (test_queries)
    assert check_queries(kgs["oxigraph"]) == []


def test_owl_rl_finds_inconsistency(tmp_path: Path) -> None:
    bad = tmp_path / "inconsistent.ttl"
    bad.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix CHEBI: <http://purl.obolibrary.org/obo/CHEBI_> .\n"
        "CHEBI:2972 owl:differentFrom CHEBI:2972 .\n"
    )
    # the ontology and the bad triple alone: the closure of the whole graph is computed once, by the CLI
    # test below (a second time here would cost about 30 s since the import modules)
    from rdflib import Graph

    from baclokg.paths import ontology_dir

    data = Graph().parse(ontology_dir() / "baclokg.ttl").parse(bad)
    assert check_owl_rl(data)


def test_cli_validate_passes(run_cli: Run) -> None:
    """``baclokg validate`` as a user runs it: the shapes, every quality check and the OWL RL closure of
    the whole graph (the one place the suite computes that closure: about 30 s)."""
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_cli_validate_reports_violations(run_cli: Run) -> None:
    result = run_cli("validate", "--no-owl-rl", str(CHECK_FIXTURES / "qc-statement-without-source.ttl"))
    assert result.returncode == 1
    assert "qc-statement-without-source" in result.stdout
    assert "shape bkgsh:StatementShape" in result.stdout
    assert "Traceback" not in result.stderr
