"""The one prefix table of BacloKG: CURIE prefixes and the IRIs they expand to.

Project prefixes live under ``https://w3id.org/baclokg/`` (the layout is described in
``ontology/README.md``). External prefixes follow the Biolink Model prefix map
(``biolink-model-prefix-map.json``), so a CURIE here means the same as in a Biolink/KGX graph.

>>> expand("CHEBI:2972")
'http://purl.obolibrary.org/obo/CHEBI_2972'
>>> compact("http://purl.obolibrary.org/obo/HP_0001257")
'HP:0001257'
>>> compact("https://example.org/x")
'https://example.org/x'
"""

from __future__ import annotations

from .errors import ParameterError

__all__ = ["BASE", "CONTEXT_IRI", "PREFIXES", "compact", "context", "expand", "is_curie"]

BASE = "https://w3id.org/baclokg/"
#: the IRI under which the bundled JSON-LD context (``ontology/baclokg.context.jsonld``) is known
CONTEXT_IRI = BASE + "context.jsonld"

#: prefix -> IRI namespace. Order matters for :func:`compact`: longer namespaces win.
PREFIXES: dict[str, str] = {
    # BacloKG's own namespaces
    "bkg": BASE + "vocab/",
    "bkge": BASE + "entity/",
    "bkgs": BASE + "statement/",
    "bkgsrc": BASE + "source/",
    "bkgg": BASE + "graph/",
    "bkgsh": BASE + "shapes/",
    "bkga": BASE + "annotation/",
    # W3C and other general vocabularies
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "spdx": "http://spdx.org/rdf/terms#",
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": "http://schema.org/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    # OBO Foundry ontologies (canonical PURLs)
    "RO": "http://purl.obolibrary.org/obo/RO_",
    "BFO": "http://purl.obolibrary.org/obo/BFO_",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "UO": "http://purl.obolibrary.org/obo/UO_",
    # Cross-reference targets (Biolink Model prefix map)
    "DRUGBANK": "http://identifiers.org/drugbank/",
    # PubChem, ChEMBL and NCBI Gene as their RDF distributions name them (bioregistry's rdf_uri_format)
    "PUBCHEM.COMPOUND": "http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID",
    "CHEMBL.COMPOUND": "http://rdf.ebi.ac.uk/resource/chembl/molecule/",
    "RXNORM": "http://purl.bioontology.org/ontology/RXNORM/",
    "UNII": "http://identifiers.org/unii/",
    "CAS": "http://identifiers.org/cas/",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    # Wikidata's RDF, dumps and query service use http:// (the Biolink map says https://, which joins nothing)
    "WIKIDATA": "http://www.wikidata.org/entity/",
    "INCHIKEY": "http://identifiers.org/inchikey/",
    "UMLS": "http://identifiers.org/umls/",
    "SNOMEDCT": "http://snomed.info/id/",
    "MEDDRA": "http://identifiers.org/meddra/",
    "HGNC": "http://identifiers.org/hgnc/",
    "NCBIGene": "http://purl.uniprot.org/geneid/",
    "UniProtKB": "http://purl.uniprot.org/uniprot/",
    # Not in the Biolink map: resolved through the Bioregistry resolver
    "ATC": "https://bioregistry.io/atc:",
}

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: len(kv[1]), reverse=True)


def context() -> dict[str, dict[str, object]]:
    """The JSON-LD context of the prefix table; ``ontology/baclokg.context.jsonld`` adds a term for each
    property and class of the data to it (:mod:`baclokg.jsonld_context`).

    JSON-LD 1.1 uses a term as a prefix only if its IRI ends in a general delimiter, or if it says
    ``"@prefix": true``, as OBO namespaces (ending in ``_``) must.

    >>> context()["@context"]["CHEBI"]
    {'@id': 'http://purl.obolibrary.org/obo/CHEBI_', '@prefix': True}
    >>> context()["@context"]["schema"]
    'http://schema.org/'
    """
    entries: dict[str, object] = {}
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: kv[0].casefold()):
        entries[prefix] = namespace if namespace[-1] in ":/?#[]@" else {"@id": namespace, "@prefix": True}
    return {"@context": entries}


def is_curie(text: str) -> bool:
    """Tell whether ``text`` is a CURIE with a known prefix.

    >>> is_curie("MONDO:0005301"), is_curie("http://x/y"), is_curie("baclofen")
    (True, False, False)
    """
    prefix, sep, _ = text.partition(":")
    return bool(sep) and prefix in PREFIXES


def expand(curie: str) -> str:
    """Expand a CURIE with a known prefix to its IRI; raise ``ValueError`` otherwise."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES:
        raise ParameterError(f"unknown CURIE prefix in {curie!r}; known: {', '.join(sorted(PREFIXES))}")
    return PREFIXES[prefix] + local


def compact(iri: str) -> str:
    """Compact an IRI to a CURIE when a known namespace matches, else return it unchanged."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            if "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return iri
