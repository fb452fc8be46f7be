"""Building the rdflib dataset behind a knowledge graph: engines, named graphs, safe file loading.

Every file, bundled or the user's, is read by pyoxigraph, so a syntax error is reported with its file,
line and column. On the Oxigraph engine a file of triples (N-Triples, Turtle, RDF/XML) is bulk-loaded by
Oxigraph straight from disk, into its graph and into the union, except the largest of the user's files,
which the union references (:mod:`baclokg.union`); other files are parsed into memory first.
A dataset is filled once, when it is new, and dropped if any file fails, so nothing of a broken file is
ever served. No parser is allowed to fetch anything: pyoxigraph refuses remote JSON-LD contexts.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal as Lit

import pyoxigraph as ox
import rdflib.plugins.sparql as rdflib_sparql
from rdflib import Dataset, URIRef

from .errors import DataError, ParameterError, QueryError
from .formats import by_suffix
from .paths import context_file, graph_dir, ontology_dir
from .prefixes import CONTEXT_IRI, PREFIXES, expand
from .terms import to_rdflib
from .union import UnionStore

__all__ = [
    "ENGINES",
    "Engine",
    "NamedGraph",
    "apply_update",
    "bulk_load_file",
    "bulk_load_into",
    "bulk_loadable",
    "bulk_loads",
    "bundled_graphs",
    "data_error",
    "load_files",
    "new_dataset",
    "parse_file",
    "parse_files",
    "read_sssom",
]

# rdflib's engine would fetch a graph named in FROM or FROM NAMED that the dataset lacks (from the web
# or a file); BacloKG never reaches outside its dataset, so such a graph is an empty graph, as in Oxigraph
rdflib_sparql.SPARQL_LOAD_GRAPHS = False

#: re-derives the default graph as the union (a set) of the named graphs
_UNION = "CLEAR DEFAULT ; INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"

Engine = Lit["oxigraph", "rdflib"]
ENGINES: tuple[Engine, ...] = ("oxigraph", "rdflib")

GRAPH_NS = PREFIXES["bkgg"]
#: the graph a remote store keeps the (deduplicated) union of the bundled graphs in, as its default graph
UNION_GRAPH = GRAPH_NS + "union"
SSSOM_SUFFIX = ".sssom.tsv"


@dataclass(frozen=True, slots=True)
class NamedGraph:
    """A bundled named graph and the file it is kept in."""

    name: str
    iri: str
    path: Path


def bundled_graphs() -> list[NamedGraph]:
    """The bundled named graphs: the ontology, then every file of ``graph/`` in name order."""
    graphs = [NamedGraph("ontology", GRAPH_NS + "ontology", ontology_dir() / "baclokg.ttl")]
    for path in sorted(graph_dir().iterdir()):
        if path.name.endswith(SSSOM_SUFFIX):
            name = path.name.removesuffix(SSSOM_SUFFIX)
        elif path.suffix == ".ttl":
            name = path.stem
        else:
            continue
        graphs.append(NamedGraph(name, GRAPH_NS + name, path))
    return graphs


def new_dataset(engine: Engine = "oxigraph", store: ox.Store | None = None) -> Dataset:
    """A dataset with BacloKG's prefixes bound: empty, or over ``store`` (a pyoxigraph store, Oxigraph
    engine); :func:`add_quads` keeps its default graph the union of its named graphs.

    The union is materialised rather than computed at query time because Oxigraph merges the
    graphs of a union default graph as a bag: a triple kept in two named graphs would match twice,
    where SPARQL's RDF merge matches it once. A large file's graph may be referenced instead of copied,
    once no copied triple is also in it (:mod:`baclokg.union`).
    """
    if engine == "oxigraph":
        dataset = Dataset(store=UnionStore(store=store))
    elif engine == "rdflib":
        dataset = Dataset()
    else:
        raise ParameterError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    return dataset


def parse_file(path: Path, graph_iri: str) -> list[ox.Quad]:
    """Parse an RDF file completely; triples outside a named graph go to ``graph_iri``.

    Raises :class:`DataError` with the file, line and column of the first error.
    """
    path = Path(path)
    if path.name.endswith(SSSOM_SUFFIX):
        return read_sssom(path, graph_iri)
    fmt = by_suffix(path.suffix)
    if fmt is None:
        raise DataError(str(path), "unknown file type; use .ttl, .nt, .nq, .trig, .jsonld or .rdf")
    if path.is_dir():
        raise DataError(str(path), "is a folder, not a file")
    if not path.is_file():
        raise DataError(str(path), "no such file")
    target = ox.NamedNode(graph_iri)
    source: dict[str, object] = {"path": str(path)}
    if fmt.name == "jsonld":
        source = _jsonld_source(path)
    try:
        quads = [
            q
            if not isinstance(q.graph_name, ox.DefaultGraph)
            else ox.Quad(q.subject, q.predicate, q.object, target)
            for q in ox.parse(**source, format=fmt.oxigraph, base_iri=path.resolve().as_uri())  # type: ignore[arg-type]
        ]
    except (SyntaxError, OSError, ValueError) as error:
        raise data_error(path, error) from None
    return quads


def data_error(path: Path, error: Exception) -> DataError:
    """The :class:`DataError` for a parser's error on ``path``, with its line and column where known."""
    if isinstance(error, SyntaxError):
        return DataError(
            str(path),
            _reason(str(error).split(" (line ")[0]),
            getattr(error, "lineno", None),
            getattr(error, "offset", None),
        )
    return DataError(str(path), _reason(str(error)))


