"""Writing the benchmark's figures: results.json, results.md (tables, targets) and results.png (plots)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TARGETS = {
    "throughput": "service >= Oxigraph server and >= 10x rdflib-endpoint, named-query mix, 16 connections",
    "in_process": "named query p50 < 0.3 ms through the public API, Oxigraph engine, no result cache",
    "cold_query": "`baclokg query NAME` < 0.5 s wall",
    "scale": "1M triples, Oxigraph engine: load < 5 s, RSS < 1.5 GB, every competency query p50 < 10 ms",
}


def _f(value: Any, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"# BacloKG benchmark{' (quick smoke run)' if results.get('quick') else ''}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}; run {m['date']}.",
        "",
        "## Service throughput (wrk, keep-alive, GET, median of runs; p50/p99 latency in ms)",
        "",
        "| server | mix | connections | requests/s (runs) | p50 | p99 | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    tp = results["throughput"]
    for key, value in tp.items():
        if key.endswith("startup_s"):
            continue
        server, mix, connections = key.split("|")
        runs = ", ".join(f"{r:,.0f}" for r in value["rps_runs"])
        lines.append(
            f"| {server} | {mix} | {connections} | {_f(value['rps'], 0)} ({runs}) | "
            f"{_f(value['p50_ms'], 2)} | {_f(value['p99_ms'], 2)} | {value['errors']} |"
        )
    ratios = []
    for mix in ("named", "distinct"):
        ours = tp.get(f"baclokg|{mix}|16", {}).get("rps")
        for peer in ("oxigraph", "rdflib-endpoint"):
            theirs = tp.get(f"{peer}|{mix}|16", {}).get("rps")
            if ours and theirs:
                ratios.append(f"| {mix} | BacloKG / {peer} | {ours / theirs:.2f} |")
    lines += [
        "",
        "| mix (16 connections) | ratio | value |",
        "|---|---|---|",
        *ratios,
        "",
        "## In-process named-query latency (public API, ms)",
        "",
        "| query | oxigraph p50 | oxigraph p99 | rdflib p50 | rdflib p99 |",
        "|---|---|---|---|---|",
    ]
    ip = results["in_process"]
    for name, value in ip["oxigraph"]["latency"].items():
        other = ip["rdflib"]["latency"].get(name, {"p50_ms": None, "p99_ms": None})  # not timed: quick run
        lines.append(
            f"| {name} | {_f(value['p50_ms'], 3)} | {_f(value['p99_ms'], 3)} | {_f(other['p50_ms'], 3)} | "
            f"{_f(other['p99_ms'], 3)} |"
        )
    cs = results["cold_start"]
    lines += [
        "",
        "## Cold start",
        "",
        f"- `baclokg query cq-10-onset`: {_f(cs['query_s'], 3)} s (median of {len(cs['query_runs'])})",
        f"- `baclokg serve` until it answers: {_f(cs['serve_s'], 2)} s (median of {len(cs['serve_runs'])})",
        "",
        "## Scale (synthetic monograph-shaped drugs)",
        "",
        "| triples | engine | load s | RSS MB | worst cq p50 ms | service distinct mix req/s, 16 conn |",
        "|---|---|---|---|---|---|",
    ]
    for key, value in results["scale"].items():
        size, engine = key.split("|")
        if "skipped" in value:
            lines.append(f"| {int(size):,} | {engine} | {value['skipped']} | | | |")
            continue
        worst = max((v["p50_ms"] for k, v in value["latency"].items() if k.startswith("cq-")), default=None)
        service = value.get("service_distinct_16", {}).get("rps")
        lines.append(
            f"| {value['triples']:,} | {engine} | {_f(value['load_s'], 2)} | {_f(value['rss_mb'], 0)} | "
            f"{_f(worst, 2)} | {_f(service, 0)} |"
        )
    lines += ["", "## Targets", "", *(f"- {name}: {text}" for name, text in TARGETS.items()), ""]
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tp = results["throughput"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    labels, values = [], []
    for key, value in tp.items():
        if key.endswith("startup_s"):
            continue
        labels.append(key.replace("|", "\n"))
        values.append(value["rps"])
    left.bar(range(len(values)), values, color="#23395d")
    left.set_xticks(range(len(values)), labels, fontsize=6)
    left.set_ylabel("requests / s")
    left.set_title("service throughput (wrk)")
    sizes = [(k, v) for k, v in results["scale"].items() if "skipped" not in v]
    for engine, colour in (("oxigraph", "#23395d"), ("rdflib", "#b8432f")):
        points = [(v["triples"], v["load_s"]) for k, v in sizes if k.endswith(engine)]
        if points:
            right.plot(*zip(*points, strict=True), marker="o", color=colour, label=f"{engine} load (s)")
    right.set_xscale("log")
    right.set_xlabel("triples")
    right.set_ylabel("seconds")
    right.set_title("load time by size")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None, "CreationDate": None})
    plt.close(fig)


def emit_json(result: object, out: Path | None) -> None:
    """Print a benchmark's figures as indented JSON, and write them to ``out`` as well if given."""
    text = json.dumps(result, indent=2) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    print(text, end="")


