"""The named queries as a small REST API with an OpenAPI description (FastAPI, mounted at /api)."""

from __future__ import annotations

import inspect
from collections.abc import Hashable
from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.requests import Request

from .. import __version__
from ..errors import BacloKGError
from ..models import MAX_NAMES
from ..queries import NamedQuery, all_queries
from .admission import retry_headers
from .messages import ComedicationRequest, NamedQueryRequest
from .messages import Request as WorkerRequest
from .sparql import SparqlEndpoint

__all__ = ["create_api"]

#: the longest co-medication name the REST API takes
MAX_NAME_CHARACTERS = 300


class ParameterInfo(BaseModel):
    """A parameter of a named query."""

    name: str
    type: str
    default: str | None
    description: str


class QueryInfo(BaseModel):
    """A named query: what it asks and how to run it."""

    id: str
    kind: str
    title: str
    question: str
    parameters: list[ParameterInfo]
    sparql: str


class ComedicationVerdict(BaseModel):
    """The verdict on one name (the full object also holds claims, paths, candidates and suggestions)."""

    model_config = ConfigDict(extra="allow")

    name: str
    verdict: str
    effect: dict[str, str] | None
    path: dict[str, Any] | None
    sources: list[dict[str, Any]]
    note: str


class ComedicationAnswer(BaseModel):
    """A medication list checked against the drug, one verdict per name in the order given."""

    drug: dict[str, str]
    resolved: bool
    comedications: list[ComedicationVerdict]


class QueryRows(BaseModel):
    """The rows of a named query; IRIs as CURIEs where a prefix is known, literals by their value."""

    query: str
    rows: list[dict[str, str]]


def _info(query: NamedQuery) -> QueryInfo:
    return QueryInfo(
        id=query.id,
        kind=query.kind,
        title=query.title,
        question=query.question,
        parameters=[
            ParameterInfo(name=p.name, type=p.type, default=p.default, description=p.description)
            for p in query.params.values()
        ],
        sparql=query.sparql,
    )


def create_api(endpoint: SparqlEndpoint) -> FastAPI:
    """The REST API over the named queries, evaluated in the worker pool (with its time limit)."""
    api = FastAPI(
        title="BacloKG named queries",
        version=__version__,
        description="The competency questions, checks and API queries of BacloKG, run with parameters.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    queries = all_queries()

    @api.get(
        "/comedications",
        summary="Check a medication list against the drug",
        description=(
            "One verdict per name, in the order given: interacts, uncertain, same-ingredient, "
            "no-interaction-recorded, not-a-substance, not-known or ambiguous; with the effect, the cited "
            f"path and the sources. At most {MAX_NAMES} names a request. The absence of a record is no "
            "evidence that a combination is safe."
        ),
        response_model=ComedicationAnswer,
        responses={
            400: {"description": f"no name, or more than {MAX_NAMES} names"},
            404: {"description": "the drug is not known"},
            503: {"description": "the check ran past the time limit"},
        },
        operation_id="check_comedications",
    )
    async def comedications(
        request: Request,
        name: Annotated[
            list[str] | None,
            Query(
                description="a co-medication's name, CURIE or IRI (repeat the parameter for a list; "
                f"each at most {MAX_NAME_CHARACTERS} characters)",
            ),
        ] = None,
        drug: Annotated[
            str, Query(description="the drug (name, CURIE or IRI)", max_length=300)
        ] = "CHEBI:2972",
    ) -> Response:
        if not name or len(name) > MAX_NAMES:
            return JSONResponse(
                {"detail": f"give between 1 and {MAX_NAMES} names, got {len(name or ())}"}, 400
            )
        long = next((n for n in name if len(n) > MAX_NAME_CHARACTERS), None)
        if long is not None:  # Query's max_length bounds the list here, not each name
            return JSONResponse(
                {"detail": f"a name has at most {MAX_NAME_CHARACTERS} characters, got {len(long)}"}, 400
            )
        names = tuple(name)
        return await _answer(
            endpoint, request, ("comedications", drug, names), ComedicationRequest(names, drug)
        )

    @api.get("/queries", response_model=list[QueryInfo], summary="List the named queries")
    async def list_queries() -> list[QueryInfo]:
        return [_info(q) for q in queries]

    for query in queries:
        api.add_api_route(
            f"/queries/{query.id}",
            _runner(query, endpoint),
            methods=["GET"],
            response_model=QueryRows,
            summary=query.title or query.id,
            description=query.question,
            responses={
                400: {"description": "a parameter is not acceptable"},
                404: {"description": "a named entity is not known"},
                503: {"description": "the query ran past the time limit"},
            },
            operation_id=query.id.replace("-", "_"),
        )
    return api


async def _answer(
    endpoint: SparqlEndpoint, http: Request, key: tuple[Hashable, ...], request: WorkerRequest
) -> Response:
    """A worker's JSON answer as is, kept in the endpoint's answer cache (which an update clears); an
    error as ``{"detail": ...}`` with its status."""
    answer = endpoint.cache.get(key)
    if answer is None:
        try:
            answer = await endpoint.run_kept(http, key, request, key)
        except BacloKGError as error:
            headers = await retry_headers(error)
            return JSONResponse({"detail": str(error)}, error.status, headers=headers)
    if answer.status != 200:
        return JSONResponse({"detail": answer.body.decode().strip()}, answer.status)
    return Response(answer.body, media_type="application/json")


def _runner(query: NamedQuery, endpoint: SparqlEndpoint) -> Any:
    async def run(request: Request, **params: str | None) -> Response:
        values = {k: v for k, v in params.items() if v is not None}
        key = ("named", query.id, tuple(sorted(values.items())))
        return await _answer(endpoint, request, key, NamedQueryRequest(query.id, values))

    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for param in query.params.values():
        parameters.append(
            inspect.Parameter(
                param.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=Query(
                    default=param.default, description=param.description or param.name, max_length=2000
                ),
                annotation=str | None,
            )
        )
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__name__ = query.id.replace("-", "_")
    return run
