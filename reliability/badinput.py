"""Bad input on every entry point, as a table: malformed or unfitting data files given to ``load``,
``baclokg query --data``, ``baclokg validate`` and ``baclokg serve --data``; command-line arguments out
of range; and injection attempts in named-query parameters (Python API, command line, REST API).

Each case says what a good answer looks like: which exit code or status, and which words the message
must hold (the file and line, the option, the parameter). ``run_case`` runs one and reports it.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

import baclokg
from baclokg.errors import BacloKGError
from baclokg.paths import graph_dir

from .faults import answers
from .servers import free_port, run_cli

__all__ = [
    "CLI_CASES",
    "FILES",
    "INJECTIONS",
    "BadFile",
    "CliCase",
    "injection_cases",
    "run_cli_case",
    "run_file_case",
    "run_injection",
    "run_injections",
]


@dataclass(frozen=True)
class BadFile:
    """A data file that must be refused (or, for shape violations, reported), and what to say."""

    name: str
    filename: str
    content: bytes
    #: words the message must hold ({path} is the file's path)
    says: tuple[str, ...]
    #: the data parse, but break the shapes or checks: refused by validate and serve, not by load
    parses: bool = False


_MONOGRAPH = (graph_dir() / "monograph.ttl").read_bytes()

FILES: tuple[BadFile, ...] = (
    BadFile(
        "Turtle, unterminated string",
        "bad.ttl",
        b'@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n',
        ("{path}:3:",),
    ),
    BadFile(
        "Turtle, cut off half way",
        "cut.ttl",
        _MONOGRAPH[: len(_MONOGRAPH) // 2],
        ("{path}:",),
    ),
    BadFile(
        "N-Triples, a bare word as object",
        "bad.nt",
        b"<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> <http://e/b> c .\n",
        ("{path}:2:",),
    ),
    BadFile(
        "N-Triples, Latin-1 bytes",
        "latin.nt",
        '<http://e/a> <http://e/b> "caf\u00e9" .\n'.encode("latin-1"),
        ("{path}:1:", "UTF-8"),
    ),
    BadFile(
        "JSON-LD, broken JSON",
        "bad.jsonld",
        b'{"@context": {"ex": "http://e/"},\n "@id": "ex:a", "ex:b": [1, 2,}',
        ("{path}:2:", "JSON"),
    ),
    BadFile(
        "JSON-LD, remote context",
        "remote.jsonld",
        b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://e/a", "http://e/b": 1}',
        ("{path}", "remote JSON-LD contexts"),
    ),
    BadFile("binary bytes named .ttl", "noise.ttl", bytes(range(256)) * 4, ("{path}:1:",)),
    BadFile(
        "TriG writing into a bundled graph",
        "takeover.trig",
        b"<https://w3id.org/baclokg/graph/monograph> { <http://e/a> <http://e/b> <http://e/c> }\n",
        ("{path}", "bundled graph"),
    ),
    BadFile("unknown file type", "data.xyz", b"<a> <b> <c> .\n", ("{path}", "unknown file type")),
    BadFile(
        "a statement with no source (breaks the shapes)",
        "unsourced.ttl",
        b"@prefix bkg: <https://w3id.org/baclokg/vocab/> .\n"
        b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        b'<https://example.org/s> a bkg:AdverseEffectStatement ; rdfs:label "unsourced" .\n',
        ("example.org/s",),
        parses=True,
    ),
)


def _write(case: BadFile, folder: Path) -> Path:
    path = folder / case.filename
    path.write_bytes(case.content)
    return path


def run_file_case(case: BadFile) -> list[dict[str, Any]]:
    """Give the file to each entry point; report the answer of each and whether it is a good one."""
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        path = _write(case, Path(scratch))
        expected = [word.replace("{path}", str(path)) for word in case.says]
        try:
            kg = baclokg.load(extra=[path])
        except BacloKGError as error:
            rows.append(_row(case, "load(extra=...)", "DataError", str(error), expected))
        else:
            from baclokg.validate import validate

            report = validate(kg, owl_rl=False)
            message = "; ".join(str(f) for f in report.findings[:3])
            answer = f"loaded; validate() found {len(report.findings)}"
            rows.append(_row(case, "load(extra=...)", answer, message, expected, good=case.parses))
        done = run_cli("query", "cq-01-ingredient-and-brands", "--data", str(path))
        rows.append(
            _exit_row(case, "baclokg query --data", done, expected, ok_codes=(0,) if case.parses else (2,))
        )
        done = run_cli("validate", "--no-owl-rl", str(path))
        rows.append(
            _exit_row(case, "baclokg validate", done, expected, ok_codes=(1,) if case.parses else (2,))
        )
        done = run_cli("serve", "--port", str(free_port()), "--data", str(path), timeout=120)
        rows.append(_exit_row(case, "baclokg serve --data", done, expected, ok_codes=(2,)))
    return rows


def _row(
    case: BadFile, entry: str, answer: str, message: str, expected: list[str], *, good: bool = True
) -> dict[str, Any]:
    missing = [word for word in expected if word not in message]
    return {
        "input": case.name,
        "entry": entry,
        "answer": answer,
        "message": _short(message),
        "good": good and not missing and "Traceback" not in message,
        "missing": missing,
    }


def _exit_row(
    case: BadFile,
    entry: str,
    done: subprocess.CompletedProcess[str],
    expected: list[str],
    ok_codes: tuple[int, ...],
) -> dict[str, Any]:
    message = (done.stderr + done.stdout).strip() if done.returncode else done.stdout.strip()[:200]
    if done.returncode == 0:  # a file that parses: the query answers, the words are not expected
        expected = []
    row = _row(case, entry, f"exit {done.returncode}", message, expected)
    row["good"] = row["good"] and done.returncode in ok_codes
    return row


def _short(message: str) -> str:
    lines = [line for line in message.splitlines() if line.strip()]
    text = lines[-1] if lines else ""
    text = re.sub(r"/tmp/[^/\s:]+/", "", text)
    return text[:160]


@dataclass(frozen=True)
class CliCase:
    """A command line with an argument out of range, and the words the error must hold."""

    args: tuple[str, ...]
    says: str


CLI_CASES: tuple[CliCase, ...] = (
    CliCase(("serve", "--port", "70000"), "--port"),
    CliCase(("serve", "--timeout", "0"), "--timeout"),
    CliCase(("serve", "--workers", "0"), "--workers"),
    CliCase(("serve", "--http-workers", "1000"), "--http-workers"),
    CliCase(("serve", "--max-request-bytes", "10"), "--max-request-bytes"),
    CliCase(("serve", "--max-memory-bytes", "5"), "--max-memory-bytes"),
    CliCase(("serve", "--max-header-bytes", "-1"), "--max-header-bytes"),
    CliCase(("serve", "--allow-update"), "--update-token"),
    CliCase(("query", "no-such-query"), "no-such-query"),
    CliCase(("query", "cq-01-ingredient-and-brands", "--param", "nonsense=1"), "nonsense"),
    CliCase(("query", "cq-01-ingredient-and-brands", "--param", "drug"), "KEY=VALUE"),
    CliCase(("query", "cq-01-ingredient-and-brands", "--format", "nonsense"), "--format"),
    CliCase(("query", "--endpoint", "not a url", "cq-01-ingredient-and-brands"), "not a url"),
    CliCase(("export", "--format", "nonsense"), "--format"),
    CliCase(("export", "--format", "turtle", "--graph", "nonsense"), "nonsense"),
    CliCase(("push", "--endpoint", "http://127.0.0.1:9/sparql", "--batch-size", "0"), "--batch-size"),
    CliCase(("push", "--endpoint", "http://127.0.0.1:9/sparql"), "127.0.0.1:9"),
    CliCase(("validate", "--engine", "nonsense"), "--engine"),
)


def run_cli_case(case: CliCase) -> dict[str, Any]:
    """Run the command line; a good answer is a non-zero exit with the words and no traceback."""
    done = run_cli(*case.args, timeout=60)
    message = (done.stderr + done.stdout).strip()
    return {
        "input": " ".join(case.args),
        "entry": "baclokg " + case.args[0],
        "answer": f"exit {done.returncode}",
        "message": _short(message),
        "good": done.returncode != 0 and case.says in message and "Traceback" not in message,
        "missing": [] if case.says in message else [case.says],
    }


#: parameter values that try to break out of the query they are bound into
INJECTIONS: tuple[str, ...] = (
    '"} ; DROP ALL #',
    'x" } UNION { ?s ?p ?o } #',
    "<http://e/a> } ?s ?p ?o {",
    "http://e/a> } UNION { ?s ?p ?o } # <",
    "http://example.org/a b",
    "HP:0002315>",
    "}",
    "CHEBI:2972\u0000",
    "CHEBI:2972\n} INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "x" * 5000,
    "'",
    "\\",
)


def injection_cases() -> list[tuple[str, str, str]]:
    """(query, parameter, value): every injection in every parameter of the competency queries."""
    cases: list[tuple[str, str, str]] = []
    for query in baclokg.queries.all_queries():
        if query.kind != "competency":
            continue
        for name in query.params:
            cases.extend((query.id, name, value) for value in INJECTIONS)
    return cases


def run_injection(
    kg: baclokg.KnowledgeGraph, url: str | None, query: str, name: str, value: str
) -> list[dict[str, Any]]:
    """Bind the value through the Python API and (given a service URL) the REST API."""
    rows = []
    what = f"{query} {name}={value[:40]!r}"
    try:
        found = kg.rows(query, **{name: value})
        answer, message, good = f"{len(found)} rows", "", len(found) == 0
    except BacloKGError as error:
        answer, message, good = type(error).__name__, str(error), True
    rows.append(
        {"input": what, "entry": "kg.rows()", "answer": answer, "message": _short(message), "good": good}
    )
    if url is not None:
        response = httpx.get(url + f"/api/queries/{query}", params={name: value}, timeout=60)
        body = response.text
        good = response.status_code in (400, 404, 422) or (
            response.status_code == 200 and '"rows":[]' in body
        )
        rows.append(
            {
                "input": what,
                "entry": "GET /api/queries",
                "answer": str(response.status_code),
                "message": _short(body),
                "good": good and "Traceback" not in body,
            }
        )
    return rows


def run_injections(url: str) -> list[dict[str, Any]]:
    """Every injection case through the Python API and the service at ``url``, then a last row saying
    whether every named query still answers as it did before them."""
    kg = baclokg.load()
    before = answers(url)
    rows = [
        row for query, name, value in injection_cases() for row in run_injection(kg, url, query, name, value)
    ]
    unchanged = answers(url) == before
    rows.append(
        {
            "input": "every named query, after the injections",
            "entry": "GET /api/queries",
            "answer": "same answers" if unchanged else "answers changed",
            "message": "",
            "good": unchanged,
        }
    )
    return rows
