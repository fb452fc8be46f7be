"""The drug card as plain data: a header and titled tables, drawn by the terminal and the web page alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar, Protocol, TypeVar

from .models import (
    AdverseEffect,
    Citation,
    Comedication,
    DoseRegimen,
    Drug,
    Path,
    Precaution,
    PregnancyItem,
    Term,
)

__all__ = [
    "Section",
    "card_header",
    "card_sections",
    "comedication_line",
    "comedication_section",
    "same_claims",
    "to_data",
]


class _Claim(Protocol):
    """A claim of the card: a dataclass of the models with its sources."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def sources(self) -> tuple[Citation, ...]: ...


_C = TypeVar("_C", bound=_Claim)


@dataclass(frozen=True, slots=True)
class Section:
    """One titled table of the card.

    In a section whose last column names the sources, ``citations`` holds each row's citations (the
    same order as ``rows``), so a page can show the sources' words apart from the table; otherwise it
    is empty.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    citations: tuple[tuple[Citation, ...], ...] = ()


def same_claims(items: Iterable[_C]) -> list[_C]:
    """One item per claim: items that say the same (every field but ``sources``) become one, sources joined.

    The claims keep the order in which each was first seen; so do the sources of a merged claim.

    >>> from baclokg.models import Citation, Role, Term
    >>> relaxant = Term("https://example.org/relaxant", "ex:relaxant", "muscle relaxant")
    >>> def cited(key):
    ...     return (Citation(f"https://example.org/{key}", key, f"{key} label", key),)
    >>> claims = same_claims([Role(relaxant, cited("a")), Role(relaxant, cited("b"))])
    >>> [(c.role.label, [s.label for s in c.sources]) for c in claims]
    [('muscle relaxant', ['a label', 'b label'])]
    >>> agonist = Term("https://example.org/agonist", "ex:agonist", "GABA agonist")
    >>> len(same_claims([Role(relaxant, cited("a")), Role(agonist, cited("a"))]))  # two claims stay two
    2
    """
    merged: dict[tuple[object, ...], _C] = {}
    for item in items:
        key = tuple(getattr(item, f.name) for f in fields(item) if f.name != "sources")
        first = merged.get(key)
        merged[key] = item if first is None else replace(first, sources=first.sources + item.sources)
    return list(merged.values())


def _cite(sources: Iterable[Citation]) -> str:
    """Each statement's source sections, followed once by the words it quotes (where BacloKG may quote)."""
    by_statement: dict[str, list[Citation]] = {}
    for citation in sources:
        by_statement.setdefault(citation.statement, []).append(citation)
    parts = []
    for citations in by_statement.values():
        labels = "; ".join(dict.fromkeys(c.label for c in citations))
        quotes = [str(w) for w in citations[0].words if w.quoted]
        parts.append(f"{labels}: {' '.join(quotes)}" if quotes else labels)
    return "; ".join(dict.fromkeys(parts))


def _section(
    title: str,
    columns: tuple[str, ...],
    items: Iterable[_C],
    cells: Callable[[_C], tuple[str, ...]],
) -> Section:
    """A section of claims: one row per claim, its cells then its sources (see :func:`same_claims`)."""
    rows: list[tuple[str, ...]] = []
    citations: list[tuple[Citation, ...]] = []
    for claim in same_claims(items):
        rows.append((*cells(claim), _cite(claim.sources)))
        citations.append(claim.sources)
    return Section(title, columns, tuple(rows), tuple(citations))


def _terms(terms: Iterable[Term]) -> str:
    return ", ".join(t.label for t in terms)


def _pct(low: object, high: object) -> str:
    if low is None and high is None:
        return ""
    return f"{low}-{high} %" if low != high else f"{low} %"


def card_header(drug: Drug) -> list[str]:
    """The lines above the tables: name, kind, ingredients and brands."""
    lines = [f"{drug.label} ({drug.curie}), {drug.kind}"]
    if drug.ingredients:
        lines.append(f"Active ingredient: {_terms(drug.ingredients)}")
    if drug.brands:
        lines.append(f"Brand names: {_terms(drug.brands)}")
    return lines


def _dosing(d: DoseRegimen) -> tuple[str, ...]:
    steps = "; ".join(f"{s.dose} {s.unit} x{s.times_per_day}/day for {s.days} days" for s in d.steps)
    if not steps:
        steps = ("start low, increase gradually" if d.start_low_titrate else "") + (
            f" (depends on {', '.join(d.factors)})" if d.factors else ""
        )
    maximum = (
        f"{d.maximum_dose} {d.maximum_unit} per {d.maximum_period_days} day(s)" if d.maximum_dose else ""
    )
    return d.regimen.label, steps, maximum


def _pregnancy(p: PregnancyItem) -> tuple[str, ...]:
    details = []
    if p.effective_date:
        details.append(f"effective {p.effective_date}")
    if p.species:
        details.append(f"in the {p.species}")
    if p.dose_multiple is not None:
        details.append(f"at {p.dose_multiple} x the maximum human dose ({p.dose_basis or 'basis not given'})")
    return p.aspect, p.item.label, ", ".join(details)


