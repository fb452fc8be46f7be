"""The query service: an ASGI application made by ``create_app(kg)``, served by uvicorn.

Routes: ``/sparql`` (SPARQL 1.1 Protocol), ``/`` (query page), ``/api`` (named queries, OpenAPI),
``/void`` (VoID), ``/openapi.json`` (OpenAPI of all of these), and a page for every IRI BacloKG mints
(``/entity/...``, ``/statement/...``, ``/source/...``, ``/vocab/...``, ``/graph/...``, ``/ontology``),
by content negotiation HTML or RDF; a source text BacloKG ships is text/plain, and
``?view=html`` shows it as a page marking the span of a quote (``#char=START,END``).
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from ..annotations import source_texts
from ..errors import BadRequestError, ParameterError
from ..formats import FORMATS, by_name
from ..kg import KnowledgeGraph
from ..prefixes import BASE, PREFIXES
from ..queries import parse_iri
from ..results import serialize_graph
from ..terms import plain
from .admission import Admission
from .cache import SPARQL_PATHS, CachedGets
from .csp import ContentSecurityPolicy
from .description import void_description
from .evaluation import Evaluator, EvaluatorSpec
from .messages import Answer
from .messages import Request as WorkerRequest
from .negotiation import HTML, OFFERS, TEXT, Offer, ResourceKind, accept_header, format_offer, negotiate
from .openapi import service_openapi
from .pages import graph_page, index_page, resource_page, source_text_page
from .pool import WorkerPool, die_with_parent
from .query_page import vocabulary
from .rest import create_api
from .settings import Settings
from .sparql import SparqlEndpoint
from .text_page import char_span

__all__ = ["CONFIG_VARIABLE", "app_from_environment", "create_app", "query_pool"]

#: the environment variable through which ``baclokg serve --http-workers N`` configures each process
CONFIG_VARIABLE = "BACLOKG_SERVE_CONFIG"

STATIC = Path(__file__).parent / "static"
_KINDS = ("entity", "statement", "source", "vocab", "graph", "shapes", "annotation")
_DESCRIBE = "CONSTRUCT { ?iri ?p ?o . ?s ?q ?iri } WHERE { { ?iri ?p ?o } UNION { ?s ?q ?iri } }"


def _wants(request: Request, kind: ResourceKind) -> Offer | Response:
    """The representation of a resource of ``kind`` a request asks for, by ?format= (checked first) or by
    Accept; or the answer to give instead: 400 for an Accept header that breaks its grammar, 406 when
    nothing the resource offers is acceptable."""
    name = request.query_params.get("format")
    if name:
        return format_offer(by_name(name))
    try:
        chosen = negotiate(accept_header(request.headers.getlist("accept")), OFFERS[kind])
    except BadRequestError as error:
        return PlainTextResponse(f"{error}\n", error.status)
    if chosen is None:
        offered = ", ".join(offer.media.type + "/" + offer.media.subtype for offer in OFFERS[kind])
        message = f"none of the accepted media types is offered; this resource is available as {offered}\n"
        return PlainTextResponse(message, 406, headers={"Vary": "Accept"})
    return chosen


_RDF_NAMES = [f.name for f in FORMATS if f.kind == "rdf"]


def _bad_format(request: Request) -> Response | None:
    """A 400 answer when ``?format=`` names no RDF format."""
    name = request.query_params.get("format")
    if name is None or name in _RDF_NAMES:
        return None
    return PlainTextResponse(f"unknown format {name!r}; choose one of {', '.join(_RDF_NAMES)}\n", 400)


def app_from_environment() -> ASGIApp:
    """The application of one HTTP worker process, configured by ``BACLOKG_SERVE_CONFIG`` (JSON)."""
    import json
    import os
    import signal

    from ..kg import load

    config = json.loads(os.environ[CONFIG_VARIABLE])
    die_with_parent(config.pop("parent"), signal.SIGTERM)  # not left serving if the supervisor is killed
    kg = load(config.pop("extra"), engine=config.pop("engine"), store_path=config.pop("store_path"))
    return create_app(kg, Settings(**config))


def query_pool(kg: KnowledgeGraph, settings: Settings) -> WorkerPool[WorkerRequest, Answer]:
    """The pool of query workers, each holding its own copy of ``kg``'s data (not yet started)."""
    extra = tuple(str(path) for path in kg.extra)
    path = str(kg.disk.path) if kg.disk is not None else None
    spec = EvaluatorSpec(
        extra, kg.engine, settings.max_result_bytes, max_memory=settings.max_memory_bytes, store_path=path
    )
    return WorkerPool(
        functools.partial(Evaluator, spec),
        settings.workers,
        timeout=settings.timeout,
        max_memory=settings.max_memory_bytes,
        preload=[Evaluator.__module__],
    )


