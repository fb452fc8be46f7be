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
