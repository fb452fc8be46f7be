"""Built once, opened by every process: an on-disk Oxigraph store of the bundled graphs and ``--data``.

The store is a folder named by the SHA-256 of everything that went into it (BacloKG's version, and each
input file's graph IRI and bytes) in a cache folder (:func:`baclokg.paths.cache_dir` unless given). The
first start builds it under an exclusive lock, so a second start at the same moment waits and then opens
the same store; every process then opens it read-only, and the operating system's page cache holds its
pages once for all of them. A process that uses a store holds a shared lock on it; a build removes the
stores of other keys that nobody holds. Whether the ``--data`` files passed validation is kept in the
store's folder, so a restart does not validate them again.

>>> len(store_key([]))
64
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import hashlib
import os
import re
import shutil
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import DataError

__all__ = ["DiskStore", "open_built", "open_store", "store_key"]

_KEY = re.compile(r"^[0-9a-f]{64}$")
_READY = "ready"
_VALIDATED = "validated"


def store_key(files: Sequence[tuple[Path, str]]) -> str:
    """The SHA-256 naming the store of these files (path, graph IRI), BacloKG's version included."""
    from . import __version__

    digest = hashlib.sha256(f"baclokg {__version__}\n".encode())
    for path, iri in files:
        digest.update(f"{iri}\n".encode())
        with Path(path).open("rb") as data:
            for block in iter(lambda: data.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass
class DiskStore:
    """An opened, read-only store and the shared lock that keeps it from being removed."""

    path: Path
    store: ox.Store
    lock: IO[bytes]

    @property
    def validated(self) -> bool:
        """Whether the ``--data`` files of this store passed validation before."""
        return (self.path / _VALIDATED).is_file()

    def mark_validated(self) -> None:
        """Remember that the ``--data`` files of this store passed validation."""
        with contextlib.suppress(OSError):  # a read-only cache only costs a validation next time
            (self.path / _VALIDATED).touch()


def _lock(path: Path, mode: int) -> IO[bytes]:
    handle = path.open("ab")
    fcntl.flock(handle, mode)
    return handle


def _remove_stale(folder: Path, keep: str) -> None:
    """Remove the stores of other keys that no process holds."""
    for entry in folder.iterdir():
        name = entry.name.removesuffix(".lock")
        if not _KEY.match(name) or name == keep or entry.suffix == ".lock":
            continue
        lock = folder / f"{name}.lock"
        try:
            handle = lock.open("ab")
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # someone uses it
            handle.close()
            continue
        shutil.rmtree(entry, ignore_errors=True)
        with contextlib.suppress(OSError):
            lock.unlink()
        handle.close()


def _build(target: Path, files: Sequence[tuple[Path, str]], reserved: Iterable[str]) -> None:
    """Parse every file, then bulk-load the store beside ``target`` and move it into place.

    Each quad goes in twice: in its named graph, and in the default graph, which is their union (a set:
    the bulk loader keeps one copy of a triple that several graphs hold).
    """
    from .store import bulk_loadable, parse_files

    # a file of triples (N-Triples, Turtle, RDF/XML) is bulk-loaded straight from disk by Oxigraph, twice
    # (its graph, the union; see _bulk_load_all); the rest (graphs of their own, SSSOM, JSON-LD) are
    # parsed here first
    files = [(Path(path), iri) for path, iri in files]
    direct = [(path, iri) for path, iri in files if bulk_loadable(path)]
    parsed = parse_files([f for f in files if f not in direct], reserved=reserved)
    building = target.with_name(f"{target.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    store = ox.Store(str(building))
    try:
        for quads in parsed:
            store.bulk_extend(quads)
            store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        _bulk_load_all(store, direct)
        store.flush()
    except BaseException:
        del store  # closed before its folder goes (the traceback keeps this frame, not the store)
        gc.collect()
        shutil.rmtree(building, ignore_errors=True)
        raise
    del store
    gc.collect()  # the store closes when its last reference goes
    _give_back_memory()
    (building / _READY).touch()
    building.rename(target)


def _give_back_memory() -> None:
    """Return the bulk loader's freed memory to the system (glibc keeps it in its arenas otherwise).

    The process that builds the store goes on serving: without this it held about 440 MB more after
    building a 1M-triple store, depending on the data (measured with the service's PSS).
    """
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the C library this process runs on
    if trim is not None:  # glibc; other C libraries give memory back by themselves or not at all
        trim(0)


def _bulk_load_all(store: ox.Store, files: Sequence[tuple[Path, str]]) -> None:
    """Bulk-load each file into its graph and into the union, as many loads at once as there are cores.

    Oxigraph's on-disk bulk loader keeps one core busy per load, so the two loads of a file run side by
    side (1M triples, 2 cores: 8.7 s instead of 14.4 s; the in-memory store is slower this way), as
    :func:`~baclokg.store.bulk_loads` lists them. Every load runs to its end (none can be stopped); the
    first error, in file order, is raised after them.
    """
    from .store import bulk_load_into, bulk_loads

    loads = [(path, graph, lenient) for path, iri in files for graph, lenient in bulk_loads(iri)]
    with ThreadPoolExecutor(max_workers=max(1, min(len(loads), os.cpu_count() or 1))) as threads:
        done = [
            threads.submit(bulk_load_into, store, path, graph, lenient=lenient)
            for path, graph, lenient in loads
        ]
    for future in done:
        future.result()


def open_built(path: Path) -> DiskStore:
    """A store another process of this service built (:func:`open_store`), opened read-only by its path."""
    path = Path(path)
    if not (path / _READY).is_file():
        raise DataError(str(path), "no store was built here")
    shared = _lock(path.with_name(f"{path.name}.lock"), fcntl.LOCK_SH)
    try:
        store = ox.Store.read_only(str(path))
    except OSError as error:
        shared.close()
        raise DataError(str(path), f"cannot open the store: {error}") from None
    return DiskStore(path, store, shared)


def open_store(files: Sequence[tuple[Path, str]], reserved: Iterable[str], folder: Path) -> DiskStore:
    """The read-only store of ``files``, built in ``folder`` first if no process built it before.

    A file that cannot be loaded raises :class:`~baclokg.errors.DataError` and nothing is kept.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataError(str(folder), f"cannot create the store folder: {error.strerror}") from None
    key = store_key(files)
    target = folder / key
    lock_file = folder / f"{key}.lock"
    if not (target / _READY).is_file():
        with _lock(lock_file, fcntl.LOCK_EX):
            if not (target / _READY).is_file():  # a start that waited finds it built
                shutil.rmtree(target, ignore_errors=True)
                _build(target, files, reserved)
            _remove_stale(folder, key)
    return open_built(target)
