"""Fair admission to the query workers: clients take turns, expensive queries take few workers, and
a client past its share is told to come back later.

The pool has more workers than the machine has cores, so a slow query never holds the only worker a
light one could use. These rules decide who gets a free worker, and who is shed:

- Turns: waiting requests are served one client at a time in rotation (not first come, first served),
  so a client that queues many requests delays only itself. A client may run ``per_client`` requests at
  once and have ``per_client_queue`` more waiting; past that it gets ``429 Too Many Requests``.
- Cost: a request whose worker has spent ``slow_after`` seconds of CPU time on it is expensive (so an
  ordinary query on a busy machine is not), and so is its key (the query text and dataset) from then on
  (remembered for the next ``remember`` keys). Expensive requests may
  hold ``expensive_slots`` workers together, leaving the rest for everything else: one that turns
  expensive while that many run is stopped at once (its worker is replaced) and gets 429, and a known
  expensive one that would wait behind as many others as there are such slots is shed with 429 before
  it starts, as it would not start within the time limit anyway.
- Probes: the first run of a key whose cost is not known yet is its probe; requests with the same key
  wait for the probe's verdict instead of starting beside it. A cheap probe lets them all go (the key is
  remembered as cheap); an expensive one makes them expensive, so the cap applies to them and those past
  it are shed with 429 at once. Many clients sending the same unknown heavy query thus take one worker,
  not all of them, while the first one shows what it costs.
- Clients: a client whose request ran past ``slow_after`` is heavy for ``client_memory`` seconds. Its
  requests with a key not known to be cheap are suspect: as many suspects may run at once, and wait, as
  there are expensive slots (past that: 429), so clients that send a new expensive text each time (which
  no key can remember) hold those few workers, not every worker for ``slow_after`` each time. A suspect
  is otherwise timed like any request; one answered within ``slow_after`` ends its client's spell.
- Room: past ``max_waiting`` waiting requests in all, the service is full: ``503 Service Unavailable``.

Both refusals carry Retry-After. A client is an IP address (see :func:`client_address`).

>>> admission = Admission(workers=2, expensive_slots=1, per_client=1, per_client_queue=1)
>>> admission.stats()["free"]
2
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ..errors import BacloKGError, ServiceBusyError, SheddingError, TooManyRequestsError

__all__ = ["HOLD_429", "Admission", "client_address", "cpu_seconds", "retry_headers"]

R = TypeVar("R")


@dataclass
class _Client:
    running: int = 0
    waiting: deque[_Ticket] = field(default_factory=deque)


@dataclass
class _Ticket:
    client: str
    key: Hashable
    expensive: bool
    granted: asyncio.Future[None]
    #: a request of a heavy client whose key is not known to be cheap (see the module's rules)
    suspect: bool = False
    #: whether this request runs as the probe of its key (set when it is granted)
    probe: bool = False


class Admission:
    """Decides when a request may take a worker; see the module's description of the rules."""

    def __init__(
        self,
        *,
        workers: int,
        expensive_slots: int,
        per_client: int,
        per_client_queue: int,
        max_waiting: int = 256,
        slow_after: float = 0.5,
        remember: int = 4096,
        retry_after: int = 1,
        client_memory: float = 60.0,
    ) -> None:
        self.workers = workers
        self.expensive_slots = max(1, min(expensive_slots, workers))
        self.per_client = max(1, per_client)
        self.per_client_queue = max(0, per_client_queue)
        self.max_waiting = max_waiting
        self.slow_after = slow_after
        self.retry_after = retry_after
        self._remember = remember
        self._expensive_keys: OrderedDict[Hashable, None] = OrderedDict()
        self._cheap_keys: OrderedDict[Hashable, None] = OrderedDict()
        self._probing: set[Hashable] = set()  # keys whose probe runs now
        self.client_memory = client_memory
        self._heavy_clients: OrderedDict[str, float] = OrderedDict()  # client: when it last ran long
        self._clients: dict[str, _Client] = {}
        self._turns: deque[str] = deque()  # clients with waiting tickets, in rotation
        self._running = 0
        self._running_expensive = 0
        self._running_suspect = 0
        self._waiting_suspect = 0
        self._waiting = 0
        self._waiting_expensive = 0
        self.shed: dict[int, int] = {429: 0, 503: 0}

    def stats(self) -> dict[str, int]:
        """Counts for monitoring and tests."""
        return {
            "free": self.workers - self._running,
            "running": self._running,
            "running_expensive": self._running_expensive,
            "waiting": self._waiting,
            "shed_429": self.shed[429],
            "shed_503": self.shed[503],
        }

    def is_expensive(self, key: Hashable) -> bool:
        """Whether a request with this key ran past ``slow_after`` before."""
        return key in self._expensive_keys

    def is_cheap(self, key: Hashable) -> bool:
        """Whether a request with this key was answered within ``slow_after`` before (and never ran past)."""
        return key in self._cheap_keys

    def is_heavy(self, client: str) -> bool:
        """Whether a request of this client ran past ``slow_after`` within the last ``client_memory`` s."""
        since = self._heavy_clients.get(client)
        return since is not None and time.monotonic() - since < self.client_memory

    def _mark_heavy(self, client: str) -> None:
        self._heavy_clients[client] = time.monotonic()
        self._heavy_clients.move_to_end(client)
        while len(self._heavy_clients) > self._remember:
            self._heavy_clients.popitem(last=False)

    def _note(self, keys: OrderedDict[Hashable, None], key: Hashable) -> None:
        keys[key] = None
        keys.move_to_end(key)
        while len(keys) > self._remember:
            keys.popitem(last=False)

    def _mark_expensive(self, key: Hashable) -> None:
        self._note(self._expensive_keys, key)
        self._cheap_keys.pop(key, None)
        self._reprice(key)

    def _reprice(self, key: Hashable) -> None:
        """Make the waiting requests with a newly expensive key expensive; shed those past the cap."""
        for client, state in list(self._clients.items()):
            for ticket in [t for t in state.waiting if t.key == key and not t.expensive]:
                if self._waiting_expensive < self.expensive_slots:
                    ticket.expensive = True
                    self._waiting_expensive += 1
                    continue
                state.waiting.remove(ticket)
                self._waiting -= 1
                self._waiting_suspect -= ticket.suspect
                self.shed[429] += 1
                if not ticket.granted.done():
                    ticket.granted.set_exception(
                        TooManyRequestsError(
                            "this query turned out to run long while it waited, and as many such queries "
                            "are waiting as may run at once; try again later",
                            self.retry_after,
                        )
                    )
            self._forget(client)

    async def run(
        self, client: str, key: Hashable, work: Callable[[Callable[[int, float | None], None]], Awaitable[R]]
    ) -> R:
        """Run ``work`` when this client's turn comes; raise 429/503 errors when it may not wait.

        ``work`` is given a callback to call with the process id of the worker that takes the request,
        and the CPU time that process had used (read from /proc when not given): the request is then
        expensive by the CPU time that process spends on it (by wall time where the system does not
        tell).
        """
        expensive = self.is_expensive(key)
        suspect = not expensive and not self.is_cheap(key) and self.is_heavy(client)
        ticket = self._admit(client, key, expensive, suspect)
        try:
            await ticket.granted
        except asyncio.CancelledError:  # the client went away while waiting
            if not ticket.granted.done() or ticket.granted.cancelled():
                self._withdraw(ticket)
            else:
                self._release(ticket.client, ticket.expensive, suspect)
            raise
        expensive = marked = ticket.expensive  # it may have become expensive while it waited
        shed = False
        worker: list[tuple[int, float]] = []  # the worker's process id and its CPU time when it started

        def started(pid: int, cpu: float | None = None) -> None:
            if cpu is None:  # not told: read it (a /proc read, which the pool's report saves)
                cpu = cpu_seconds(pid)
            if cpu is not None:
                worker.append((pid, cpu))

        task = asyncio.ensure_future(work(started))
        loop = asyncio.get_running_loop()
        timer: asyncio.TimerHandle | None = None

        in_lane = suspect  # whether it holds a suspect slot

        def check() -> None:
            nonlocal marked, shed, timer, in_lane
            if worker:  # expensive by the CPU time it used, so a busy machine makes nothing look expensive
                pid, before = worker[0]
                now = cpu_seconds(pid)
                if now is not None and now - before < self.slow_after * 0.9:
                    # look again when it could first have used enough (a whole core until then), so a
                    # query that shares a busy machine is found as soon as it has run long
                    left = self.slow_after - (now - before)
                    timer = loop.call_later(max(left, self.slow_after / 10), check)
                    return
            self._mark_expensive(key)
            self._mark_heavy(client)
            if self._running_expensive >= self.expensive_slots:
                shed = True  # over the cap: stopped now rather than holding a worker to the time limit
                task.cancel()
                return
            marked = True
            self._running_expensive += 1
            if in_lane:  # it holds an expensive slot now: its suspect slot goes to the next suspect
                in_lane = False
                self._running_suspect -= 1
                self._dispatch()

        if not expensive:
            timer = loop.call_later(self.slow_after, check)
        try:
            answer = await task
            if ticket.probe and not marked:
                self._note(self._cheap_keys, key)
            if suspect and not marked:  # answered within slow_after: its client is heavy no more
                self._heavy_clients.pop(client, None)
            return answer
        except asyncio.CancelledError:
            if not shed:
                task.cancel()
                raise
            self.shed[429] += 1
            raise TooManyRequestsError(
                f"the query ran past {self.slow_after:g} s while as many long queries ran as may run at "
                "once, and was stopped; try again later",
                self.retry_after,
            ) from None
        except Exception:
            if ticket.probe and not marked:  # an error (a bad query ...) within the time: cheap as well
                self._note(self._cheap_keys, key)
            raise
        finally:
            if timer is not None:
                timer.cancel()
            if ticket.probe:
                self._probing.discard(key)
            self._release(client, marked, in_lane)

    def _admit(self, client: str, key: Hashable, expensive: bool, suspect: bool = False) -> _Ticket:
        state = self._clients.setdefault(client, _Client())
        if state.running + len(state.waiting) >= self.per_client + self.per_client_queue:
            self.shed[429] += 1
            raise TooManyRequestsError(
                f"this client already has {state.running + len(state.waiting)} requests running or "
                "waiting; wait for their answers",
                self.retry_after,
            )
        if (expensive and self._waiting_expensive >= self.expensive_slots) or (
            suspect and self._waiting_suspect >= self.expensive_slots
        ):
            self.shed[429] += 1
            why = "this client's queries ran long lately" if suspect else "this query ran long before"
            raise TooManyRequestsError(
                f"{why}, and as many such queries are waiting as may run at once; try again later",
                self.retry_after,
            )
        if self._waiting >= self.max_waiting:
            self.shed[503] += 1
            raise ServiceBusyError(
                f"the service is full ({self._waiting} requests waiting)", self.retry_after
            )
        ticket = _Ticket(client, key, expensive, asyncio.get_running_loop().create_future(), suspect)
        state.waiting.append(ticket)
        self._waiting += 1
        self._waiting_expensive += expensive
        self._waiting_suspect += suspect
        if len(state.waiting) == 1:
            self._turns.append(client)
        self._dispatch()
        return ticket

    def _withdraw(self, ticket: _Ticket) -> None:
        state = self._clients[ticket.client]
        with contextlib.suppress(ValueError):
            state.waiting.remove(ticket)
            self._waiting -= 1
            self._waiting_expensive -= ticket.expensive
            self._waiting_suspect -= ticket.suspect
        self._forget(ticket.client)

    def _release(self, client: str, expensive: bool, suspect: bool = False) -> None:
        self._running -= 1
        self._running_expensive -= expensive
        self._running_suspect -= suspect
        self._clients[client].running -= 1
        self._forget(client)
        self._dispatch()

    def _forget(self, client: str) -> None:
        state = self._clients.get(client)
        if state is not None and not state.running and not state.waiting:
            del self._clients[client]
            with contextlib.suppress(ValueError):
                self._turns.remove(client)

    def _dispatch(self) -> None:
        """Grant free workers to waiting tickets, one client at a time in rotation."""
        passes = len(self._turns)
        while self._running < self.workers and passes > 0:
            client = self._turns[0]
            self._turns.rotate(-1)
            passes -= 1
            state = self._clients[client]
            while state.waiting and state.waiting[0].granted.done():  # cancelled while waiting
                gone = state.waiting.popleft()
                self._waiting -= 1
                self._waiting_expensive -= gone.expensive
                self._waiting_suspect -= gone.suspect
            if not state.waiting or state.running >= self.per_client:
                if not state.waiting:
                    self._turns.remove(client)
                continue
            ticket = state.waiting[0]
            if ticket.expensive and self._running_expensive >= self.expensive_slots:
                continue
            if ticket.suspect and self._running_suspect >= self.expensive_slots:
                continue
            unknown = not ticket.expensive and ticket.key not in self._cheap_keys
            if unknown and ticket.key in self._probing:
                continue  # its probe runs: wait for what it costs
            if unknown:
                ticket.probe = True
                self._probing.add(ticket.key)
            state.waiting.popleft()
            self._waiting -= 1
            self._waiting_expensive -= ticket.expensive
            self._waiting_suspect -= ticket.suspect
            state.running += 1
            self._running += 1
            self._running_expensive += ticket.expensive
            self._running_suspect += ticket.suspect
            if not state.waiting:
                self._turns.remove(client)
            ticket.granted.set_result(None)
            passes = len(self._turns)  # someone was served: everyone else gets another look


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted_proxies: frozenset[str]) -> str:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the forwarded one.

    ``forwarded_for`` holds the X-Forwarded-For header's values in order. Walking from the right, every
    address a trusted proxy added is passed over; the first other one is the client (the leftmost, if all
    are trusted). A client cannot pose as another by sending the header itself: only trusted proxies'
    additions are believed.

    >>> client_address("10.0.0.5", ["203.0.113.7, 10.0.0.9"], frozenset({"10.0.0.5", "10.0.0.9"}))
    '203.0.113.7'
    >>> client_address("198.51.100.2", ["203.0.113.7"], frozenset({"10.0.0.5"}))
    '198.51.100.2'
    """
    address = peer or "unknown"
    if address not in trusted_proxies:
        return address
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = hop
        if hop not in trusted_proxies:
            return hop
    return address


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user and system) a process has used so far, from Linux's /proc; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # after the command name: state is field 3, utime and stime are fields 14 and 15 (man 5 proc)
    return (int(fields[11]) + int(fields[12])) / _TICKS


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

#: how long a 429 is held before it is sent: a client that retries at once cannot spin the service
HOLD_429 = 0.25


async def retry_headers(error: BacloKGError) -> dict[str, str]:
    """The Retry-After header for an error that asks the client to come back (429, 503), if any.

    A 429 is sent only after :data:`HOLD_429` seconds, so that a client ignoring Retry-After slows down.
    """
    if isinstance(error, SheddingError):
        if error.status == 429:
            await asyncio.sleep(HOLD_429)
        return {"Retry-After": str(error.retry_after)}
    return {"Retry-After": "1"} if error.status == 503 else {}
