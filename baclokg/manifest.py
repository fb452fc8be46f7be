"""``graph/inputs/MANIFEST.tsv``: the SHA-256 of every pinned input and of every extract written from it.

Several extracts share the one table (:mod:`baclokg.reference_set`, :mod:`baclokg.imports`); each
rewrites its own rows and keeps the others, in place.

>>> merge_rows([("a", "1"), ("b", "2")], [("b", "3"), ("c", "4")])
[('a', '1'), ('b', '3'), ('c', '4')]
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

from .paths import inputs_dir

__all__ = ["merge_rows", "update_manifest"]

_HEADER = ("file", "sha256")


def merge_rows(old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``old`` with the rows of ``new`` replacing those of the same file, new files appended."""
    fresh = dict(new)
    rows = [(name, fresh.pop(name, digest)) for name, digest in old]
    return rows + [(name, digest) for name, digest in new if name in fresh]


def update_manifest(rows: Sequence[tuple[str, str]]) -> None:  # pragma: no cover - run by the extracts
    """Write ``rows`` (file, SHA-256) into ``MANIFEST.tsv``, keeping every other file's row."""
    path = inputs_dir() / "MANIFEST.tsv"
    old: list[tuple[str, str]] = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            old = [(row[0], row[1]) for row in csv.reader(handle, delimiter="\t")][1:]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(_HEADER)
        writer.writerows(merge_rows(old, rows))