def _frequency(a: AdverseEffect) -> str:
    return _pct(a.lower_percent, a.upper_percent) or (a.frequency.label if a.frequency else "")


def _by_system(a: AdverseEffect) -> tuple[bool, str, str]:
    """Adverse effects grouped by organ system (effects outside HPO, with none, last), then by name."""
    return (not a.systems, _terms(a.systems), a.effect.label)


def _situation(p: Precaution) -> str:
    return p.situation.label + (f" (risk to {p.risk_to.label})" if p.risk_to else "")


def card_sections(drug: Drug) -> list[Section]:
    """Every section of the card, in reading order, one row per claim; empty sections are left out."""
    sections = [
        _section("Classes and roles", ("role", "source"), drug.roles, lambda r: (r.role.label,)),
        _section(
            "Mechanism of action",
            ("target", "action", "downstream effects", "source"),
            drug.mechanism,
            lambda m: (m.target.label, m.action.label, _terms(m.effects)),
        ),
        _section(
            "Indications",
            ("condition", "in", "status", "source"),
            drug.indications,
            lambda i: (i.condition.label, i.context.label if i.context else "", i.status.label),
        ),
        _section(
            "Adverse effects",
            ("organ system", "effect", "frequency", "source"),
            sorted(drug.adverse_effects, key=_by_system),
            lambda a: (_terms(a.systems), a.effect.label, _frequency(a)),
        ),
        _section(
            "Interactions",
            ("with", "effect", "source"),
            drug.interactions,
            lambda i: (("any " if i.is_class else "") + i.interactant.label, i.effect.label),
        ),
        _section(
            "Precautions",
            ("situation", "risks", "advice", "source"),
            drug.precautions,
            lambda p: (_situation(p), _terms(p.risks), _terms(p.actions)),
        ),
        _section("Dosing", ("regimen", "steps", "maximum", "source"), drug.dosage, _dosing),
        _section(
            "Onset of action",
            ("first effect", "full effect", "source"),
            drug.onset,
            lambda o: (o.first_effect or "", o.full_effect or ""),
        ),
        _section("Pregnancy", ("aspect", "what", "details", "source"), drug.pregnancy, _pregnancy),
        _section(
            "Where the sources differ",
            ("matter", "how", "sources"),
            drug.discrepancies,
            lambda d: (d.label, d.kind),
        ),
        Section(
            "Identifiers",
            ("scheme", "id", "match"),
            tuple((i.scheme, i.id, i.match) for i in drug.identifiers),
        ),
    ]
    return [s for s in sections if s.rows]


def _path_text(check: Comedication) -> str:
    path = check.path
    if path is None:
        return ""
    more = len(check.paths) - 1
    return str(path) + (f" (and {more} more path{'s' if more > 1 else ''})" if more else "")


def _what(check: Comedication) -> str:
    if check.verdict in ("interacts", "uncertain") and check.effect is not None:
        return check.effect.label
    if check.suggestions:
        return "did you mean: " + ", ".join(check.suggestions)
    if check.candidates:
        return "one of: " + ", ".join(f"{c.label} ({c.curie})" for c in check.candidates)
    return ""


def _substance(check: Comedication) -> str:
    return f"{check.substance.label} ({check.substance.curie})" if check.substance else ""


def comedication_section(checks: Iterable[Comedication]) -> Section:
    """The co-medication check as a section: one row per name, with the path and its sources."""
    rows = tuple(
        (
            c.name,
            c.verdict,
            _substance(c),
            _what(c),
            _path_text(c),
            _note(c),
        )
        for c in checks
    )
    columns = ("name", "verdict", "substance", "effect", "path", "note and sources")
    return Section("Co-medication check", columns, rows)


def _source_keys(check: Comedication, separator: str = ", ") -> str:
    return separator.join(dict.fromkeys(s.source_key for s in check.sources))


def _note(check: Comedication) -> str:
    keys = _source_keys(check)
    return f"{check.note} Sources: {keys}." if keys else check.note


def comedication_line(check: Comedication) -> str:
    r"""One line for a pipe: the name, the verdict word, then tab-separated details (never wrapped).

    >>> from baclokg.models import Comedication
    >>> comedication_line(Comedication("asprin", "not-known", suggestions=("aspirin",), note="No record."))
    'asprin\tnot-known\t\tdid you mean: aspirin\t\t\tNo record.'
    """
    details = (_substance(check), _what(check), _path_text(check), _source_keys(check, "; "), check.note)
    cells = (check.name, check.verdict, *details)
    return "\t".join(" ".join(cell.split()) for cell in cells)


def to_data(value: object) -> object:
    """Typed answers as JSON-ready data: dataclasses as objects, Decimals as strings (no precision lost).

    >>> from decimal import Decimal
    >>> to_data({"dose": Decimal("0.50"), "steps": (1, 2)})
    {'dose': '0.50', 'steps': [1, 2]}
    """
    if is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_data(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, Comedication):  # what its properties derive, for readers of the JSON
            data |= {"path": to_data(value.path), "sources": to_data(value.sources)}
        elif isinstance(value, Path):
            data |= {"text": str(value), "end": to_data(value.end)}
        return data
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    return value
