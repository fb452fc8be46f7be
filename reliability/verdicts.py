"""What counts as a failure in each run's figures: one set of rules for the tests and the report."""

from __future__ import annotations

from typing import Any

__all__ = ["problems"]


def _fuzz(result: dict[str, Any]) -> list[str]:
    found = [f"not acceptable: {failure}" for failure in result.get("failures", [])]
    if not result.get("server_alive_after", True):
        found.append("the service did not answer after the fuzzing")
    return found


def _schemathesis(result: dict[str, Any]) -> list[str]:
    if result["exit"] != 0 or result["cases"] == 0:
        return [f"schemathesis: {result['summary']}", *result.get("failures", [])]
    return []


def _load(result: dict[str, Any]) -> list[str]:
    found = []
    if result["failed"]:
        found.append(f"{result['failed']} of {result['requests']} named-mix requests failed")
    if result["requests"] == 0:
        found.append("no request was answered")
    statuses = result["pathological_statuses"]
    if set(statuses) - {"503", "429"}:
        found.append(f"pathological queries answered other than 503 (stopped) or 429 (shed): {statuses}")
    growth = result["rss_after_mb"] - result["rss_before_mb"]
    if growth > max(64.0, 0.25 * result["rss_before_mb"]):
        found.append(f"memory grew by {growth:.0f} MiB across the run")
    if result["idle_cpu_percent_after"] > 25:
        found.append(f"CPU stayed at {result['idle_cpu_percent_after']} % after the load stopped")
    return found


def _fairness(result: dict[str, Any]) -> list[str]:
    """Light queries keep their pace while heavy clients hammer: the targets of issue 12.

    >>> ok = {"heavy_clients": 8, "light_sent": 240, "light_answered": 240, "light_statuses": {"200": 240},
    ...       "light_p99_ms": 16.2, "heavy_statuses": {"429": 306, "200": 3}}
    >>> _fairness(ok)
    []
    >>> _fairness({**ok, "light_p99_ms": 1800.0, "heavy_statuses": {"200": 40}})
    ['light p99 1800.0 ms with 8 heavy clients (target < 1000 ms)', 'the heavy clients were never shed (429)']
    """
    found = []
    target = 250.0 if result["heavy_clients"] <= 2 else 1000.0
    if result["light_p99_ms"] >= target:
        found.append(
            f"light p99 {result['light_p99_ms']} ms with {result['heavy_clients']} heavy clients "
            f"(target < {target:g} ms)"
        )
    if result["light_answered"] < result["light_sent"] or set(result["light_statuses"]) != {"200"}:
        found.append(f"light queries not all answered: {result['light_statuses']}")
    if set(result["heavy_statuses"]) - {"200", "429", "503"}:
        found.append(f"heavy clients answered other than 200, 429 or 503: {result['heavy_statuses']}")
    if result["heavy_clients"] >= 8 and "429" not in result["heavy_statuses"]:
        found.append("the heavy clients were never shed (429)")
    return found


#: outcomes of the load clients of the kill run that are not failures: answered, refused while the server
#: was down, or shed (429, 503: the clients share one address, and the service may shed them)
_KILL_OUTCOMES = {"ok", "refused while down", "status 429", "status 503"}


def _kill(result: dict[str, Any]) -> list[str]:
    """
    >>> base = {"orphan_processes": 0, "kills": 2, "restarts_with_same_answers": 2}
    >>> _kill({**base, "outcomes": {"ok": 900, "refused while down": 40, "status 429": 6, "status 503": 1}})
    []
    >>> _kill({**base, "outcomes": {"ok": 900, "status 500": 1}})
    ["requests failed other than while the server was down: {'ok': 900, 'status 500': 1}"]
    """
    found = []
    if result["orphan_processes"]:
        found.append(f"{result['orphan_processes']} processes of a killed server kept running")
    if result["restarts_with_same_answers"] != result["kills"]:
        found.append("a restarted server answered a named query differently")
    if set(result["outcomes"]) - _KILL_OUTCOMES:
        found.append(f"requests failed other than while the server was down: {result['outcomes']}")
    return found


def _store(result: dict[str, Any]) -> list[str]:
    bad = {
        "previous graph changed",
        "second push differs",
        "staging graphs left",
        "error without the endpoint",
    }
    return [f"{result['store']}: {k} ({v}x)" for k, v in result["results"].items() if k in bad]


def _export(result: dict[str, Any]) -> list[str]:
    found = []
    for case in result["cases"]:
        where = f"export {case['format']} to a {case['target']} file system"
        if case["exit"] == 0:
            found.append(f"{where}: exit 0")
        if not case["names_path"] or case["traceback"]:
            found.append(f"{where}: unclear message {case['message']!r}")
        if not case["good_file_kept"]:
            found.append(f"{where}: the earlier good file was changed")
        if case["temporary_files_left"]:
            found.append(f"{where}: temporary files left")
    return found


def _rows(result: dict[str, Any]) -> list[str]:
    return [
        f"{row['entry']} | {row.get('input', row.get('attack'))}: {row.get('answer', row.get('status'))} "
        f"{row['message']!r}"
        for row in result["rows"]
        if not row["good"]
    ] + (
        [f"{result['listener_connections']} outbound connections"]
        if result.get("listener_connections")
        else []
    )


_RULES = {
    "fuzz": _fuzz,
    "schemathesis": _schemathesis,
    "load": _load,
    "fairness": _fairness,
    "kill": _kill,
    "store": _store,
    "export": _export,
    "rows": _rows,
}


def problems(kind: str, result: dict[str, Any]) -> list[str]:
    """The failures in one run's figures (empty when it passed)."""
    return _RULES[kind](result)
