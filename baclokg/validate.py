"""``baclokg validate``: SHACL shapes, the quality-check queries and OWL RL consistency, in one report."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from . import queries as named_queries
from .kg import KnowledgeGraph
from .paths import shapes_file
from .terms import plain, text

__all__ = ["Finding", "Report", "check_owl_rl", "check_queries", "check_shapes", "union_graph", "validate"]

SH = Namespace("http://www.w3.org/ns/shacl#")
_OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: which check found it, on which resource, and what is wrong."""

    check: str
    focus: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.focus}: {self.detail}"


@dataclass(slots=True)
class Report:
    """The findings of every check that ran."""

    checks: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check found anything."""
        return not self.findings


def union_graph(kg: KnowledgeGraph) -> Graph:
    """A plain rdflib graph holding the union of the named graphs (the default graph)."""
    graph = Graph()
    # RDF 1.1 makes "x" and "x"^^xsd:string one literal; rdflib's SHACL engine compares them as two.
    graph.addN((s, p, plain(o), graph) for s, p, o in kg.graph.triples((None, None, None)))
    return graph


def check_shapes(data: Graph) -> list[Finding]:
    """SHACL validation of the data (with the ontology inside it, for class hierarchy)."""
    from pyshacl import validate as shacl_validate

    shapes = Graph().parse(shapes_file(), format="turtle")
    _conforms, results, _text = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(result, SH.sourceShape)
        node_shape = next(iter(shapes.subjects(SH.property, shape)), shape) if shape is not None else None
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        detail = f"{text(path) or ''} {message or ''}".strip()
        findings.append(
            Finding(f"shape {text(node_shape)}", text(results.value(result, SH.focusNode)) or "?", detail)
        )
    return sorted(findings, key=str)


def check_queries(kg: KnowledgeGraph) -> list[Finding]:
    """Every quality-check query (``qc-*``) must return no rows."""
    findings = []
    for query in named_queries.all_queries():
        if query.kind != "check":
            continue
        for row in kg.rows(query.id):
            detail = f"{text(row.get('property'))} {text(row.get('value'))}"
            findings.append(Finding(query.id, text(row.get("entity")) or "?", detail))
    return findings


def check_owl_rl(data: Graph) -> list[Finding]:
    """OWL RL closure of a copy of the data; inconsistencies owlrl reports become findings."""
    import owlrl

    closure = Graph()
    closure += data
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    return [
        Finding("owl-rl", "graph", str(closure.value(node, _OWLRL_ERROR.error)))
        for node in closure.subjects(RDF.type, _OWLRL_ERROR.ErrorMessage)
    ]


def validate(kg: KnowledgeGraph, *, owl_rl: bool = True) -> Report:
    """Run every check on a knowledge graph (the bundled graph plus any extra files it holds)."""
    report = Report()
    data = union_graph(kg)
    report.checks.append("SHACL shapes")
    report.findings += check_shapes(data)
    report.checks.append("quality-check queries")
    report.findings += check_queries(kg)
    if owl_rl:
        report.checks.append("OWL RL consistency")
        report.findings += check_owl_rl(data)
    return report
