"""The limits and switches of the service, set by ``baclokg serve``'s flags.

>>> Settings().timeout
10.0
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits and switches of the service."""

    timeout: float = 10.0
    max_request_bytes: int = 1024 * 1024
    max_result_bytes: int = 64 * 1024 * 1024
    cache_bytes: int = 64 * 1024 * 1024
    max_header_bytes: int = 64 * 1024
    #: the memory limit of each query worker process (None: no limit)
    max_memory_bytes: int | None = None
    workers: int | None = None
    #: query workers that may run expensive queries (past ``slow_after`` s) together (None: half the cores)
    expensive_workers: int | None = None
    #: seconds after which a running query counts as expensive
    slow_after: float = 0.5
    #: requests one client may have waiting for a worker (past that: 429)
    max_client_queue: int = 64
    #: requests that may wait for a worker in all (past that: 503)
    max_waiting: int = 1024
    #: addresses of reverse proxies whose X-Forwarded-For is believed
    trusted_proxies: tuple[str, ...] = ()
    allow_update: bool = False
    update_token: str | None = None
