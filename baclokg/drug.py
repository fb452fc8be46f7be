"""Typed answers built from the named queries: the rows of each query become one typed item per statement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

from rdflib import Literal, URIRef

from .errors import NotFoundError
from .models import (
    AdverseEffect,
    Citation,
    Discrepancy,
    DoseRegimen,
    DoseStep,
    Drug,
    Identifier,
    Indication,
    Interaction,
    Mechanism,
    Onset,
    Precaution,
    PregnancyItem,
    Role,
    Term,
    Words,
)
from .prefixes import compact
from .queries import Row, RowSource
from .terms import text

__all__ = ["build_drug", "statement_words"]

T = TypeVar("T")


def _term(row: Row, key: str) -> Term | None:
    iri = row.get(key)
    if iri is None:
        return None
    label = row.get(key + "Label")
    return Term(str(iri), compact(str(iri)), str(label) if label is not None else compact(str(iri)))


def _req(row: Row, key: str) -> Term:
    term = _term(row, key)
    if term is None:  # pragma: no cover - the queries make these variables required
        raise ValueError(f"query row lacks {key}")
    return term


def _str(row: Row, key: str) -> str | None:
    value = row.get(key)
    return None if value is None else str(value)


def _day(row: Row, key: str) -> str | None:
    """The calendar day of an xsd:dateTime kept as the start of a day (ISO 8601, YYYY-MM-DD)."""
    value = _str(row, key)
    return None if value is None else value.split("T", 1)[0]


def _dec(row: Row, key: str) -> Decimal | None:
    value = text(row.get(key))
    return None if value is None else Decimal(value)


def _int(row: Row, key: str) -> int | None:
    value = row.get(key)
    return None if value is None else int(str(value))


def _bool(row: Row, key: str) -> bool | None:
    value = row.get(key)
    return None if value is None else bool(value.toPython()) if isinstance(value, Literal) else None


def _unique(items: Iterable[T | None]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(item for item in items if item is not None))


def _terms(rows: list[Row], key: str) -> tuple[Term, ...]:
    """The distinct terms of a column, ordered by label so both engines give the same tuple."""
    return tuple(sorted(_unique(_term(r, key) for r in rows), key=lambda t: (t.label, t.iri)))


WordsOf = Mapping[str, tuple[Words, ...]]


def statement_words(kg: RowSource) -> dict[str, tuple[Words, ...]]:
    """Every statement's words: quotes first (in text order), then paraphrases."""
    found: dict[str, set[Words]] = {}
    for row in kg.rows("api-statement-words"):
        quoted = str(row["kind"]) == "quote"
        words = Words(str(row["words"]), quoted, _str(row, "text"), _int(row, "start"), _int(row, "end"))
        found.setdefault(str(row["statement"]), set()).add(words)
    return {
        statement: tuple(sorted(items, key=lambda w: (not w.quoted, w.start or 0, w.text)))
        for statement, items in found.items()
    }


def _citation(row: Row, words: WordsOf) -> Citation:
    statement = str(row["statement"])
    return Citation(
        statement,
        str(row.get("source")),
        str(row["sourceLabel"]),
        str(row["sourceKey"]),
        words.get(statement, ()),
    )


def _citations(rows: list[Row], words: WordsOf) -> tuple[Citation, ...]:
    return tuple(sorted(_unique(_citation(r, words) for r in rows), key=lambda c: (c.label, c.statement)))


