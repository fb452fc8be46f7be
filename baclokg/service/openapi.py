"""The OpenAPI description of the whole service (``/openapi.json``): the SPARQL 1.1 Protocol endpoint,
the pages of minted IRIs, VoID, and the REST API of the named queries (whose own description FastAPI
writes, at ``/api/openapi.json``).

>>> document = service_openapi({"paths": {"/queries": {"get": {}}}, "components": {}}, ["urn:x:g"])
>>> sorted(document["paths"])[:3]
['/', '/annotation/{slug}', '/api/queries']
>>> sorted(document["paths"]["/sparql"])
['get', 'post']
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..formats import FORMATS

__all__ = ["service_openapi"]

_TEXT = {"text/plain": {"schema": {"type": "string"}}}
_HTML = {"text/html": {"schema": {"type": "string"}}}


def _body(media_type: str) -> dict[str, Any]:
    # JSON answers (SPARQL JSON results, JSON-LD) are any JSON value; the others are text
    return {"schema": {} if "json" in media_type else {"type": "string"}}


_RDF = {f.media_type: _body(f.media_type) for f in FORMATS if f.kind == "rdf"}
_ANSWERS = {f.media_type: _body(f.media_type) for f in FORMATS}

_EXAMPLE = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?label WHERE { <http://purl.obolibrary.org/obo/CHEBI_2972> rdfs:label ?label }"
)


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _TEXT}


#: the answers every request to the service may get before it reaches a handler
_HEAD_LIMITS = {
    "414": _error("the request target is longer than the request size limit"),
    "431": _error("the header fields are larger than the limit"),
}


def _graph_iris(graphs: list[str]) -> dict[str, Any]:
    """Graph IRIs of this dataset: the only ones the dataset parameters accept."""
    return {"type": "array", "items": {"type": "string", "enum": graphs}}


def _dataset(graphs: list[str]) -> list[dict[str, Any]]:
    """The protocol's dataset parameters."""
    iris = _graph_iris(graphs)
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"a graph of this dataset to use as {role} (repeatable)",
            "schema": iris,
            "style": "form",
            "explode": True,
        }
        for name, role in (("default-graph-uri", "the default graph"), ("named-graph-uri", "a named graph"))
    ]


_QUERY_ANSWERS = {
    "200": {
        "description": "SELECT and ASK answers as SPARQL results; CONSTRUCT and DESCRIBE answers as RDF; "
        "without a query, the SPARQL 1.1 Service Description",
        "content": _ANSWERS,
    },
    "400": _error("the query is malformed, or would reach outside the dataset (SERVICE, FROM, LOAD)"),
    "406": _error("no acceptable media type can carry the answer"),
    "413": _error("the request body or the result is larger than its limit"),
    "503": _error("the query ran past its time or memory limit and was stopped"),
    **_HEAD_LIMITS,
}


def _sparql(graphs: list[str]) -> dict[str, Any]:
    iris = _graph_iris(graphs)
    form = {
        "type": "object",
        "properties": {
            "query": {"type": "string", "example": _EXAMPLE},
            "update": {"type": "string"},
            "default-graph-uri": iris,
            "named-graph-uri": iris,
        },
        # exactly one of a query and an update
        "oneOf": [{"required": ["query"]}, {"required": ["update"]}],
    }
    return {
        "get": {
            "summary": "Query the graph (SPARQL 1.1 Protocol, query via GET)",
            "operationId": "sparql_get",
            "parameters": [
                {
                    "name": "query",
                    "in": "query",
                    "required": False,
                    "description": "the SPARQL query; without it the Service Description is returned",
                    "schema": {"type": "string"},
                    "example": _EXAMPLE,
                },
                *_dataset(graphs),
            ],
            "responses": {**_QUERY_ANSWERS, "405": _error("an update was sent with GET")},
        },
        "post": {
            "summary": "Query the graph, or update it where allowed (query via POST, update via POST)",
            "operationId": "sparql_post",
            "parameters": _dataset(graphs),
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": form},
                    "application/sparql-query": {"schema": {"type": "string", "example": _EXAMPLE}},
                    "application/sparql-update": {"schema": {"type": "string"}},
                },
            },
            "responses": {
                **_QUERY_ANSWERS,
                "204": {"description": "the update was applied"},
                "401": _error("the update did not carry the server's token"),
                "403": _error("this endpoint is read-only"),
                "415": _error("the body is neither a form, a query nor an update, or not UTF-8"),
            },
        },
    }


