"""Writing SELECT and ASK results in the SPARQL 1.1 result formats named in the format table."""

from __future__ import annotations

from rdflib.query import Result

from .formats import Format
from .terms import plain

__all__ = ["serialize_result"]


def _tsv(result: Result) -> str:
    if result.type == "ASK":
        return "?_askResult\n" + ("true" if result.askAnswer else "false") + "\n"
    variables = list(result.vars or [])
    lines = ["\t".join("?" + str(v) for v in variables)]
    for row in result:
        lines.append("\t".join("" if value is None else value.n3() for value in row))  # type: ignore[union-attr]
    return "\n".join(lines) + "\n"


def _plain_result(result: Result) -> Result:
    """A copy of a SELECT result with xsd:string literals written as simple literals."""
    copy = Result("SELECT")
    copy.vars = result.vars
    copy.bindings = [{var: plain(value) for var, value in row.items()} for row in result.bindings]
    return copy


def serialize_result(result: Result, fmt: Format) -> str:
    """The text of a SELECT or ASK result in a results format (json, xml, csv, tsv)."""
    if fmt.kind != "results":
        raise ValueError(f"{fmt.name} is not a format for SELECT or ASK results")
    if result.type == "SELECT":
        result = _plain_result(result)
    if fmt.name == "tsv":
        return _tsv(result)
    data = result.serialize(format=fmt.rdflib)
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)