def _by_statement(
    rows: list[Row],
    make: Callable[[list[Row], tuple[Citation, ...]], T],
    words: WordsOf,
    key: str = "statement",
) -> tuple[T, ...]:
    """One item per statement (or per value of ``key``), in a stable order, with the citations of its rows."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(str(row[key]), []).append(row)
    return tuple(make(group, _citations(group, words)) for _, group in sorted(groups.items()))


def _roles(rows: list[Row], sources: tuple[Citation, ...]) -> Role:
    return Role(_req(rows[0], "role"), sources)


def _mechanism(rows: list[Row], sources: tuple[Citation, ...]) -> Mechanism:
    first = rows[0]
    return Mechanism(_req(first, "target"), _req(first, "action"), _terms(rows, "effect"), sources)


def _indication(rows: list[Row], sources: tuple[Citation, ...]) -> Indication:
    first = rows[0]
    return Indication(_req(first, "condition"), _term(first, "context"), _req(first, "status"), sources)


def _adverse(rows: list[Row], sources: tuple[Citation, ...]) -> AdverseEffect:
    first = rows[0]
    return AdverseEffect(
        _req(first, "effect"),
        _term(first, "frequency"),
        _dec(first, "lowerPercent"),
        _dec(first, "upperPercent"),
        sources,
    )


def _with_systems(effects: tuple[AdverseEffect, ...], rows: list[Row]) -> tuple[AdverseEffect, ...]:
    """The adverse effects with the organ systems ``cq-15-adverse-effects-by-organ-system`` puts them in."""
    systems: dict[str, set[Term]] = {}
    for row in rows:
        system = _term(row, "system")
        if system is not None:
            systems.setdefault(str(row["effect"]), set()).add(system)
    return tuple(
        replace(a, systems=tuple(sorted(systems.get(a.effect.iri, ()), key=lambda t: (t.label, t.iri))))
        for a in effects
    )


def _interaction(rows: list[Row], sources: tuple[Citation, ...]) -> Interaction:
    first = rows[0]
    key = "interactant" if "interactant" in first else "via"
    roles = _terms(rows, "role")
    return Interaction(
        _req(first, key),
        _str(first, "interactantKind") == "class" or bool(roles),
        _req(first, "effect"),
        sources,
        roles,
    )


def _precaution(rows: list[Row], sources: tuple[Citation, ...]) -> Precaution:
    first = rows[0]

    def aspect(name: str) -> tuple[Term, ...]:
        return _terms([r for r in rows if _str(r, "aspect") == name], "item")

    risk_to = aspect("riskTo")
    rationale = aspect("rationale")
    assessment = aspect("assessment")
    return Precaution(
        _req(first, "situation"),
        aspect("risk"),
        risk_to[0] if risk_to else None,
        aspect("action"),
        rationale[0] if rationale else None,
        _bool(first, "presentInMilk"),
        sources,
        assessment[0] if assessment else None,
        aspect("especiallyIn"),
    )


def _regimen(rows: list[Row], sources: tuple[Citation, ...]) -> DoseRegimen:
    first = rows[0]
    steps = _unique(
        DoseStep(
            _int(r, "stepNumber") or 0,
            _dec(r, "dose") or Decimal(0),
            _str(r, "unit") or "",
            _int(r, "timesPerDay") or 0,
            _int(r, "days"),
        )
        for r in rows
        if r.get("stepNumber") is not None
    )
    return DoseRegimen(
        _req(first, "regimen"),
        _bool(first, "startLowTitrate"),
        tuple(sorted(_unique(_str(r, "factor") for r in rows))),
        tuple(sorted(steps, key=lambda s: s.number)),
        _dec(first, "maxDose"),
        _str(first, "maxUnit"),
        _int(first, "maxPeriodDays"),
        sources,
    )


def _onset(rows: list[Row], sources: tuple[Citation, ...]) -> Onset:
    first = rows[0]
    return Onset(
        _str(first, "firstEffect"),
        _str(first, "fullEffect"),
        _dec(first, "fullEffectMinDays"),
        _dec(first, "fullEffectMaxDays"),
        sources,
    )


def _pregnancy(rows: list[Row], sources: tuple[Citation, ...]) -> PregnancyItem:
    first = rows[0]
    return PregnancyItem(
        str(first["aspect"]),
        _req(first, "item"),
        _day(first, "effectiveDate"),
        _str(first, "species"),
        _dec(first, "doseMultiple"),
        _str(first, "doseBasis"),
        sources,
    )


def _discrepancy(rows: list[Row], sources: tuple[Citation, ...]) -> Discrepancy:
    first = rows[0]
    return Discrepancy(
        str(first["discrepancy"]),
        str(first["discrepancyLabel"]),
        str(first["kindLabel"]),
        str(first["comment"]),
        sources,
    )


def build_drug(kg: RowSource, iri: URIRef, name: str = "", words: WordsOf | None = None) -> Drug:
    """The typed drug card of ``iri``, every part from its named query."""
    head = kg.rows("api-drug", drug=iri)
    if not head:
        raise NotFoundError("drug", name or str(iri), [])
    first = head[0]
    q = kg.rows
    words = statement_words(kg) if words is None else words
    discrepancies = _by_statement(q("cq-13-disagreements", drug=iri), _discrepancy, words, key="discrepancy")
    ingredient_rows = q("cq-01-ingredient-and-brands", drug=iri)
    return Drug(
        iri=str(iri),
        curie=compact(str(iri)),
        label=str(first["label"]),
        kind=str(first["kind"]),
        ingredients=_terms(ingredient_rows, "ingredient"),
        brands=_terms(ingredient_rows, "brand"),
        roles=_by_statement(q("cq-02-classes-and-roles", drug=iri), _roles, words),
        mechanism=_by_statement(q("cq-03-mechanism", drug=iri), _mechanism, words),
        indications=_by_statement(q("cq-04-indications", drug=iri), _indication, words),
        adverse_effects=_with_systems(
            _by_statement(q("cq-05-adverse-effects", drug=iri), _adverse, words),
            q("cq-15-adverse-effects-by-organ-system", drug=iri),
        ),
        interactions=_by_statement(q("cq-06-interactions", drug=iri), _interaction, words),
        precautions=_by_statement(q("api-precautions", drug=iri), _precaution, words),
        dosage=_by_statement(q("cq-09-dosing", drug=iri), _regimen, words),
        onset=_by_statement(q("cq-10-onset", drug=iri), _onset, words),
        pregnancy=_by_statement(q("cq-11-pregnancy", drug=iri), _pregnancy, words),
        identifiers=tuple(
            Identifier(
                compact(str(r["xref"])).split(":", 1)[0],
                compact(str(r["xref"])).split(":", 1)[-1],
                str(r["xref"]),
                compact(str(r["match"])),
            )
            for r in sorted(q("cq-14-identifiers", drug=iri), key=lambda r: str(r["xref"]))
        ),
        discrepancies=discrepancies,
    )
