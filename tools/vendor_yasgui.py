"""Refresh the vendored YASGUI (``make yasgui``): the npm registry's build, its checksums and licences.

Installs ``@zazuko/yasgui`` (the version given, else the registry's latest) with npm into a temporary
folder, copies its self-contained browser build into ``baclokg/service/static/yasgui/`` and writes, in
the same bytes for the same input:

- ``manifest.json``: the package, its version, the registry's tarball integrity (sha512, as npm verified
  it), the SHA-256 of each vendored file and every npm package bundled in the build with its licence;
- ``THIRD-PARTY-LICENSES.txt``: the licence text each of those packages ships (or says it ships none);
- ``VENDOR.md``: the same for people.

The bundled packages are read from the build's source map (every ``node_modules/<package>`` it names,
and the YASGUI monorepo's own yasqe, yasr and utils folders), plus the styling packages the stylesheet
holds, which the map cannot name. Run with ``python3 tools/vendor_yasgui.py [VERSION]``; needs npm.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
TARGET = Path(__file__).resolve().parents[1] / "baclokg" / "service" / "static" / "yasgui"
FILES = ("yasgui.min.js", "yasgui.min.css")
#: the monorepo folders the source map names by relative path, and the npm packages they are published as
MONOREPO = {"yasqe": "@zazuko/yasqe", "yasr": "@zazuko/yasr", "utils": "@zazuko/yasgui-utils"}
#: the stylesheet bundles DataTables' default styling (its .dt-container rules); no source map names it
STYLE_PACKAGES = ("datatables.net-dt",)
_LICENCE_FILE = re.compile(r"^(licen[cs]e|copying)([.-].*)?$", re.IGNORECASE)
_NODE_MODULE = re.compile(r"node_modules/((?:@[^/]+/)?[^/]+)/")
_MONOREPO_PATH = re.compile(r"^\.\./\.\./([a-z]+)/")
_MIT = """Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR
THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def npm(*args: str, cwd: Path) -> str:
    """Run npm quietly; its standard output."""
    done = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"npm {' '.join(args)} failed:\n{done.stderr.strip()}")
    return done.stdout


def bundled(build: Path) -> list[str]:
    """The npm packages whose code the build holds, sorted."""
    sources = json.loads((build / "yasgui.min.js.map").read_text(encoding="utf-8"))["sources"]
    names = set(STYLE_PACKAGES)
    for source in sources:
        if found := _NODE_MODULE.search(source):
            names.add(found.group(1))
        elif (folder := _MONOREPO_PATH.match(source)) and folder.group(1) in MONOREPO:
            names.add(MONOREPO[folder.group(1)])
    return sorted(names)


def author(meta: dict[str, object]) -> str:
    """The author of a package as its package.json gives it."""
    who = meta.get("author") or ""
    if isinstance(who, dict):
        return str(who.get("name", ""))
    return str(who)


def describe(modules: Path, name: str) -> tuple[dict[str, str], str]:
    """A bundled package's manifest entry and its section of the licence file."""
    folder = modules / name
    meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    declared = meta.get("license") or "not declared in package.json"
    files = sorted(p for p in folder.iterdir() if p.is_file() and _LICENCE_FILE.match(p.name))
    entry = {"name": name, "version": meta["version"], "license": str(declared)}
    head = f"{name} {meta['version']} ({declared})"
    if files:
        entry["license_files"] = ", ".join(p.name for p in files)
        texts = "\n".join(f"--- {p.name}\n{p.read_text(encoding='utf-8').strip()}\n" for p in files)
        return entry, f"{'=' * 78}\n{head}\n{texts}"
    note = f"The npm package ships no licence file; its package.json declares {declared}"
    note += f", author {author(meta)}." if author(meta) else "."
    if declared == "MIT":
        note += " The MIT licence terms:\n\n" + _MIT
    return entry, f"{'=' * 78}\n{head}\n{note}\n"


def vendor_md(manifest: dict[str, object]) -> str:
    """The people's page of the vendored copy."""
    lines = [
        "# Vendored YASGUI",
        "",
        f"The query page runs [YASGUI](https://github.com/rdfjs/Yasgui) from the npm package `{PACKAGE}`,",
        "committed here so that the service and its wheel need no npm and the page loads nothing from",
        "other hosts. Written by `make yasgui` (`tools/vendor_yasgui.py`); do not edit by hand.",
        "",
        f"- package: `{manifest['package']}` {manifest['version']} ({manifest['license']})",
        f"- tarball: {manifest['tarball']}",
        f"- integrity (npm registry, verified by npm): `{manifest['integrity']}`",
        "",
        "| file | SHA-256 |",
        "| --- | --- |",
    ]
    files = manifest["files"]
    assert isinstance(files, dict)
    lines += [f"| {name} | `{digest}` |" for name, digest in files.items()]
    lines += [
        "",
        "Packages bundled in the build (from its source map and stylesheet), with the version npm resolves",
        "for them and their licence; the texts are in THIRD-PARTY-LICENSES.txt:",
        "",
        "| package | version | licence |",
        "| --- | --- | --- |",
    ]
    packages = manifest["bundled"]
    assert isinstance(packages, list)
    lines += [f"| {p['name']} | {p['version']} | {p['license']} |" for p in packages]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    """Install, copy and describe the given (or latest) version."""
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        version = argv[0] if argv else npm("view", PACKAGE, "version", cwd=work).strip()
        npm("init", "--yes", cwd=work)
        npm("install", "--ignore-scripts", "--no-audit", "--no-fund", f"{PACKAGE}@{version}", cwd=work)
        lock = json.loads((work / "package-lock.json").read_text(encoding="utf-8"))
        locked = lock["packages"][f"node_modules/{PACKAGE}"]
        modules = work / "node_modules"
        build = modules / PACKAGE / "build"
        TARGET.mkdir(parents=True, exist_ok=True)
        digests = {}
        for name in FILES:
            shutil.copyfile(build / name, TARGET / name)
            digests[name] = hashlib.sha256((TARGET / name).read_bytes()).hexdigest()
        entries, texts = [], []
        for name in bundled(build):
            entry, text = describe(modules, name)
            entries.append(entry)
            texts.append(text)
        own, own_text = describe(modules, PACKAGE)
        manifest = {
            "package": PACKAGE,
            "version": locked["version"],
            "license": own["license"],
            "tarball": npm("view", f"{PACKAGE}@{version}", "dist.tarball", cwd=work).strip(),
            "integrity": locked["integrity"],
            "files": digests,
            "bundled": entries,
        }
    (TARGET / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (TARGET / "THIRD-PARTY-LICENSES.txt").write_text(
        f"Licences of {PACKAGE} {manifest['version']} and of every package bundled in its build.\n\n"
        + own_text
        + "\n".join(texts),
        encoding="utf-8",
    )
    (TARGET / "VENDOR.md").write_text(vendor_md(manifest), encoding="utf-8")
    print(f"{PACKAGE} {manifest['version']} vendored into {TARGET}")


if __name__ == "__main__":
    main(sys.argv[1:])
