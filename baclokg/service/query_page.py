"""What the query page (YASGUI) is given by the server: its examples, its vocabulary, its formats.

The page runs the vendored YASGUI (``static/yasgui/``) configured by ``static/app.js``; everything the
configuration needs comes from here as JSON blocks in the page, so the browser asks no other host:
the competency queries as ready examples (parameters bound to their defaults by a VALUES block, as the
REST API binds them, and described in comment lines), the classes and properties the graph uses for
completion, the prefix table and the download formats.

>>> example = next(e for e in examples() if e["id"] == "cq-01-ingredient-and-brands")
>>> print(example["sparql"].split(chr(10) * 2, 1)[0])
# cq-01-ingredient-and-brands: Active ingredient and brand names
# What is the active ingredient of a product, and what are its brand names?
# Parameter ?drug (iri, default bkge:baclotop): a product or an ingredient (IRI, CURIE or name).
# The VALUES block at the start of WHERE binds the parameters; change it, or remove it for all drugs.
# In SPARQL an IRI parameter takes a full IRI in <...>; CURIEs and names work in the CLI and /api.
>>> "VALUES (?drug) { (<https://w3id.org/baclokg/entity/baclotop>) }" in example["sparql"]
True
>>> example["params"][0]["default"]
'bkge:baclotop'
>>> sorted(download_formats())
['rdf', 'results']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..formats import FORMATS
from ..prefixes import PREFIXES
from ..queries import NamedQuery, all_queries, bind_values

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

__all__ = ["MAX_TERMS", "download_formats", "example_text", "examples", "vocabulary"]

#: at most this many classes and as many properties are offered for completion (a big --data graph)
MAX_TERMS = 5000

_CLASSES = """
SELECT DISTINCT ?term WHERE {
  VALUES ?g { %s }
  GRAPH ?g { { ?s a ?term } UNION { ?term a owl:Class } UNION { ?term a rdfs:Class } }
  FILTER(isIRI(?term))
} ORDER BY ?term LIMIT %d
"""
_PROPERTIES = """
SELECT DISTINCT ?term WHERE {
  VALUES ?g { %s }
  GRAPH ?g {
    { ?s ?term ?o } UNION { ?term a rdf:Property } UNION { ?term a owl:ObjectProperty }
    UNION { ?term a owl:DatatypeProperty } UNION { ?term a owl:AnnotationProperty }
  }
} ORDER BY ?term LIMIT %d
"""


def example_text(query: NamedQuery) -> str:
    """A named query as the editor shows it: what it asks, its parameters, and its text bound to them."""
    lines = [f"# {query.id}: {query.title}", f"# {query.question}"]
    for name, param in query.params.items():
        default = f", default {param.default}" if param.default is not None else ""
        description = param.description.rstrip(".")
        lines.append(f"# Parameter ?{name} ({param.type}{default}): {description}.")
    body = "\n".join(line for line in query.sparql.splitlines() if not line.startswith("#+"))
    if query.params:
        lines.append(
            "# The VALUES block at the start of WHERE binds the parameters; change it, or remove it for all "
            "drugs."
        )
        if any(param.type == "iri" for param in query.params.values()):
            lines.append(
                "# In SPARQL an IRI parameter takes a full IRI in <...>; CURIEs and names work in the CLI "
                "and /api."
            )
        body = bind_values(body, query.bindings())
    return "\n".join(lines) + "\n\n" + body.strip() + "\n"


def examples() -> list[dict[str, Any]]:
    """The competency queries as the page's examples: id, title, question, parameters, editor text."""
    return [
        {
            "id": q.id,
            "title": q.title,
            "question": q.question,
            "params": [
                {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                for p in q.params.values()
            ],
            "sparql": example_text(q),
        }
        for q in all_queries()
        if q.kind == "competency"
    ]


def vocabulary(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """The IRIs of the classes and properties BacloKG's own graphs use or declare, for the editor.

    Read from BacloKG's named graphs (``bkgg:``), not from ``--data`` files: those may hold a million
    triples, and listing their predicates scans all of them (3.6 s on Oxigraph at a million).
    """
    graphs = " ".join(f"<{g}>" for g in kg.named_graphs() if str(g).startswith(PREFIXES["bkgg"]))
    found: dict[str, list[str]] = {}
    for kind, text in (("classes", _CLASSES), ("properties", _PROPERTIES)):
        found[kind] = [str(row[0]) for row in kg.sparql(text % (graphs, MAX_TERMS))]  # type: ignore[index]
    return found


def download_formats() -> dict[str, list[list[str]]]:
    """The formats a result can be downloaded in, by kind (``results``, ``rdf``): [name, title] pairs."""
    kinds: dict[str, list[list[str]]] = {"results": [], "rdf": []}
    for fmt in FORMATS:
        kinds[fmt.kind].append([fmt.name, fmt.title])
    return kinds
