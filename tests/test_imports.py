"""The import modules (graph/imports-*.ttl): built from the committed extract, only labels and is_a links,
every used class reaches a root, each graph with its ontology's licence in VoID."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest
from rdflib import RDFS, Dataset, URIRef

from baclokg.errors import DataError
from baclokg.imports import ONTOLOGIES, Ontology, build_imports, imports_file, read_extract
from baclokg.paths import inputs_dir
from baclokg.queries import get
from baclokg.service.description import CC_BY, graph_licence
from baclokg.store import GRAPH_NS

OBO = "http://purl.obolibrary.org/obo/"
CHECK = "qc-external-class-without-ancestry"


def _manifest() -> dict[str, str]:
    with (inputs_dir() / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row["sha256"] for row in csv.DictReader(handle, delimiter="\t")}


@pytest.mark.parametrize("ontology", ONTOLOGIES, ids=lambda o: o.key)
def test_extract_is_in_the_manifest(ontology: Ontology) -> None:
    path = inputs_dir() / f"{ontology.graph}.tsv"
    manifest = _manifest()
    assert manifest[f"graph/inputs/{path.name}"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert f"{ontology.wheel}!{ontology.member}" in manifest
    assert f"{ontology.wheel} (PyPI)" in manifest


@pytest.mark.parametrize("ontology", ONTOLOGIES, ids=lambda o: o.key)
def test_import_holds_labels_and_is_a_only(ontology: Ontology) -> None:
    from rdflib import Graph

    graph = Graph().parse(imports_file(ontology), format="turtle")
    assert set(graph.predicates()) == {RDFS.label, RDFS.subClassOf}
    namespace = f"{OBO}{ontology.prefix}_"
    assert all(str(s).startswith(namespace) for s in graph.subjects())
    assert all(str(o).startswith(namespace) for o in graph.objects(None, RDFS.subClassOf))


def test_check_lists_the_roots_of_the_extract() -> None:
    """The roots the quality check accepts are exactly the parentless classes of the extracts (and GO's
    third root, molecular_function, read in the same table)."""
    listed = set(re.findall(r"<http://purl\.obolibrary\.org/obo/([A-Z]+)_([0-9]+)>", get(CHECK).sparql))
    parentless = {
        tuple(row["id"].split(":")) for o in ONTOLOGIES for row in read_extract(o) if not row["is_a"]
    }
    assert parentless <= listed
    assert listed - parentless == {("GO", "0003674")}


def test_check_finds_a_class_without_a_path_to_a_root() -> None:
    """A class whose import stops at a parent that is no root (the negative fixture of the bundled check
    covers the missing label; the bundled graphs may not be written to, so this runs on rdflib alone)."""
    data = (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix CHEBI: <http://purl.obolibrary.org/obo/CHEBI_> .\n"
        "<https://example.org/g> { CHEBI:0 rdfs:label 'a substance' . }\n"
        f"<{GRAPH_NS}imports-chebi> {{ CHEBI:0 rdfs:label 'a substance' ; rdfs:subClassOf CHEBI:1 . "
        "CHEBI:1 rdfs:label 'a class' . CHEBI:24431 rdfs:label 'chemical entity' . }\n"
    )
    dataset = Dataset(default_union=True)
    dataset.parse(data=data, format="trig")
    found = {(str(r[0]), str(r[1])) for r in dataset.query(get(CHECK).sparql)}  # type: ignore[index]
    assert found == {(f"{OBO}CHEBI_1", str(RDFS.subClassOf))}


def test_build_refuses_a_parent_without_a_row(tmp_path: Path) -> None:
    (tmp_path / "imports-go.tsv").write_text(
        "id\tname\tlines\tis_a\nGO:1\tx\t1-2\tGO:2@2\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match="GO:1 is_a GO:2, which has no row"):
        build_imports(ONTOLOGIES[3], tmp_path)


def test_read_extract_names_a_bad_row(tmp_path: Path) -> None:
    (tmp_path / "imports-hp.tsv").write_text("id\tname\tlines\tis_a\nMONDO:1\tx\t1-2\t\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"imports-hp\.tsv:2"):
        read_extract(ONTOLOGIES[0], tmp_path)


@pytest.mark.parametrize("ontology", ONTOLOGIES, ids=lambda o: o.key)
def test_void_licence_per_import(ontology: Ontology) -> None:
    licence, attribution = graph_licence(ontology.graph)
    assert str(licence) == ontology.licence
    assert attribution
    assert ontology.member.rsplit("/", 1)[-1] in attribution
    assert (licence == CC_BY) == (ontology.key != "hp")


def test_void_names_the_import_licences(server) -> None:  # type: ignore[no-untyped-def]
    import httpx

    answer = httpx.get(server.url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert answer.status_code == 200
    assert URIRef("https://hpo.jax.org/app/license").n3() in answer.text
