"""The vendored YASGUI is what its manifest says: the same bytes, with every bundled package's licence."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[1] / "baclokg" / "service" / "static" / "yasgui"
MANIFEST = json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))


def problems(folder: Path) -> list[str]:
    """What in a vendored folder disagrees with its manifest (empty when nothing does)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    found = []
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            found.append(f"{name}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            found.append(f"{name}: SHA-256 differs from manifest.json")
    licences = (folder / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
    for package in [{"name": manifest["package"], "version": manifest["version"]}, *manifest["bundled"]]:
        if f"\n{package['name']} {package['version']} (" not in licences:
            found.append(f"{package['name']}: no licence section in THIRD-PARTY-LICENSES.txt")
    return found


def test_the_vendored_copy_matches_its_manifest() -> None:
    assert problems(FOLDER) == []
    assert MANIFEST["package"] == "@zazuko/yasgui"
    assert MANIFEST["license"] == "MIT"
    assert MANIFEST["integrity"].startswith("sha512-")
    assert MANIFEST["tarball"].startswith("https://registry.npmjs.org/@zazuko/yasgui/-/yasgui-")
    names = [p["name"] for p in MANIFEST["bundled"]]
    assert {"@zazuko/yasqe", "@zazuko/yasr", "codemirror"} <= set(names)
    assert names == sorted(names)


def test_the_people_page_states_version_and_checksums() -> None:
    page = (FOLDER / "VENDOR.md").read_text(encoding="utf-8")
    assert f"`@zazuko/yasgui` {MANIFEST['version']}" in page
    assert MANIFEST["integrity"] in page
    assert all(digest in page for digest in MANIFEST["files"].values())


@pytest.mark.parametrize("change", ["edit", "remove", "unlicensed"])
def test_a_changed_copy_is_caught(tmp_path: Path, change: str) -> None:
    copy = tmp_path / "yasgui"
    shutil.copytree(FOLDER, copy)
    if change == "edit":
        with (copy / "yasgui.min.css").open("a", encoding="utf-8") as css:
            css.write("a{color:red}")
    elif change == "remove":
        (copy / "yasgui.min.js").unlink()
    else:
        text = (copy / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
        (copy / "THIRD-PARTY-LICENSES.txt").write_text(
            text.replace("\ncodemirror ", "\nx "), encoding="utf-8"
        )
    expected = {
        "edit": "yasgui.min.css: SHA-256 differs from manifest.json",
        "remove": "yasgui.min.js: missing",
        "unlicensed": "codemirror: no licence section in THIRD-PARTY-LICENSES.txt",
    }
    assert problems(copy) == [expected[change]]