def _reason(message: str) -> str:
    if "LoadDocumentCallback" in message:  # pyoxigraph's words for "the file names a remote context"
        return "remote JSON-LD contexts are not fetched; put the context in the file"
    return message


_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _jsonld_source(path: Path) -> dict[str, object]:
    """JSON-LD input with the bundled context inlined; any other remote context stays (and is refused)."""
    raw = path.read_bytes()
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        raise DataError(str(path), f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    except UnicodeDecodeError as error:
        raise DataError(str(path), f"not UTF-8: {error.reason}") from None
    inlined, changed = _inline_context(document)
    return {"input": json.dumps(inlined).encode() if changed else raw}


def _inline_context(node: object) -> tuple[object, bool]:
    if isinstance(node, list):
        items = [_inline_context(item) for item in node]
        return [item for item, _ in items], any(changed for _, changed in items)
    if not isinstance(node, dict):
        return node, False
    changed = False
    result: dict[str, object] = {}
    for key, value in node.items():
        if key == "@context":
            values = value if isinstance(value, list) else [value]
            if CONTEXT_IRI in values:
                bundled = json.loads(context_file().read_text(encoding="utf-8"))["@context"]
                values = [bundled if v == CONTEXT_IRI else v for v in values]
                value, changed = (values if isinstance(value, list) else values[0]), True
        inner, inner_changed = _inline_context(value)
        result[key] = inner
        changed = changed or inner_changed
    return result, changed


SSSOM_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
)


def read_sssom(path: Path, graph_iri: str) -> list[ox.Quad]:
    """The mapping triples of an SSSOM TSV file (metadata lines start with ``#``)."""
    target = ox.NamedNode(graph_iri)
    lines = path.read_text(encoding="utf-8").splitlines()
    offset = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    rows = list(csv.DictReader(lines[offset:], delimiter="\t"))
    header = rows[0].keys() if rows else ()
    missing = [c for c in SSSOM_COLUMNS if c not in header]
    if missing:
        raise DataError(str(path), f"SSSOM columns missing: {', '.join(missing)}", offset + 1)
    quads = []
    for number, row in enumerate(rows, start=offset + 2):
        try:
            subject, predicate, obj = (
                ox.NamedNode(expand(row[c])) for c in ("subject_id", "predicate_id", "object_id")
            )
        except ValueError as error:
            raise DataError(str(path), str(error), number) from None
        quads.append(ox.Quad(subject, predicate, obj, target))
        if row.get("object_label"):
            quads.append(ox.Quad(obj, _LABEL, ox.Literal(row["object_label"]), target))
    return quads


