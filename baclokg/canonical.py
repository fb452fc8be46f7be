"""``baclokg fmt``: the one canonical, deterministic form of the files in ontology/ and graph/.

Turtle files are re-serialised by rdflib's ``longturtle`` writer with canonical blank-node labels,
the project's prefixes (only those used) and the leading comment block kept; the SSSOM table is
sorted by subject, predicate and object; the JSON-LD context is written from the prefix table and the
properties and classes of the graphs (:mod:`baclokg.jsonld_context`).
Same input graph, same bytes, whatever the hash seed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rdflib import Graph

from .annotations import build_annotations
from .imports import ONTOLOGIES, build_imports, imports_file
from .jsonld_context import bundled_context
from .paths import annotations_file, context_file, graph_dir, ontology_dir, reference_set_file
from .prefixes import PREFIXES
from .reference_set import build_reference_set
from .store import SSSOM_SUFFIX

__all__ = ["canonical_sssom", "canonical_turtle", "data_files", "format_file"]


def data_files() -> list[Path]:
    """The files ``fmt`` keeps canonical: Turtle files, the SSSOM table and the JSON-LD context.

    ``graph/annotations.ttl`` and ``graph/comedications.ttl`` are among them: their canonical text is
    built afresh (from the monograph text and the quote table; from the extract in ``graph/inputs/`` and
    the class rules), so ``fmt`` writes them whole and the tests compare them byte for byte.
    """
    files = [*sorted(ontology_dir().glob("*.ttl")), *sorted(graph_dir().glob("*.ttl"))]
    for built in (annotations_file(), reference_set_file(), *map(imports_file, ONTOLOGIES)):
        if built not in files:
            files.append(built)
    return [*files, *sorted(graph_dir().glob("*" + SSSOM_SUFFIX)), context_file()]


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            lines.append(line.rstrip())
        elif line.strip() or lines:
            break
    return "\n".join(lines) + "\n\n" if lines else ""


def canonical_turtle(text: str, *, source: str = "<input>") -> str:
    """The canonical Turtle of a Turtle document."""
    graph = Graph(bind_namespaces="none")
    graph.parse(data=text, format="turtle", publicID=source)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    body = graph.serialize(format="longturtle", canon=True)
    return _leading_comments(text) + body.strip() + "\n"


def canonical_sssom(text: str) -> str:
    """The canonical SSSOM TSV: metadata block as is, rows sorted, fields trimmed."""
    lines = text.splitlines()
    metadata = [line for line in lines if line.startswith("#")]
    reader = csv.reader([line for line in lines if not line.startswith("#") and line.strip()], delimiter="\t")
    header, *rows = list(reader)
    rows = sorted([[field.strip() for field in row] for row in rows], key=lambda r: (r[0], r[2], r[3], r[1:]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return "\n".join(metadata) + "\n" + out.getvalue()


def format_file(path: Path) -> str:
    """The canonical text of a data file."""
    if path == context_file():
        return json.dumps(bundled_context(), indent=2) + "\n"
    if path == annotations_file():
        text = build_annotations()
    elif path == reference_set_file():
        text = build_reference_set()
    elif imported := [o for o in ONTOLOGIES if path == imports_file(o)]:
        text = build_imports(imported[0])
    else:
        text = path.read_text(encoding="utf-8")
    if path.name.endswith(SSSOM_SUFFIX):
        return canonical_sssom(text)
    return canonical_turtle(text, source=path.resolve().as_uri())
