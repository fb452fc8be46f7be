"""The named queries as a small REST API with an OpenAPI description (FastAPI, mounted at /api)."""

from __future__ import annotations

import inspect
from typing import Any

from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.requests import Request

from . import __version__
from .queries import NamedQuery, all_queries
from .workers import QueryStoppedError, WorkerPool

__all__ = ["create_api"]


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


def create_api(pool: WorkerPool) -> FastAPI:
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

    @api.get("/queries", response_model=list[QueryInfo], summary="List the named queries")
    async def list_queries() -> list[QueryInfo]:
        return [_info(q) for q in queries]

    for query in queries:
        api.add_api_route(
            f"/queries/{query.id}",
            _runner(query, pool),
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


def _runner(query: NamedQuery, pool: WorkerPool) -> Any:
    async def run(request: Request, **params: str | None) -> Response:
        values = {k: v for k, v in params.items() if v is not None}
        try:
            answer = await pool.run({"op": "named", "name": query.id, "params": values})
        except QueryStoppedError as error:
            return JSONResponse({"detail": str(error)}, 503)
        if answer.status != 200:
            return JSONResponse({"detail": answer.body.decode().strip()}, answer.status)
        return Response(answer.body, media_type="application/json")

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
