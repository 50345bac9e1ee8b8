"""The cost of one login's password check: Argon2id verification at the old and new parameters.

Old: argon2-cffi's default PasswordHasher (RFC 9106 low-memory: t=3, m=64 MiB, p=4), which
quizapp used until issue 16. New: ``quizapp.auth.passwords`` (OWASP's minimum: t=2, m=19 MiB,
p=1). Prints, for each, the median wall and CPU time of one verification over ``--runs`` runs
of ``--verifies`` each, then the ratios and the verifications a second one core sustains.

    .venv/bin/python bench/login_hash.py --runs 5 --verifies 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp.auth.passwords import _hasher as new_hasher  # noqa: E402

OLD = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
PASSWORD = "bench1234"


def measure(hasher: PasswordHasher, runs: int, verifies: int) -> tuple[float, float]:
    """Median over ``runs`` of the mean wall and CPU seconds of one verification."""
    stored = hasher.hash(PASSWORD)
    hasher.verify(stored, PASSWORD)  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(verifies):
            hasher.verify(stored, PASSWORD)
        walls.append((time.perf_counter() - wall0) / verifies)
        cpus.append((time.process_time() - cpu0) / verifies)
    return statistics.median(walls), statistics.median(cpus)


def describe(hasher: PasswordHasher) -> str:
    return f"t={hasher.time_cost} m={hasher.memory_cost // 1024} MiB p={hasher.parallelism}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--verifies", type=int, default=20)
    args = parser.parse_args()
    old_wall, old_cpu = measure(OLD, args.runs, args.verifies)
    new_wall, new_cpu = measure(new_hasher, args.runs, args.verifies)
    print(f"medians of {args.runs} runs of {args.verifies} verifications")
    for name, hasher, wall, cpu in (("old", OLD, old_wall, old_cpu),
                                    ("new", new_hasher, new_wall, new_cpu)):
        print(f"{name}  Argon2id {describe(hasher)}: wall {wall * 1000:7.1f} ms  "
              f"CPU {cpu * 1000:7.1f} ms  = {1 / cpu:6.1f} verifications/s per core")
    print(f"ratio old/new: wall {old_wall / new_wall:.1f}x  CPU {old_cpu / new_cpu:.1f}x")


if __name__ == "__main__":
    main()
