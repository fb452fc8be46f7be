"""BacloKG's benchmark: service throughput against real peers, in-process latency, cold start and scale.

Run ``make bench`` (or ``python -m bench``); ``python -m bench --quick`` is the smoke version the tests run.
"""
