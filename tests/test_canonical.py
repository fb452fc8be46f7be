"""graph/ and ontology/ files are kept in one canonical, deterministic form."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from baclokg.canonical import canonical_turtle, data_files, format_file

FILES = data_files()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_is_canonical(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == format_file(path), (
        f"{path} is not in canonical form: run `baclokg fmt` (or `make fmt`) and commit the result"
    )


def test_canonical_form_ignores_hash_seed() -> None:
    script = (
        "from baclokg.canonical import data_files, format_file\nfor p in data_files(): print(format_file(p))"
    )
    runs = [  # side by side: each reads and formats every file
        subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for seed in ("0", "1", "4242")
    ]
    outputs = {run.communicate(timeout=300)[0] for run in runs}
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert len(outputs) == 1


def test_canonical_turtle_is_stable_for_blank_nodes() -> None:
    text = "@prefix ex: <http://example.org/> .\nex:a ex:b [ ex:c 1 ], [ ex:c 2 ] .\n"
    once = canonical_turtle(text)
    assert canonical_turtle(once) == once