def add_quads(dataset: Dataset, quads: Sequence[ox.Quad]) -> None:
    """Add parsed quads to a dataset of either engine."""
    store = dataset.store
    if isinstance(store, UnionStore):
        store._inner.extend(quads)
        # the union, copied inside Oxigraph: half the time of building a second Python quad per triple
        graphs = " ".join(sorted({str(q.graph_name) for q in quads}))  # N-Triples form: <iri>, escaped
        if graphs:
            copy = "INSERT { ?s ?p ?o } WHERE { VALUES ?g { %s } GRAPH ?g { ?s ?p ?o } }"
            store._inner.update(copy % graphs)
        return
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        by_graph.setdefault(str(quad.graph_name.value), []).append(quad)  # type: ignore[union-attr]
    for iri, group in by_graph.items():
        graph = dataset.graph(URIRef(iri))
        triples = [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in group]
        graph.addN((s, p, o, graph) for s, p, o in triples)
        dataset.default_graph.addN((s, p, o, dataset.default_graph) for s, p, o in triples)


def apply_update(dataset: Dataset, text: str, base: str | None = None) -> None:
    """Apply a SPARQL update to the named graphs, then make the default graph their union again.

    Relative IRIs resolve against ``base``. The update is atomic on Oxigraph (all or nothing); a
    malformed one raises :class:`~baclokg.errors.QueryError`. Callers refuse writes into the default
    graph first (:func:`baclokg.safety.inspect_update`): it is re-derived here.
    """
    store = dataset.store
    if isinstance(store, UnionStore):
        store.materialise()  # copied in first, so the update reads the same default graph
        try:
            store._inner.update(text, base_iri=base, prefixes=PREFIXES)
        except (SyntaxError, ValueError) as error:
            raise QueryError(f"invalid SPARQL update: {error}") from None
        except RuntimeError as error:  # e.g. CREATE of a graph that exists, DROP of one that does not
            raise QueryError(f"the update failed and changed nothing: {error}") from None
        store._inner.update(_UNION)
        return
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = translateUpdate(parseUpdate(text), base=base, initNs=PREFIXES)
    except Exception as error:  # pyparsing's errors, and rdflib's on unknown prefixes
        raise QueryError(f"invalid SPARQL update: {error}") from None
    try:
        dataset.update(parsed)
    except Exception as error:  # rdflib's evaluation errors have no common base class
        raise QueryError(f"the update failed: {error}") from None
    # in Python: rdflib's CLEAR DEFAULT on a Dataset empties every graph
    default = dataset.default_graph
    default.remove((None, None, None))
    for graph in dataset.graphs():
        if graph.identifier != default.identifier:
            default.addN((s, p, o, default) for s, p, o in graph)


def parse_files(files: Iterable[tuple[Path, str]], *, reserved: Iterable[str] = ()) -> list[list[ox.Quad]]:
    """Parse every file completely (the quads of each); a broken file raises :class:`DataError`.

    A file may not put triples into a ``reserved`` graph (the bundled graphs) other than its own.
    """
    reserved = set(reserved)
    parsed = []
    for path, iri in files:
        quads = parse_file(path, iri)
        taken = {str(q.graph_name.value) for q in quads} & (reserved - {iri})  # type: ignore[union-attr]
        if taken:
            raise DataError(str(path), f"may not add to the bundled graph {sorted(taken)[0]}")
        parsed.append(quads)
    return parsed


