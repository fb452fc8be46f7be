"""docs/reliability.md from the figures of a run."""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["markdown"]


def _cell(value: Any) -> str:
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in str(value))
    return text.replace("|", "\\|")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _headline(section: dict[str, Any]) -> str:
    f, kind = section["figures"], section["kind"]
    if kind == "fuzz":
        return f"{f['cases']} cases; statuses {f['statuses']}; {f['failed']} not acceptable"
    if kind == "schemathesis":
        return f"{f['operations']} operations, {f['cases']} cases generated, {f['passed']} passed"
    if kind == "load":
        return (
            f"{f['requests']:,} requests in {f['seconds']:g} s, {f['failed']} failed; "
            f"p99 {f.get('p99_ms')} ms; memory {f['rss_before_mb']} → {f['rss_after_mb']} MiB"
        )
    if kind == "fairness":
        return (
            f"light query p50 / p99 {f['light_p50_ms']} / {f['light_p99_ms']} ms, {f['light_answered']} of "
            f"{f['light_sent']} answered {f['light_statuses']}; heavy answers {f['heavy_statuses']}"
        )
    if kind == "kill":
        return (
            f"{f['kills']} kills, {f['orphan_processes']} orphans, "
            f"{f['restarts_with_same_answers']} restarts with the same answers; "
            f"{f['requests']} requests {f['outcomes']}"
        )
    if kind == "store":
        return f"{f['kills']} kills at random push steps; {f['results']}"
    if kind == "export":
        good = sum(
            1 for c in f["cases"] if c["exit"] and c["good_file_kept"] and not c["temporary_files_left"]
        )
        return f"{len(f['cases'])} exports onto broken targets, {good} refused cleanly"
    rows = f["rows"]
    return f"{len(rows)} inputs, {sum(1 for r in rows if r['good'])} answered as they should"


def _details(section: dict[str, Any]) -> list[str]:
    f, kind = section["figures"], section["kind"]
    if kind == "load":
        keys = [
            ("clients (keep-alive connections)", "connections"),
            ("seconds", "seconds"),
            ("requests of the named mix", "requests"),
            ("requests per second", "requests_per_second"),
            ("failed (socket errors + non-2xx)", "failed"),
            ("latency p50 / p90 / p99 / max (ms)", None),
            ("pathological queries sent", "pathological_sent"),
            ("their statuses", "pathological_statuses"),
            ("longest until stopped (s)", "pathological_stopped_seconds_max"),
            ("their answer", "pathological_examples"),
            ("memory of all server processes before / after (MiB)", None),
            ("memory median / peak during the run (MiB)", None),
            ("CPU of all server processes 2 s after the load (% of a core)", "idle_cpu_percent_after"),
        ]
        rows = []
        for label, key in keys:
            if key is not None:
                rows.append([label, f[key]])
            elif label.startswith("latency"):
                rows.append(
                    [label, f"{f.get('p50_ms')} / {f.get('p90_ms')} / {f.get('p99_ms')} / {f.get('max_ms')}"]
                )
            elif "before" in label:
                rows.append([label, f"{f['rss_before_mb']} / {f['rss_after_mb']}"])
            else:
                rows.append([label, f"{f['rss_median_mb']} / {f['rss_peak_mb']}"])
        return _table(["figure", "value"], rows)
    if kind == "export":
        return _table(
            ["format", "target", "exit", "message", "good file kept", "temporary files left"],
            [
                [
                    c["format"],
                    c["target"],
                    c["exit"],
                    c["message"],
                    c["good_file_kept"],
                    c["temporary_files_left"],
                ]
                for c in f["cases"]
            ],
        )
    if kind == "rows":
        rows = f["rows"]
        if len(rows) > 80:
            counts = Counter((r["entry"], r.get("answer")) for r in rows)
            lines = _table(
                ["entry point", "answer", "inputs"], [[e, a, n] for (e, a), n in sorted(counts.items())]
            )
            bad = [r for r in rows if not r["good"]]
            return lines + (
                _table(
                    ["entry", "input", "answer", "message"],
                    [[r["entry"], r["input"], r["answer"], r["message"]] for r in bad],
                )
                if bad
                else []
            )
        if "attack" in rows[0]:
            lines = _table(
                ["kind", "attack", "status", "message"],
                [[r["kind"], r["attack"], r["status"], r["message"]] for r in rows],
            )
            return [*lines, f"Connections the loopback listener received: {f['listener_connections']}.", ""]
        return _table(
            ["entry point", "input", "answer", "message"],
            [[r["entry"], r["input"], r["answer"], r["message"]] for r in rows],
        )
    if kind in ("fuzz", "schemathesis", "kill", "store", "fairness"):
        return _table(["figure", "value"], [[k, v] for k, v in f.items() if k != "failures"])
    return []


def markdown(results: dict[str, Any]) -> str:
    """The report: a summary table, then each run's figures."""
    sections = results["sections"]
    machine = results["machine"]
    lines = [
        "# BacloKG reliability: figures of the last full run",
        "",
        f"Written by `make reliability` (`python -m reliability`) on {results['date']}: "
        f"the {results['size']} sizes, {results['seconds']} s in all, "
        f"on {machine['cores']} cores ({machine['processor']}), "
        f"Python {machine['python']}. Every run drives real processes on loopback: `baclokg serve`, the "
        "Oxigraph server, Virtuoso, wrk, schemathesis. `make test` runs the same code at short sizes "
        "(tests/test_reliability.py). The raw figures are in reliability.json beside this file.",
        "",
        "## Summary",
        "",
    ]
    lines += _table(
        ["run", "figures", "problems", "seconds"],
        [[s["title"], _headline(s), len(s["problems"]), s["seconds"]] for s in sections],
    )
    for section in sections:
        lines += [f"## {section['title']}", "", _headline(section), ""]
        lines += _details(section)
        if section["problems"]:
            lines += ["Problems:", ""] + [f"- {p}" for p in section["problems"]] + [""]
    return "\n".join(lines).rstrip() + "\n"
