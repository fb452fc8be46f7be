"""The short versions of the reliability runs (``make reliability`` runs the long ones): fuzzing,
load with pathological queries, a soak, the service killed mid-load, exports onto broken file
systems, bad input on every entry point and attacks, against real processes on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from reliability import attacks, badinput, faults, fuzz, load
from reliability.runs import FUZZ_SERVER, LOAD_SERVER, SHORT
from reliability.servers import Listener, Server
from reliability.verdicts import problems


@pytest.fixture(scope="module")
def service() -> Iterator[Server]:
    """The service as the fuzzing, injection and attack runs see it."""
    running = Server(*FUZZ_SERVER)
    yield running
    running.stop()


def test_sparql_fuzzing(service: Server) -> None:
    result = fuzz.fuzz_sparql(service.url, SHORT.sparql_cases, seed=1)
    assert result["cases"] == SHORT.sparql_cases
    assert problems("fuzz", result) == []


def test_request_fuzzing(service: Server) -> None:
    result = fuzz.fuzz_requests(service.url, SHORT.request_cases, seed=2)
    assert result["cases"] > SHORT.request_cases // 2
    assert problems("fuzz", result) == []


def test_raw_byte_fuzzing(service: Server) -> None:
    result = fuzz.fuzz_bytes(service.url, SHORT.byte_cases, seed=3)
    assert problems("fuzz", result) == []


def test_schemathesis_on_the_openapi_description(service: Server) -> None:
    result = fuzz.run_schemathesis(service.url, SHORT.schemathesis_examples)
    assert result["operations"] > 20
    assert problems("schemathesis", result) == []


def test_load_with_pathological_queries() -> None:
    # the soak run is the same code for longer (make reliability); the suite runs it once, short
    server = Server(*LOAD_SERVER)
    try:
        result = load.run_load(server, connections=64, seconds=SHORT.load_seconds)
    finally:
        server.stop()
    assert result["requests"] > 1000
    assert result["pathological_sent"] >= 1
    assert problems("load", result) == []


def test_server_killed_mid_load_comes_back_with_the_same_answers() -> None:
    result = faults.server_killed_mid_load(LOAD_SERVER, SHORT.kill_seconds, SHORT.kills)
    assert result["outcomes"].get("ok", 0) > 100
    assert problems("kill", result) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a full or read-only file system needs root")
def test_export_onto_full_and_read_only_file_systems() -> None:
    result = faults.export_to_broken_targets(SHORT.export_formats)
    assert len(result["cases"]) == 2 * len(SHORT.export_formats)
    assert problems("export", result) == []


@pytest.mark.parametrize("case", badinput.FILES, ids=[case.filename for case in badinput.FILES])
def test_bad_data_file_on_every_entry_point(case: badinput.BadFile) -> None:
    rows = badinput.run_file_case(case)
    assert problems("rows", {"rows": rows}) == []


@pytest.mark.parametrize("case", badinput.CLI_CASES, ids=[" ".join(c.args) for c in badinput.CLI_CASES])
def test_command_line_argument_out_of_range(case: badinput.CliCase) -> None:
    assert problems("rows", {"rows": [badinput.run_cli_case(case)]}) == []


def test_injection_attempts_change_nothing_another_query_sees(service: Server) -> None:
    rows = badinput.run_injections(service.url)
    assert problems("rows", {"rows": rows}) == []
    assert rows[-1]["answer"] == "same answers"


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


@pytest.mark.parametrize("attack", attacks.ATTACKS, ids=[f"{a.kind}: {a.name[:60]}" for a in attacks.ATTACKS])
def test_attack_is_refused_without_reaching_outside(
    service: Server, listener: Listener, attack: attacks.Attack
) -> None:
    row = attacks.run_attack(service.url, attack, listener.port)
    assert problems("rows", {"rows": [row], "listener_connections": listener.connections}) == []


FAIR = {
    "heavy_clients": 8,
    "light_sent": 240,
    "light_answered": 240,
    "light_statuses": {"200": 240},
    "light_p99_ms": 16.2,
    "heavy_statuses": {"429": 306, "200": 3},
}


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ({}, 0),
        ({"light_p99_ms": 1800.0}, 1),
        ({"heavy_clients": 2, "light_p99_ms": 300.0}, 1),
        ({"light_answered": 200, "light_statuses": {"200": 200}}, 1),
        ({"heavy_statuses": {"200": 40}}, 1),
        ({"heavy_statuses": {"500": 1, "429": 3}}, 1),
    ],
    ids=["met", "slow-8", "slow-2", "unanswered", "never-shed", "server-error"],
)
def test_the_fairness_verdict(change: dict[str, object], found: int) -> None:
    assert len(problems("fairness", {**FAIR, **change})) == found
