"""The README's examples are run, so the documentation cannot drift from the commands."""

from __future__ import annotations

import doctest
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from .conftest import Run, Server

README = Path(__file__).resolve().parents[1] / "README.md"
README_HOST = "http://127.0.0.1:8000"


def _console_examples() -> list[tuple[list[str], list[str]]]:
    """(command, expected output lines) for each ``$ baclokg ...`` line of a console block."""
    examples: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((shlex.split(line[2:]), []))
            elif examples:
                examples[-1][1].append(line.rstrip())
    return examples


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line match where a line '...' stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(_matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and _matches(expected[1:], actual[1:])


EXAMPLES = _console_examples()
STORE_HOST = "http://127.0.0.1:7878"
STORE = [e for e in EXAMPLES if any(STORE_HOST in part for part in e[0])]
CLI = [e for e in EXAMPLES if e[0][0] == "baclokg" and e not in STORE]
CURL = [e for e in EXAMPLES if e[0][0] == "curl"]


def test_every_console_example_is_run() -> None:
    assert len(CLI) + len(CURL) + len(STORE) == len(EXAMPLES)


def test_store_examples(run_cli: Run, tmp_path: Path) -> None:
    from reliability.servers import oxigraph_store

    store = oxigraph_store(tmp_path)
    store.run()
    try:
        url = store.read.rsplit("/", 1)[0]
        for command, expected in STORE:
            result = run_cli(*[part.replace(STORE_HOST, url) for part in command[1:]])
            assert result.returncode == 0, result.stderr
            actual = [line.rstrip().replace(url, STORE_HOST) for line in result.stdout.splitlines()]
            assert _matches(expected, actual), "\n".join(actual)
    finally:
        store.stop()


@pytest.mark.parametrize(("command", "expected"), CLI, ids=lambda v: " ".join(v)[:60])
def test_console_example(run_cli: Run, command: list[str], expected: list[str]) -> None:
    result = run_cli(*command[1:])
    assert result.returncode == 0, result.stderr
    actual = [line.rstrip() for line in result.stdout.splitlines()]
    assert _matches(expected, actual), "\n".join(actual)


@pytest.mark.parametrize(("command", "expected"), CURL, ids=lambda v: " ".join(v)[-60:])
def test_curl_example(server: Server, command: list[str], expected: list[str]) -> None:
    command = [part.replace(README_HOST, server.url) for part in command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    actual = [line.rstrip() for line in result.stdout.splitlines()]
    assert _matches(expected, actual), "\n".join(actual)


def test_sparqlwrapper_example(server: Server) -> None:
    (code,) = re.findall(r"```python-sparqlwrapper\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    exec(compile(code.replace(README_HOST, server.url), "README.md", "exec"), {})


def test_python_examples() -> None:
    failures, tried = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0
