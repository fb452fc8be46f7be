"""Typed, read-only answers of the Python API. Every clinical item carries the sources that state it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "VERDICTS",
    "AdverseEffect",
    "Citation",
    "Comedication",
    "Discrepancy",
    "DoseRegimen",
    "DoseStep",
    "Drug",
    "Identifier",
    "Indication",
    "Interaction",
    "Mechanism",
    "Onset",
    "Path",
    "Precaution",
    "PregnancyItem",
    "Role",
    "Step",
    "Term",
    "Words",
]


@dataclass(frozen=True, slots=True)
class Term:
    """An entity named by its IRI, its CURIE (where a prefix is known) and its label."""

    iri: str
    curie: str
    label: str

    def __str__(self) -> str:
        return f"{self.label} ({self.curie})"


@dataclass(frozen=True, slots=True)
class Words:
    """What a source says behind a claim: its words, or the curators' paraphrase where BacloKG may not quote.

    A quote of a text that BacloKG ships also gives its place: the text's IRI and the code point offsets
    of the span (``text[start:end]`` is the quote).
    """

    text: str
    quoted: bool
    source_text: str | None = None
    start: int | None = None
    end: int | None = None

    def __str__(self) -> str:
        return f"\u201c{self.text}\u201d" if self.quoted else f"(paraphrase) {self.text}"


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a claim comes from: the statement's IRI, the source section and document key, and its words."""

    statement: str
    section: str
    label: str
    source_key: str
    words: tuple[Words, ...] = ()

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, slots=True)
class Role:
    """A class or role of the drug."""

    role: Term
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Mechanism:
    """A target, the action on it and its downstream effects."""

    target: Term
    action: Term
    effects: tuple[Term, ...]
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Indication:
    """A condition the drug is used for, in a disease context, labelled or off-label."""

    condition: Term
    context: Term | None
    status: Term
    sources: tuple[Citation, ...]

    @property
    def off_label(self) -> bool:
        """Whether the use is off-label."""
        return self.status.curie == "bkg:OffLabelUse"


@dataclass(frozen=True, slots=True)
class AdverseEffect:
    """An adverse effect with its frequency, as one source gives it, and the organ systems it concerns
    (HPO's top-level classes above it in the HPO import; none for an effect outside HPO)."""

    effect: Term
    frequency: Term | None
    lower_percent: Decimal | None
    upper_percent: Decimal | None
    sources: tuple[Citation, ...]
    systems: tuple[Term, ...] = ()


@dataclass(frozen=True, slots=True)
class Interaction:
    """A substance, or a role standing for every substance with it, that the drug interacts with."""

    interactant: Term
    is_class: bool
    effect: Term
    sources: tuple[Citation, ...]
    #: for a co-medication check: the co-medication's roles that fall under ``interactant``
    through_roles: tuple[Term, ...] = ()


@dataclass(frozen=True, slots=True)
class Precaution:
    """A situation that calls for care: its risks, who bears them, and what to do."""

    situation: Term
    risks: tuple[Term, ...]
    risk_to: Term | None
    actions: tuple[Term, ...]
    rationale: Term | None
    present_in_milk: bool | None
    sources: tuple[Citation, ...]
    #: the source's overall judgement of the risk (for example: not expected to cause adverse effects)
    assessment: Term | None = None
    #: the populations the judgement holds for especially
    especially_in: tuple[Term, ...] = ()


@dataclass(frozen=True, slots=True)
class DoseStep:
    """One titration step."""

    number: int
    dose: Decimal
    unit: str
    times_per_day: int
    days: int | None


