"""The drug card as plain data: a header and titled tables, drawn by the terminal and the web page alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal

from .models import Citation, Comedication, Drug, Path, Term

__all__ = ["Section", "card_header", "card_sections", "comedication_line", "comedication_section", "to_data"]


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
