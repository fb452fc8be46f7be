"""Terminal output: the drug card and result tables, drawn with rich (plain text in a pipe)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

from .card import Section, card_header, card_sections, comedication_section
from .models import Comedication, Drug
from .terms import text

__all__ = ["print_card", "print_comedications", "print_rows"]


def _print(console: Console, section: Section) -> None:
    table = Table(title=section.title, title_justify="left")
    for column in section.columns:
        table.add_column(column, overflow="fold")
    for row in section.rows:
        table.add_row(*row)
    if table.row_count:
        console.print(table)


def print_card(drug: Drug, console: Console | None = None) -> None:
    """Print the drug card: every section with the sources that state it."""
    console = console or Console()
    header = card_header(drug)
    console.print(f"[bold]{header[0]}[/bold]")
    for line in header[1:]:
        console.print(line)
    for section in card_sections(drug):
        _print(console, section)


def print_comedications(checks: Iterable[Comedication], console: Console | None = None) -> None:
    """Print the co-medication check: one row per name, its verdict, path and sources."""
    _print(console or Console(), comedication_section(checks))


def print_rows(
    variables: Sequence[str], rows: Iterable[Sequence[object]], console: Console | None = None
) -> None:
    """Print query rows as a table, IRIs as CURIEs."""
    console = console or Console()
    table = Table(*variables)
    for row in rows:
        table.add_row(*(text(value) or "" for value in row))  # type: ignore[arg-type]
    console.print(table)
