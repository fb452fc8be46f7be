"""The drug card as plain data: a header and titled tables, drawn by the terminal and the web page alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Citation, Drug, InteractionCheck, Term

__all__ = ["Section", "card_header", "card_sections", "interaction_section"]


@dataclass(frozen=True, slots=True)
class Section:
    """One titled table of the card."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


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


def _dosing(drug: Drug) -> Iterable[tuple[str, ...]]:
    for d in drug.dosage:
        steps = "; ".join(f"{s.dose} {s.unit} x{s.times_per_day}/day for {s.days} days" for s in d.steps)
        if not steps:
            steps = ("start low, increase gradually" if d.start_low_titrate else "") + (
                f" (depends on {', '.join(d.factors)})" if d.factors else ""
            )
        maximum = (
            f"{d.maximum_dose} {d.maximum_unit} per {d.maximum_period_days} day(s)" if d.maximum_dose else ""
        )
        yield d.regimen.label, steps, maximum, _cite(d.sources)


def _pregnancy(drug: Drug) -> Iterable[tuple[str, ...]]:
    for p in drug.pregnancy:
        details = []
        if p.effective_date:
            details.append(f"effective {p.effective_date}")
        if p.species:
            details.append(f"in the {p.species}")
        if p.dose_multiple is not None:
            details.append(
                f"at {p.dose_multiple} x the maximum human dose ({p.dose_basis or 'basis not given'})"
            )
        yield p.aspect, p.item.label, ", ".join(details), _cite(p.sources)


def card_sections(drug: Drug) -> list[Section]:
    """Every section of the card, in reading order; empty sections are left out."""
    sections = [
        Section(
            "Classes and roles",
            ("role", "source"),
            tuple((r.role.label, _cite(r.sources)) for r in drug.roles),
        ),
        Section(
            "Mechanism of action",
            ("target", "action", "downstream effects", "source"),
            tuple(
                (m.target.label, m.action.label, _terms(m.effects), _cite(m.sources)) for m in drug.mechanism
            ),
        ),
        Section(
            "Indications",
            ("condition", "in", "status", "source"),
            tuple(
                (i.condition.label, i.context.label if i.context else "", i.status.label, _cite(i.sources))
                for i in drug.indications
            ),
        ),
        Section(
            "Adverse effects",
            ("effect", "frequency", "source"),
            tuple(
                (
                    a.effect.label,
                    _pct(a.lower_percent, a.upper_percent) or (a.frequency.label if a.frequency else ""),
                    _cite(a.sources),
                )
                for a in drug.adverse_effects
            ),
        ),
        Section(
            "Interactions",
            ("with", "effect", "source"),
            tuple(
                (("any " if i.is_class else "") + i.interactant.label, i.effect.label, _cite(i.sources))
                for i in drug.interactions
            ),
        ),
        Section(
            "Precautions",
            ("situation", "risks", "advice", "source"),
            tuple(
                (
                    p.situation.label + (f" (risk to {p.risk_to.label})" if p.risk_to else ""),
                    _terms(p.risks),
                    _terms(p.actions),
                    _cite(p.sources),
                )
                for p in drug.precautions
            ),
        ),
        Section("Dosing", ("regimen", "steps", "maximum", "source"), tuple(_dosing(drug))),
        Section(
            "Onset of action",
            ("first effect", "full effect", "source"),
            tuple((o.first_effect or "", o.full_effect or "", _cite(o.sources)) for o in drug.onset),
        ),
        Section("Pregnancy", ("aspect", "what", "details", "source"), tuple(_pregnancy(drug))),
        Section(
            "Where the sources differ",
            ("matter", "how", "sources"),
            tuple((d.label, d.kind, _cite(d.sources)) for d in drug.discrepancies),
        ),
        Section(
            "Identifiers",
            ("scheme", "id", "match"),
            tuple((i.scheme, i.id, i.match) for i in drug.identifiers),
        ),
    ]
    return [s for s in sections if s.rows]


def interaction_section(checks: Iterable[InteractionCheck]) -> Section:
    """The co-medication check as a section."""
    rows: list[tuple[str, ...]] = []
    for check in checks:
        if not check.via:
            rows.append((check.comedication.label, "no interaction recorded", "", ""))
        for item in check.via:
            how = (
                f"as {_terms(item.through_roles)} -> {item.interactant.label}"
                if item.through_roles
                else "directly"
            )
            rows.append((check.comedication.label, how, item.effect.label, _cite(item.sources)))
    return Section("Co-medication check", ("co-medication", "through", "effect", "source"), tuple(rows))
