"""Exports for other knowledge bases: RDF in six syntaxes, KGX (Biolink) and SSSOM, byte-identical
from run to run, written atomically (a failed write never replaces a good file with a partial one)."""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from .canonical import canonical_sssom
from .errors import ParameterError
from .formats import EXPORT_FORMATS, by_name
from .jsonld import dataset_document, document_bytes
from .kg import KnowledgeGraph
from .kgx import kgx_tables
from .prefixes import PREFIXES
from .store import SSSOM_SUFFIX, bundled_graphs, parse_file
from .terms import plain, to_rdflib

__all__ = ["EXPORT_FORMATS", "export", "export_bytes", "graph_bytes", "graph_names", "write_atomically"]


def graph_names() -> list[str]:
    """The names ``--graph`` accepts: each bundled named graph, and ``all``."""
    return [g.name for g in bundled_graphs()] + ["all"]


def _selected(graph: str) -> list[URIRef]:
    bundled = {g.name: URIRef(g.iri) for g in bundled_graphs()}
    if graph == "all":
        return [bundled[name] for name in sorted(bundled)]
    if graph not in bundled:
        raise ParameterError(f"unknown graph {graph!r}; choose one of {', '.join(graph_names())}")
    return [bundled[graph]]


def _read(graph: URIRef) -> list[ox.Quad]:
    """The quads of one bundled graph, read from its file (a store may rewrite lexical forms: Oxigraph
    stores "10.0"^^xsd:decimal as "10")."""
    path = next(g.path for g in bundled_graphs() if g.iri == str(graph))
    return parse_file(path, str(graph))


def _dataset(graphs: list[URIRef]) -> Dataset:
    """The chosen graphs, read from their files, each added in sorted order so every writer sees the same
    order."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    for iri in graphs:
        target = dataset.graph(iri)
        triples = {
            (to_rdflib(q.subject), to_rdflib(q.predicate), plain(to_rdflib(q.object))) for q in _read(iri)
        }
        target.addN((s, p, o, target) for s, p, o in sorted(triples))
    return dataset


def _union(dataset: Dataset) -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    triples = {triple for named in dataset.graphs() for triple in named}
    graph.addN((s, p, o, graph) for s, p, o in sorted(triples))
    return graph


def _lines(graphs: list[URIRef], *, quads: bool) -> bytes:
    """N-Quads, or N-Triples of the union, of the chosen graphs' files: one line per distinct statement,
    sorted (the same bytes rdflib wrote from them, about ten times sooner)."""
    read = [q for iri in graphs for q in _read(iri)]
    out = io.BytesIO()
    if quads:
        ox.serialize(read, out, format=ox.RdfFormat.N_QUADS)
    else:
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in read)
        ox.serialize(triples, out, format=ox.RdfFormat.N_TRIPLES)
    lines = sorted({line for line in out.getvalue().decode("utf-8").splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def _jsonld(dataset: Dataset, graphs: list[URIRef]) -> bytes:
    """One document with the bundled context, each named graph a node with its ``@graph``."""
    return document_bytes(dataset_document([(str(iri), dataset.graph(iri)) for iri in graphs]))


def _trig(dataset: Dataset, graphs: list[URIRef]) -> bytes:
    """TriG built from each graph's canonical Turtle, graphs in name order (rdflib's TriG order varies)."""
    prefixes: set[str] = set()
    blocks = []
    for iri in graphs:
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        graph += dataset.graph(iri)
        lines = graph.serialize(format="longturtle", canon=True).strip().splitlines()
        # the PREFIX lines lead; the body is kept as written (indenting would enter multi-line literals)
        head = next((i for i, line in enumerate(lines) if not line.startswith("PREFIX ")), len(lines))
        prefixes.update(lines[:head])
        body = "\n".join(lines[head:]).strip("\n")
        blocks.append(f"<{iri}> {{\n{body}\n}}\n")
    return ("\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)).encode("utf-8")


def _rdfxml(graph: Graph) -> bytes:
    """RDF/XML with one rdf:Description per subject, in subject order (rdflib writes them in set order)."""
    text = graph.serialize(format=by_name("rdfxml").rdflib, encoding="utf-8").decode("utf-8")
    head, _, rest = text.partition("  <rdf:Description")
    body, _, tail = ("  <rdf:Description" + rest).rpartition("</rdf:RDF>")
    blocks = ["  <rdf:Description" + block for block in body.split("  <rdf:Description") if block.strip()]
    return (head + "".join(sorted(blocks)) + "</rdf:RDF>" + tail).encode("utf-8")


def export_bytes(kg: KnowledgeGraph, fmt: str, *, graph: str = "all") -> bytes:
    """The export of the chosen graphs in an RDF format or SSSOM, as bytes (KGX is a folder: use export).

    RDF and SSSOM exports hold the bundled graphs exactly as their files do, whatever ``kg``'s engine.
    """
    return graph_bytes(fmt, graph=graph)


def graph_bytes(fmt: str, *, graph: str = "all") -> bytes:
    """The bundled graphs (all, or one by name) in an RDF format or SSSOM."""
    if fmt == "sssom":
        mapping = next(g for g in bundled_graphs() if g.path.name.endswith(SSSOM_SUFFIX))
        return canonical_sssom(mapping.path.read_text(encoding="utf-8")).encode("utf-8")
    if fmt not in EXPORT_FORMATS or fmt == "kgx":
        raise ParameterError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    graphs = _selected(graph)
    if fmt in ("ntriples", "nquads"):  # line formats: written by Oxigraph straight from the files' quads
        return _lines(graphs, quads=fmt == "nquads")
    dataset = _dataset(graphs)
    if fmt == "jsonld":
        return _jsonld(dataset, graphs)
    if fmt == "turtle":
        body = _union(dataset).serialize(format="longturtle", canon=True)
        return (body.strip() + "\n").encode("utf-8")
    if fmt == "trig":
        return _trig(dataset, graphs)
    return _rdfxml(_union(dataset))


def write_atomically(files: Mapping[Path, bytes]) -> list[Path]:
    """Write files so that readers see the old contents or the new, never a part of the new.

    Every file is written in full beside its target first (a full disk or a read-only folder fails
    here, with the targets untouched); only then are the targets replaced, one rename each. A new file
    gets the permissions the umask gives; a replaced file keeps its own.
    """
    staged: dict[Path, str] = {}
    try:
        for path, data in files.items():
            path = Path(path)
            handle, staged[path] = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            with os.fdopen(handle, "wb") as out:
                os.fchmod(out.fileno(), _mode(path))
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        for path, temporary in staged.items():
            os.replace(temporary, path)
    except BaseException:
        for temporary in staged.values():
            Path(temporary).unlink(missing_ok=True)
        raise
    return list(staged)


def _mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def export(kg: KnowledgeGraph, fmt: str, path: Path, *, graph: str = "all") -> list[Path]:
    """Write an export to ``path`` (a folder for KGX); return the files written."""
    path = Path(path)
    if fmt == "kgx":
        path.mkdir(parents=True, exist_ok=True)
        tables = kgx_tables(kg, _selected(graph))
        return write_atomically({path / name: data for name, data in tables.items()})
    return write_atomically({path: export_bytes(kg, fmt, graph=graph)})
