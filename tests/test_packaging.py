"""The wheel carries ontology/, graph/, queries/ and the vendored YASGUI: an installed copy works anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import httpx
import pytest

from reliability.servers import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_answers_from_elsewhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (wheel,) = dist.glob("baclokg-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    vendored = ("yasgui.min.js", "yasgui.min.css", "manifest.json", "THIRD-PARTY-LICENSES.txt", "VENDOR.md")
    assert {f"baclokg/service/static/yasgui/{name}" for name in vendored} <= names
    assert not any(name.startswith("tools/") for name in names), "the npm refresh script stays out"
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(env_dir / "bin" / "baclokg"), "query", "cq-01-ingredient-and-brands", "--format", "csv"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "baclofen" in result.stdout
    assert "Baclotop" in result.stdout
    where = subprocess.run(
        [str(python), "-c", "import baclokg.paths as p; print(p.data_root())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "site-packages" in where
    _serves_from(env_dir / "bin" / "baclokg", elsewhere, tmp_path / "cache")


def _serves_from(baclokg: Path, folder: Path, cache: Path) -> None:
    """``baclokg serve`` of the installed wheel answers SPARQL and shows its query page with YASGUI."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "BACLOKG_CACHE": str(cache)}
    command = [str(baclokg), "serve", "--port", str(port), "--workers", "1"]
    with subprocess.Popen(command, cwd=folder, env=environment, stderr=subprocess.PIPE, text=True) as server:
        try:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, server.stderr.read() if server.stderr else "it ended"
                assert time.monotonic() < deadline, "baclokg serve did not answer within 120 s"
                try:
                    answer = httpx.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            assert answer.json() == {"head": {}, "boolean": True}
            page = httpx.get(url + "/", timeout=10)
            assert page.status_code == 200
            assert "/static/yasgui/yasgui.min.js" in page.text
            assert httpx.get(url + "/static/yasgui/yasgui.min.js", timeout=10).status_code == 200
        finally:
            server.terminate()
            server.wait(20)
