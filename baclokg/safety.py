"""What a query asks of the server, decided on the parsed query (not its text).

The service must never reach outside its dataset: SERVICE is refused wherever it appears (subqueries
included). A graph named by FROM or FROM NAMED that the dataset does not hold is an empty graph, never
fetched (rdflib is told not to load graphs, Oxigraph never does). Updates are analysed too: LOAD is
always refused, and so is a write into the default graph, which is the union of the named graphs.

>>> inspect("select * where { ?s ?p ?o }").form
'SELECT'
>>> inspect("PREFIX ex: <http://example.org/> SELECT * WHERE { { SELECT * { service ex:x { ?s ?p ?o } } } }")
Traceback (most recent call last):
...
baclokg.errors.RefusedQueryError: SERVICE is not allowed: this endpoint does not query other endpoints
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import QueryError, RefusedQueryError

__all__ = [
    "MAX_NESTING",
    "MAX_OPERATORS",
    "QueryPlan",
    "check_complexity",
    "complexity",
    "could_reach_outside",
    "inspect",
    "inspect_update",
]

#: how deep ``{ }``, ``( )`` and ``[ ]`` may nest in a query or update, and how many operators
#: (joins, unions, optionals, minus, path steps, logical and arithmetic operators) it may hold.
#: Oxigraph's parser and planner descend once per level or operator; some thousands overflow a thread's
#: stack, which ends the whole process. No query people write comes near either limit.
MAX_NESTING = 256
MAX_OPERATORS = 1000

# What SPARQL's lexer reads as one token: an IRI, a string, a comment, a number, a variable or a name
# (none of whose characters count), then the brackets and the operators that are counted.
_TOKENS = re.compile(
    r"<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|#[^\n\r]*"
    r"|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?"
    r"|[?$]?[^\W\d](?:[\w.:%-]*[\w:%-])?"
    r"|[{(\[})\]]"
    r"|\|\||&&|[./|+*!^;,-]"
)
_OPENING = frozenset("{([")
_CLOSING = frozenset("})]")
_OPERATORS = frozenset((".", "/", "|", "+", "*", "!", "^", ";", ",", "-", "||", "&&"))
_OPERATOR_WORDS = frozenset(("union", "optional", "minus", "filter", "bind"))
# the bytes that are not a bracket's / not an operator's character ("||" and "&&" are two each)
_NOT_OPENING = bytes(byte for byte in range(256) if byte not in b"{([")
_NOT_OPERATOR = bytes(byte for byte in range(256) if byte not in b"./|+*!^;,-&")
_OPERATOR_WORD_BYTES = tuple(word.encode() for word in sorted(_OPERATOR_WORDS))


def check_complexity(text: str, *, nesting: int = MAX_NESTING, operators: int = MAX_OPERATORS) -> None:
    """Refuse a query or update that nests brackets too deep or holds too many operators (QueryError).

    >>> check_complexity("SELECT * WHERE { ?s <http://e/a#b> '{{{{' FILTER((?o < 2.5e3)) } # ((((")
    >>> check_complexity("ASK " + "{" * 300 + "}" * 300)
    Traceback (most recent call last):
    ...
    baclokg.errors.QueryError: the brackets nest 300 deep; at most 256 levels are accepted
    >>> check_complexity("ASK { " + "?s ?p 1 . " * 1001 + "}")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    baclokg.errors.QueryError: the query holds 1001 operators (joins, unions, paths, ...); at most 1000 ...

    Most texts are let through on a count of their characters alone: each bracket or operator token is
    at least one such character (or one occurrence of its word), so when those counts are within the
    limits the tokens are too, and the text need not be read token by token.
    """
    if _within(text, nesting, operators):
        return
    deepest, count = complexity(text)
    if deepest > nesting:
        raise QueryError(f"the brackets nest {deepest} deep; at most {nesting} levels are accepted")
    if count > operators:
        raise QueryError(
            f"the query holds {count} operators (joins, unions, paths, ...); at most {operators} are accepted"
        )


def _within(text: str, nesting: int, operators: int) -> bool:
    """Whether counting characters alone shows ``text`` within both limits (an upper bound of both).

    Counted in its UTF-8 bytes, where no other character has the byte of an ASCII bracket, operator or
    letter.

    >>> _within("ASK { ?s ?p ?o }", 1, 0), _within("ASK { ?s ?p ?o . }", 1, 0), _within("ASK {{}}", 1, 5)
    (True, False, False)
    """
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw.translate(None, _NOT_OPENING)) > nesting:
        return False
    lowered = raw.lower()
    words = sum(lowered.count(word) for word in _OPERATOR_WORD_BYTES)
    return len(raw.translate(None, _NOT_OPERATOR)) + words <= operators


def complexity(text: str) -> tuple[int, int]:
    """How deep the brackets of ``text`` nest and how many operators it holds, read token by token
    (brackets and operators inside IRIs, strings and comments do not count).

    >>> complexity("SELECT * WHERE { ?s <http://e/a#b> '{{{{' FILTER((?o < 2.5e3)) } # ((((")
    (3, 2)
    >>> complexity("ASK { ?a :p/:q ?b . ?b :r ?c OPTIONAL { ?c :s ?d FILTER(?d || !?e) } }")
    (3, 6)
    """
    depth = deepest = count = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token in _CLOSING:
            depth -= 1
        elif token in _OPERATORS or token.lower() in _OPERATOR_WORDS:
            count += 1
    return deepest, count


# A keyword token (not part of a name): SERVICE, FROM (FROM NAMED) or LOAD.
_RISKY = re.compile(r"(?<![\w:?$-])(service|from|load)(?![\w-])", re.IGNORECASE)
# What SPARQL reads before a comment could start: IRIs, strings, escaped characters (``ex:a\#b``), then a
# comment itself; a "#" inside any of the others does not start one.
_LEXEME = re.compile(
    "|".join(
        (
            r'<[^<>"{}|^`\\\x00-\x20]*>',  # an IRI
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",  # long strings
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',
            r"'(?:[^'\\\n\r]|\\.)*'",  # strings
            r'"(?:[^"\\\n\r]|\\.)*"',
            r"\\.",  # an escaped character
            r"#[^\n\r]*",  # a comment
        )
    ),
    re.DOTALL,
)


def _without_comments(query: str) -> str:
    r"""The query with its comments blanked (IRIs, strings and escapes kept as they are).

    >>> _without_comments('SELECT * # read FROM it\nWHERE { ?s <http://x/#FROM> "#FROM" ; ex:a\\#b ?o }')
    'SELECT *  \nWHERE { ?s <http://x/#FROM> "#FROM" ; ex:a\\#b ?o }'
    """
    return _LEXEME.sub(lambda match: " " if match.group().startswith("#") else match.group(), query)


def could_reach_outside(query: str) -> bool:
    """Whether the text might hold SERVICE, FROM or LOAD and so must be parsed and checked.

    A conservative pre-filter: a keyword must appear as a token, so text without any of these tokens
    (and without codepoint escapes, which could spell one) cannot reach outside; anything else is
    parsed by :func:`inspect`.

    >>> could_reach_outside("SELECT ?s WHERE { ?s prov:wasDerivedFrom ?o }")
    False
    >>> could_reach_outside("select * where { service<http://x/> { ?s ?p ?o } }")
    True
    >>> could_reach_outside("SELECT * WHERE { ?s ?p '\\u0053ERVICE' }")
    True

    Comments are left out: the named queries explain themselves in words such as "from".

    >>> could_reach_outside("SELECT * WHERE { ?s ?p ?o } # start from the drug")
    False
    >>> could_reach_outside("SELECT * ex:a\\\\# FROM <http://x/> WHERE { ?s ?p ?o }")
    True
    """
    return "\\u" in query.lower() or _RISKY.search(_without_comments(query)) is not None


_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """The query form and the graphs its FROM / FROM NAMED clauses name."""

    form: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]

    @property
    def kind(self) -> str:
        """``results`` for SELECT and ASK, ``rdf`` for CONSTRUCT and DESCRIBE."""
        return "results" if self.form in ("SELECT", "ASK") else "rdf"


def _walk(node: Any) -> Iterator[Any]:
    """Every node of a pyparsing/rdflib parse tree."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif hasattr(item, "asList") and not isinstance(item, str):
            stack.extend(list(item))


