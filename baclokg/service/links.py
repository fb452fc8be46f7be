"""Where this service shows an IRI: the one rule every page's links follow."""

from __future__ import annotations

from urllib.parse import quote

from ..prefixes import BASE

__all__ = ["href"]


def href(iri: str) -> str:
    """Where this service shows an IRI: its own path for BacloKG IRIs, /page?iri=... for the rest.

    >>> href("https://w3id.org/baclokg/entity/baclotop")
    '/entity/baclotop'
    >>> href("http://purl.obolibrary.org/obo/CHEBI_2972")
    '/page?iri=http%3A%2F%2Fpurl.obolibrary.org%2Fobo%2FCHEBI_2972'
    """
    if iri.startswith(BASE) and len(iri) > len(BASE):
        return "/" + iri[len(BASE) :]
    return "/page?iri=" + quote(iri, safe="")
