"""The co-medication check: the reference set, rebuilt byte for byte, and one verdict per name everywhere.

The table of names is the test's data: each name with the verdict and the substance it must resolve
to, checked on both engines through the Python API, the CLI (lines and JSON) and the REST endpoint.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from baclokg.canonical import format_file
from baclokg.errors import DataError
from baclokg.kg import KnowledgeGraph
from baclokg.models import MAX_NAMES, VERDICTS
from baclokg.paths import inputs_dir, reference_set_file
from baclokg.reference_set import load_rules

from .conftest import ENGINES, Run, Server

# name -> (verdict, the CURIE it resolves to, or "" where it resolves to nothing)
TABLE: dict[str, tuple[str, str]] = {
    "oxycodone": ("interacts", "CHEBI:7852"),
    "oxycodone hydrochloride": ("interacts", "CHEBI:7852"),  # a salt, by ChEBI's name for it
    "Oxycodone HCl": ("interacts", "CHEBI:7852"),  # a salt word dropped
    "morphine": ("interacts", "CHEBI:17303"),
    "fentanyl": ("interacts", "CHEBI:119915"),
    "tramadol": ("interacts", "CHEBI:9648"),
    "codeine": ("interacts", "CHEBI:16714"),
    "lorazepam": ("interacts", "CHEBI:6539"),  # a class rule: ChEBI gives it no role
    "temazepam": ("interacts", "CHEBI:9435"),
    "diazepam": ("interacts", "CHEBI:49575"),
    "CHEBI:49575": ("interacts", "CHEBI:49575"),
    "alprazolam": ("interacts", "CHEBI:2611"),
    "midazolam": ("interacts", "CHEBI:6931"),
    "zolpidem": ("interacts", "CHEBI:10125"),
    "eszopiclone": ("interacts", "CHEBI:53760"),
    "phenobarbital": ("interacts", "CHEBI:8069"),
    "pentobarbital": ("interacts", "CHEBI:7983"),
    "quetiapine": ("interacts", "CHEBI:8707"),
    "haloperidol": ("interacts", "CHEBI:5613"),
    "diphenhydramine": ("interacts", "CHEBI:4636"),
    "promethazine": ("interacts", "CHEBI:8461"),
    "amitriptyline": ("interacts", "CHEBI:2666"),
    "trazodone": ("interacts", "CHEBI:9654"),
    "cyclobenzaprine": ("interacts", "CHEBI:3996"),
    "methocarbamol": ("interacts", "CHEBI:6832"),
    "carisoprodol": ("interacts", "CHEBI:3419"),
    "propofol": ("interacts", "CHEBI:44915"),
    "alcohol": ("interacts", "CHEBI:16236"),  # the everyday word: ethanol, never ChEBI's class of alcohols
    "Grain Alcohol": ("interacts", "CHEBI:16236"),  # a MeSH entry term
    "omeprazole": ("uncertain", "CHEBI:7772"),  # only through ChEBI's anticonvulsant role
    "gabapentin": ("uncertain", "CHEBI:42797"),
    "pregabalin": ("uncertain", "CHEBI:64356"),
    "baclofen": ("same-ingredient", "CHEBI:2972"),
    "Baclotop": ("same-ingredient", "bkge:baclotop"),  # the brand
    "Baclophen": ("same-ingredient", "CHEBI:2972"),  # a MeSH entry term
    "ibuprofen": ("no-interaction-recorded", "CHEBI:5855"),
    "acetaminophen": ("no-interaction-recorded", "CHEBI:46195"),  # MeSH's name for paracetamol
    "aspirin": ("no-interaction-recorded", "CHEBI:15365"),
    "warfarin": ("no-interaction-recorded", "CHEBI:10033"),
    "metformin": ("no-interaction-recorded", "CHEBI:6801"),
    "tizanidine": ("no-interaction-recorded", "CHEBI:63629"),
    "multiple sclerosis": ("not-a-substance", "MONDO:0005301"),  # a condition
    "spasticity": ("not-a-substance", "HP:0001257"),
    "oxycodon": ("not-known", ""),  # a misspelling
    "xyzzy": ("not-known", ""),
    "d-propoxyphene": ("ambiguous", ""),  # a MeSH entry term of two ChEBI entities
}
NAMES = list(TABLE)


def _expected(name: str) -> tuple[str, str]:
    return TABLE[name]


def test_the_table_is_large_and_covers_every_verdict() -> None:
    assert len(TABLE) >= 40
    assert set(VERDICTS) == {verdict for verdict, _ in TABLE.values()}


@pytest.mark.parametrize("engine", ENGINES)
def test_verdicts_through_the_python_api(kgs: dict[str, KnowledgeGraph], engine: str) -> None:
    checks = kgs[engine].interactions_with(NAMES)
    got = {c.name: (c.verdict, c.substance.curie if c.substance else "") for c in checks}
    assert got == TABLE


def test_paths_are_cited_step_by_step(kgs: dict[str, KnowledgeGraph]) -> None:
    (oxycodone, lorazepam, omeprazole, oxycodon, ambiguous, ibuprofen) = kgs["oxigraph"].interactions_with(
        ["oxycodone", "lorazepam", "omeprazole", "oxycodon", "d-propoxyphene", "ibuprofen"]
    )
    assert str(oxycodone.path) == "oxycodone -> opioid analgesic -> central nervous system depressant"
    assert oxycodone.path is not None
    assert all(step.sources for step in oxycodone.path.steps)
    assert [s.source_key for s in oxycodone.path.steps[1].sources] == ["FDA-DSC-2019-GABAPENTINOIDS"]
    assert {c.source_key for c in oxycodone.claims} == {"MONOGRAPH", "LABEL-PLR"}
    assert any(w.quoted for c in oxycodone.claims for w in c.words), "the monograph's words come along"
    assert lorazepam.path is not None
    assert lorazepam.path.steps[0].sources[0].words[0].quoted
    assert omeprazole.path is not None
    assert "anticonvulsant" in (omeprazole.path.uncertain_because or "")
    assert all(p.uncertain_because for p in omeprazole.paths), "never reported as interacts"
    assert "oxycodone" in oxycodon.suggestions
    assert {c.curie for c in ambiguous.candidates} == {"CHEBI:8497", "CHEBI:51173"}
    for check in (oxycodon, ibuprofen):
        assert "no evidence that the combination is safe" in check.note


def test_one_unknown_name_does_not_spoil_the_list(kg: KnowledgeGraph) -> None:
    zolpidem, unknown, ibuprofen = kg.interactions_with(["zolpidem", "no such drug", "ibuprofen"])
    assert (zolpidem.verdict, unknown.verdict, ibuprofen.verdict) == (
        "interacts",
        "not-known",
        "no-interaction-recorded",
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_verdicts_through_the_cli_lines(run_cli: Run, engine: str) -> None:
    args = [arg for name in NAMES for arg in ("--with", name)]
    done = run_cli("info", "baclofen", *args, "--engine", engine)
    assert done.returncode == 1, done.stderr  # some names are not known or ambiguous
    lines = done.stdout.splitlines()
    assert len(lines) == len(NAMES), "one line per name, never wrapped"
    for name, line in zip(NAMES, lines, strict=True):
        cells = line.split("\t")
        assert cells[:2] == [name, _expected(name)[0]]


@pytest.mark.parametrize("engine", ENGINES)
def test_verdicts_through_the_cli_json(run_cli: Run, engine: str) -> None:
    args = [arg for name in NAMES for arg in ("--with", name)]
    done = run_cli("info", "Baclotop", *args, "--engine", engine, "--format", "json")
    assert done.returncode == 1, done.stderr
    card = json.loads(done.stdout)
    assert card["label"] == "Baclotop"
    assert card["indications"], "the whole card comes with the verdicts"
    _check_objects(card["comedications"])


def _check_objects(objects: list[dict[str, object]]) -> None:
    assert [o["name"] for o in objects] == NAMES
    for item in objects:
        assert {"name", "verdict", "effect", "path", "sources"} <= set(item)
        substance = item["substance"]
        curie = substance["curie"] if isinstance(substance, dict) else ""
        assert (item["verdict"], curie) == TABLE[str(item["name"])]
        if item["verdict"] == "interacts":
            assert item["effect"]
            assert item["path"]
            assert item["sources"]


def test_cli_exit_status(run_cli: Run) -> None:
    done = run_cli("info", "baclofen", "--with", "diazepam", "--with", "ibuprofen")
    assert done.returncode == 0, done.stderr
    assert run_cli("info", "baclofen", "--with", "diazepam", "--format", "yaml").returncode == 2
    many = [arg for i in range(MAX_NAMES + 1) for arg in ("--with", f"drug{i}")]
    refused = run_cli("info", "baclofen", *many)
    assert refused.returncode == 2
    assert "at most 100" in refused.stderr


@pytest.fixture(scope="module", params=ENGINES)
def service(request: pytest.FixtureRequest) -> Iterator[Server]:
    running = Server("--workers", "1", "--http-workers", "1", "--engine", request.param)
    yield running
    running.stop()


def test_verdicts_through_the_rest_endpoint(service: Server) -> None:
    answer = httpx.get(service.url + "/api/comedications", params={"name": NAMES}, timeout=60)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["drug"]["curie"] == "CHEBI:2972"
    assert body["resolved"] is False
    _check_objects(body["comedications"])


def test_rest_endpoint_limits_and_description(service: Server) -> None:
    too_many = [f"drug{i}" for i in range(MAX_NAMES + 1)]
    assert httpx.get(service.url + "/api/comedications", params={"name": too_many}).status_code == 400
    assert httpx.get(service.url + "/api/comedications").status_code == 400
    too_long = httpx.get(service.url + "/api/comedications", params={"name": ["diazepam", "x" * 301]})
    assert too_long.status_code == 400
    assert "300 characters" in too_long.text
    product = httpx.get(service.url + "/api/comedications", params={"name": "diazepam", "drug": "Baclotop"})
    assert product.json()["comedications"][0]["verdict"] == "interacts"
    spec = httpx.get(service.url + "/api/openapi.json").json()
    operation = spec["paths"]["/comedications"]["get"]
    assert {"400", "200"} <= set(operation["responses"])


# -- the reference set --------------------------------------------------------------------------


def test_reference_set_is_rebuilt_byte_for_byte() -> None:
    assert format_file(reference_set_file()) == reference_set_file().read_text(encoding="utf-8")


def test_reference_set_sizes() -> None:
    with (inputs_dir() / "substances.tsv").open(encoding="utf-8", newline="") as handle:
        sets = Counter(row["set"] for row in csv.DictReader(handle, delimiter="\t"))
    assert sets["depressant"] >= 300
    assert sets["reference"] >= 100


def test_the_extract_matches_its_manifest() -> None:
    import hashlib

    with (inputs_dir() / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = {row["file"]: row["sha256"] for row in csv.DictReader(handle, delimiter="\t")}
    for name in ("substances.tsv", "roles.tsv"):
        digest = hashlib.sha256((inputs_dir() / name).read_bytes()).hexdigest()
        assert rows[f"graph/inputs/{name}"] == digest


BAD_RULES = {
    "not YAML": "rules: [",
    "no rules": "uncertain: {}\n",
    "role and names": "rules:\n  - {id: x, source: s, quote: q, role: CHEBI:1, names: [a]}\n",
    "neither role nor names": "rules:\n  - {id: x, source: s, quote: q}\n",
}


@pytest.mark.parametrize("text", BAD_RULES.values(), ids=BAD_RULES.keys())
def test_a_bad_rule_file_is_refused_with_its_name(tmp_path: Path, text: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"rules\.yaml"):
        load_rules(path)


def test_every_rule_quotes_a_described_source(kg: KnowledgeGraph) -> None:
    for rule in load_rules().rules:
        rows = kg.sparql("ASK { ?s a bkg:SourceSection }", {"s": kg.resolve("bkgsrc:" + rule.source)})
        assert rows.askAnswer, rule.source
