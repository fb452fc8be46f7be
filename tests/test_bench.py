"""The benchmark's smoke run, so the script cannot rot (the full run is `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_benchmark_writes_its_figures(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["throughput"]["baclokg|named|16"]["rps"] > 0
    assert results["throughput"]["baclokg|named|16"]["errors"] == 0
    assert results["in_process"]["oxigraph"]["latency"]["cq-01-ingredient-and-brands"]["p50_ms"] > 0
    assert "10000|oxigraph" in results["scale"]
    assert "Service throughput" in (tmp_path / "results.md").read_text()
    assert (tmp_path / "results.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_per_drug_benchmark_runs_in_process_and_through_both_servers(tmp_path: Path) -> None:
    out = tmp_path / "drugs.json"
    small = ["--drugs", "5", "--runs", "2", "--seconds", "1", "--query", "cq-10-onset"]
    subprocess.run(
        [sys.executable, "-m", "bench.drugs", *small, "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    figures = json.loads(out.read_text())
    assert figures["queries"]["cq-10-onset"]["p50_ms"] > 0
    for peer in ("baclokg", "oxigraph"):
        assert figures["service"][f"{peer}|cq-10-onset"]["rps"] > 0
        assert figures["service"][f"{peer}|cq-10-onset"]["errors"] == 0
    from bench.report import plot_scale

    fairness = [{"peer": "baclokg", "heavy_clients": 2, "light_p99_ms": 20.0}]
    plot_scale(figures, fairness, tmp_path / "scale.png")
    assert (tmp_path / "scale.png").read_bytes()[:4] == b"\x89PNG"


def test_synthetic_drugs_pass_validation(tmp_path: Path) -> None:
    """The benchmark's data keeps the shapes and checks, so the service can serve it validated."""
    import baclokg
    from baclokg.validate import validate
    from bench import synthetic

    path = tmp_path / "synthetic.nt"
    synthetic.write(path, 2)
    report = validate(baclokg.load([path]), owl_rl=False)
    assert report.ok, [str(finding) for finding in report.findings]
