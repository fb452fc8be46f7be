"""``python -m bench.queries --before REV``: every named query's in-process p50, this checkout against REV.

Both versions are measured in the same run, each in its own process: REV is checked out into a
temporary git worktree (removed afterwards). The two take turns for ``--rounds`` rounds, so that a
slow spell of the machine falls on both; a query's figure is the median over the rounds of its
median time within a round (with its default parameters). The table gives the ratio after/before, and
the cold start of ``baclokg query NAME`` and a 20-name co-medication check from the command line.

The ratio a change must keep is the caller's to judge; whole-graph queries (``qc-*``, ``api-names``,
``api-kgx-*``) grow with the number of triples by nature.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: a medication list for the command-line check (names of the README and the tests)
NAMES = (
    "oxycodone", "lorazepam", "ibuprofen", "alcohol", "omeprazole", "gabapentin", "zolpidem", "quetiapine",
    "diphenhydramine", "tizanidine", "diazepam", "sertraline", "metformin", "warfarin", "aspirin",
    "morphine", "trazodone", "Baclotop", "multiple sclerosis", "carisoprodol",
)  # fmt: skip

# run inside the measured checkout: prints {"engine/query": p50 in ms}
_PROBE = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import baclokg
from baclokg.queries import all_queries
out = {}
for engine, runs in (("oxigraph", 20), ("rdflib", 5)):
    kg = baclokg.load(engine=engine)
    for query in all_queries():
        kg.rows(query.id)
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            kg.rows(query.id)
            times.append(time.perf_counter() - began)
        out[engine + "/" + query.id] = statistics.median(times) * 1000
print(json.dumps(out))
"""


def probe(checkout: Path) -> dict[str, float]:
    """The p50 of every named query on both engines, measured in a fresh process on ``checkout``."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(checkout)],
        capture_output=True,
        text=True,
        check=True,
        cwd=checkout,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def rounds(checkout: Path, worktree: Path, count: int) -> tuple[dict[str, float], dict[str, float]]:
    """Per query, the median over ``count`` alternating rounds of ``probe``: (worktree, checkout)."""
    befores, afters = [], []
    for _ in range(count):
        befores.append(probe(worktree))
        afters.append(probe(checkout))

    def median(runs: list[dict[str, float]]) -> dict[str, float]:
        return {key: statistics.median(run[key] for run in runs) for key in runs[0]}

    return median(befores), median(afters)


def cli_seconds(checkout: Path, args: list[str], runs: int = 5) -> float:
    """The median wall time of ``baclokg ARGS`` run from ``checkout`` (its code first on the path)."""
    code = "import sys; sys.argv = ['baclokg', *sys.argv[1:]]; from baclokg.cli import main; main()"
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, *args], cwd=checkout, capture_output=True, check=False)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, metavar="REV", help="the git revision to compare with")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of both versions (3)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        worktree = Path(folder) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(worktree), options.before],
            check=True,
        )
        try:
            before, after = rounds(ROOT, worktree, options.rounds)
            cold = [
                cli_seconds(c, ["query", "cq-01-ingredient-and-brands", "--format", "tsv"])
                for c in (worktree, ROOT)
            ]
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False
            )
    check = cli_seconds(ROOT, ["info", "baclofen", *(arg for name in NAMES for arg in ("--with", name))])
    print(f"| query | before {options.before} (ms) | after (ms) | after / before |")
    print("|---|---|---|---|")
    for key in sorted(after):
        if key in before:
            print(f"| {key} | {before[key]:.2f} | {after[key]:.2f} | {after[key] / before[key]:.2f} |")
        else:
            print(f"| {key} | (new) | {after[key]:.2f} | |")
    print(f"\n`baclokg query cq-01-...` cold start: before {cold[0]:.2f} s, after {cold[1]:.2f} s")
    print(f"20-name check (`baclokg info baclofen --with ...` x{len(NAMES)}): {check:.2f} s")


if __name__ == "__main__":
    main()