@dataclass(frozen=True, slots=True)
class DoseRegimen:
    """How the drug is dosed, as one source gives it."""

    regimen: Term
    start_low_titrate: bool | None
    factors: tuple[str, ...]
    steps: tuple[DoseStep, ...]
    maximum_dose: Decimal | None
    maximum_unit: str | None
    maximum_period_days: int | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Onset:
    """How long the drug takes to work, as one source gives it."""

    first_effect: str | None
    full_effect: str | None
    #: the bounds of the full-effect window, in days, only where the source's words give them
    full_effect_min_days: Decimal | None
    full_effect_max_days: Decimal | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class PregnancyItem:
    """One thing a source says about the drug in pregnancy.

    ``aspect`` is ``category`` (a letter category), ``labelling change`` (a rule that retired the
    letter categories, with its effective date), ``animal finding`` (an adverse developmental finding
    in animal studies, with species and dose where given) or ``human data`` (what the human data are).
    """

    aspect: str
    item: Term
    effective_date: str | None
    species: str | None
    dose_multiple: Decimal | None
    dose_basis: str | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Identifier:
    """A cross-reference of the drug in another database or terminology."""

    scheme: str
    id: str
    iri: str
    match: str


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Where sources differ about a matter, and how."""

    iri: str
    label: str
    kind: str
    comment: str
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Drug:
    """A drug ingredient or product with everything the graph says about it."""

    iri: str
    curie: str
    label: str
    kind: str
    ingredients: tuple[Term, ...] = ()
    brands: tuple[Term, ...] = ()
    roles: tuple[Role, ...] = ()
    mechanism: tuple[Mechanism, ...] = ()
    indications: tuple[Indication, ...] = ()
    adverse_effects: tuple[AdverseEffect, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    precautions: tuple[Precaution, ...] = ()
    dosage: tuple[DoseRegimen, ...] = ()
    onset: tuple[Onset, ...] = ()
    pregnancy: tuple[PregnancyItem, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = field(default=())

    @property
    def lactation(self) -> tuple[Precaution, ...]:
        """The precautions about breastfeeding."""
        return tuple(p for p in self.precautions if p.present_in_milk is not None)

    def precautions_for(self, situation: str) -> tuple[Precaution, ...]:
        """The precautions whose situation has this label, CURIE or IRI."""
        key = situation.casefold()
        return tuple(
            p
            for p in self.precautions
            if key in (p.situation.label.casefold(), p.situation.curie.casefold(), p.situation.iri.casefold())
        )


#: the most names one co-medication check takes (the REST endpoint answers 400 past it)
MAX_NAMES = 100
#: the verdicts of a co-medication check, in the order of the output's legend
VERDICTS = (
    "interacts",
    "uncertain",
    "same-ingredient",
    "no-interaction-recorded",
    "not-a-substance",
    "not-known",
    "ambiguous",
)


@dataclass(frozen=True, slots=True)
class Step:
    """One cited step of a path: a substance has a role, a role falls under another, or a claim names it."""

    subject: Term
    relation: str  # "has role", "falls under", "is named by"
    object: Term
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Path:
    """How a co-medication reaches an interaction claim of the drug, every step with its sources."""

    start: Term
    steps: tuple[Step, ...]
    #: why this path does not show that the co-medication interacts (None: it does)
    uncertain_because: str | None = None

    @property
    def end(self) -> Term:
        """What the drug's interaction claims name: the last step's class, or the substance itself."""
        return self.steps[-1].object if self.steps else self.start

    def __str__(self) -> str:
        return " -> ".join([self.start.label, *(step.object.label for step in self.steps)])


@dataclass(frozen=True, slots=True)
class Comedication:
    """The verdict on one name of a medication list, checked against the drug.

    ``verdict`` is one of :data:`VERDICTS`. For ``interacts`` and ``uncertain``, ``effect`` and
    ``claims`` are the drug's interaction claims that the paths reach (their words are the advice the
    sources give) and ``paths`` show how; ``not-known`` brings ``suggestions``, ``ambiguous`` its
    ``candidates``. ``note`` says what the verdict means in words.
    """

    name: str
    verdict: str
    substance: Term | None = None
    matched_by: str | None = None
    effect: Term | None = None
    claims: tuple[Citation, ...] = ()
    paths: tuple[Path, ...] = ()
    candidates: tuple[Term, ...] = ()
    suggestions: tuple[str, ...] = ()
    note: str = ""

    @property
    def path(self) -> Path | None:
        """The path shown first: the shortest that shows an interaction, else the shortest uncertain one."""
        return self.paths[0] if self.paths else None

    @property
    def sources(self) -> tuple[Citation, ...]:
        """Every citation behind the verdict: the drug's claims, then each step's, once each."""
        found = dict.fromkeys((*self.claims, *(c for p in self.paths for s in p.steps for c in s.sources)))
        return tuple(found)

    @property
    def interacts(self) -> bool:
        """True when the sources show that the two interact."""
        return self.verdict == "interacts"

    @property
    def resolved(self) -> bool:
        """False when the name matched no substance or several."""
        return self.verdict not in ("not-known", "ambiguous")