def admission(settings: Settings, workers: int) -> Admission:
    """The admission rules of a pool of ``workers`` (see :mod:`baclokg.service.admission`)."""
    import os

    expensive = settings.expensive_workers or max(1, (os.cpu_count() or 1) // 2)
    return Admission(
        workers=workers,
        expensive_slots=min(expensive, max(1, workers - 1)),
        per_client=workers,  # turns and the expensive cap keep clients fair; no cap on quick queries
        per_client_queue=settings.max_client_queue,
        max_waiting=settings.max_waiting,
        slow_after=settings.slow_after,
    )


def create_app(
    kg: KnowledgeGraph,
    settings: Settings | None = None,
    *,
    pool: WorkerPool[WorkerRequest, Answer] | None = None,
) -> ASGIApp:
    """The ASGI application serving ``kg``; query evaluation runs in a pool of worker processes."""
    settings = settings or Settings()
    if pool is None:
        pool = query_pool(kg, settings)
    endpoint = SparqlEndpoint(kg, pool, settings, admission(settings, pool.size))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await asyncio.get_running_loop().run_in_executor(None, pool.start)
        try:
            yield
        finally:
            pool.close()

    async def sparql(request: Request) -> Response:
        return await endpoint(request)

    # the query page, written once: the classes and properties its editor completes are read from the
    # graph (a thread, off the event loop), and writing the page took 12 to 20 ms of this process's loop
    index_html: list[str] = []

    async def index(_: Request) -> Response:
        if not index_html:
            terms = await asyncio.get_running_loop().run_in_executor(None, vocabulary, kg)
            index_html[:] = [index_page(terms)]
        return HTMLResponse(index_html[0])

    def _describe(request: Request, iri: URIRef, chosen: Offer | Response | None = None) -> Response:
        chosen = _wants(request, "page") if chosen is None else chosen
        if isinstance(chosen, Response):
            return chosen
        fmt = chosen.format
        if fmt is None:
            page = resource_page(kg, iri)
            if page is None:
                return PlainTextResponse(f"nothing is known about <{iri}>\n", 404)
            return HTMLResponse(page, headers={"Vary": "Accept"})
        found = kg.sparql(_DESCRIBE, {"iri": iri}).graph
        if found is None or not len(found):
            return PlainTextResponse(f"nothing is known about <{iri}>\n", 404)
        graph = Graph()
        graph.addN((s, p, plain(o), graph) for s, p, o in found)
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        body = serialize_graph(graph, fmt)  # JSON-LD with BacloKG's context: keys are its terms
        return Response(body, media_type=chosen.content_type, headers={"Vary": "Accept"})

    def _named_graph(request: Request, iri: URIRef) -> Response:
        if iri not in kg.named_graphs():
            return PlainTextResponse(f"no graph <{iri}> in this dataset\n", 404)
        chosen = _wants(request, "page")
        if isinstance(chosen, Response):
            return chosen
        graph = kg.named_graph(iri)
        if chosen.format is None:
            return HTMLResponse(graph_page(iri, len(graph)), headers={"Vary": "Accept"})
        body = serialize_graph(graph, chosen.format)
        return Response(body, media_type=chosen.content_type, headers={"Vary": "Accept"})

    async def minted(request: Request) -> Response:
        if (refused := _bad_format(request)) is not None:
            return refused
        kind, slug = request.path_params["kind"], request.path_params["slug"]
        if kind not in _KINDS or "/" in slug or not slug or slug in (".", ".."):
            return PlainTextResponse("not found\n", 404)
        try:  # a slug with a space, a control character or another character no IRI may hold
            parse_iri(BASE + f"{kind}/{slug}")
        except ParameterError:
            return PlainTextResponse("not found\n", 404)
        if kind == "graph":
            return await asyncio.get_running_loop().run_in_executor(
                None, _named_graph, request, URIRef(BASE + f"graph/{slug}")
            )
        text = source_texts().get(BASE + f"{kind}/{slug}")
        view = request.query_params.get("view")
        if view is not None and view != "html":
            return PlainTextResponse(f"view={view!r} is not a view; the one view is view=html\n", 400)
        if (given := request.query_params.get("char")) is not None:
            try:  # its form, on every resource; its bounds below, against the text
                char_span(given, sys.maxsize)
            except ParameterError as error:
                return PlainTextResponse(f"{error}\n", error.status)
        chosen = _wants(request, "text") if text is not None else None
        if text is not None and (chosen is HTML or request.query_params.get("view") == "html"):
            # the text as a page marking a quote's span: #char=S,E by static/text.js, ?char=S,E right here
            content = text.read_text(encoding="utf-8")
            try:
                span = char_span(c, len(content)) if (c := request.query_params.get("char")) else None
            except ParameterError as error:
                return PlainTextResponse(f"{error}\n", error.status)
            return HTMLResponse(
                source_text_page(BASE + f"{kind}/{slug}", content, span), headers={"Vary": "Accept"}
            )
        if text is not None and chosen is TEXT:
            # a source text BacloKG ships, as the annotations' offsets count in it (RDF about it on request)
            return Response(text.read_bytes(), media_type=TEXT.content_type, headers={"Vary": "Accept"})
        return await asyncio.get_running_loop().run_in_executor(
            None, _describe, request, URIRef(BASE + f"{kind}/{slug}"), chosen
        )

    async def ontology(request: Request) -> Response:
        if (refused := _bad_format(request)) is not None:
            return refused
        return await asyncio.get_running_loop().run_in_executor(
            None, _describe, request, URIRef(BASE + "ontology")
        )

    async def page(request: Request) -> Response:
        if (refused := _bad_format(request)) is not None:
            return refused
        given = request.query_params.get("iri", "")
        try:
            iri = parse_iri(given)
        except ParameterError:
            message = f"give the IRI or CURIE of a resource: /page?iri=... (not {given!r})\n"
            return PlainTextResponse(message, 400)
        if iri.startswith(BASE):
            return RedirectResponse("/" + iri[len(BASE) :], 303)
        return await asyncio.get_running_loop().run_in_executor(None, _describe, request, iri)

    api = create_api(endpoint)
    described: list[dict[str, Any]] = []

    async def openapi(_: Request) -> Response:
        if not described:
            graphs = [str(g) for g in kg.named_graphs()]
            described.append(service_openapi(api.openapi(), graphs))
        return JSONResponse(described[0])

    async def void(request: Request) -> Response:
        if (refused := _bad_format(request)) is not None:
            return refused
        chosen = _wants(request, "rdf")
        if isinstance(chosen, Response):
            return chosen
        assert chosen.format is not None  # every offer of an RDF resource has its format
        endpoint_iri = str(request.url.replace(path="/sparql", query=""))
        body = serialize_graph(void_description(kg, endpoint_iri), chosen.format)
        return Response(body, media_type=chosen.content_type, headers={"Vary": "Accept"})

    routes = [
        Route("/", index, methods=["GET"]),
        *(
            Route(path, sparql, methods=["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"])
            for path in SPARQL_PATHS
        ),
        Route("/void", void, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/.well-known/void", void, methods=["GET"]),
        Route("/page", page, methods=["GET"]),
        Route("/ontology", ontology, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Mount("/api", api),
        Route("/{kind}/{slug}", minted, methods=["GET"]),
    ]
    middleware = [
        Middleware(ContentSecurityPolicy),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            allow_credentials=False,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.endpoint = endpoint
    return CachedGets(app, endpoint.raw_cache)
