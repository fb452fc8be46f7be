"""The ontology and the whole graph are OWL 2 DL, and HermiT (bundled with owlready2, run on Java) finds
them consistent with no unsatisfiable class; an inconsistent addition must be refused."""

from __future__ import annotations

from pathlib import Path

import owlready2
import pytest
from rdflib import Graph

from baclokg.export import export_bytes
from baclokg.kg import KnowledgeGraph
from baclokg.paths import ontology_dir

from .conftest import FIXTURES


def _reason(path: Path) -> list[object]:
    """Load an N-Triples file in a fresh owlready2 world, run HermiT; return the unsatisfiable classes."""
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return list(world.inconsistent_classes())


def _ntriples(tmp_path: Path, *graphs: Graph) -> Path:
    merged = Graph()
    for graph in graphs:
        merged += graph
    path = tmp_path / "graph.nt"
    path.write_text(merged.serialize(format="nt"), encoding="utf-8")
    return path


def test_the_ontology_alone_is_consistent(tmp_path: Path) -> None:
    ontology = Graph().parse(ontology_dir() / "baclokg.ttl")
    assert _reason(_ntriples(tmp_path, ontology)) == []


def test_the_whole_graph_is_consistent(kgs: dict[str, KnowledgeGraph], tmp_path: Path) -> None:
    path = tmp_path / "baclokg.nt"
    path.write_bytes(export_bytes(kgs["oxigraph"], "ntriples"))
    assert _reason(path) == []


def test_an_inconsistent_addition_is_refused(kgs: dict[str, KnowledgeGraph], tmp_path: Path) -> None:
    exported = Graph().parse(data=export_bytes(kgs["oxigraph"], "ntriples"), format="nt")
    bad = Graph().parse(FIXTURES / "owl-inconsistent.ttl")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(_ntriples(tmp_path, exported, bad))
