"""Every ontology class has a SHACL shape, and every shape rejects its negative fixture."""

from __future__ import annotations

from functools import cache

import pytest
from pyshacl import validate
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF

from baclokg.kg import KnowledgeGraph
from baclokg.paths import ontology_dir, shapes_file
from baclokg.validate import check_shapes, union_graph

from .conftest import FIXTURES

SH = Namespace("http://www.w3.org/ns/shacl#")


@cache
def _ontology() -> Graph:
    return Graph().parse(ontology_dir() / "baclokg.ttl")


@cache
def _shapes() -> Graph:
    return Graph().parse(shapes_file())


@cache
def _fixtures() -> Dataset:
    dataset = Dataset()
    dataset.parse(FIXTURES / "shapes-negative.trig", format="trig")
    return dataset


#: every class of the ontology, and every external class a shape targets (Web Annotation, SPDX)
CLASSES = sorted({*_ontology().subjects(RDF.type, OWL.Class), *_shapes().objects(None, SH.targetClass)})


def test_every_class_has_a_shape_and_a_negative_fixture() -> None:
    targets = set(_shapes().objects(None, SH.targetClass))
    fixtures = {g.identifier for g in _fixtures().graphs() if len(g)}
    assert [c for c in CLASSES if c not in targets] == []
    assert [c for c in CLASSES if c not in fixtures] == []


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: str(c).rsplit("/", 1)[-1].rsplit("#", 1)[-1])
def test_shape_rejects_its_negative_fixture(cls: URIRef) -> None:
    data = Graph()
    data += _fixtures().graph(cls)
    data += _ontology()
    instances = set(_fixtures().graph(cls).subjects(RDF.type, cls))
    assert instances, "the fixture holds an instance of the class"
    conforms, results, _ = validate(data, shacl_graph=_shapes(), inference="none", advanced=True)
    assert not conforms
    shape = next(_shapes().subjects(SH.targetClass, cls))
    own = {shape, *_shapes().objects(shape, SH.property)}
    hits = [
        r
        for r in results.subjects(RDF.type, SH.ValidationResult)
        if results.value(r, SH.focusNode) in instances and results.value(r, SH.sourceShape) in own
    ]
    assert hits, f"{cls} fixture is not rejected by {shape}"


def test_bundled_graph_conforms(kg: KnowledgeGraph) -> None:
    assert check_shapes(union_graph(kg)) == []
