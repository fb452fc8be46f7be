"""Fuzzing a running service: schemathesis from its OpenAPI description, and hypothesis throwing
mutated and random SPARQL, random requests, wrong encodings, huge or deeply nested queries and raw
bytes at it. The rule everywhere: no 5xx but a query stopped at its limit, no stack trace, and the
service still answers afterwards."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baclokg.queries import all_queries

__all__ = ["acceptable", "fuzz_bytes", "fuzz_requests", "fuzz_sparql", "run_schemathesis"]

_WORDS = (
    "SELECT DISTINCT * WHERE { } ( ) . ; , ?s ?p ?o ?x OPTIONAL UNION MINUS FILTER BIND AS VALUES "
    "GRAPH SERVICE SILENT FROM NAMED ASK CONSTRUCT DESCRIBE ORDER BY GROUP HAVING LIMIT OFFSET COUNT "
    "SUM REGEX STR LANG IRI BNODE NOT EXISTS IN a ^ | / * + ? ! = != < > && || 1 -1 2.5e9 \"x\" 'y' "
    '"""z""" @en ^^xsd:integer <http://e/a> <> _:b [ ] PREFIX BASE xsd: rdfs:label UNDEF true false '
    "INSERT DATA DELETE LOAD CLEAR DROP # \\u0041 \\"
)
_KEYWORDS = tuple(_WORDS.split(" "))

_ACCEPTS = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/ld+json",
    "*/*",
    "text/html",
    "application/x-nonsense",
    "text/*;q=0.1, application/json;q=0",
    ";;;,,,q=",
)


def acceptable(status: int, body: str) -> bool:
    """The fuzzing rule: a client error (429 shedding included), a success, or a 503 for a query stopped
    at its limit or a full service."""
    if "Traceback" in body or 'File "' in body:
        return False
    if status >= 500:
        return status == 503 and ("time limit" in body or "service is full" in body)
    return True


def _seeds() -> list[str]:
    return [q.sparql for q in all_queries()]


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_seeds()))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start, min(len(text), start + 40)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        piece = draw(st.sampled_from(_KEYWORDS)) if kind in ("insert", "replace") else text[start:end]
        if kind == "delete":
            text = text[:start] + text[end:]
        elif kind == "insert":
            text = text[:start] + " " + piece + " " + text[start:]
        elif kind == "duplicate":
            text = text[:end] + piece + text[end:]
        else:
            text = text[:start] + piece + text[end:]
    return text


_NESTINGS = (
    "SELECT * WHERE {open} ?s ?p ?o {close}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER({open}?o{close}) }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {open} ?s ?p ?o {close} }}",
    "SELECT * WHERE {{ ?s {open}<http://e/p>{close} ?o }}",
    "ASK {{ {open}SELECT * WHERE {{ ?s ?p ?o }}{close} }}",
)


@st.composite
def _nested(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(_NESTINGS))
    depth = draw(st.integers(1, 20000))
    openers, closers = ("{", "}") if template.startswith("SELECT * WHERE {open}") else ("(", ")")
    if "OPTIONAL" in template:
        openers, closers = "{ OPTIONAL {", "} }"
    if "ASK" in template:
        openers, closers = "{ ", " }"
    return template.format(open=openers * depth, close=closers * depth)


@st.composite
def _huge(draw: st.DrawFn) -> str:
    size = draw(st.integers(1000, 900_000))
    kind = draw(st.sampled_from(["literal", "union", "values", "comment"]))
    if kind == "literal":
        return f'ASK {{ ?s ?p "{"x" * size}" }}'
    if kind == "union":
        return "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * (size // 14)) + " }"
    if kind == "values":
        return "SELECT * WHERE { VALUES ?v { " + " ".join(str(n) for n in range(size // 7)) + " } }"
    return "ASK {} #" + "y" * size


_SPARQL = st.one_of(
    _mutated(),
    st.lists(st.sampled_from(_KEYWORDS), max_size=40).map(" ".join),
    st.text(max_size=200),
    _nested(),
    _huge(),
)


def _send(client: httpx.Client, url: str, query: str, transport: str, accept: str) -> httpx.Response:
    headers = {"Accept": accept}
    if transport == "GET" and len(quote(query, safe="")) < 60_000:  # httpx's own limit on a URL's query
        return client.get(url + "/sparql", params={"query": query}, headers=headers)
    if transport == "direct":
        headers["Content-Type"] = "application/sparql-query"
        return client.post(url + "/sparql", content=query.encode("utf-8", "surrogatepass"), headers=headers)
    return client.post(url + "/sparql", data={"query": query}, headers=headers)


def _alive(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url + "/sparql", params={"query": "ASK {}"}).status_code == 200
    except httpx.HTTPError:
        return False


class _Tally:
    def __init__(self) -> None:
        self.cases = 0
        self.statuses: Counter[int] = Counter()
        self.stopped: Counter[str] = Counter()
        self.failures: list[str] = []

    def record(self, status: int, body: str, what: str) -> None:
        self.cases += 1
        self.statuses[status] += 1
        if status == 503:
            self.stopped["time limit" if "time limit" in body else body.strip()[:120]] += 1
        if not acceptable(status, body):
            self.failures.append(f"{status} for {what[:200]!r}: {body[:200]!r}")

    def figures(self, alive: bool) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "stopped_at": dict(self.stopped),
            "failures": self.failures[:10],
            "failed": len(self.failures),
            "server_alive_after": alive,
        }


def _settings(examples: int, seed: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def _run(test: Any, seed: int) -> None:
    from hypothesis import seed as fixed_seed

    fixed_seed(seed)(test)()


def fuzz_sparql(url: str, examples: int, seed: int = 0) -> dict[str, Any]:
    """Random, mutated, deeply nested and huge SPARQL to /sparql by GET, form POST and direct POST."""
    tally = _Tally()
    with httpx.Client(timeout=120) as client:

        @_settings(examples, seed)
        @given(
            query=_SPARQL,
            transport=st.sampled_from(["GET", "form", "direct"]),
            accept=st.sampled_from(_ACCEPTS),
        )
        def case(query: str, transport: str, accept: str) -> None:
            try:
                response = _send(client, url, query, transport, accept)
                tally.record(response.status_code, response.text, query)
            except httpx.HTTPError as error:
                tally.record(599, type(error).__name__, query)

        _run(case, seed)
        return tally.figures(_alive(client, url))


_HEADER_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-ABCXYZ", min_size=1, max_size=20)
_HEADER_VALUE = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=300)
_PATHS = (
    "/sparql",
    "/api/queries",
    "/api/queries/cq-01-ingredient-and-brands",
    "/api/queries/api-drug",
    "/entity/baclotop",
    "/page",
    "/void",
    "/",
    "/static/app.js",
    "/statement/x",
    "/graph/monograph",
)
_CONTENT_TYPES = (
    "application/sparql-query",
    "application/sparql-update",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/sparql-query; charset=utf-16",
    "multipart/form-data; boundary=x",
    "text/plain",
    "",
)


@st.composite
def _body(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "latin-1", "utf-16", "form", "empty"]))
    query = draw(st.one_of(_mutated(), st.text(max_size=100)))
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    if kind == "latin-1":
        return ("query=" + query + "é").encode("latin-1", "replace")
    if kind == "utf-16":
        return query.encode("utf-16")
    if kind == "form":
        pairs = draw(st.lists(st.tuples(_HEADER_NAME, st.text(max_size=50)), max_size=5))
        return "&".join(f"{k}={v}" for k, v in pairs).encode("utf-8", "surrogatepass")
    return b""


def fuzz_requests(url: str, examples: int, seed: int = 0) -> dict[str, Any]:
    """Random methods, paths, query strings, headers, content types and bodies (wrong encodings too)."""
    tally = _Tally()
    with httpx.Client(timeout=120) as client:

        @_settings(examples, seed)
        @given(
            method=st.sampled_from(
                ["GET"] * 4 + ["POST"] * 4 + ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
            ),
            path=st.sampled_from(_PATHS),
            params=st.lists(st.tuples(_HEADER_NAME, st.text(max_size=80)), max_size=4),
            headers=st.dictionaries(_HEADER_NAME, _HEADER_VALUE, max_size=6),
            content_type=st.sampled_from(_CONTENT_TYPES),
            body=_body(),
        )
        def case(
            method: str,
            path: str,
            params: list[tuple[str, str]],
            headers: dict[str, str],
            content_type: str,
            body: bytes,
        ) -> None:
            headers = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "host")}
            if content_type:
                headers["Content-Type"] = content_type
            what = f"{method} {path} {params} {headers} {body[:80]!r}"
            try:
                request = client.build_request(
                    method, url + path, params=tuple(params), headers=headers, content=body
                )
            except (httpx.HTTPError, ValueError, TypeError):
                return  # httpx itself would not send this; nothing reached the service
            try:
                response = client.send(request)
                tally.record(response.status_code, response.text, what)
            except httpx.LocalProtocolError:
                return
            except httpx.HTTPError as error:
                tally.record(599, type(error).__name__, what)

        _run(case, seed)
        return tally.figures(_alive(client, url))


def fuzz_bytes(url: str, examples: int, seed: int = 0) -> dict[str, Any]:
    """Raw bytes, and HTTP heads broken at random, written straight to the socket."""
    host, port = url.removeprefix("http://").split(":")
    tally = _Tally()

    @_settings(examples, seed)
    @given(
        data=st.one_of(
            st.binary(min_size=1, max_size=4000),
            st.builds(
                lambda head, tail: head + tail,
                st.sampled_from(
                    [
                        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n",
                        b"POST /sparql HTTP/1.1\r\n",
                        b"GET / HTTP/1.0",
                    ]
                ),
                st.binary(max_size=2000),
            ),
        )
    )
    def case(data: bytes) -> None:
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
                reply = sock.recv(4096)
            except OSError:
                reply = b""
        match = re.match(rb"HTTP/1\.[01] (\d{3})", reply)
        tally.record(int(match.group(1)) if match else 0, reply.decode("latin-1"), repr(data[:120]))

    _run(case, seed)
    with httpx.Client(timeout=30) as client:
        return tally.figures(_alive(client, url))


def run_schemathesis(url: str, examples: int) -> dict[str, Any]:
    """schemathesis with every check but those reliability/schemathesis.toml turns off, against the whole
    service's OpenAPI description."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "reliability.schemathesis_hooks", "PYTHONPATH": str(root)}
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "--config-file",
                str(Path(__file__).with_name("schemathesis.toml")),
                "run",
                url + "/openapi.json",
                "--max-examples",
                str(examples),
                "--request-timeout",
                "60",
                "--no-color",
                "--seed",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
            cwd=folder,
            env=env,
        )
    out = done.stdout
    generated = re.search(r"(\d+) generated", out)
    passed = re.search(r"(\d+) passed", out.split("Test cases:")[-1])
    operations = re.search(r"Tested: (\d+)", out)
    return {
        "operations": int(operations.group(1)) if operations else 0,
        "cases": int(generated.group(1)) if generated else 0,
        "passed": int(passed.group(1)) if passed else 0,
        "exit": done.returncode,
        "failed": 0 if done.returncode == 0 else 1,
        "summary": out.strip().splitlines()[-1] if out.strip() else done.stderr.strip()[-300:],
        "failures": _failures(out),
    }


def _failures(out: str) -> list[str]:
    """The failures schemathesis printed: each operation's heading and its failed checks."""
    block = out.split("= FAILURES =", 1)[-1].split("= WARNINGS =", 1)[0] if "= FAILURES =" in out else ""
    lines = [line.strip() for line in block.splitlines()]
    kept = [line for line in lines if line.startswith(("_", "- ST", "curl ")) or "Invalid component" in line]
    return [line.strip("_ ") for line in kept][:20]
