"""Conversions between pyoxigraph and rdflib terms, and readable forms of terms.

>>> from rdflib import URIRef, Literal
>>> to_rdflib(to_oxigraph(URIRef("http://purl.obolibrary.org/obo/CHEBI_2972")))
rdflib.term.URIRef('http://purl.obolibrary.org/obo/CHEBI_2972')
>>> text(Literal("5.50", datatype="http://www.w3.org/2001/XMLSchema#decimal"))
'5.5'
>>> text(Literal("80.0", datatype="http://www.w3.org/2001/XMLSchema#decimal"))
'80'
>>> text(URIRef("http://purl.obolibrary.org/obo/HP_0002315"))
'HP:0002315'
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from .prefixes import compact

N = TypeVar("N", bound=Node)

__all__ = ["plain", "text", "to_oxigraph", "to_rdflib"]


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph | ox.Triple) -> Node:
    """The rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"no rdflib term for {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"no pyoxigraph term for {term!r}")


def plain(term: N) -> N:
    """The same term, with ``"x"^^xsd:string`` written as the simple literal ``"x"`` (one literal in RDF 1.1).

    >>> plain(Literal("mg", datatype=XSD.string)) == Literal("mg")
    True
    """
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))  # type: ignore[return-value]
    return term


def text(term: Node | None) -> str | None:
    """A readable, stable string for a term: a CURIE for a known IRI, the lexical form of a literal."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return compact(str(term))
    if isinstance(term, Literal) and term.datatype in _NUMERIC:
        number = Decimal(str(term))
        return (
            str(number.quantize(Decimal(1)))
            if number == number.to_integral_value()
            else str(number.normalize())
        )
    return str(term)


_XSD_STRING = str(XSD.string)
_NUMERIC = {
    XSD.decimal,
    XSD.integer,
    XSD.positiveInteger,
    XSD.nonNegativeInteger,
    XSD.double,
    XSD.float,
    XSD.int,
}
