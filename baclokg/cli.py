"""The ``baclokg`` command: drug cards, named queries, validation and canonical formatting."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .errors import BacloKGError
from .formats import EXPORT_FORMATS

if TYPE_CHECKING:
    from .kg import KnowledgeGraph

__all__ = ["cli", "main"]

_ENGINES = click.Choice(["oxigraph", "rdflib"])


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"baclokg: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="baclokg")
def cli() -> None:
    """BacloKG: the Baclotop (baclofen) monograph as a cited RDF knowledge graph."""


@cli.command()
@click.argument("drug")
@click.option(
    "--with",
    "comedications",
    multiple=True,
    metavar="NAME",
    help="Check a co-medication (repeatable): one verdict per name.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "lines", "json"]),
    default=None,
    help="table on a terminal; in a pipe, one tab-separated line per --with name [default: by output].",
)
@click.option(
    "--data", "extra", multiple=True, type=click.Path(dir_okay=False), help="Extra RDF file to load."
)
@click.option("--engine", type=_ENGINES, default="oxigraph", show_default=True)
def info(drug: str, comedications: Sequence[str], fmt: str | None, extra: Sequence[str], engine: str) -> None:
    """Print the drug card of DRUG (a name, CURIE or IRI), every item with its sources.

    With --with, also the verdict on each co-medication: interacts, uncertain, same-ingredient,
    no-interaction-recorded, not-a-substance, not-known or ambiguous. Exit status 1 when a name
    is not-known or ambiguous (the whole answer is printed all the same).
    """
    from .kg import load
    from .models import MAX_NAMES

    if len(comedications) > MAX_NAMES:
        _fail(f"at most {MAX_NAMES} --with names at a time, got {len(comedications)}")
    kg = load(extra, engine=engine)  # type: ignore[arg-type]
    card = kg.drug(drug)
    checks = kg.interactions_with(comedications, drug=drug) if comedications else []
    fmt = fmt or ("table" if sys.stdout.isatty() or not comedications else "lines")
    if fmt == "json":
        import json

        from .card import to_data

        data = to_data(card)
        assert isinstance(data, dict)
        data["comedications"] = to_data(checks)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "lines":
        from .card import comedication_line

        if not comedications:
            _fail("--format lines prints co-medication verdicts: give at least one --with NAME")
        for check in checks:
            click.echo(comedication_line(check))
    else:
        from .render import print_card, print_comedications

        print_card(card)
        if checks:
            print_comedications(checks)
    if not all(check.resolved for check in checks):
        sys.exit(1)


@cli.command(name="queries")
def list_queries() -> None:
    """List the named queries with their parameters."""
    from .queries import all_queries

    for query in all_queries():
        params = " ".join(f"{p.name}={p.default}" for p in query.params.values())
        click.echo(f"{query.id}\t{query.kind}\t{query.question}" + (f"\t[{params}]" if params else ""))


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a parameter (repeatable).")
@click.option(
    "--sparql", "sparql_text", metavar="TEXT", help="Run this SPARQL text instead of a named query."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "xml", "csv", "tsv"]),
    default=None,
    help="Output format [default: table on a terminal, tsv in a pipe].",
)
@click.option(
    "--data", "extra", multiple=True, type=click.Path(dir_okay=False), help="Extra RDF file to load."
)
@click.option("--engine", type=_ENGINES, default="oxigraph", show_default=True)
@click.option(
    "--endpoint", default=None, metavar="URL", help="Ask a remote SPARQL store holding the pushed graphs."
)
@click.option("--user", default=None, help="User for the remote endpoint.")
@click.option("--password", envvar="BACLOKG_PASSWORD", default=None, help="Password [env: BACLOKG_PASSWORD].")
@click.option(
    "--digest", is_flag=True, help="Use HTTP digest authentication (Virtuoso's protected endpoints)."
)
def query(
    name: str | None,
    params: Sequence[str],
    sparql_text: str | None,
    fmt: str | None,
    extra: Sequence[str],
    engine: str,
    endpoint: str | None,
    user: str | None,
    password: str | None,
    digest: bool,
) -> None:
    """Run the named query NAME (or a .rq FILE, or --sparql TEXT) and print its rows."""
    from .formats import by_name
    from .kg import load
    from .queries import from_file
    from .results import serialize_result

    if (name is None) == (sparql_text is None):
        _fail("give either a query NAME or FILE, or --sparql TEXT")
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            _fail(f"--param needs KEY=VALUE, got {item!r}")
        values[key.strip()] = value
    kg: KnowledgeGraph
    if endpoint is not None:
        from .remote import connect

        if extra:
            _fail("--data cannot be used with --endpoint")
        kg = connect(endpoint, user=user, password=password, digest=digest)
    else:
        kg = load(extra, engine=engine)  # type: ignore[arg-type]
    if sparql_text is not None:
        if values:
            _fail("--param applies to named queries only")
        result = kg.sparql(sparql_text)
    elif name is not None and name.endswith(".rq") and Path(name).is_file():
        named = from_file(Path(name))
        result = kg.sparql(named.sparql, named.bindings(values))
    else:
        result = kg.query(name or "", **values)
    fmt = fmt or ("table" if sys.stdout.isatty() else "tsv")
    if result.type not in ("SELECT", "ASK"):
        graph = result.graph
        assert graph is not None
        click.echo(graph.serialize(format="turtle"), nl=False)
    elif fmt == "table":
        from .render import print_rows

        if result.type == "ASK":
            click.echo("true" if result.askAnswer else "false")
        else:
            print_rows([str(v) for v in result.vars or []], list(result))  # type: ignore[arg-type]
    else:
        click.echo(serialize_result(result, by_name(fmt)), nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--engine", type=_ENGINES, default="oxigraph", show_default=True)
@click.option(
    "--data", "extra", multiple=True, type=click.Path(dir_okay=False), help="Extra RDF file to serve."
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Time limit of one query, in seconds.",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 256),
    help="Query worker processes [default: twice the cores, plus 2].",
)
@click.option(
    "--expensive-workers",
    default=None,
    type=click.IntRange(1, 256),
    help="Workers that may run queries past --slow-after together; the others stay free for the rest "
    "[default: half the cores].",
)
@click.option(
    "--slow-after",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0.01, 3600),
    help="Seconds after which a running query counts as expensive.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help="A reverse proxy whose X-Forwarded-For names the client (repeat for several).",
)
@click.option("--max-request-bytes", default=1024 * 1024, show_default=True, type=click.IntRange(1024))
@click.option("--max-result-bytes", default=64 * 1024 * 1024, show_default=True, type=click.IntRange(1024))
@click.option(
    "--max-header-bytes",
    default=64 * 1024,
    show_default=True,
    type=click.IntRange(1024, 16 * 1024 * 1024),
    help="Limit of a request's header fields together (431 past it).",
)
@click.option(
    "--max-memory-bytes",
    default=None,
    type=click.IntRange(1024 * 1024 * 1024),
    help="Memory (address space) each query worker may use; a query past it is stopped with 503 "
    "[default: half the RAM, shared among the query workers].",
)
@click.option(
    "--no-validate",
    is_flag=True,
    help="Serve --data files without checking them against the shapes and quality checks.",
)
@click.option(
    "--http-workers",
    default=None,
    type=click.IntRange(1, 64),
    help="HTTP server processes sharing the port, each with its own cache, query workers and fairness "
    "[default: 1: one process sees every client, so it can be fair to each].",
)
@click.option(
    "--store-cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the on-disk stores, built once per set of data files and opened read-only by every "
    "process [default: $BACLOKG_CACHE, else ~/.cache/baclokg].",
)
@click.option(
    "--in-memory", is_flag=True, help="Load the graph into each process's memory instead (no on-disk store)."
)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL updates that carry the token (never LOAD).")
@click.option(
    "--update-token",
    envvar="BACLOKG_UPDATE_TOKEN",
    default=None,
    help="Token an update must send as 'Authorization: Bearer TOKEN' [env: BACLOKG_UPDATE_TOKEN].",
)
def serve(
    host: str,
    port: int,
    engine: str,
    extra: Sequence[str],
    timeout: float,
    workers: int | None,
    expensive_workers: int | None,
    slow_after: float,
    trusted_proxies: Sequence[str],
    max_request_bytes: int,
    max_result_bytes: int,
    max_header_bytes: int,
    max_memory_bytes: int | None,
    no_validate: bool,
    http_workers: int | None,
    store_cache: Path | None,
    in_memory: bool,
    allow_update: bool,
    update_token: str | None,
) -> None:
    """Serve the graph: SPARQL 1.1 endpoint at /sparql, query page at /, entity pages, /api."""
    import uvicorn

    from .kg import load
    from .service import Settings, create_app, protocol_class

    if allow_update and not update_token:
        _fail("--allow-update needs --update-token (or BACLOKG_UPDATE_TOKEN)")
    if allow_update and (http_workers or 1) > 1:
        _fail("--allow-update needs a single HTTP process: updates reach the query workers of one process")
    cores = os.cpu_count() or 1
    http_workers = http_workers or 1
    workers = workers or max(1, (2 * cores + 2) // http_workers)
    if not in_memory and engine == "oxigraph":
        from .paths import cache_dir

        store_cache = store_cache or cache_dir()
    else:
        store_cache = None
    began = time.perf_counter()
    kg = load(extra, engine=engine, store_cache=store_cache)  # type: ignore[arg-type]
    if extra and not no_validate and not (kg.disk is not None and kg.disk.validated):
        _check_served(kg, extra)
        if kg.disk is not None:
            kg.disk.mark_validated()
    where = f"store {kg.disk.path}" if kg.disk is not None else "in memory"
    click.echo(f"BacloKG: graph ready in {time.perf_counter() - began:.1f} s ({where})", err=True)
    settings = Settings(
        timeout=timeout,
        max_request_bytes=max_request_bytes,
        max_result_bytes=max_result_bytes,
        max_header_bytes=max_header_bytes,
        max_memory_bytes=max_memory_bytes or _memory_share(http_workers * workers),
        workers=workers,
        expensive_workers=expensive_workers,
        slow_after=slow_after,
        trusted_proxies=tuple(trusted_proxies),
        allow_update=allow_update,
        update_token=update_token,
    )
    click.echo(
        f"BacloKG: {len(kg)} triples; SPARQL endpoint http://{host}:{port}/sparql, query page "
        f"http://{host}:{port}/",
        err=True,
    )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        "timeout_graceful_shutdown": 5,
        "loop": "uvloop",
        "http": protocol_class(max_request_bytes, max_header_bytes),
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 by default; only --trusted-proxy may
        "proxy_headers": False,
    }
    if http_workers > 1:  # several HTTP processes on one port, each with its own cache and query workers
        import dataclasses
        import json

        from .service import CONFIG_VARIABLE

        config = {
            **dataclasses.asdict(settings),
            "extra": [str(p) for p in kg.extra],
            "engine": engine,
            "store_path": str(kg.disk.path) if kg.disk is not None else None,
            "parent": os.getpid(),
        }
        os.environ[CONFIG_VARIABLE] = json.dumps(config)
        uvicorn.run("baclokg.service.app:app_from_environment", factory=True, workers=http_workers, **options)
        return
    uvicorn.run(create_app(kg, settings), **options)


def _check_served(kg: KnowledgeGraph, extra: Sequence[str]) -> None:
    """Refuse to serve extra data that breaks the shapes or the quality checks, listing what breaks."""
    from .validate import validate as run

    report = run(kg, owl_rl=False)
    if report.ok:
        return
    for finding in report.findings[:20]:
        click.echo(str(finding), err=True)
    more = " (the first 20 shown)" if len(report.findings) > 20 else ""
    _fail(
        f"{', '.join(extra)}: {len(report.findings)} problem(s) found by {', '.join(report.checks)}{more}; "
        "fix the data, or serve it anyway with --no-validate"
    )


def _memory_share(workers: int) -> int:
    """Half the machine's memory divided among the query workers (at least 1 GiB each)."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(2**30, total // 2 // max(1, workers))


