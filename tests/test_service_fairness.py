"""Fair admission to the query workers: turns by client, a cap on expensive queries, shedding with 429/503.

The rules are tested on :class:`~baclokg.service.admission.Admission` directly (with stand-in work that
waits on events, so nothing depends on timing), and once end to end on a real server with clients on
distinct loopback addresses. How long light queries wait under load is measured by
``python -m bench.fairness``, not here.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from baclokg.errors import ServiceBusyError, TooManyRequestsError
from baclokg.service.admission import Admission, client_address, cpu_seconds

from .conftest import Server


def _admission(**overrides: float) -> Admission:
    options = {"workers": 1, "expensive_slots": 1, "per_client": 1, "per_client_queue": 8, "slow_after": 60.0}
    options.update(overrides)
    return Admission(**options)  # type: ignore[arg-type]


def test_clients_take_turns() -> None:
    async def scenario() -> list[str]:
        admission = _admission()
        gate = asyncio.Event()
        order: list[str] = []

        async def work(name: str) -> str:
            order.append(name)
            await gate.wait()
            return name

        first = asyncio.create_task(admission.run("a", "a1", lambda _: work("a1")))
        await asyncio.sleep(0)
        queued = [asyncio.create_task(admission.run("a", k, lambda _, k=k: work(k))) for k in ("a2", "a3")]
        await asyncio.sleep(0)
        queued.append(asyncio.create_task(admission.run("b", "b1", lambda _: work("b1"))))
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(first, *queued)
        return order

    # b came after a's second and third requests, but a client's queue delays only that client
    assert asyncio.run(scenario()) == ["a1", "a2", "b1", "a3"]


def test_a_client_past_its_queue_gets_429_and_others_are_still_served() -> None:
    async def scenario() -> None:
        admission = _admission(per_client_queue=1)
        gate = asyncio.Event()

        async def work() -> None:
            await gate.wait()

        running = asyncio.create_task(admission.run("a", 1, lambda _: work()))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(admission.run("a", 2, lambda _: work()))
        await asyncio.sleep(0)
        with pytest.raises(TooManyRequestsError) as refused:
            await admission.run("a", 3, lambda _: work())
        assert refused.value.status == 429
        assert refused.value.retry_after >= 1
        other = asyncio.create_task(admission.run("b", 4, lambda _: work()))
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(running, waiting, other)

    asyncio.run(scenario())


def test_a_full_service_answers_503() -> None:
    async def scenario() -> None:
        admission = _admission(max_waiting=1)
        gate = asyncio.Event()

        async def work() -> None:
            await gate.wait()

        tasks = [asyncio.create_task(admission.run(c, c, lambda _: work())) for c in ("a", "b")]
        await asyncio.sleep(0)
        with pytest.raises(ServiceBusyError) as refused:
            await admission.run("c", "c", lambda _: work())
        assert refused.value.status == 503
        gate.set()
        await asyncio.gather(*tasks)

    asyncio.run(scenario())


def test_a_query_that_turns_expensive_over_the_cap_is_stopped_with_429() -> None:
    async def scenario() -> tuple[str, bool]:
        admission = _admission(workers=3, expensive_slots=1, per_client=3, slow_after=0.01)
        gate = asyncio.Event()
        cancelled = asyncio.Event()

        async def slow() -> str:
            try:
                await gate.wait()
            except asyncio.CancelledError:
                cancelled.set()
                raise
            return "done"

        first = asyncio.create_task(admission.run("a", "q1", lambda _: slow()))
        await asyncio.sleep(0.05)  # q1 is expensive now, and holds the only expensive slot
        with pytest.raises(TooManyRequestsError):
            await admission.run("b", "q2", lambda _: slow())  # turns expensive while q1 runs: stopped
        quick = await admission.run("c", "q3", lambda _: asyncio.sleep(0, "quick"))  # still served
        gate.set()
        assert await first == "done"
        assert admission.is_expensive("q2")
        return quick, cancelled.is_set()

    assert asyncio.run(scenario()) == ("quick", True)


def test_a_known_expensive_query_is_shed_before_it_starts_when_its_slots_have_a_queue() -> None:
    async def scenario() -> None:
        admission = _admission(workers=4, expensive_slots=1, per_client=4, slow_after=0.01)
        gate = asyncio.Event()

        async def slow() -> None:
            await gate.wait()

        running = asyncio.create_task(admission.run("a", "heavy", lambda _: slow()))
        await asyncio.sleep(0.05)
        waiting = asyncio.create_task(admission.run("b", "heavy", lambda _: slow()))  # waits for the slot
        await asyncio.sleep(0)
        with pytest.raises(TooManyRequestsError, match="ran long before"):
            await admission.run("c", "heavy", lambda _: slow())
        gate.set()
        await asyncio.gather(running, waiting)

    asyncio.run(scenario())


def test_a_client_whose_query_ran_long_gets_the_suspect_slots_for_new_texts() -> None:
    """A client that sends a new expensive text each time gets as many workers as there are expensive
    slots for its new texts, not every worker; others' new texts start at once."""

    async def scenario() -> tuple[list[str], str]:
        admission = _admission(workers=4, expensive_slots=1, per_client=4, slow_after=0.01)
        gate = asyncio.Event()
        started: list[str] = []

        async def work(key: str) -> str:
            started.append(key)
            await gate.wait()
            return key

        def ask(client: str, key: str) -> asyncio.Task[str]:
            return asyncio.create_task(admission.run(client, key, lambda _: work(key)))

        first = ask("a", "heavy 1")
        await asyncio.sleep(0.05)  # ran long: "a" is heavy, and its query holds the only expensive slot
        assert admission.is_heavy("a")
        later = [ask("a", "new 1"), ask("a", "new 2")]  # suspects: one runs, one waits for its slot
        for _ in range(3):
            await asyncio.sleep(0)
        with pytest.raises(TooManyRequestsError, match="this client's queries ran long lately") as refused:
            await admission.run("a", "new 3", lambda _: work("new 3"))
        other = ask("b", "new from b")  # another client's new text is not held back
        for _ in range(3):
            await asyncio.sleep(0)
        seen = list(started)
        gate.set()
        await asyncio.gather(first, *later, other, return_exceptions=True)
        return seen, str(refused.value)

    started, _ = asyncio.run(scenario())
    assert started == ["heavy 1", "new 1", "new from b"]


