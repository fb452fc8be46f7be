"""The answer caches of the SPARQL endpoint: a bounded LRU cache, and a wrapper that answers a repeated
GET before any routing."""

from __future__ import annotations

from collections import OrderedDict

from starlette.types import ASGIApp, Receive, Scope, Send

from .messages import Answer

__all__ = ["SPARQL_PATHS", "CachedGets", "ResponseCache", "raw_key"]

#: the paths of the SPARQL endpoint: /sparql/ too, as the W3C protocol tests use it (a redirect would
#: lose a POSTed body)
SPARQL_PATHS = ("/sparql", "/sparql/")


class ResponseCache:
    """A bounded LRU cache of answers, keyed on everything that decides an answer.

    >>> cache = ResponseCache(max_bytes=10)
    >>> cache.put(("q",), Answer(200, "text/csv", b"123456"))
    >>> cache.get(("q",)).body
    b'123456'
    >>> cache.put(("r",), Answer(200, "text/csv", b"abcdefgh"))
    >>> cache.get(("q",)) is None, cache.size
    (True, 8)
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[tuple[object, ...], Answer] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> Answer | None:
        answer = self._items.get(key)
        if answer is not None:
            self._items.move_to_end(key)
        return answer

    def put(self, key: tuple[object, ...], answer: Answer) -> None:
        if len(answer.body) > self.max_bytes or key in self._items:
            return
        self._items[key] = answer
        self.size += len(answer.body)
        while self.size > self.max_bytes:
            _, old = self._items.popitem(last=False)
            self.size -= len(old.body)

    def clear(self) -> None:
        self._items.clear()
        self.size = 0


def raw_key(scope: Scope) -> tuple[object, ...]:
    """The cache key of a GET request as the ASGI server hands it over: path, query string, Accept, Host.

    The path is part of it because relative IRIs in a query resolve against the request's IRI.
    """
    accept = host = b""
    for name, value in scope["headers"]:
        if name == b"accept":  # several Accept lines are one list, as the handler reads them
            accept = accept + b", " + value if accept else value
        elif name == b"host":
            host = value
    return (scope["path"], scope["query_string"], accept, host)


class CachedGets:
    """ASGI wrapper that answers a repeated GET on /sparql from the cache before any routing or middleware."""

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in SPARQL_PATHS:
            answer = self.cache.get(raw_key(scope))
            if answer is not None:
                headers = [
                    (b"content-type", answer.media_type.encode()),
                    (b"content-length", str(len(answer.body)).encode()),
                    (b"vary", b"Accept, Origin"),
                    (b"access-control-allow-origin", b"*"),
                ]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": answer.body})
                return
        await self.app(scope, receive, send)