def _name(node: Any) -> str | None:
    return getattr(node, "name", None) if not isinstance(node, str) else None


def _parse_error(error: Exception) -> QueryError:
    line, column = getattr(error, "lineno", None), getattr(error, "col", None)
    where = f" at line {line}, column {column}" if line is not None else ""
    return QueryError(f"invalid SPARQL{where}: {getattr(error, 'msg', error)}")


def _parse(parser: Callable[[str], Any], text: str, what: str) -> Any:
    """The parse tree of ``text``; QueryError with the parser's position when it is malformed."""
    from pyparsing import ParseException

    check_complexity(text)
    try:
        return parser(text)
    except ParseException as error:
        raise _parse_error(error) from None
    except RecursionError:
        raise QueryError(f"the {what} nests too deeply to be checked; write it with fewer levels") from None
    except Exception as error:
        raise QueryError(f"invalid {what}: {error}") from None


def inspect(query: str) -> QueryPlan:
    """Parse a query; raise QueryError if malformed, RefusedQueryError if it would reach outside."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    parsed = _parse(parseQuery, query, "SPARQL")
    for node in _walk(parsed):
        if _name(node) == "ServiceGraphPattern":
            raise RefusedQueryError("SERVICE is not allowed: this endpoint does not query other endpoints")
    try:
        translated = translateQuery(parsed)
    except Exception as error:
        raise QueryError(f"invalid SPARQL: {error}") from None
    algebra = translated.algebra
    form = _FORMS.get(_name(parsed[1]) or "", "SELECT")
    clauses = algebra.get("datasetClause") or []
    default = tuple(str(c["default"]) for c in clauses if "default" in c)
    named = tuple(str(c["named"]) for c in clauses if "named" in c)
    return QueryPlan(form, default, named)


_OPERATIONS = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE"}


def _field(node: Any, key: str) -> Any:
    """A field of a parse-tree node, or None.

    Not ``node.get(key)``: rdflib's ``CompValue.get`` answers a missing key with the key itself.
    """
    return node[key] if key in node else None  # noqa: SIM401


def _default_write(operation: Any) -> str | None:
    """How an update operation would write into the default graph, if it would."""
    name = _name(operation)
    if name in _OPERATIONS and _field(operation.quads, "triples"):
        return f"{_OPERATIONS[name]} with triples outside GRAPH"
    if name == "Modify" and _field(operation, "withClause") is None:
        for clause in ("delete", "insert"):
            template = _field(operation, clause)
            if template is not None and _field(template.quads, "triples"):
                return f"{clause.upper()} with a template outside GRAPH and no WITH"
    if name in ("Clear", "Drop") and operation.graphiri == "DEFAULT":
        return f"{name.upper()} DEFAULT"
    if name in ("Add", "Copy", "Move") and operation.graph[1] == "DEFAULT":
        return f"{name.upper()} into DEFAULT"
    if name == "Move" and operation.graph[0] == "DEFAULT":
        return "MOVE DEFAULT"
    return None


def inspect_update(update: str) -> list[str]:
    """Parse an update; return its operation names. LOAD, SERVICE and default-graph writes are refused.

    >>> inspect_update("CLEAR ALL ; INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> 1 } }")
    ['Clear', 'InsertData']
    >>> inspect_update("INSERT DATA { <http://e/s> <http://e/p> 1 }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    baclokg.errors.RefusedQueryError: INSERT DATA with triples outside GRAPH is not allowed: ...
    """
    from rdflib.plugins.sparql.parser import parseUpdate

    parsed = _parse(parseUpdate, update, "SPARQL update")
    operations = [_name(op) or "?" for op in parsed.request]
    if "Load" in operations:
        raise RefusedQueryError("LOAD is not allowed: this endpoint does not fetch data from elsewhere")
    for node in _walk(parsed):
        if _name(node) == "ServiceGraphPattern":
            raise RefusedQueryError("SERVICE is not allowed: this endpoint does not query other endpoints")
    for operation in parsed.request:
        write = _default_write(operation)
        if write is not None:
            raise RefusedQueryError(
                f"{write} is not allowed: the default graph is the union of the named graphs; "
                "write into a named graph (GRAPH <...> or WITH <...>)"
            )
    return operations
