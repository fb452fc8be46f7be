"""Running wrk and reading its report: requests, errors, rate and latency percentiles."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

__all__ = ["parse", "run"]

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def parse(out: str) -> dict[str, float]:
    """The figures of one wrk report; latencies in milliseconds, absent ones left out.

    >>> report = '''  Latency     1.00ms  500.00us   9.00ms   90.00%
    ...   Latency Distribution
    ...      50%  800.00us
    ...      99%    2.50ms
    ...   1200 requests in 1.00s, 1.00MB read
    ...   Socket errors: connect 0, read 1, write 0, timeout 2
    ...   Non-2xx or 3xx responses: 4
    ... Requests/sec:   1200.00'''
    >>> figures = parse(report)
    >>> figures["requests"], figures["socket_errors"], figures["non_2xx"]
    (1200, 3, 4)
    >>> figures["p50_ms"], figures["p99_ms"], figures["max_ms"]
    (0.8, 2.5, 9.0)
    """
    total = re.search(r"(\d+) requests in", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    figures: dict[str, float] = {
        "requests": int(total.group(1)) if total else 0,
        "requests_per_second": float(rate.group(1)) if rate else 0.0,
        "socket_errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }
    for label, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M):
        figures[f"p{label}_ms"] = round(_ms(value, unit), 2)
    latency = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)", out)
    if latency:
        figures["max_ms"] = round(_ms(*latency.groups()), 2)
    return figures


def run(
    url: str, script: Path, connections: int, seconds: float, timeout: float | None = None
) -> dict[str, float]:
    """wrk's figures for the Lua ``script`` against ``url`` (``--latency``; at most 2 threads; ``timeout``:
    seconds a request may take before wrk counts it as an error, wrk's default otherwise).

    A script error raises: wrk then sends GET / instead and still reports a rate, saying so only on stderr.
    """
    limit = ["--timeout", f"{timeout:g}s"] if timeout is not None else []
    done = subprocess.run(
        ["wrk", f"-t{max(1, min(2, connections))}", f"-c{connections}", f"-d{seconds:g}s", *limit,
         "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    if done.stderr.strip():
        raise RuntimeError(f"wrk: {done.stderr.strip()}")
    return parse(done.stdout)
