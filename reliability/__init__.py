"""BacloKG's reliability runs: fuzzing, load, injected faults, bad input and attacks, each against
real processes on loopback. ``python -m reliability`` runs the long versions and writes
docs/reliability.md; tests/test_reliability.py runs the short versions inside ``make test``."""