def test_a_suspect_that_runs_long_leaves_the_suspect_lane_to_the_next() -> None:
    """A heavy client's slow query, once it holds an expensive slot, does not hold its quick one back."""

    async def scenario() -> str:
        admission = _admission(workers=2, expensive_slots=1, per_client=2, slow_after=0.01)
        await admission.run("a", "heavy", lambda _: asyncio.sleep(0.05))  # "a" is heavy from now on
        gate = asyncio.Event()
        slow = asyncio.create_task(admission.run("a", "slow", lambda _: gate.wait()))
        await asyncio.sleep(0.05)  # a suspect that ran long: it now holds the expensive slot
        quick = await asyncio.wait_for(admission.run("a", "quick", lambda _: asyncio.sleep(0, "quick")), 1)
        gate.set()
        await slow
        return quick

    assert asyncio.run(scenario()) == "quick"


def test_a_quick_answer_ends_a_clients_heavy_spell_and_so_does_time() -> None:
    async def scenario() -> tuple[bool, bool, bool, bool]:
        admission = _admission(workers=2, expensive_slots=1, per_client=2, slow_after=0.01, client_memory=0.2)
        await admission.run("a", "heavy", lambda _: asyncio.sleep(0.05))  # ran long (by wall time here)
        heavy_after_long = admission.is_heavy("a")
        await admission.run("a", "quick", lambda _: asyncio.sleep(0))  # counted expensive, answered at once
        heavy_after_quick, quick_is_cheap = admission.is_heavy("a"), admission.is_cheap("quick")
        await admission.run("b", "heavy 2", lambda _: asyncio.sleep(0.05))
        await asyncio.sleep(0.25)  # past client_memory
        return heavy_after_long, heavy_after_quick, quick_is_cheap, admission.is_heavy("b")

    assert asyncio.run(scenario()) == (True, False, True, False)


