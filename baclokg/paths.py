"""The one module that knows where BacloKG's data folders are.

From a checkout the folders are the repository's top-level ``ontology/``, ``graph/`` and
``queries/``; an installed wheel carries the same folders under ``baclokg/_data/``.

>>> (ontology_dir() / "baclokg.ttl").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "annotations_file",
    "cache_dir",
    "comedication_rules_file",
    "context_file",
    "data_root",
    "graph_dir",
    "inputs_dir",
    "ontology_dir",
    "queries_dir",
    "quotes_file",
    "reference_set_file",
    "shapes_file",
    "text_file",
]

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder that holds ``ontology/``, ``graph/`` and ``queries/``."""
    for candidate in (_PACKAGE / "_data", _PACKAGE.parent):
        if (candidate / "ontology").is_dir() and (candidate / "graph").is_dir():
            return candidate
    raise FileNotFoundError(f"BacloKG data folders not found next to {_PACKAGE}")


def ontology_dir() -> Path:
    """The ontology and its SHACL shapes."""
    return data_root() / "ontology"


def graph_dir() -> Path:
    """The knowledge graph: one Turtle file per named graph, and the SSSOM mapping table."""
    return data_root() / "graph"


def queries_dir() -> Path:
    """The named SPARQL queries (``cq-*.rq``, ``qc-*.rq``, ``api-*.rq``)."""
    return data_root() / "queries"


def context_file() -> Path:
    """The bundled JSON-LD context (prefixes, and a term per property and class), as ``CONTEXT_IRI``."""
    return ontology_dir() / "baclokg.context.jsonld"


def shapes_file() -> Path:
    """The SHACL shapes that ``baclokg validate`` checks the graph against."""
    return ontology_dir() / "baclokg.shacl.ttl"


def text_file() -> Path:
    """The monograph text, exactly as the team received it (the annotations' offsets count in it)."""
    return graph_dir() / "monograph.txt"


def quotes_file() -> Path:
    """The curated table of the monograph's quotes and of its sentences that make no claim."""
    return graph_dir() / "monograph-quotes.yaml"


def annotations_file() -> Path:
    """The annotations graph that ``baclokg fmt`` builds from the text and the quote table."""
    return graph_dir() / "annotations.ttl"


def inputs_dir() -> Path:
    """The trimmed, committed extract of the pinned public tables the reference set is built from."""
    return graph_dir() / "inputs"


def comedication_rules_file() -> Path:
    """The class rules that fill the gaps of the public data, each citing a source in its own words."""
    return graph_dir() / "comedication-rules.yaml"


def reference_set_file() -> Path:
    """The co-medication reference set that ``baclokg fmt`` builds from the extract and the rules."""
    return graph_dir() / "comedications.ttl"


def cache_dir() -> Path:
    """Where BacloKG keeps what it builds once (the service's on-disk stores).

    ``$BACLOKG_CACHE`` if set, else ``$XDG_CACHE_HOME/baclokg``, else ``~/.cache/baclokg``.
    """
    import os

    if os.environ.get("BACLOKG_CACHE"):
        return Path(os.environ["BACLOKG_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "baclokg"
