"""``python -m reliability``: run the long reliability runs and write docs/reliability.md (and .json).

``--short`` runs the sizes ``make test`` runs. The exit code is 1 when any run found a problem.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from .report import markdown
from .runs import LONG, SHORT, run_all


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m reliability", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=Path("docs/reliability.md"), help="Markdown report to write"
    )
    parser.add_argument("--short", action="store_true", help="the short sizes of make test")
    args = parser.parse_args()
    if args.short and args.out == Path("docs/reliability.md"):
        parser.error("give --out for a short run: docs/reliability.md holds the figures of the long one")
    size = SHORT if args.short else LONG
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as cache:
        os.environ.setdefault("BACLOKG_CACHE", cache)  # the services' on-disk stores: this run's only
        sections = run_all(size, say=lambda line: print(line, flush=True))
    results = {
        "size": size.name,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "seconds": round(time.monotonic() - started),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
        },
        "size_settings": size.__dict__,
        "sections": sections,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(results), encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    failed = [s for s in sections if s["problems"]]
    print(f"wrote {args.out}: {len(sections)} runs, {len(failed)} with problems, {results['seconds']} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
