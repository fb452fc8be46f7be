"""Query evaluation in worker processes, so a query past its time limit can be stopped for real.

Neither pyoxigraph nor rdflib can cancel a running query. Each worker process holds its own copy of
the knowledge graph; the server hands a query to an idle worker and, if the answer is late, kills
that process (its work ends at once) and starts a fresh one, while the other workers keep answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import multiprocessing as mp
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

__all__ = [
    "Answer",
    "QueryStoppedError",
    "QueryTimeoutError",
    "WorkerLostError",
    "WorkerPool",
    "WorkerSpec",
    "die_with_parent",
]


class QueryStoppedError(Exception):
    """The query's worker was stopped before it answered; ``str()`` says why, for the client."""


class QueryTimeoutError(QueryStoppedError):
    """The query ran past the time limit and its worker was stopped."""


class WorkerLostError(QueryStoppedError):
    """The worker ended while answering: it ran out of its memory limit, or was killed from outside."""


def die_with_parent(parent: int, signal_number: int) -> None:
    """Ask Linux to send ``signal_number`` to this process when its parent ends; exit if it already has.

    A server killed with SIGKILL cannot stop its children itself: without this they would keep the
    port and answer from a stale graph. Elsewhere than Linux only the already-ended check is made.
    """
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal_number, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _limit_memory(max_bytes: int | None) -> None:
    if max_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker needs to build its own copy of the knowledge graph."""

    extra: tuple[str, ...] = ()
    engine: str = "oxigraph"
    max_result_bytes: int = 64 * 1024 * 1024
    updates: tuple[str, ...] = field(default=())
    #: the address-space limit of each worker process, in bytes (None: no limit)
    max_memory: int | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP-ready answer: status, media type and body."""

    status: int
    media_type: str
    body: bytes


#: the stack of the thread that evaluates queries in a worker: Oxigraph's parser and planner recurse
#: once per operator, and this leaves a wide margin over the operator limit (safety.MAX_OPERATORS)
EVALUATION_STACK_BYTES = 256 * 1024 * 1024


def _worker_main(conn: Connection, spec: WorkerSpec, parent: int) -> None:
    import signal

    die_with_parent(parent, signal.SIGKILL)
    try:
        _limit_memory(spec.max_memory)
        threading.stack_size(EVALUATION_STACK_BYTES)
    except (OSError, ValueError) as error:
        conn.send(("failed", f"{type(error).__name__}: {error}"))
        return
    evaluation = threading.Thread(target=_serve, args=(conn, spec), name="evaluation")
    evaluation.start()
    evaluation.join()


def _serve(conn: Connection, spec: WorkerSpec) -> None:
    from .evaluate import Evaluator

    try:
        evaluator = Evaluator(spec)
    except Exception as error:  # report start-up failures instead of dying silently
        conn.send(("failed", f"{type(error).__name__}: {error}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        conn.send(("answer", evaluator.run(request)))


def _why_it_ended(exitcode: int | None, max_memory: int | None) -> str:
    """Words for how a worker process ended while it answered."""
    import signal

    if exitcode == -signal.SIGABRT:  # an allocation past the address-space limit aborts the process
        limit = f"its memory limit of {max_memory // 2**20} MiB" if max_memory else "the memory it had"
        return f"the query needed more than {limit}"
    if exitcode == -signal.SIGKILL:
        return "the worker was killed from outside"
    return f"the worker crashed (exit status {exitcode})"


class _Worker:
    def __init__(self, context: Any, spec: WorkerSpec) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, spec, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.lock = threading.Lock()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            raise RuntimeError("a query worker did not start in time")
        try:
            kind, detail = self.conn.recv()
        except (EOFError, OSError):
            kind, detail = "failed", f"it ended (exit status {self.process.exitcode})"
        if kind != "ready":
            raise RuntimeError(f"a query worker failed to start: {detail}")

    def call(self, request: dict[str, Any], max_memory: int | None = None) -> Answer:
        try:
            self.conn.send(request)
            kind, answer = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            why = _why_it_ended(self.process.exitcode, max_memory)
            raise WorkerLostError(f"the query was stopped before it was answered: {why}") from None
        assert kind == "answer"
        return answer  # type: ignore[no-any-return]

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """A fixed number of worker processes; ``run`` gives a query to an idle one with a time limit."""

    def __init__(self, spec: WorkerSpec, size: int | None = None, *, timeout: float = 10.0) -> None:
        self.spec = spec
        self.size = max(1, size or (os.cpu_count() or 1))
        self.timeout = timeout
        self._context = mp.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: list[_Worker] = []
        self.killed = 0

    def start(self) -> None:
        """Start every worker and wait until each holds its graph."""
        workers = [_Worker(self._context, self.spec) for _ in range(self.size)]
        for worker in workers:
            worker.wait_ready(120)
        self._workers = workers

    async def _queue(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        return self._idle

    async def run(self, request: dict[str, Any], timeout: float | None = None) -> Answer:
        """Evaluate a request in a worker; raise QueryTimeoutError (after killing it) when it is late."""
        idle = await self._queue()
        worker = await idle.get()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, worker.call, request, self.spec.max_memory)
        limit = timeout or self.timeout
        try:
            answer = await asyncio.wait_for(asyncio.shield(future), limit)
        except TimeoutError:
            future.add_done_callback(lambda done: done.exception())  # the killed call's error is expected
            worker.kill()
            self.killed += 1
            replacement = await loop.run_in_executor(None, self._replace, worker)
            idle.put_nowait(replacement)
            raise QueryTimeoutError(
                f"the query ran longer than the time limit of {limit:g} s and was stopped"
            ) from None
        except BaseException:
            worker.kill()
            idle.put_nowait(await loop.run_in_executor(None, self._replace, worker))
            raise
        idle.put_nowait(worker)
        return answer

    async def broadcast(self, request: dict[str, Any]) -> list[Answer]:
        """Send a request (an update) to every worker, and remember it for workers started later."""
        idle = await self._queue()
        taken = [await idle.get() for _ in range(len(self._workers))]
        loop = asyncio.get_running_loop()
        try:
            answers = [await loop.run_in_executor(None, w.call, request) for w in taken]
        finally:
            for worker in taken:
                idle.put_nowait(worker)
        if request.get("op") == "update" and all(a.status < 300 for a in answers):
            self.spec = dataclasses.replace(self.spec, updates=(*self.spec.updates, request["update"]))
        return answers

    def _replace(self, dead: _Worker) -> _Worker:
        fresh = _Worker(self._context, self.spec)
        fresh.wait_ready(120)
        self._workers = [fresh if w is dead else w for w in self._workers]
        return fresh

    def pids(self) -> Sequence[int]:
        """The process ids of the live workers (for tests and monitoring)."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def close(self) -> None:
        """Stop every worker."""
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            worker.process.join(2)
            if worker.process.is_alive():
                worker.kill()
        self._workers = []
