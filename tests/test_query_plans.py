"""Oxigraph runs every named query about one drug from its parameter, row by row: its plan holds no group
matched over the whole graph and joined on a variable afterwards (an OPTIONAL or UNION planned apart).

The plan comes from the `oxigraph` CLI (the same engine as pyoxigraph, which shows no plan) with
``--explain-file``. Oxigraph plans from fixed size estimates, not from the data, so an empty store shows the
plan a store of any size gets: the figures of ``python -m bench.drugs`` at 1M triples are the measure, this
test is the early warning (queries/README.md has the rules it enforces).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from baclokg.queries import NamedQuery, all_queries, bind_values, get
from bench.drugs import ABOUT
from bench.mix import wire_text
from reliability.servers import OXIGRAPH_CLI

from .conftest import FIXTURES

#: a hash join or hash OPTIONAL keyed on a variable: one side was matched without the other's bindings
APART = re.compile(r"^(LeftJoin\(HashBuildRightProbeLeft|Join\(HashBuildLeftProbeRight), keys = \?")
#: queries that still match an OPTIONAL apart, and why they are not rewritten yet (strict: a rewrite that
#: fixes one makes this test fail until it leaves this table)
KNOWN: dict[str, str] = {}
PER_DRUG = [q for q in all_queries() if any(name in q.params for name in ABOUT)]
BEFORE = sorted((FIXTURES / "plans").glob("*.rq"))


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not OXIGRAPH_CLI.exists():
        pytest.fail("the oxigraph CLI is missing: `make test` installs it with the test extras")
    folder = tmp_path_factory.mktemp("plans") / "store"
    ox.Store(str(folder)).flush()
    return folder


def _apart(store: Path, text: str, folder: Path) -> list[str]:
    """The names of the plan's nodes that match a group apart."""
    query, plan = folder / "query.rq", folder / "plan.json"
    query.write_text(text, encoding="utf-8")
    subprocess.run(
        [OXIGRAPH_CLI, "query", "--location", store, "--query-file", query, "--results-format", "tsv",
         "--explain-file", plan],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    names: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        names.append(node["name"])
        for child in node.get("children", []):
            walk(child)

    walk(json.loads(plan.read_text(encoding="utf-8"))["plan"])
    return [name for name in names if APART.match(name)]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(q, marks=pytest.mark.xfail(reason=KNOWN[q.id], strict=True)) if q.id in KNOWN else q
        for q in PER_DRUG
    ],
    ids=[q.id for q in PER_DRUG],
)
def test_a_query_about_one_drug_runs_from_it(query: NamedQuery, empty_store: Path, tmp_path: Path) -> None:
    assert _apart(empty_store, wire_text(query), tmp_path) == []


@pytest.mark.parametrize("path", BEFORE, ids=[p.stem for p in BEFORE])
def test_the_earlier_forms_are_caught(path: Path, empty_store: Path, tmp_path: Path) -> None:
    query = get(path.stem)
    text = bind_values(path.read_text(encoding="utf-8"), query.bindings())
    assert _apart(empty_store, text, tmp_path) != []