def test_requests_with_an_unknown_key_wait_for_its_probe_and_are_shed_if_it_runs_long() -> None:
    async def scenario() -> tuple[list[str], list[str], list[str]]:
        admission = _admission(workers=4, expensive_slots=1, per_client=4, slow_after=0.01)
        gate = asyncio.Event()
        started: list[str] = []

        async def work(client: str) -> str:
            started.append(client)
            if client != "e":  # e's query is light: answered at once
                await gate.wait()
            return client

        def ask(client: str, key: str) -> asyncio.Task[str]:
            return asyncio.create_task(admission.run(client, key, lambda _: work(client)))

        probe = ask("a", "heavy")
        await asyncio.sleep(0)
        same = {c: ask(c, "heavy") for c in ("b", "c", "d")}
        light = ask("e", "light")
        for _ in range(3):  # every task has asked
            await asyncio.sleep(0)
        first = list(started)  # the same unknown query waits for its probe; another one does not
        await asyncio.sleep(0.05)  # the probe ran long: one of the others may wait for its slot
        shed = [c for c, t in same.items() if t.done() and isinstance(t.exception(), TooManyRequestsError)]
        gate.set()
        answered = [await probe, await light, await same["b"]]
        return first, shed, answered

    assert asyncio.run(scenario()) == (["a", "e"], ["c", "d"], ["a", "e", "b"])


def test_requests_with_a_cheap_probe_run_together_after_it() -> None:
    async def scenario() -> list[str]:
        admission = _admission(workers=3, per_client=3)
        gates = {c: asyncio.Event() for c in "abc"}
        started: list[str] = []

        async def work(client: str) -> None:
            started.append(client)
            await gates[client].wait()

        tasks = {c: asyncio.create_task(admission.run(c, "q", lambda _, c=c: work(c))) for c in "abc"}
        for _ in range(3):
            await asyncio.sleep(0)
        assert started == ["a"]
        gates["a"].set()
        await tasks["a"]
        for _ in range(3):
            await asyncio.sleep(0)
        assert started == ["a", "b", "c"]
        assert admission.is_cheap("q")
        gates["b"].set()
        gates["c"].set()
        await asyncio.gather(tasks["b"], tasks["c"])
        return started

    assert asyncio.run(scenario()) == ["a", "b", "c"]


def test_a_cancelled_wait_gives_its_place_back() -> None:
    async def scenario() -> dict[str, int]:
        admission = _admission()
        gate = asyncio.Event()

        async def work() -> None:
            await gate.wait()

        running = asyncio.create_task(admission.run("a", 1, lambda _: work()))
        await asyncio.sleep(0)
        gone = asyncio.create_task(admission.run("b", 2, lambda _: work()))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.sleep(0)
        gate.set()
        await running
        return admission.stats()

    stats = asyncio.run(scenario())
    assert (stats["running"], stats["waiting"], stats["free"]) == (0, 0, 1)


def test_cpu_time_is_read_for_a_process_and_none_for_no_process() -> None:
    import os

    used = cpu_seconds(os.getpid())
    assert used is not None
    assert used > 0
    assert cpu_seconds(2**22 + 7) is None  # beyond Linux's pid range


