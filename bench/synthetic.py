"""Monograph-shaped synthetic data: N drugs, each with copies of baclofen's statements and direct edges."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

import baclokg
from baclokg.prefixes import PREFIXES

BACLOFEN = URIRef("http://purl.obolibrary.org/obo/CHEBI_2972")
STATEMENT = PREFIXES["bkgs"]
ENTITY = PREFIXES["bkge"]


def template() -> list[tuple[URIRef, URIRef, object]]:
    """The triples that make baclofen a drug of the graph: its statements, their qualifiers, its edges."""
    kg = baclokg.load(engine="rdflib")
    graph = kg.graph
    statements = set(graph.subjects(RDF.subject, BACLOFEN))
    triples = [(s, p, o) for s in statements for p, o in graph.predicate_objects(s)]
    triples += [(BACLOFEN, p, o) for p, o in graph.predicate_objects(BACLOFEN)]
    return triples  # type: ignore[return-value]


def write(path: Path, drugs: int) -> int:
    """Write N-Triples for ``drugs`` synthetic drugs; return the number of triples."""
    shape = template()
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for index in range(drugs):
            drug = URIRef(f"{ENTITY}synthetic-drug-{index}")
            out.write(f"{drug.n3()} {RDF.type.n3()} <{PREFIXES['bkg']}DrugIngredient> .\n")
            out.write(
                f'{drug.n3()} <http://www.w3.org/2000/01/rdf-schema#label> "synthetic drug {index}" .\n'
            )
            out.write(f'{drug.n3()} <http://schema.org/nonProprietaryName> "synthetic drug {index}" .\n')
            count += 3
            for s, p, o in shape:
                s2 = (
                    drug
                    if s == BACLOFEN
                    else URIRef(f"{s}-syn{index}")
                    if str(s).startswith(STATEMENT)
                    else s
                )
                o2 = drug if o == BACLOFEN else o
                out.write(f"{s2.n3()} {p.n3()} {o2.n3()} .\n")  # type: ignore[attr-defined]
                count += 1
    return count


def triples_per_drug() -> int:
    """How many triples one synthetic drug adds."""
    return len(template()) + 3
