"""Exports: byte-identical across runs and hash seeds, and lossless when parsed back by rdflib,
pyoxigraph and independent parsers (raptor's rapper, pyld); KGX checked against the Biolink Model."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

import baclokg
from baclokg.export import EXPORT_FORMATS, export, export_bytes
from baclokg.kgx import EDGE_COLUMNS, NODE_COLUMNS
from baclokg.store import bundled_graphs
from baclokg.terms import plain

RDF_FORMATS = ["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]
TRIPLES = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}
QUADS = {"nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}
OX = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


@cache
def _kg() -> baclokg.KnowledgeGraph:
    return baclokg.load()


@cache
def _source() -> dict[str, Graph]:
    """The bundled graphs as rdflib reads their files (the engine-independent source of truth)."""
    graphs = {}
    rdflib_kg = baclokg.load(engine="rdflib")
    for named in bundled_graphs():
        graph = Graph()
        graph += ((s, p, plain(o)) for s, p, o in rdflib_kg.graph.graph(URIRef(named.iri)))
        graphs[named.iri] = graph
    return graphs


def _union() -> Graph:
    union = Graph()
    for graph in _source().values():
        union += graph
    return union


@pytest.mark.parametrize("fmt", [f for f in EXPORT_FORMATS if f != "kgx"])
def test_same_bytes_across_hash_seeds(fmt: str) -> None:
    script = (
        "import sys, baclokg\nfrom baclokg.export import export_bytes\n"
        f"sys.stdout.buffer.write(export_bytes(baclokg.load(), {fmt!r}))"
    )
    runs = [  # side by side: each loads the graph
        subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for seed in ("0", "7")
    ]
    outputs = {run.communicate(timeout=300)[0] for run in runs}
    assert [run.returncode for run in runs] == [0, 0]
    assert len(outputs) == 1
    assert outputs == {export_bytes(_kg(), fmt)}


def test_kgx_same_bytes(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in export(_kg(), "kgx", tmp_path / "a")]
    second = [p.read_bytes() for p in export(baclokg.load(engine="rdflib"), "kgx", tmp_path / "b")]
    assert first == second


@pytest.mark.parametrize("fmt", sorted(TRIPLES))
def test_triple_formats_round_trip_with_rdflib(fmt: str) -> None:
    parsed = Graph().parse(data=export_bytes(_kg(), fmt), format=TRIPLES[fmt])
    assert isomorphic(parsed, _union())


@pytest.mark.parametrize("fmt", sorted(QUADS))
def test_dataset_formats_keep_graphs_apart(fmt: str) -> None:
    parsed = Dataset()
    parsed.parse(data=export_bytes(_kg(), fmt), format=QUADS[fmt])
    for iri, graph in _source().items():
        assert isomorphic(parsed.graph(URIRef(iri)), graph), iri


def _ntriples(triples: object) -> set[str]:
    return {f"{t.subject} {t.predicate} {t.object}" for t in triples}  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_round_trip_with_pyoxigraph(fmt: str) -> None:
    quads = list(ox.parse(export_bytes(_kg(), fmt), format=OX[fmt]))
    expected = {f"<{s}> <{p}> {o.n3()}" for s, p, o in _union()}
    got = {f"{q.subject} {q.predicate} {q.object}" for q in quads}
    assert len(got) == len(expected)


@pytest.mark.parametrize("fmt", sorted(TRIPLES))
def test_round_trip_with_rapper(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(export_bytes(_kg(), fmt))
    syntax = {"turtle": "turtle", "ntriples": "ntriples", "rdfxml": "rdfxml"}[fmt]
    result = subprocess.run(
        ["rapper", "-q", "-i", syntax, "-o", "ntriples", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert isomorphic(Graph().parse(data=result.stdout, format="nt"), _union())


def test_jsonld_with_pyld_offline() -> None:
    from pyld import jsonld

    def no_fetch(url: str, options: object = None) -> object:
        raise AssertionError(f"pyld tried to fetch {url}")

    jsonld.set_document_loader(no_fetch)
    document = json.loads(export_bytes(_kg(), "jsonld"))
    assert isinstance(document["@context"], dict)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    parsed = Dataset()
    parsed.parse(data=nquads, format="nquads")
    for iri, graph in _source().items():
        assert isomorphic(parsed.graph(URIRef(iri)), graph), iri


def test_single_graph_export() -> None:
    parsed = Graph().parse(data=export_bytes(_kg(), "turtle", graph="monograph"), format="turtle")
    assert isomorphic(parsed, _source()["https://w3id.org/baclokg/graph/monograph"])
    with pytest.raises(ValueError, match="unknown graph"):
        export_bytes(_kg(), "turtle", graph="nope")


@cache
def _biolink() -> dict[str, object]:
    import biolink_model

    path = Path(next(iter(biolink_model.__path__))) / "schema" / "biolink_model.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _element(curie: str) -> str:
    name = curie.removeprefix("biolink:")
    return (
        name.replace("_", " ")
        if name.islower()
        else "".join(" " + c.lower() if c.isupper() else c for c in name).strip()
    )


def _is_predicate(name: str) -> bool:
    slots = _biolink()["slots"]  # type: ignore[index]
    while name in slots:  # type: ignore[operator]
        if name == "related to":
            return True
        name = slots[name].get("is_a", "")  # type: ignore[index]
    return False


def test_kgx_validates_against_the_biolink_model(tmp_path: Path) -> None:
    nodes_path, edges_path = export(_kg(), "kgx", tmp_path / "kgx")
    nodes = list(csv.DictReader(nodes_path.open(), delimiter="\t"))
    edges = list(csv.DictReader(edges_path.open(), delimiter="\t"))
    assert tuple(nodes[0]) == NODE_COLUMNS
    assert tuple(edges[0]) == EDGE_COLUMNS
    classes = _biolink()["classes"]
    enums = _biolink()["enums"]
    levels = set(enums["KnowledgeLevelEnum"]["permissible_values"])  # type: ignore[index]
    agents = set(enums["AgentTypeEnum"]["permissible_values"])  # type: ignore[index]
    statuses = set(enums["ClinicalApprovalStatusEnum"]["permissible_values"]) | {""}  # type: ignore[index]
    ids = {n["id"] for n in nodes}
    assert len(ids) == len(nodes)
    for node in nodes:
        assert all(_element(c) in classes for c in node["category"].split("|")), node  # type: ignore[operator]
        assert node["name"]
    assert len({e["id"] for e in edges}) == len(edges)
    for edge in edges:
        assert _is_predicate(_element(edge["predicate"])), edge["predicate"]
        assert edge["subject"] in ids
        assert edge["object"] in ids
        assert edge["knowledge_level"] in levels
        assert edge["agent_type"] in agents
        assert edge["primary_knowledge_source"].startswith("infores:")
        assert edge["clinical_approval_status"] in statuses
    assert {"biolink:treats", "biolink:applied_to_treat", "biolink:has_side_effect"} <= {
        e["predicate"] for e in edges
    }


def test_merge_with_another_knowledge_base(tmp_path: Path) -> None:
    exported = Graph().parse(data=export_bytes(_kg(), "turtle"), format="turtle")
    wikidata_style = """
        @prefix wd: <http://www.wikidata.org/entity/> .
        @prefix wdt: <http://www.wikidata.org/prop/direct/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        wd:Q413717 rdfs:label "baclofen"@en ;
            wdt:P683 "2972" ;
            <http://www.w3.org/2002/07/owl#sameAs> <http://purl.obolibrary.org/obo/CHEBI_2972> .
    """
    merged = exported + Graph().parse(data=wikidata_style, format="turtle")
    rows = list(
        merged.query("""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX biolink: <https://w3id.org/biolink/vocab/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?item ?effectLabel WHERE {
          ?item owl:sameAs ?drug . ?drug biolink:has_side_effect ?effect . ?effect rdfs:label ?effectLabel }
    """)
    )
    assert {str(r[0]) for r in rows} == {"http://www.wikidata.org/entity/Q413717"}
    assert "Drowsiness" in {str(r[1]) for r in rows}


def test_cli_export(run_cli: object, tmp_path: Path) -> None:
    out = tmp_path / "baclokg.nt"
    result = run_cli("export", "--format", "ntriples", "-o", str(out))  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == export_bytes(_kg(), "ntriples")
    missing = run_cli("export", "--format", "turtle", "-o", str(tmp_path / "no" / "such" / "dir" / "x.ttl"))  # type: ignore[operator]
    assert missing.returncode == 2
    assert "cannot write" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert not list((tmp_path).glob("**/*.part"))