@cli.command()
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(EXPORT_FORMATS),
)
@click.option(
    "--graph",
    "graph",
    default="all",
    show_default=True,
    metavar="NAME|all",
    help="One bundled named graph (ontology, entities, monograph, ...) or all of them.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write (a folder for kgx) [default: standard output].",
)
@click.option("--engine", type=_ENGINES, default="oxigraph", show_default=True)
def export(fmt: str, graph: str, output: Path | None, engine: str) -> None:
    """Export the bundled graphs for other knowledge bases; the same bytes on every run."""
    from .export import export as write_export
    from .export import export_bytes, graph_names
    from .kg import load

    kg = load(engine=engine)  # type: ignore[arg-type]
    if graph not in graph_names():
        _fail(f"unknown graph {graph!r}; choose one of {', '.join(graph_names())}")
    try:
        if output is None:
            if fmt == "kgx":
                _fail("kgx writes a folder: give -o FOLDER")
            sys.stdout.buffer.write(export_bytes(kg, fmt, graph=graph))
            return
        for path in write_export(kg, fmt, output, graph=graph):
            click.echo(f"wrote {path}", err=True)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")


@cli.command()
@click.option("--endpoint", required=True, metavar="QUERY_URL", help="The store's SPARQL query endpoint.")
@click.option(
    "--update-endpoint", default=None, metavar="URL", help="Its SPARQL Update endpoint [default: QUERY_URL]."
)
@click.option("--store-endpoint", default=None, metavar="URL", help="Its Graph Store HTTP Protocol endpoint.")
@click.option("--user", default=None, help="User for basic or digest authentication.")
@click.option("--password", envvar="BACLOKG_PASSWORD", default=None, help="Password [env: BACLOKG_PASSWORD].")
@click.option(
    "--digest", is_flag=True, help="Use HTTP digest authentication (Virtuoso's protected endpoints)."
)
@click.option(
    "--graph", "graphs", multiple=True, metavar="NAME", help="Push only this bundled graph (repeatable)."
)
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100000))
def push(
    endpoint: str,
    update_endpoint: str | None,
    store_endpoint: str | None,
    user: str | None,
    password: str | None,
    digest: bool,
    graphs: Sequence[str],
    batch_size: int,
) -> None:
    """Load the bundled named graphs into a SPARQL 1.1 store, each replaced atomically and verified."""
    from .export import graph_names
    from .push import Target
    from .push import push as run

    unknown = sorted(set(graphs) - set(graph_names()))
    if unknown:
        _fail(f"unknown graph {unknown[0]!r}; choose among {', '.join(graph_names()[:-1])}")
    target = Target(endpoint, update_endpoint, store_endpoint, user, password, digest, batch_size)
    reports = run(target, graphs=list(graphs) or None, progress=lambda line: click.echo(line, err=True))
    total = sum(r.triples for r in reports)
    click.echo(
        f"pushed {len(reports)} graph(s), {total} triples, to {endpoint}; counts and checksums verified"
    )


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--engine", type=_ENGINES, default="oxigraph", show_default=True)
@click.option("--no-owl-rl", is_flag=True, help="Skip the OWL RL consistency check.")
def validate(files: Sequence[str], engine: str, no_owl_rl: bool) -> None:
    """Check the bundled graph plus FILES: SHACL shapes, quality-check queries, OWL RL consistency."""
    from .kg import load
    from .validate import validate as run

    kg = load(files, engine=engine)  # type: ignore[arg-type]
    report = run(kg, owl_rl=not no_owl_rl)
    for finding in report.findings:
        click.echo(str(finding))
    summary = f"{len(report.findings)} problem(s) found by: {', '.join(report.checks)}"
    if not report.ok:
        _fail(summary, 1)
    click.echo(f"ok: {len(kg)} triples; no problems found by: {', '.join(report.checks)}")


@cli.command()
@click.option("--check", is_flag=True, help="Only report files that are not canonical; change nothing.")
def fmt(check: bool) -> None:
    """Rewrite ontology/ and graph/ files in their canonical form."""
    from .canonical import data_files, format_file

    changed = []
    for path in data_files():
        canonical = format_file(path)
        if not path.is_file() or path.read_text(encoding="utf-8") != canonical:
            changed.append(path)
            if not check:
                path.write_text(canonical, encoding="utf-8")
    for path in changed:
        click.echo(f"{'not canonical' if check else 'reformatted'}: {path}")
    if check and changed:
        _fail(f"{len(changed)} file(s) not canonical; run `baclokg fmt`", 1)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: known errors print one line and exit 2; nothing ends in a traceback."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="baclokg", standalone_mode=False)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except BacloKGError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as error:  # the last guard: a bug is reported in one line, not a traceback
        if os.environ.get("BACLOKG_DEBUG"):
            raise
        _fail(f"internal error ({type(error).__name__}): {error}; set BACLOKG_DEBUG=1 for details", 3)


if __name__ == "__main__":
    main()
