"""Attacks on a running service, as a table: queries and updates that would reach outside or write,
path traversal on the pages, and oversized request lines, headers and bodies. Each is sent as raw
HTTP/1.1 (no client library normalises it first) while a loopback listener counts connections: every
one must be refused, leak nothing, and make no outbound request."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

__all__ = ["ATTACKS", "ELSEWHERE", "OUTSIDE", "Attack", "raw_request", "run_attack"]

#: queries that would reach another endpoint ({port}: the listener's): refused with 400
OUTSIDE = (
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT <http://127.0.0.1:{port}/> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
)

#: queries naming graphs the dataset does not hold ({port}: the listener's): each such graph is an
#: empty graph, never fetched (as the Oxigraph server does), so they are answered with no data
ELSEWHERE = (
    "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:{port}/> ASK FROM x:data { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } FROM <http://127.0.0.1:{port}/d> WHERE { ?s ?p ?o }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "DESCRIBE ?s FROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
)

_UPDATES = (
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "LOAD <http://127.0.0.1:{port}/data.ttl>",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
)


@dataclass(frozen=True)
class Attack:
    """One raw request ({port}: the listener's), and the statuses that refuse it."""

    kind: str
    name: str
    method: str
    target: str
    refused: tuple[int, ...]
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


def _form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def _attacks() -> list[Attack]:
    found = []
    # SERVICE is refused; a graph the dataset does not hold is answered as an empty graph (200),
    # and in both cases nothing may reach the listener
    queries = [(q, "service", (400,)) for q in OUTSIDE] + [(q, "graph elsewhere", (200,)) for q in ELSEWHERE]
    for number, (query, what, statuses) in enumerate(queries, 1):
        found.append(
            Attack(
                "outside", f"query {number} ({what}) by GET", "GET", f"/sparql?query={quote(query)}", statuses
            )
        )
        found.append(
            Attack(
                "outside",
                f"query {number} ({what}) by POST",
                "POST",
                "/sparql",
                statuses,
                (("Content-Type", "application/x-www-form-urlencoded"),),
                _form(query=query),
            )
        )
    found.append(
        Attack(
            "outside",
            "default-graph-uri naming a graph elsewhere (an empty graph)",
            "GET",
            "/sparql?"
            + urlencode({"query": "ASK {?s ?p ?o}", "default-graph-uri": "http://127.0.0.1:{port}/g"}),
            (200,),
        )
    )
    for number, update in enumerate(_UPDATES, 1):
        for token in ("", "Bearer guess", "Bearer "):
            headers = [("Content-Type", "application/sparql-update")]
            if token:
                headers.append(("Authorization", token))
            found.append(
                Attack(
                    "update",
                    f"update {number}, token {token or 'none'!r}",
                    "POST",
                    "/sparql",
                    (401, 403),
                    tuple(headers),
                    update.encode(),
                )
            )
        found.append(
            Attack(
                "update", f"update {number} by GET", "GET", f"/sparql?update={quote(update)}", (400, 403, 405)
            )
        )
    for path in (
        "/static/../../../../etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..\\..\\..\\etc\\passwd",
        "/static/%252e%252e/%252e%252e/etc/passwd",
        "/entity/..%2f..%2f..%2fetc%2fpasswd",
        "/entity/%2e%2e",
        "/entity/..",
        "/entity/%00",
        "/entity/a%0d%0aSet-Cookie:%20x=1",
        "/graph/..%2f..%2fservice.py",
        "/api/queries/..%2f..%2f..%2fetc%2fpasswd",
        "/page?iri=file:///etc/passwd",
        "/page?iri=http://127.0.0.1:{port}/resource",
        "/page?iri=%00",
        "//etc/passwd",
        "/../../etc/passwd",
    ):
        found.append(Attack("traversal", path, "GET", path, (400, 404)))
    big = "x" * (2 * 1024 * 1024)
    found += [
        Attack("oversized", "2 MiB request target", "GET", f"/sparql?query=ASK%7B%7D%23{big}", (414,)),
        Attack(
            "oversized",
            "100 KiB header field",
            "GET",
            "/sparql?query=ASK%7B%7D",
            (431,),
            (("X-Big", "a" * 102400),),
        ),
        Attack(
            "oversized",
            "20,000 header fields",
            "GET",
            "/sparql?query=ASK%7B%7D",
            (431,),
            tuple((f"X-{n}", "a") for n in range(20000)),
        ),
        Attack(
            "oversized",
            "2 MiB body",
            "POST",
            "/sparql",
            (413,),
            (("Content-Type", "application/sparql-query"),),
            ("ASK {} #" + big).encode(),
        ),
        Attack(
            "oversized",
            "2 MiB body, chunked, no length",
            "POST",
            "/sparql",
            (413,),
            (("Content-Type", "application/sparql-query"), ("Transfer-Encoding", "chunked")),
            ("ASK {} #" + big).encode(),
        ),
        Attack(
            "oversized",
            "a Content-Length far past the limit",
            "POST",
            "/sparql",
            (413,),
            (("Content-Type", "application/sparql-query"), ("Content-Length", str(10**12))),
            b"ASK {}",
        ),
    ]
    return found


ATTACKS: tuple[Attack, ...] = tuple(_attacks())


def raw_request(
    host: str, port: int, head: bytes, body: bytes = b"", chunked: bool = False
) -> tuple[int, str]:
    """Send one request as raw bytes; return the status (0 if none came) and the body's first 4 KiB."""
    with socket.create_connection((host, port), timeout=60) as sock:
        try:
            sock.sendall(head)
            if chunked:
                for start in range(0, len(body), 65536):
                    piece = body[start : start + 65536]
                    sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sock.sendall(b"0\r\n\r\n")
            elif body:
                sock.sendall(body)
        except OSError:
            pass  # the server answered and closed before reading everything: read its answer
        reply = b""
        try:
            while len(reply) < 65536:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                reply += chunk
                if b"\r\n\r\n" in reply and _complete(reply):
                    break
        except OSError:
            pass
    match = re.match(rb"HTTP/1\.[01] (\d{3})", reply)
    return (int(match.group(1)) if match else 0), reply.partition(b"\r\n\r\n")[2][:4096].decode(
        "utf-8", "replace"
    )


def _complete(reply: bytes) -> bool:
    head, _, body = reply.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return length is not None and len(body) >= int(length.group(1))


def run_attack(url: str, attack: Attack, listener_port: int) -> dict[str, Any]:
    """Send the attack; a good answer is a refusing status with nothing of the file system in it."""
    host, port = url.removeprefix("http://").split(":")
    target = attack.target.replace("{port}", str(listener_port)).replace(quote("{port}"), str(listener_port))
    body = attack.body.replace(b"{port}", str(listener_port).encode())
    if attack.kind == "outside" and attack.method == "POST":
        body = body.replace(quote("{port}").encode(), str(listener_port).encode())
    headers = dict(attack.headers)
    chunked = headers.get("Transfer-Encoding") == "chunked"
    lines = [f"{attack.method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in attack.headers]
    if body and not chunked and "Content-Length" not in headers:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    status, text = raw_request(host, int(port), head, body, chunked)
    leaked = "root:" in text or "Traceback" in text or "import " in text
    return {
        "kind": attack.kind,
        "attack": attack.name.replace("{port}", "PORT")[:90],
        "status": status,
        "good": status in attack.refused and not leaked,
        "leaked": leaked,
        "message": text.strip().splitlines()[0][:120] if text.strip() else "",
    }