#: the HTML view of a shipped source text (a quote's link names its span as ``#char=START,END``)
_TEXT_VIEW = (
    {
        "name": "view",
        "in": "query",
        "required": False,
        "description": "html: the text as an HTML page, marking the span its #char=START,END fragment names",
        "schema": {"type": "string", "enum": ["html"]},
    },
    {
        "name": "char",
        "in": "query",
        "required": False,
        "description": "with view=html: the span to mark, START,END in code points (400 if not in the text)",
        "schema": {"type": "string", "pattern": r"^\d+,\d+$"},
        "example": "0,8",
    },
)


def _page(
    summary: str, operation: str, parameters: list[dict[str, Any]], *, texts: bool = False
) -> dict[str, Any]:
    content = {**_HTML, **_RDF, **(_TEXT if texts else {})}
    what = "HTML or RDF" + (", or a shipped source text as text/plain" if texts else "")
    return {
        "get": {
            "summary": summary,
            "operationId": operation,
            "parameters": [
                *parameters,
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "description": "an RDF format name instead of content negotiation",
                    "schema": {"type": "string", "enum": [f.name for f in FORMATS if f.kind == "rdf"]},
                },
                *(_TEXT_VIEW if texts else ()),
            ],
            "responses": {
                "200": {"description": f"the resource as {what}", "content": content},
                "303": {"description": "the page of an IRI this service mints"},
                "400": _error("the IRI is not valid"),
                "404": _error("nothing is known about the resource"),
                **_HEAD_LIMITS,
            },
        }
    }


#: an absolute IRI or a CURIE: a scheme or prefix, a colon, then characters an IRI may hold
_IRI_OR_CURIE = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]+$"

#: an IRI of each kind this service mints, as examples
_SLUGS = {
    "entity": "baclotop",
    "statement": "mono-baclotop-ingredient",
    "source": "monograph-intro",
    "vocab": "DrugProduct",
    "graph": "monograph",
    "annotation": "mono-onset-1",
}


def service_openapi(api: dict[str, Any], graphs: list[str]) -> dict[str, Any]:
    """The whole service's OpenAPI document, given the named-query API's own (FastAPI) document and
    the IRIs of the dataset's graphs."""
    paths: dict[str, Any] = {"/api" + path: item for path, item in api.get("paths", {}).items()}
    paths["/sparql"] = _sparql(sorted(graphs))
    paths["/"] = {
        "get": {
            "summary": "The query page",
            "operationId": "query_page",
            "responses": {"200": {"description": "HTML", "content": _HTML}, **_HEAD_LIMITS},
        }
    }
    paths["/void"] = {
        "get": {
            "summary": "VoID description of the dataset",
            "operationId": "void",
            "responses": {"200": {"description": "RDF", "content": _RDF}, **_HEAD_LIMITS},
        }
    }
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    for kind, example in _SLUGS.items():
        paths[f"/{kind}/{{slug}}"] = _page(
            f"A minted {kind} IRI", f"{kind}_page", [{**slug, "example": example}], texts=kind == "source"
        )
    paths["/ontology"] = _page("The ontology", "ontology_page", [])
    iri = {
        "name": "iri",
        "in": "query",
        "required": True,
        "description": "an IRI or CURIE the graph describes",
        "schema": {"type": "string", "pattern": _IRI_OR_CURIE},
        "example": "CHEBI:2972",
    }
    paths["/page"] = _page("The page of any IRI the graph describes", "iri_page", [iri])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "BacloKG query service",
            "version": __version__,
            "description": "SPARQL 1.1 endpoint, resource pages and the named-query API of BacloKG.",
        },
        "paths": dict(sorted(paths.items())),
        "components": api.get("components", {}),
    }