def bulk_loadable(path: Path) -> bool:
    """Whether Oxigraph may bulk-load this file straight into one graph: a file of triples, so it
    cannot name a graph of its own (nor a reserved one).

    >>> bulk_loadable(Path("drugs.nt")), bulk_loadable(Path("drugs.trig")), bulk_loadable(Path("m.sssom.tsv"))
    (True, False, False)
    """
    fmt = by_suffix(path.suffix)
    return (
        not path.name.endswith(SSSOM_SUFFIX)
        and fmt is not None
        and fmt.name in ("ntriples", "turtle", "rdfxml")
    )


def bulk_load_file(store: ox.Store, path: Path, graph_iri: str) -> None:
    """Bulk-load a file of triples into its graph and into the default graph (their union, a set).

    Oxigraph's bulk loader writes without a transaction: use it on a store being filled, which is
    dropped if this raises :class:`DataError` (with the file, line and column of the first error).
    """
    for graph, lenient in bulk_loads(graph_iri):
        bulk_load_into(store, path, graph, lenient=lenient)


def bulk_loads(graph_iri: str) -> tuple[tuple[ox.NamedNode | ox.DefaultGraph, bool], ...]:
    """The two bulk loads of a file of triples, in order: (graph, lenient). The second, into the union,
    skips the checks the first makes on the same bytes (Oxigraph's lenient mode: 1M triples in 2.0 s
    instead of 3.0 s).

    >>> [(type(graph).__name__, lenient) for graph, lenient in bulk_loads("http://example.org/g")]
    [('NamedNode', False), ('DefaultGraph', True)]
    """
    return ((ox.NamedNode(graph_iri), False), (ox.DefaultGraph(), True))


def bulk_load_into(
    store: ox.Store, path: Path, graph: ox.NamedNode | ox.DefaultGraph, *, lenient: bool = False
) -> None:
    """Bulk-load a file of triples into one graph (see :func:`bulk_load_file`).

    ``lenient`` skips Oxigraph's checks of IRIs and literals: only for a file that a checked load of the
    same fill reads as well (the store is dropped if that one fails).
    """
    fmt = by_suffix(path.suffix)
    if fmt is None or not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise DataError(str(path), "not a file of triples")
    if path.is_dir():
        raise DataError(str(path), "is a folder, not a file")
    if not path.is_file():
        raise DataError(str(path), "no such file")
    try:
        store.bulk_load(
            path=str(path),
            format=fmt.oxigraph,
            base_iri=path.resolve().as_uri(),
            to_graph=graph,
            lenient=lenient,
        )
    except (SyntaxError, OSError, ValueError) as error:
        raise data_error(path, error) from None


def load_files(dataset: Dataset, files: Iterable[tuple[Path, str]], *, reserved: Iterable[str] = ()) -> None:
    """Fill a new dataset with every file; a broken file raises :class:`DataError` (drop the dataset then).

    A file may not put triples into a ``reserved`` graph (the bundled graphs) other than its own. The
    files other than triples are parsed before anything is added, so they fail first.
    """
    files = [(Path(path), iri) for path, iri in files]
    reserved = set(reserved)
    store = dataset.store
    oxigraph = store._inner if isinstance(store, UnionStore) else None
    direct = [(p, iri) for p, iri in files if oxigraph is not None and bulk_loadable(p)]
    for quads in parse_files([f for f in files if f not in direct], reserved=reserved):
        add_quads(dataset, quads)
    referenced = _largest([f for f in direct if f[1] not in reserved])
    for path, iri in direct:
        assert oxigraph is not None
        if (path, iri) == referenced:
            bulk_load_into(oxigraph, path, ox.NamedNode(iri))
        else:
            bulk_load_file(oxigraph, path, iri)
    if referenced is not None:
        assert isinstance(store, UnionStore)
        store.reference(ox.NamedNode(referenced[1]))


def _largest(files: Sequence[tuple[Path, str]]) -> tuple[Path, str] | None:
    """The file the union references rather than copies: the largest (the first of equals)."""
    sizes = [(path.stat().st_size if path.is_file() else 0, -i) for i, (path, _) in enumerate(files)]
    return files[sizes.index(max(sizes))] if files else None
