"""The KGX export: nodes.tsv and edges.tsv with Biolink categories, predicates and provenance slots.

The mapping from BacloKG's classes and direct-edge predicates to the Biolink Model is a table here;
statements whose predicate has no Biolink counterpart (precautions, dose regimens, onset, pregnancy
category, pharmacokinetics) are not KGX edges and stay in the RDF exports.
"""

from __future__ import annotations

import csv
import io

from rdflib import URIRef

from .prefixes import PREFIXES, compact
from .queries import Row, RowSource
from .terms import text

__all__ = ["CATEGORIES", "EDGE_COLUMNS", "NODE_COLUMNS", "PREDICATES", "SOURCES", "kgx_tables"]

BKG = PREFIXES["bkg"]
#: BacloKG class -> Biolink category
CATEGORIES = {
    "DrugIngredient": "biolink:SmallMolecule",
    "DrugProduct": "biolink:Drug",
    "Substance": "biolink:ChemicalEntity",
    "DrugRole": "biolink:ChemicalRole",
    "MolecularTarget": "biolink:MacromolecularComplex",
    "Condition": "biolink:DiseaseOrPhenotypicFeature",
}
#: direct-edge predicate -> Biolink predicate (and qualifiers)
PREDICATES = {
    "RO:0002248": "biolink:has_active_ingredient",
    "RO:0000087": "biolink:has_chemical_role",
    "RO:0018027": "biolink:affects",
    "RO:0002606": "biolink:treats",
    "biolink:applied_to_treat": "biolink:applied_to_treat",
    "biolink:has_side_effect": "biolink:has_side_effect",
    "RO:0002434": "biolink:interacts_with",
}
#: indication status -> Biolink clinical_approval_status (ClinicalApprovalStatusEnum); the statuses that state
#: no approval map to not_provided
STATUS = {
    "bkg:LabelledIndication": "fda_approved_for_condition",
    "bkg:LabelSaysMayBeOfValue": "not_provided",
    "bkg:OffLabelUse": "off_label_use",
    "bkg:UsedForNoApprovalStated": "not_provided",
}
MECHANISM = {"bkg:Agonism": "agonism"}
#: source key -> the Biolink information resource (infores_catalog.yaml) that is the primary source of its
#: claims; sources without an infores id (the monograph, LactMed, the labelling rule, FDA's page on it) have
#: BacloKG itself as primary source, with the document in ``publications``
SOURCES = {
    "LABEL-TAB": "infores:dailymed",
    "LABEL-PLR": "infores:dailymed",
    "DRUGBANK": "infores:drugbank",
    "CHEBI": "infores:chebi",
    "LABEL-TAB-2020": "infores:dailymed",
}
OWN = "infores:baclokg"
NODE_COLUMNS = ("id", "category", "name", "synonym", "xref", "provided_by")
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "category",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "aggregator_knowledge_source",
    "publications",
    "supporting_text",
    "clinical_approval_status",
    "causal_mechanism_qualifier",
    "original_predicate",
)


def _tsv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=columns, delimiter="\t", lineterminator="\n", extrasaction="raise"
    )
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda row: tuple(row.get(c, "") for c in columns)))
    return out.getvalue().encode("utf-8")


def _join(values: set[str]) -> str:
    return "|".join(sorted(v.replace("|", " ").replace("\t", " ") for v in values))


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def kgx_tables(kg: RowSource, graphs: list[URIRef]) -> dict[str, bytes]:
    """The KGX ``nodes.tsv`` and ``edges.tsv`` (file name to bytes) for the statements of ``graphs``."""
    selected = {str(g) for g in graphs}
    grouped: dict[str, list[Row]] = {}
    for row in kg.rows("api-kgx-edges"):
        if str(row["graph"]) in selected and (text(row["predicate"]) or "") in PREDICATES:
            grouped.setdefault(text(row["statement"]) or "", []).append(row)
    edges: list[dict[str, str]] = []
    used: set[str] = set()
    for statement, rows in grouped.items():
        first = rows[0]
        predicate = text(first["predicate"]) or ""
        subject, obj = text(first["subject"]) or "", text(first["object"]) or ""
        sources = {SOURCES.get(str(r["sourceKey"]), OWN) for r in rows}
        primary = sources.pop() if len(sources) == 1 else OWN
        edges.append(
            {
                "id": statement,
                "subject": subject,
                "predicate": PREDICATES[predicate],
                "object": obj,
                "category": "biolink:Association",
                "knowledge_level": "knowledge_assertion",
                "agent_type": "manual_agent",
                "primary_knowledge_source": primary,
                "aggregator_knowledge_source": OWN if primary != OWN else "",
                "publications": _join({str(r["url"]) for r in rows if r.get("url") is not None}),
                # the source's own words: a label's quote, or every span of the monograph the claim rests on
                "supporting_text": _join(
                    {_clean(r["supportingText"]) for r in rows if r.get("supportingText")}
                ),
                "clinical_approval_status": STATUS.get(text(first.get("status")) or "", ""),
                "causal_mechanism_qualifier": MECHANISM.get(text(first.get("action")) or "", ""),
                "original_predicate": predicate,
            }
        )
        used.update((subject, obj))
    nodes: dict[str, dict[str, set[str]]] = {}
    for row in kg.rows("api-kgx-nodes"):
        node = text(row["node"]) or ""
        kind = str(row["type"])[len(BKG) :]
        if node not in used or kind not in CATEGORIES:
            continue
        entry = nodes.setdefault(node, {"category": set(), "name": set(), "synonym": set(), "xref": set()})
        entry["category"].add(CATEGORIES[kind])
        entry["name"].add(_clean(row["name"]))
        if row.get("synonym") is not None:
            entry["synonym"].add(_clean(row["synonym"]))
        if row.get("xref") is not None:
            entry["xref"].add(compact(str(row["xref"])))
    node_rows = [
        {
            "id": node,
            "category": _join(v["category"]),
            "name": sorted(v["name"])[0],
            "synonym": _join(v["synonym"]),
            "xref": _join(v["xref"]),
            "provided_by": OWN,
        }
        for node, v in nodes.items()
    ]
    return {"nodes.tsv": _tsv(NODE_COLUMNS, node_rows), "edges.tsv": _tsv(EDGE_COLUMNS, edges)}
