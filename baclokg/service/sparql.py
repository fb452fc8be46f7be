"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: methods, media types, limits, cache, workers."""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Hashable
from urllib.parse import parse_qsl

from pyoxigraph import NamedNode
from starlette.requests import Request
from starlette.responses import Response

from ..errors import BacloKGError, BadRequestError, ParameterError
from ..formats import by_name
from ..kg import KnowledgeGraph
from ..results import serialize_graph
from ..safety import check_complexity, inspect_update
from .admission import Admission, client_address, retry_headers
from .cache import ResponseCache, raw_key
from .description import service_description
from .evaluation import error_answer
from .messages import Answer, QueryRequest, UpdateRequest
from .messages import Request as WorkerRequest
from .negotiation import accept_header, choose, parse_accept
from .pool import WorkerPool
from .settings import Settings
from .using import with_dataset

__all__ = ["SparqlEndpoint"]

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"


def _response(answer: Answer) -> Response:
    return Response(
        answer.body, status_code=answer.status, media_type=answer.media_type, headers={"Vary": "Accept"}
    )


def _iris(params: list[tuple[str, str]], key: str) -> tuple[str, ...]:
    """The values of a dataset parameter, each checked to be an absolute IRI."""
    values = tuple(value for name, value in params if name == key)
    for value in values:
        try:
            NamedNode(value)
        except ValueError:
            raise BadRequestError(400, f"{key} {value!r} is not an absolute IRI") from None
    return values


async def _failed(error: BacloKGError) -> Response:
    """The answer to an error raised before or around a worker's evaluation."""
    return _error(error.status, str(error), **await retry_headers(error))


def _error(status: int, message: str, **headers: str) -> Response:
    answer = error_answer(status, message)
    return Response(answer.body, status_code=status, media_type=answer.media_type, headers=headers)


