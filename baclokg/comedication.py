"""The co-medication check: one verdict per name of a medication list, each with its cited path.

A name resolves to a substance by its labels, synonyms and salt names (a substance's name wins over
the name of a class or a condition: "alcohol" in a drug list is ethanol). The substance then climbs
its cited role memberships and role hierarchy steps until it reaches the object of one of the drug's
interaction claims. A path through a role the rule file marks uncertain (ChEBI files every
anticonvulsant under CNS depressant) gives ``uncertain``, never ``interacts``.

>>> from baclokg import load
>>> check = load().interactions_with(["oxycodone"])[0]
>>> check.verdict, str(check.path)
('interacts', 'oxycodone -> opioid analgesic -> central nervous system depressant')
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from rdflib import URIRef

from .errors import ParameterError
from .models import Citation, Comedication, Path, Step, Term, Words
from .prefixes import PREFIXES, compact
from .queries import Row, RowSource, parse_iri
from .reference_set import load_rules

__all__ = ["NO_EVIDENCE", "ComedicationChecker"]

_BKG = PREFIXES["bkg"]
_SUBSTANCE_TYPES = {_BKG + t for t in ("Substance", "DrugIngredient", "DrugProduct")}
#: how a name was matched, by the property that holds it (lower ranks win)
_RANKS = {
    "http://www.w3.org/2000/01/rdf-schema#label": (0, "label"),
    "http://schema.org/nonProprietaryName": (0, "generic name"),
    "http://schema.org/proprietaryName": (0, "brand name"),
    "http://www.w3.org/2004/02/skos/core#altLabel": (1, "synonym"),
    "http://www.w3.org/2004/02/skos/core#hiddenLabel": (2, "salt name"),
}
#: salt and ester words a typed name may end with ("oxycodone HCl"): tried when the whole name is unknown
_SALT_WORDS = (
    "hydrochloride", "hcl", "hydrobromide", "sulfate", "sulphate", "tartrate", "bitartrate", "maleate",
    "mesylate", "besylate", "citrate", "phosphate", "sodium", "potassium", "calcium", "acetate",
    "succinate", "fumarate", "hyclate", "monohydrate", "dihydrate", "trihydrate",
)  # fmt: skip
_MAX_DEPTH = 8
_MAX_PATHS = 12
NO_EVIDENCE = "The absence of a record is no evidence that the combination is safe."


def _normal(name: str) -> str:
    """The form names are compared in: case-folded, quotes dropped, spaces collapsed.

    >>> _normal('  "Oxycodone   Hydrochloride" ')
    'oxycodone hydrochloride'
    """
    return " ".join(name.strip().strip("\"'\u201c\u201d").casefold().split())


class ComedicationChecker:
    """Everything a check needs, read once from the graph: names, cited steps, the drug's claims."""

    def __init__(self, kg: RowSource, drug: URIRef, words: Mapping[str, tuple[Words, ...]]) -> None:
        self.kg = kg
        self.drug = drug
        self._labels: dict[str, str] = {}
        self._types: dict[str, set[str]] = {}
        self._names: dict[str, list[tuple[int, str, str]]] = {}
        for row in kg.rows("api-comedication-names"):
            entity, name, prop = str(row["entity"]), str(row["name"]), str(row["property"])
            self._types.setdefault(entity, set()).add(str(row["type"]))
            rank, how = _RANKS.get(prop, (3, "name"))
            if prop == "http://www.w3.org/2000/01/rdf-schema#label":
                self._labels.setdefault(entity, name)
            self._names.setdefault(_normal(name), []).append((rank, entity, how))
        # subject -> target -> (how they are linked, the citations of that link)
        self._up: dict[str, dict[str, tuple[str, list[Citation]]]] = {}
        for row in kg.rows("api-role-steps"):
            subject, target = str(row["subject"]), str(row["object"])
            self._labels.setdefault(subject, str(row["subjectLabel"]))
            self._labels.setdefault(target, str(row["objectLabel"]))
            relation = "has role" if str(row["kind"]).endswith("DrugRoleStatement") else "falls under"
            edge = self._up.setdefault(subject, {}).setdefault(target, (relation, []))
            edge[1].append(_citation(row, words))
        self._claims: dict[str, list[Citation]] = {}
        self._effects: dict[str, Term] = {}
        for row in kg.rows("cq-06-interactions", drug=self.drug):
            target = str(row["interactant"])
            self._labels.setdefault(target, str(row["interactantLabel"]))
            self._claims.setdefault(target, []).append(_citation(row, words))
            self._effects.setdefault(target, _term(str(row["effect"]), str(row["effectLabel"])))
        same = {str(self.drug)}
        for row in kg.rows("cq-01-ingredient-and-brands", drug=self.drug):
            same |= {str(row[k]) for k in ("ingredient", "brand") if row.get(k) is not None}
        self._same = same
        self._uncertain = {str(parse_iri(role)): why for role, why in load_rules().uncertain.items()}
        #: the drug the co-medications are checked against
        self.drug_term = self._term(str(self.drug))

    # -- names ----------------------------------------------------------------------------

    def _term(self, iri: str) -> Term:
        return _term(iri, self._labels.get(iri, compact(iri)))

    def _lookup(self, name: str) -> tuple[list[tuple[int, str, str]], str | None]:
        """Candidates for a typed name, and how a salt word was dropped (if it was)."""
        key = _normal(name)
        try:
            iri = parse_iri(name) if ":" in name else None
        except ParameterError:
            iri = None
        if iri is not None and str(iri) in self._types:
            return [(0, str(iri), "identifier")], None
        found = self._names.get(key, [])
        if found:
            return found, None
        words = key.split()
        while len(words) > 1 and words[-1].strip("().,") in _SALT_WORDS:
            words = words[:-1]
            found = self._names.get(" ".join(words), [])
            if found:
                return found, " ".join(words)
        return [], None

    def _suggest(self, name: str) -> tuple[str, ...]:
        key = _normal(name)
        return tuple(difflib.get_close_matches(key, list(self._names), n=5, cutoff=0.6))

    # -- paths ----------------------------------------------------------------------------

    def _paths(self, start: str) -> list[Path]:
        paths: list[Path] = []

        def walk(node: str, steps: list[Step], seen: set[str]) -> None:
            if len(paths) >= 10 * _MAX_PATHS:
                return
            if node in self._claims:
                paths.append(Path(self._term(start), tuple(steps), self._why_uncertain(steps)))
            if len(steps) >= _MAX_DEPTH:
                return
            for target, (relation, citations) in sorted(self._up.get(node, {}).items()):
                if target in seen:
                    continue
                step = Step(self._term(node), relation, self._term(target), tuple(citations))
                walk(target, [*steps, step], seen | {target})

        walk(start, [], {start})
        paths.sort(key=lambda p: (p.uncertain_because is not None, len(p.steps), str(p)))
        return paths[:_MAX_PATHS]

    def _why_uncertain(self, steps: Iterable[Step]) -> str | None:
        for step in steps:
            for iri in (step.subject.iri, step.object.iri):
                if iri in self._uncertain:
                    return self._uncertain[iri]
        return None

    # -- verdicts -------------------------------------------------------------------------

    def check(self, name: str) -> Comedication:
        """The verdict on one name; never raises for a name it cannot resolve."""
        drug = self.drug_term
        found, stripped = self._lookup(name)
        if not found:
            return Comedication(
                name,
                "not-known",
                suggestions=self._suggest(name),
                note=f"No substance in BacloKG goes by this name. {NO_EVIDENCE}",
            )
        substances = [c for c in found if self._types.get(c[1], set()) & _SUBSTANCE_TYPES]
        if not substances:
            _rank, entity, _how = min(found)
            kinds = sorted(t.removeprefix(_BKG) for t in self._types.get(entity, set()))
            return Comedication(
                name,
                "not-a-substance",
                substance=self._term(entity),
                note=f"In BacloKG this name is a {', '.join(kinds) or 'thing'}, not a substance.",
            )
        best = min(rank for rank, _, _ in substances)
        entities = sorted({e for rank, e, _ in substances if rank == best})
        if len(entities) > 1:
            candidates = tuple(self._term(e) for e in entities)
            return Comedication(
                name,
                "ambiguous",
                candidates=candidates,
                note="The name matches several substances: "
                + "; ".join(f"{c.label} ({c.curie})" for c in candidates)
                + ". Give the one meant by its full name or identifier.",
            )
        entity = entities[0]
        how = next(h for rank, e, h in substances if e == entity and rank == best)
        if stripped is not None:
            how = f"{how} (after dropping the salt: {stripped!r})"
        term = self._term(entity)
        if entity in self._same:
            return Comedication(
                name,
                "same-ingredient",
                substance=term,
                matched_by=how,
                note=f"{term.label} is {drug.label} or one of its products: both hold the same ingredient.",
            )
        paths = self._paths(entity)
        if not paths:
            return Comedication(
                name,
                "no-interaction-recorded",
                substance=term,
                matched_by=how,
                note=f"BacloKG records no interaction of {term.label} with {drug.label}. {NO_EVIDENCE}",
            )
        shown = [p for p in paths if p.uncertain_because is None] or paths
        targets = list(dict.fromkeys(p.end.iri for p in shown))
        claims = tuple(dict.fromkeys(c for t in targets for c in self._claims[t]))
        effect = self._effects[targets[0]]
        uncertain = paths[0].uncertain_because
        return Comedication(
            name,
            "uncertain" if uncertain else "interacts",
            substance=term,
            matched_by=how,
            effect=effect,
            claims=claims,
            paths=tuple(paths),
            note=f"Only an uncertain path links {term.label} to the claims: {uncertain}"
            if uncertain
            else f"{drug.label}'s sources warn of {effect.label} with {self._term(targets[0]).label}.",
        )

    def check_all(self, names: Iterable[str]) -> list[Comedication]:
        """One verdict per name, in the order given."""
        return [self.check(name) for name in names]


def _term(iri: str, label: str) -> Term:
    return Term(iri, compact(iri), label)


def _citation(row: Row, words: Mapping[str, tuple[Words, ...]]) -> Citation:
    statement = str(row["statement"])
    return Citation(
        statement,
        str(row["source"]),
        str(row["sourceLabel"]),
        str(row["sourceKey"]),
        words.get(statement, ()),
    )
