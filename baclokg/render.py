"""Human-readable output: the drug card and result tables, drawn with rich (plain text in a pipe)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

from .models import Citation, Drug, InteractionCheck, Term
from .terms import text

__all__ = ["print_card", "print_interactions", "print_rows"]


def _cite(sources: Iterable[Citation]) -> str:
    return "; ".join(dict.fromkeys(c.label for c in sources))


def _terms(terms: Iterable[Term]) -> str:
    return ", ".join(t.label for t in terms)


def _section(console: Console, title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    if table.row_count:
        console.print(table)


def _pct(low: object, high: object) -> str:
    if low is None and high is None:
        return ""
    return f"{low}-{high} %" if low != high else f"{low} %"


def print_card(drug: Drug, console: Console | None = None) -> None:
    """Print the drug card: every section with the sources that state it."""
    console = console or Console()
    console.print(f"[bold]{drug.label}[/bold] ({drug.curie}), {drug.kind}")
    if drug.ingredients:
        console.print(f"Active ingredient: {_terms(drug.ingredients)}")
    if drug.brands:
        console.print(f"Brand names: {_terms(drug.brands)}")
    _section(
        console,
        "Classes and roles",
        ["role", "source"],
        ((r.role.label, _cite(r.sources)) for r in drug.roles),
    )
    _section(
        console,
        "Mechanism of action",
        ["target", "action", "downstream effects", "source"],
        ((m.target.label, m.action.label, _terms(m.effects), _cite(m.sources)) for m in drug.mechanism),
    )
    _section(
        console,
        "Indications",
        ["condition", "in", "status", "source"],
        (
            (i.condition.label, i.context.label if i.context else "", i.status.label, _cite(i.sources))
            for i in drug.indications
        ),
    )
    _section(
        console,
        "Adverse effects",
        ["effect", "frequency", "source"],
        (
            (
                a.effect.label,
                _pct(a.lower_percent, a.upper_percent) or (a.frequency.label if a.frequency else ""),
                _cite(a.sources),
            )
            for a in drug.adverse_effects
        ),
    )
    _section(
        console,
        "Interactions",
        ["with", "effect", "source"],
        (
            (("any " if i.is_class else "") + i.interactant.label, i.effect.label, _cite(i.sources))
            for i in drug.interactions
        ),
    )
    _section(
        console,
        "Precautions",
        ["situation", "risks", "advice", "source"],
        (
            (
                p.situation.label + (f" (risk to {p.risk_to.label})" if p.risk_to else ""),
                _terms(p.risks),
                _terms(p.actions),
                _cite(p.sources),
            )
            for p in drug.precautions
        ),
    )
    _section(
        console,
        "Dosing",
        ["regimen", "steps", "maximum", "source"],
        (
            (
                d.regimen.label,
                "; ".join(f"{s.dose} {s.unit} x{s.times_per_day}/day for {s.days} days" for s in d.steps)
                or ("start low, increase gradually" if d.start_low_titrate else "")
                + (f" (depends on {', '.join(d.factors)})" if d.factors else ""),
                f"{d.maximum_dose} {d.maximum_unit} per {d.maximum_period_days} day(s)"
                if d.maximum_dose
                else "",
                _cite(d.sources),
            )
            for d in drug.dosage
        ),
    )
    _section(
        console,
        "Onset of action",
        ["first effect", "full effect", "source"],
        ((o.first_effect or "", o.full_effect or "", _cite(o.sources)) for o in drug.onset),
    )
    _section(
        console,
        "Pregnancy category",
        ["category", "meaning", "current?", "source"],
        (
            (
                p.category.label,
                p.meaning,
                "yes"
                if p.current
                else f"no: replaced by {p.replaced_by.label} on {p.replaced_on}"
                if p.replaced_by
                else "no",
                _cite(p.sources),
            )
            for p in drug.pregnancy
        ),
    )
    _section(
        console,
        "Where the sources differ",
        ["matter", "how", "sources"],
        ((d.label, d.kind, _cite(d.sources)) for d in drug.discrepancies),
    )
    _section(
        console,
        "Identifiers",
        ["scheme", "id", "match"],
        ((i.scheme, i.id, i.match) for i in drug.identifiers),
    )


def print_interactions(checks: Iterable[InteractionCheck], console: Console | None = None) -> None:
    """Print, for each co-medication, whether and how it interacts."""
    console = console or Console()
    rows = []
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
    _section(console, "Co-medication check", ["co-medication", "through", "effect", "source"], rows)


def print_rows(
    variables: Sequence[str], rows: Iterable[Sequence[object]], console: Console | None = None
) -> None:
    """Print query rows as a table, IRIs as CURIEs."""
    console = console or Console()
    table = Table(*variables)
    for row in rows:
        table.add_row(*(text(value) or "" for value in row))  # type: ignore[arg-type]
    console.print(table)
