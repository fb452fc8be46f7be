"""Work in worker processes, so a task past its time limit can be stopped for real.

Neither pyoxigraph nor rdflib can cancel a running query. The pool starts a number of processes, each
building its own handler from a factory it is given (the pool knows nothing of what the handler does);
it hands a message to an idle worker and, if the answer is late, kills that process (its work ends at
once) and starts a fresh one, while the other workers keep answering. Messages every worker must see
(updates) are broadcast and, once remembered, replayed into workers started later.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import os
import struct
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any, Generic, TypeVar

from ..errors import QueryTimeoutError, WorkerLostError, WorkerStartError

__all__ = ["Handler", "WorkerPool", "die_with_parent"]

M = TypeVar("M")
R = TypeVar("R")

#: what a worker runs: called once per message, in the worker's process
Handler = Callable[[M], R]


def die_with_parent(parent: int | None, signal_number: int) -> None:
    """Ask Linux to send ``signal_number`` to this process when its parent ends; exit if it already has.

    ``parent`` is the process id the parent must have (None: the parent this process has now, which
    must not be init). A server killed with SIGKILL cannot stop its children itself: without this they
    would keep the port and answer from a stale graph. Elsewhere than Linux only the already-ended
    check is made.
    """
    import ctypes
    import sys

    expected = os.getppid() if parent is None else parent
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal_number, 0, 0, 0)  # PR_SET_PDEATHSIG
    if expected == 1 or os.getppid() != expected:
        os._exit(1)


def _limit_memory(max_bytes: int | None) -> None:
    if max_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


#: the stack of the thread that evaluates queries in a worker: Oxigraph's parser and planner recurse
#: once per operator, and this leaves a wide margin over the operator limit (safety.MAX_OPERATORS)
EVALUATION_STACK_BYTES = 256 * 1024 * 1024


def _worker_main(
    conn: Connection,
    factory: Callable[[], Handler[Any, Any]],
    replay: Sequence[Any],
    max_memory: int | None,
) -> None:
    import signal

    # the parent is the fork server, which ends when the service does (its pipe from the service closes)
    die_with_parent(None, signal.SIGKILL)
    try:
        _limit_memory(max_memory)
        threading.stack_size(EVALUATION_STACK_BYTES)
    except (OSError, ValueError) as error:
        conn.send(("failed", f"{type(error).__name__}: {error}"))
        return
    work = threading.Thread(target=_serve, args=(conn, factory, replay), name="evaluation")
    work.start()
    work.join()


def _serve(conn: Connection, factory: Callable[[], Handler[Any, Any]], replay: Sequence[Any]) -> None:
    try:
        handler = factory()
        for message in replay:
            handler(message)
    except Exception as error:  # report start-up failures instead of dying silently
        conn.send(("failed", f"{type(error).__name__}: {error}"))
        return
    # each report carries the process's CPU time, the baseline its next message is measured from
    conn.send(("ready", os.getpid(), time.process_time()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        answer = handler(message)
        conn.send(("answer", answer, time.process_time()))


def _why_it_ended(exitcode: int | None, max_memory: int | None) -> str:
    """Words for how a worker process ended while it answered."""
    import signal

    if exitcode == -signal.SIGABRT:  # an allocation past the address-space limit aborts the process
        limit = f"its memory limit of {max_memory // 2**20} MiB" if max_memory else "the memory it had"
        return f"the query needed more than {limit}"
    if exitcode == -signal.SIGKILL:
        return "the worker was killed from outside"
    return f"the worker crashed (exit status {exitcode})"


#: how much of an answer is read from the pipe at a time
_CHUNK = 1 << 18


class _Frame:
    """One message of :class:`multiprocessing.connection.Connection` read piecewise: a signed 4-byte
    length (-1, then an 8-byte one, past 2 GiB), then the pickled bytes.

    >>> frame = _Frame()
    >>> frame.feed(b"\\x00\\x00\\x00\\x03ab") is None, frame.feed(b"c")
    (True, b'abc')
    """

    def __init__(self) -> None:
        self.data = bytearray()

    def feed(self, chunk: bytes) -> bytes | None:
        """Add what arrived; the whole message once it is all there, else None."""
        self.data += chunk
        if len(self.data) < 4:
            return None
        (size,) = struct.unpack("!i", self.data[:4])
        start = 4
        if size == -1:
            if len(self.data) < 12:
                return None
            (size,) = struct.unpack("!Q", self.data[4:12])
            start = 12
        if len(self.data) < start + size:
            return None
        return bytes(self.data[start : start + size])


class _Worker:
    def __init__(
        self,
        context: Any,
        factory: Callable[[], Handler[Any, Any]],
        replay: Sequence[Any],
        max_memory: int | None,
    ) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, factory, tuple(replay), max_memory), daemon=True
        )
        self.process.start()
        child.close()
        self.max_memory = max_memory
        #: the worker's CPU time (its own clock, in seconds) when it last reported: idle since then
        self.cpu: float | None = None

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            raise WorkerStartError(f"a worker did not start within {timeout:g} s")
        try:
            kind, detail, *cpu = self.conn.recv()
        except (EOFError, OSError):
            kind, detail = "failed", f"it ended (exit status {self.process.exitcode})"
        if kind != "ready":
            raise WorkerStartError(f"a worker failed to start: {detail}")
        self.cpu = cpu[0]

    async def _lost(self) -> WorkerLostError:
        """The error for a worker whose pipe broke, once its process has ended (waited for off the loop)."""
        await asyncio.get_running_loop().run_in_executor(None, self.process.join, 5)
        why = _why_it_ended(self.process.exitcode, self.max_memory)
        return WorkerLostError(f"the query was stopped before it was answered: {why}")

    async def ask(self, message: Any, limit: float | None) -> Any:
        """Send a message and await the answer on the event loop (no thread); TimeoutError past ``limit``
        seconds (None: no limit).

        The message is written whole first (the idle worker is reading its end of the pipe); the answer
        is read as it arrives, a chunk whenever the pipe is readable, so a large one never stalls the
        loop (an event loop may leave the descriptor non-blocking once it has watched it, so it is made
        blocking again for the write).
        """
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[bytes] = loop.create_future()
        fd = self.conn.fileno()
        frame = _Frame()
        try:
            os.set_blocking(fd, True)
            self.conn.send(message)
        except OSError:
            raise await self._lost() from None

        def readable() -> None:
            try:
                chunk = os.read(fd, _CHUNK)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if answered.done():
                return
            if not chunk:
                answered.set_exception(EOFError())
            elif (payload := frame.feed(chunk)) is not None:
                answered.set_result(payload)

        def late() -> None:
            if not answered.done():
                answered.set_exception(TimeoutError())

        loop.add_reader(fd, readable)
        timer = None if limit is None else loop.call_later(limit, late)
        try:
            payload = await answered
        except TimeoutError:  # an OSError too, but not a lost worker: the caller stops it
            raise
        except (EOFError, OSError):
            raise await self._lost() from None
        finally:
            if timer is not None:
                timer.cancel()
            loop.remove_reader(fd)
        kind, answer, self.cpu = ForkingPickler.loads(payload)
        assert kind == "answer"
        return answer

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool(Generic[M, R]):
    """A fixed number of worker processes; ``run`` gives a message to an idle one with a time limit.

    ``factory`` is called once in each worker process (it must be picklable: a module-level function,
    a class, or a :func:`functools.partial` of one) and returns the handler that answers messages.
    Workers are forked from a fork server that imported the modules named in ``preload`` once, so a
    worker (a first one or a replacement) starts without importing them again.
    """

    def __init__(
        self,
        factory: Callable[[], Handler[M, R]],
        size: int | None = None,
        *,
        timeout: float = 10.0,
        max_memory: int | None = None,
        start_timeout: float = 120.0,
        preload: Sequence[str] = (),
    ) -> None:
        self.factory = factory
        self.size = max(1, size or (os.cpu_count() or 1))
        self.timeout = timeout
        #: the address-space limit of each worker process, in bytes (None: no limit)
        self.max_memory = max_memory
        self.start_timeout = start_timeout
        self._context = mp.get_context("forkserver")
        self._context.set_forkserver_preload(list(preload))
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: list[_Worker] = []
        self._replay: list[M] = []
        self.killed = 0

    def _spawn(self) -> _Worker:
        return _Worker(self._context, self.factory, self._replay, self.max_memory)

    def start(self) -> None:
        """Start every worker and wait until each is ready."""
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            worker.wait_ready(self.start_timeout)
        self._workers = workers

    async def _queue(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        return self._idle

    async def run(
        self,
        message: M,
        timeout: float | None = None,
        *,
        started: Callable[[int, float | None], None] | None = None,
    ) -> R:
        """Answer a message in a worker; raise QueryTimeoutError (after killing it) when it is late.

        ``started`` is called when a worker takes the message, with the worker's process id and the CPU
        time it had used by then (by its own clock; None if not known).
        """
        idle = await self._queue()
        worker = await idle.get()
        if started is not None and worker.process.pid is not None:
            started(worker.process.pid, worker.cpu)
        loop = asyncio.get_running_loop()
        limit = timeout or self.timeout
        try:
            answer = await worker.ask(message, limit)
        except TimeoutError:
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
        return answer  # type: ignore[no-any-return]

    async def broadcast(self, message: M) -> list[R]:
        """Send a message to every worker at once (none answers anything else meanwhile)."""
        idle = await self._queue()
        taken = [await idle.get() for _ in range(len(self._workers))]
        try:
            return [await worker.ask(message, None) for worker in taken]
        finally:
            for worker in taken:
                idle.put_nowait(worker)

    def remember(self, message: M) -> None:
        """Replay this message into every worker started from now on (after a broadcast took effect)."""
        self._replay.append(message)

    def _replace(self, dead: _Worker) -> _Worker:
        fresh = self._spawn()
        fresh.wait_ready(self.start_timeout)
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
