"""Every IRI namespace in the export is the one bioregistry gives for its prefix, or is allowed with a reason.

The reference is bioregistry's ``rdf_uri_format`` (pinned in the test extra): the namespace a resource's
own RDF uses. Where bioregistry gives none, the prefix must be listed in ``NO_RDF_FORMAT`` with the reason
for the namespace chosen; a departure from a format bioregistry does give needs its own reason in
``DEPARTURES``. Wikidata is the case that made this test: its RDF uses ``http://www.wikidata.org/entity/``
while the Biolink prefix map says ``https://``, so a join with Wikidata's own data found nothing.
"""

from __future__ import annotations

import bioregistry
import pyoxigraph as ox
import pytest

from baclokg.export import export_bytes
from baclokg.kg import KnowledgeGraph
from baclokg.prefixes import PREFIXES, compact

#: prefixes for which bioregistry gives no RDF namespace, and why BacloKG's namespace is what it is
NO_RDF_FORMAT = {
    "bkg": "BacloKG's own vocabulary (https://w3id.org/baclokg/, see ontology/README.md)",
    "bkga": "BacloKG's own annotations",
    "bkge": "BacloKG's own entities",
    "bkgg": "BacloKG's own named graphs",
    "bkgs": "BacloKG's own statements",
    "bkgsh": "BacloKG's own shapes",
    "bkgsrc": "BacloKG's own sources",
    "rdf": "the W3C namespace, as bioregistry's uri_format gives it",
    "rdfs": "the W3C namespace, as bioregistry's uri_format gives it",
    "xsd": "the W3C namespace, as bioregistry's uri_format gives it",
    "skos": "the W3C namespace, as bioregistry's uri_format gives it",
    "prov": "the W3C namespace, as bioregistry's uri_format gives it",
    "oa": "the W3C Web Annotation namespace, as bioregistry's uri_format gives it",
    "dcat": "the W3C namespace, as bioregistry's uri_format gives it",
    "sh": "the W3C SHACL namespace",
    "spdx": "SPDX's RDF terms (http://spdx.org/rdf/terms#), as W3C DCAT 3 uses them for checksums; "
    "bioregistry's 'spdx' is the licence list",
    "schema": "schema.org's release files and the Biolink prefix map use http://schema.org/",
    "oboInOwl": "the namespace of OBO's annotation properties",
    "DRUGBANK": "identifiers.org, as in the Biolink prefix map (DrugBank publishes no RDF)",
    "CAS": "identifiers.org, as in the Biolink prefix map",
    "UNII": "identifiers.org, as in the Biolink prefix map",
    "INCHIKEY": "identifiers.org, as in the Biolink prefix map",
    "UMLS": "identifiers.org, as in the Biolink prefix map",
    "HGNC": "identifiers.org, as in the Biolink prefix map",
    "RXNORM": "the BioPortal namespace that the Biolink prefix map gives",
    "ATC": "the Bioregistry resolver (neither the Biolink map nor bioregistry gives an RDF namespace)",
}

#: prefixes whose namespace differs from bioregistry's rdf_uri_format on purpose
DEPARTURES = {
    "MEDDRA": "bioregistry's RDF format for meddra is BioPortal's French MedDRA (MDRFRE) namespace, which "
    "would label an English term as a French one; BacloKG keeps identifiers.org, as in the Biolink map",
}

#: properties whose objects are documents (web pages, licences, vocabulary files), not identifiers
DOCUMENT_PROPERTIES = {
    PREFIXES["rdfs"] + "isDefinedBy",
    PREFIXES["dcterms"] + "license",
    PREFIXES["schema"] + "url",
    PREFIXES["owl"] + "versionIRI",
}
ONTOLOGY = "https://w3id.org/baclokg/ontology"


def _rdf_format(prefix: str) -> str | None:
    normalized = bioregistry.normalize_prefix(prefix)
    resource = bioregistry.get_resource(normalized) if normalized else None
    return resource.get_rdf_uri_format() if resource else None


@pytest.fixture(scope="module")
def iris(kgs: dict[str, KnowledgeGraph]) -> dict[str, set[str]]:
    """Every IRI of the whole export, by the property it is an object of (``""`` elsewhere)."""
    found: dict[str, set[str]] = {}
    for quad in ox.parse(export_bytes(kgs["oxigraph"], "nquads"), format=ox.RdfFormat.N_QUADS):
        for term, where in (
            (quad.subject, ""),
            (quad.predicate, ""),
            (quad.object, quad.predicate.value),
            (quad.graph_name, ""),
        ):
            if isinstance(term, ox.NamedNode):
                found.setdefault(term.value, set()).add(where)
    return found


def _problems(used: set[str], prefixes: dict[str, str]) -> list[str]:
    wrong = []
    for prefix in sorted(used):
        expected = _rdf_format(prefix)
        if expected is None:
            if prefix not in NO_RDF_FORMAT:
                wrong.append(f"{prefix}: bioregistry gives no RDF format; allow it with a reason")
        elif expected != prefixes[prefix] + "$1" and prefix not in DEPARTURES:
            wrong.append(f"{prefix}: {prefixes[prefix]} but bioregistry's rdf_uri_format is {expected}")
    return wrong


def test_every_prefixed_namespace_is_bioregistrys_or_allowed(iris: dict[str, set[str]]) -> None:
    used = {compact(iri).split(":", 1)[0] for iri in iris if compact(iri) != iri}
    assert {"WIKIDATA", "MESH", "CHEBI", "bkg"} & used
    assert _problems(used, PREFIXES) == []


@pytest.mark.parametrize(
    ("prefix", "namespace"),
    [
        ("WIKIDATA", "https://www.wikidata.org/entity/"),  # the Biolink map's form, which joins nothing
        ("PUBCHEM.COMPOUND", "http://identifiers.org/pubchem.compound/"),
        ("unknownprefix", "https://example.org/x/"),  # in no registry and not allowed
    ],
)
def test_a_wrong_namespace_is_reported(prefix: str, namespace: str) -> None:
    assert _problems({prefix}, {**PREFIXES, prefix: namespace})


def test_the_allowlists_hold_no_stale_or_masking_entries() -> None:
    for prefix in NO_RDF_FORMAT:
        assert prefix in PREFIXES, prefix
        assert _rdf_format(prefix) is None, f"{prefix} has an RDF format now: compare, do not allow"
    for prefix, reason in DEPARTURES.items():
        assert reason
        assert _rdf_format(prefix) not in (None, PREFIXES[prefix] + "$1"), prefix


def test_iris_without_a_prefix_are_documents(iris: dict[str, set[str]]) -> None:
    loose = {
        iri: places
        for iri, places in iris.items()
        if compact(iri) == iri and iri != ONTOLOGY and not places <= DOCUMENT_PROPERTIES
    }
    assert loose == {}
