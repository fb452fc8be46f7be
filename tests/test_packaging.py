"""The wheel carries ontology/, graph/, queries/ and the vendored YASGUI: an installed copy works anywhere."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

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