def write_report(results: dict[str, Any], folder: Path) -> None:
    (folder / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    (folder / "results.md").write_text(markdown(results))
    plot(results, folder / "results.png")


def plot_scale(drugs: dict[str, Any], fairness: list[dict[str, Any]], path: Path) -> None:
    """The figures of ``bench.drugs`` and ``bench.fairness`` in one picture (``make bench-scale``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    fig, (inproc, service, fair) = plt.subplots(
        1, 3, figsize=(16, 5), gridspec_kw={"width_ratios": [3, 3, 2]}
    )
    names = list(drugs["queries"])
    short = [name.removeprefix("cq-") for name in names]
    spots = range(len(names))
    inproc.barh(spots, [drugs["queries"][n]["p50_ms"] for n in names], color="#23395d")
    inproc.axvline(10, color="#b8432f", linestyle="--", label="target 10 ms")
    inproc.set_yticks(spots, short, fontsize=7)
    inproc.invert_yaxis()
    inproc.set_xlabel("p50 (ms), in process")
    inproc.set_title(f"one drug among {drugs['drugs']:,} (+{drugs['extra_triples']:,} triples)")
    inproc.legend()
    figures = drugs.get("service", {})
    for offset, (peer, colour) in enumerate((("baclokg", "#23395d"), ("oxigraph", "#8a9bb5"))):
        rates = [figures.get(f"{peer}|{n}", {}).get("rps", 0.0) for n in names]
        service.barh([s + 0.4 * offset for s in spots], rates, height=0.4, color=colour, label=peer)
    service.axvline(200, color="#b8432f", linestyle="--", label="target 200 req/s")
    service.set_yticks([s + 0.2 for s in spots], short, fontsize=7)
    service.invert_yaxis()
    service.set_xscale("log")
    service.xaxis.set_minor_formatter(NullFormatter())
    service.set_xlabel("requests / s, 16 connections, a new drug and text each")
    service.set_title("through the service, no cache")
    service.legend(fontsize=7)
    runs = [
        (
            f"{r['peer']}, {r['heavy_clients']} heavy"
            + (",\na new text each" if r.get("distinct_heavy") else ""),
            r["light_p99_ms"],
        )
        for r in fairness
    ]
    fair.barh(range(len(runs)), [v for _, v in runs], color="#23395d")
    fair.set_yticks(range(len(runs)), [label for label, _ in runs], fontsize=7)
    fair.invert_yaxis()
    fair.set_xscale("log")
    fair.set_xlabel("light query p99 (ms)")
    fair.set_title("fairness")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None, "CreationDate": None})
    plt.close(fig)


if __name__ == "__main__":
    folder = Path(__file__).resolve().parent / "results"
    plot_scale(
        json.loads((folder / "drugs.json").read_text()),
        json.loads((folder / "fairness.json").read_text()),
        folder / "scale.png",
    )