def test_a_query_waiting_for_the_cpu_is_not_expensive() -> None:
    """Classified by the CPU time its worker spends: a sleeping worker never becomes expensive."""

    async def scenario() -> bool:
        admission = _admission(workers=2, expensive_slots=1, per_client=2, slow_after=0.02)
        import os

        async def idle(started: object) -> None:
            started(os.getpid())  # type: ignore[operator]  # this process, asleep while it waits
            await asyncio.sleep(0.15)

        await admission.run("a", "waits", idle)
        return admission.is_expensive("waits")

    assert asyncio.run(scenario()) is False


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("10.0.0.5", ["203.0.113.7"], {"10.0.0.5"}, "203.0.113.7"),
        ("10.0.0.5", ["198.51.100.1, 203.0.113.7, 10.0.0.9"], {"10.0.0.5", "10.0.0.9"}, "203.0.113.7"),
        # a client that is no trusted proxy cannot name another client
        ("198.51.100.2", ["203.0.113.7"], {"10.0.0.5"}, "198.51.100.2"),
        ("198.51.100.2", ["203.0.113.7"], set(), "198.51.100.2"),
        ("10.0.0.5", [], {"10.0.0.5"}, "10.0.0.5"),
    ],
)
def test_the_client_is_its_address_through_trusted_proxies_only(
    peer: str, forwarded: list[str], trusted: set[str], client: str
) -> None:
    assert client_address(peer, forwarded, frozenset(trusted)) == client


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "SELECT ?l WHERE { <http://purl.obolibrary.org/obo/CHEBI_2972> ?p ?l } LIMIT %d"
JSON = {"Accept": "application/sparql-results+json"}


def test_heavy_clients_are_shed_and_light_queries_answered() -> None:
    server = Server("--workers", "4", "--expensive-workers", "1", "--timeout", "5")
    stop = threading.Event()
    heavy: Counter[int] = Counter()

    def hammer(number: int) -> None:
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{20 + number}")
        with httpx.Client(transport=transport, timeout=30) as client:
            while not stop.is_set():
                response = client.post(server.url + "/sparql", data={"query": HEAVY}, headers=JSON)
                heavy[response.status_code] += 1
                if response.status_code == 429:
                    assert int(response.headers["retry-after"]) >= 1

    try:
        threads = [threading.Thread(target=hammer, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        light = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30)
        answers = [
            light.get(server.url + "/sparql", params={"query": LIGHT % n}, headers=JSON) for n in range(1, 31)
        ]
        stop.set()
        for thread in threads:
            thread.join(30)
        assert [a.status_code for a in answers] == [200] * 30
        assert heavy[429] > 0, heavy  # three clients, one expensive slot: the others are shed
        assert set(heavy) <= {200, 429, 503}, heavy
    finally:
        stop.set()
        server.stop()


def _shed_while_busy(server: Server, names: int) -> Counter[int]:
    """Fill the only worker with a long query, then send ``names`` light requests at once from this
    address, each forwarded for a different client; the statuses they got."""

    def block() -> None:
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.40"), timeout=30) as client:
            client.post(server.url + "/sparql", data={"query": HEAVY}, headers=JSON)

    blocker = threading.Thread(target=block)
    blocker.start()
    time.sleep(0.5)

    def light(number: int) -> int:
        forwarded = {**JSON, "X-Forwarded-For": f"198.51.100.{number}"}
        params = {"query": LIGHT % (number + 1)}
        return httpx.get(server.url + "/sparql", params=params, headers=forwarded, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=names) as pool:
        statuses = Counter(pool.map(light, range(names)))
    blocker.join(30)
    return statuses


@pytest.mark.parametrize(("trusted", "shed"), [((), True), (("--trusted-proxy", "127.0.0.1"), False)])
def test_forwarded_addresses_count_only_from_a_trusted_proxy(trusted: tuple[str, ...], shed: bool) -> None:
    """A client on 127.0.0.1 naming 80 others in X-Forwarded-For is one client (more than 64 waiting:
    429) unless 127.0.0.1 is a trusted proxy, when they are 80 clients with one request each."""
    server = Server("--workers", "1", "--timeout", "3", *trusted)
    try:
        statuses = _shed_while_busy(server, 80)
    finally:
        server.stop()
    assert set(statuses) <= {200, 429}, statuses
    assert (statuses[429] > 0) is shed, statuses
