"""The service is public and read-only: nothing reaches outside, updates are refused, limits hold."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest

from reliability.attacks import ELSEWHERE, OUTSIDE
from reliability.servers import Listener, Server, cpu_percent

QUERY_HEADERS = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


def _ask(server: Server, query: str, method: str = "GET") -> httpx.Response:
    if method == "GET":
        return httpx.get(server.url + "/sparql", params={"query": query}, headers=QUERY_HEADERS, timeout=30)
    return httpx.post(server.url + "/sparql", data={"query": query}, headers=QUERY_HEADERS, timeout=30)


@pytest.mark.parametrize("template", OUTSIDE)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_nothing_reaches_outside(server: Server, listener: Listener, template: str, method: str) -> None:
    response = _ask(server, template.replace("{port}", str(listener.port)), method)
    assert response.status_code == 400
    assert "not allowed" in response.text
    assert "root:" not in response.text
    time.sleep(0.2)
    assert listener.connections == 0


@pytest.mark.parametrize("template", ELSEWHERE)
def test_graphs_elsewhere_are_empty_and_never_fetched(
    server: Server, listener: Listener, template: str
) -> None:
    query = template.replace("{port}", str(listener.port))
    accept = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}
    response = httpx.post(server.url + "/sparql", data={"query": query}, headers=accept, timeout=30)
    assert response.status_code == 200, response.text
    if response.headers["content-type"].startswith("application/sparql-results+json"):
        answer = response.json()
        assert answer.get("boolean", False) is False
        assert answer.get("results", {}).get("bindings", []) == []
    else:  # CONSTRUCT, DESCRIBE: an empty graph
        assert "root:" not in response.text
        assert "<" not in response.text, response.text
    time.sleep(0.2)
    assert listener.connections == 0


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_elsewhere_are_empty_graphs(
    server: Server, listener: Listener, parameter: str
) -> None:
    response = httpx.get(
        server.url + "/sparql",
        params={
            "query": "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
            parameter: f"http://127.0.0.1:{listener.port}/g",
        },
        headers=QUERY_HEADERS,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is False
    time.sleep(0.2)
    assert listener.connections == 0


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
    ],
)
def test_updates_are_refused_on_a_read_only_server(server: Server, update: str) -> None:
    for response in (
        httpx.post(server.url + "/sparql", data={"update": update}, timeout=30),
        httpx.post(
            server.url + "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
        ),
        httpx.post(
            server.url + "/sparql",
            content=update,
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer guess"},
        ),
    ):
        assert response.status_code == 403
    assert _ask(server, "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_update_with_flag_needs_the_token_and_never_loads(listener: Listener) -> None:
    updating = Server("--workers", "1", "--allow-update", env={"BACLOKG_UPDATE_TOKEN": "s3cret"})
    try:
        insert = "INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> <http://e/c> } }"
        direct = {"Content-Type": "application/sparql-update"}
        assert httpx.post(updating.url + "/sparql", content=insert, headers=direct).status_code == 401
        wrong = {**direct, "Authorization": "Bearer wrong"}
        assert httpx.post(updating.url + "/sparql", content=insert, headers=wrong).status_code == 401
        right = {**direct, "Authorization": "Bearer s3cret"}
        assert httpx.post(updating.url + "/sparql", content=insert, headers=right).status_code == 204
        assert _ask(updating, "ASK { <http://e/a> <http://e/b> <http://e/c> }").json()["boolean"] is True
        load = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>"
        response = httpx.post(updating.url + "/sparql", content=load, headers=right)
        assert response.status_code == 400
        assert "LOAD is not allowed" in response.text
        assert listener.connections == 0
    finally:
        updating.stop()


def test_oversized_request_gets_413(server: Server) -> None:
    big = "ASK { ?s ?p ?o } #" + "x" * (2 * 1024 * 1024)
    response = httpx.post(
        server.url + "/sparql", content=big, headers={"Content-Type": "application/sparql-query"}, timeout=30
    )
    assert response.status_code == 413


def test_malformed_query_gets_400_with_position(server: Server) -> None:
    response = _ask(server, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert re.search(r"line 1|1:\d+", response.text), response.text
    assert "Traceback" not in response.text


def test_timeout_stops_the_query_and_the_server_keeps_answering(server: Server) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    results: dict[str, httpx.Response] = {}

    def run_slow() -> None:
        results["slow"] = _ask(server, slow)

    thread = threading.Thread(target=run_slow)
    started = time.monotonic()
    thread.start()
    time.sleep(0.5)
    # while the slow query runs, another client is answered
    quick = _ask(server, "ASK { <http://purl.obolibrary.org/obo/CHEBI_2972> ?p ?o }")
    assert quick.status_code == 200
    assert time.monotonic() - started < 3
    thread.join(60)
    assert results["slow"].status_code == 503
    assert "time limit" in results["slow"].text
    # the stopped query's work has ended: the workers go back to idle
    time.sleep(1.0)
    workers = [psutil.Process(pid) for pid in server.worker_pids()]
    assert cpu_percent(workers, 1.0) < 20


def test_result_size_is_limited() -> None:
    small = Server("--workers", "1", "--max-result-bytes", "2048")
    try:
        response = _ask(small, "SELECT * WHERE { ?s ?p ?o }")
        assert response.status_code == 413
        assert "limit" in response.text
        assert _ask(small, "ASK {}").status_code == 200
    finally:
        small.stop()


def test_dataset_parameters_without_a_query_are_refused(server: Server) -> None:
    response = httpx.get(server.url + "/sparql", params={"named-graph-uri": "x"}, timeout=30)
    assert response.status_code == 400
    assert "need a query" in response.text
