"""The HTTP/1.1 protocol of the service: uvicorn's httptools protocol with limits on the request head.

httptools buffers a request line and header fields of any size, so a client could make a worker hold
megabytes before the application sees anything. Here the request target is capped like a POSTed query
(``414 URI Too Long`` past it) and the header fields together (``431`` past it); the connection is
answered and closed while the head is still arriving.
"""

from __future__ import annotations

import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..errors import BadRequestError

__all__ = ["DEFAULT_MAX_HEADER_BYTES", "LimitedHttpToolsProtocol", "protocol_class"]

#: the default limit of all header fields of one request together, in bytes
DEFAULT_MAX_HEADER_BYTES = 64 * 1024
#: what each header field costs beyond its name and value (": " and the line end)
_FIELD_OVERHEAD = 4


class _HeadTooLargeError(BadRequestError):
    """Stops httptools' parser: the request line or header fields passed their limit (414 or 431)."""


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """An httptools protocol that refuses an over-long request target or over-large header fields."""

    def __init__(self, *args: Any, max_url_bytes: int, max_header_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_url_bytes = max_url_bytes
        self.max_header_bytes = max_header_bytes
        self._header_bytes = 0
        self._refusal: _HeadTooLargeError | None = None

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.max_url_bytes:
            self._refusal = _HeadTooLargeError(
                414, f"the request target is longer than {self.max_url_bytes} bytes; POST long queries"
            )
            raise self._refusal

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + _FIELD_OVERHEAD
        if self._header_bytes > self.max_header_bytes:
            self._refusal = _HeadTooLargeError(
                431, f"the header fields are larger than {self.max_header_bytes} bytes"
            )
            raise self._refusal
        super().on_header(name, value)

    def data_received(self, data: bytes) -> None:
        if self._refusal is not None:  # already answered; the rest of the head is dropped
            return
        super().data_received(data)  # a refusing callback ends in send_400_response, below

    def send_400_response(self, msg: str) -> None:
        if self._refusal is not None:  # the parser stopped because a callback refused the head
            self._refuse(self._refusal.status, str(self._refusal))
            return
        super().send_400_response(msg)

    def _refuse(self, status: int, message: str) -> None:
        body = (message + "\n").encode()
        reason = {414: b"URI Too Long", 431: b"Request Header Fields Too Large"}[status]
        head = [
            b"HTTP/1.1 %d %s\r\n" % (status, reason),
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def protocol_class(max_url_bytes: int, max_header_bytes: int) -> Any:
    """The protocol class uvicorn is given (``http=``); picklable, for several HTTP processes."""
    return functools.partial(
        LimitedHttpToolsProtocol, max_url_bytes=max_url_bytes, max_header_bytes=max_header_bytes
    )