class SparqlEndpoint:
    """The ASGI-facing handler of ``/sparql``."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        pool: WorkerPool[WorkerRequest, Answer],
        settings: Settings,
        admission: Admission,
    ) -> None:
        self.kg = kg
        self.pool = pool
        self.settings = settings
        self.admission = admission
        self._trusted = frozenset(settings.trusted_proxies)
        self.cache = ResponseCache(settings.cache_bytes)
        #: answers of plain GETs keyed on the raw query string, Accept and Host, served before any routing
        self.raw_cache = ResponseCache(settings.cache_bytes)
        self.updates: list[str] = []

    def client(self, request: Request) -> str:
        """The client's address (through trusted proxies only), the unit of fairness."""
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.getlist("x-forwarded-for"), self._trusted)

    async def __call__(self, request: Request) -> Response:
        if request.method not in ("GET", "POST", "HEAD"):
            return _error(
                405, f"{request.method} is not allowed on /sparql; use GET or POST", Allow="GET, POST"
            )
        try:
            params, direct = await self._read(request)
        except BadRequestError as error:
            return _error(error.status, str(error))
        queries = [v for k, v in params if k == "query"]
        updates = [v for k, v in params if k == "update"]
        if direct is not None:
            kind, text = direct
            (queries if kind == "query" else updates).append(text)
        if len(queries) + len(updates) > 1:
            return _error(400, "give exactly one query or update per request")
        if updates:
            return await self._update(request, updates[0], params)
        if not queries:
            if request.method == "POST":
                return _error(400, "no query given")
            if any(k in ("default-graph-uri", "named-graph-uri") for k, _ in params):
                return _error(400, "default-graph-uri and named-graph-uri need a query to apply to")
            return self._description(request)
        try:
            default, named = _iris(params, "default-graph-uri"), _iris(params, "named-graph-uri")
        except BadRequestError as error:
            return _error(error.status, str(error))
        accept = accept_header(request.headers.getlist("accept"))
        chosen = dict(params).get("format")  # a download link's choice; unknown values are ignored
        if chosen:
            with contextlib.suppress(ParameterError):
                accept = by_name(chosen).media_type
        try:  # an Accept header that breaks its grammar is refused here, before a worker runs the query
            parse_accept(accept)
        except BadRequestError as error:
            return _error(error.status, str(error))
        base = str(request.url.replace(query=""))
        key = (queries[0], default, named, (accept or "").strip(), base)
        cached = self.cache.get(key)
        if cached is not None:
            return _response(cached)
        message = QueryRequest(queries[0], default, named, accept, base)
        try:  # before a worker parses it: a few thousand levels overflow the parser's stack
            check_complexity(queries[0])
            answer = await self.run_kept(request, ("query", queries[0], default, named), message, key)
        except BacloKGError as error:
            return await _failed(error)
        if answer.status == 200 and request.method == "GET":
            self.raw_cache.put(raw_key(request.scope), answer)
        return _response(answer)

    async def run_kept(
        self,
        request: Request,
        admission_key: tuple[Hashable, ...],
        message: WorkerRequest,
        key: tuple[Hashable, ...],
    ) -> Answer:
        """A worker's answer to ``message``, admitted as ``admission_key`` for the client of ``request``; a
        200 is kept in the answer cache under ``key``. Raises the admission's or the pool's refusal."""
        answer = await self.admission.run(
            self.client(request), admission_key, lambda started: self.pool.run(message, started=started)
        )
        if answer.status == 200:
            self.cache.put(key, answer)
        return answer

    async def _read(self, request: Request) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
        """The protocol parameters (URL and form body) and a direct-POST query or update, if any."""
        params = list(request.query_params.multi_items())
        if request.method != "POST":
            return params, None
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_request_bytes:
            raise BadRequestError(413, self._too_large())
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.settings.max_request_bytes:
                raise BadRequestError(
                    413, f"the request body is larger than {self.settings.max_request_bytes} bytes"
                )
        content_type = request.headers.get("content-type", "")
        media, _, options = content_type.partition(";")
        media = media.strip().lower()
        charset = "utf-8"
        for option in options.split(";"):
            key, _, value = option.partition("=")
            if key.strip().lower() == "charset":
                charset = value.strip().strip('"').lower()
        if media not in (FORM, DIRECT_QUERY, DIRECT_UPDATE):
            shown = media or "no Content-Type"
            raise BadRequestError(
                415,
                f"{shown} is not accepted: POST a query as {DIRECT_QUERY}, an update as "
                f"{DIRECT_UPDATE}, or either as {FORM}",
            )
        if charset not in ("utf-8", "utf8"):
            raise BadRequestError(415, f"charset {charset} is not accepted: send UTF-8")
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequestError(400, "the request body is not valid UTF-8") from None
        if media == FORM:
            try:
                params += parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
            except (ValueError, UnicodeDecodeError):
                raise BadRequestError(400, "the form body is not valid UTF-8 form encoding") from None
            return params, None
        return params, ("query" if media == DIRECT_QUERY else "update", text)

    def _too_large(self) -> str:
        return f"the request body is larger than the limit of {self.settings.max_request_bytes} bytes"

    def _description(self, request: Request) -> Response:
        try:
            fmt = choose(accept_header(request.headers.getlist("accept")), "rdf")
        except BadRequestError as error:
            return _error(error.status, str(error))
        if fmt is None:
            return _error(406, "the service description is available as RDF (Turtle, JSON-LD, RDF/XML, ...)")
        endpoint = str(request.url.replace(query=""))
        body = serialize_graph(service_description(self.kg, endpoint), fmt)
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})

    async def _update(self, request: Request, update: str, params: list[tuple[str, str]]) -> Response:
        if request.method != "POST":
            return _error(405, "updates must be POSTed", Allow="POST")
        if not self.settings.allow_update or not self.settings.update_token:
            return _error(403, "this endpoint is read-only: updates are refused")
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), self.settings.update_token.encode()):
            return _error(
                401,
                "updates need the server's token (Authorization: Bearer TOKEN)",
                **{"WWW-Authenticate": "Bearer"},
            )
        try:
            using, using_named = _iris(params, "using-graph-uri"), _iris(params, "using-named-graph-uri")
            update = with_dataset(update, using, using_named)
            inspect_update(update)
            message = UpdateRequest(update, str(request.url.replace(query="")))
            answers = await self.pool.broadcast(message)
        except BacloKGError as error:
            return await _failed(error)
        failed = [a for a in answers if a.status >= 300]
        if failed:
            return _response(failed[0])
        self.pool.remember(message)
        self.updates.append(update)
        # keep the pages and descriptions of this process in step (the workers took it, so this will)
        self.kg.update(message.update, message.base)
        self.cache.clear()
        self.raw_cache.clear()
        return Response(status_code=204)
