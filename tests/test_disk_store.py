"""The service's on-disk store: built once per set of data files, opened read-only by every process,
never rebuilt by a restart, never changed by an update, stale ones removed."""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path

import httpx
import pytest

import baclokg
from baclokg import disk_store
from baclokg.errors import DataError

from .conftest import FIXTURES, Server

EXTRA = FIXTURES / "wikidata-baclofen.ttl"


def _stores(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir())


def test_the_store_is_built_once_and_reopened(tmp_path: Path) -> None:
    first = baclokg.load([EXTRA], store_cache=tmp_path)
    assert first.disk is not None
    ready = (first.disk.path / "ready").stat().st_mtime_ns
    second = baclokg.load([EXTRA], store_cache=tmp_path)
    assert second.disk is not None
    assert second.disk.path == first.disk.path
    assert (second.disk.path / "ready").stat().st_mtime_ns == ready
    assert len(second) == len(first) == len(baclokg.load([EXTRA]))
    assert second.rows("cq-01-ingredient-and-brands") == baclokg.load().rows("cq-01-ingredient-and-brands")


def test_two_first_starts_build_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = []
    build = disk_store._build

    def counted(*args: object) -> None:
        builds.append(1)
        build(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(disk_store, "_build", counted)
    opened: list[Path] = []

    def start() -> None:
        kg = baclokg.load(store_cache=tmp_path)
        assert kg.disk is not None
        opened.append(kg.disk.path)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(builds) == 1
    assert len(set(opened)) == 1
    assert len(opened) == 3


def test_other_data_gets_its_own_store_and_unused_stale_ones_go(tmp_path: Path) -> None:
    held = baclokg.load(store_cache=tmp_path)  # in use: kept
    assert held.disk is not None
    stale = tmp_path / ("0" * 64)
    stale.mkdir()
    (stale / "ready").touch()
    other = baclokg.load([EXTRA], store_cache=tmp_path)
    assert other.disk is not None
    assert other.disk.path != held.disk.path
    assert not stale.exists()
    assert held.disk.path.exists()


def test_a_store_in_use_is_held_by_a_shared_lock(tmp_path: Path) -> None:
    kg = baclokg.load(store_cache=tmp_path)
    assert kg.disk is not None
    with (tmp_path / f"{kg.disk.path.name}.lock").open("ab") as handle, pytest.raises(BlockingIOError):
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_broken_file_builds_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://e/s> <http://e/p> .\n", encoding="utf-8")
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match=r"broken\.ttl:1"):
        baclokg.load([broken], store_cache=cache)
    assert _stores(cache) == []


def test_updates_go_to_memory_and_never_change_the_store(tmp_path: Path) -> None:
    kg = baclokg.load(store_cache=tmp_path)
    before = len(kg)
    kg.update("INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> 1 } }")
    assert len(kg) == before + 1
    assert kg.disk is None  # the overlay: an in-memory copy
    assert len(baclokg.load(store_cache=tmp_path)) == before


def test_a_restarted_service_opens_the_store_it_built(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"BACLOKG_CACHE": str(cache)}
    served = FIXTURES / "w3c-protocol.trig"  # passes validation, which is remembered with the store
    server = Server("--workers", "2", "--data", str(served), env=env)
    try:
        [store] = _stores(cache)
        built = (store / "ready").stat().st_mtime_ns
        assert (store / "validated").is_file()
        server.stop()
        server.start()
        assert _stores(cache) == [store]
        assert (store / "ready").stat().st_mtime_ns == built
        response = httpx.get(
            server.url + "/sparql",
            params={"query": "ASK { GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.json()["boolean"] is True
    finally:
        server.stop()
