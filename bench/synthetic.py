"""Monograph-shaped synthetic data: N drugs, each with copies of baclofen's claims and what hangs on them.

A synthetic drug gets its own copy of every statement about baclofen (with its qualifiers), of
baclofen's direct edges (roles, classes, identifiers), and of the nodes that point at those statements
with everything they hold: the Web Annotation quotes of issue 7 (annotation, target, selectors) and the
discrepancies between sources, and of the things minted for baclofen that its statements point at (its
dose regimens with their steps and maximum dose, its onset windows). Shared things (conditions, effects,
roles, sources) stay shared, as they would be between real drugs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

import baclokg
from baclokg.prefixes import PREFIXES
from baclokg.terms import to_oxigraph

BACLOFEN = URIRef("http://purl.obolibrary.org/obo/CHEBI_2972")
STATEMENT = PREFIXES["bkgs"]
ENTITY = PREFIXES["bkge"]
ANNOTATION = PREFIXES["bkga"]

Triple = tuple[URIRef, URIRef, object]

#: the name properties a synthetic drug has one value of (the shapes allow one), its own
_NAMES = frozenset({RDFS.label, URIRef(PREFIXES["schema"] + "nonProprietaryName")})


@cache
def template() -> tuple[tuple[Triple, ...], frozenset[URIRef]]:
    """Baclofen's triples that a synthetic drug copies, and the nodes each copy gets its own IRI for."""
    graph = baclokg.load(engine="rdflib").graph
    statements = set(graph.subjects(RDF.subject, BACLOFEN))
    # what points at a statement (an annotation's body, a discrepancy's statements), then what those hold
    # in the annotation namespace (targets, selectors)
    owned = {node for statement in statements for node in graph.subjects(None, statement)} - statements
    todo = list(owned)
    while todo:
        node = todo.pop()
        for value in graph.objects(node, None):
            if isinstance(value, URIRef) and str(value).startswith(ANNOTATION) and value not in owned:
                owned.add(value)
                todo.append(value)
    # the drug's own things that its statements point at (its dose regimens with their steps and maximum,
    # its onset windows): minted for baclofen (bkge:baclofen-...), so each drug gets its own copies
    mine = ENTITY + "baclofen-"
    todo = [o for statement in statements for o in graph.objects(statement, None) if str(o).startswith(mine)]
    while todo:
        node = todo.pop()
        if node not in owned:
            owned.add(node)
            todo.extend(o for o in graph.objects(node, None) if str(o).startswith(mine))
    copied = statements | {node for node in owned if isinstance(node, URIRef)}

    def edges(node: Node) -> list[tuple[Node, Node]]:  # in a fixed order: the same file every run
        return sorted(graph.predicate_objects(node), key=lambda edge: (edge[0].n3(), edge[1].n3()))

    triples = [(s, p, o) for s in sorted(copied, key=str) for p, o in edges(s)]
    # baclofen's edges but its names: a synthetic drug has a name of its own (written by write())
    triples += [(BACLOFEN, p, o) for p, o in edges(BACLOFEN) if p not in _NAMES]
    return tuple(triples), frozenset(copied)  # type: ignore[arg-type]


def write(path: Path, drugs: int) -> int:
    """Write N-Triples for ``drugs`` synthetic drugs; return the number of triples."""
    shape, copied = template()
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for index in range(drugs):
            drug = URIRef(f"{ENTITY}synthetic-drug-{index}")

            def own(term: object, index: int = index, drug: URIRef = drug) -> object:
                if term == BACLOFEN:
                    return drug
                return URIRef(f"{term}-syn{index}") if term in copied else term

            out.write(f"{drug.n3()} {RDF.type.n3()} <{PREFIXES['bkg']}DrugIngredient> .\n")
            for name in sorted(_NAMES):
                out.write(f'{drug.n3()} {name.n3()} "synthetic drug {index}" .\n')
            count += 1 + len(_NAMES)
            for s, p, o in shape:  # written by pyoxigraph: N-Triples escapes (comments span lines)
                out.write(f"{to_oxigraph(own(s))} {to_oxigraph(p)} {to_oxigraph(own(o))} .\n")  # type: ignore[arg-type]
                count += 1
    return count


def triples_per_drug() -> int:
    """How many triples one synthetic drug adds."""
    return len(template()[0]) + 1 + len(_NAMES)


def drugs_for(triples: int) -> int:
    """How many synthetic drugs add about ``triples`` triples."""
    return max(1, round(triples / triples_per_drug()))
