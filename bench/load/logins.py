"""Logins per second at the real password-hash cost (quizapp/auth/passwords.py: Argon2id).

    .venv/bin/python bench/load/logins.py [--database-url URL] [--logins 300] [--runs 3]

Needs a seeded database (seed.py: members 139xxxxxxxx, password bench1234). Prints the cost of
one verification in this process, then starts gunicorn (the same settings as run.py) and logs
``--logins`` members in through the login form (GET the form, POST it with its CSRF token:
one Argon2 verification each) with ``--concurrency`` in flight, ``--runs`` times: logins/s,
p50/p99 of a login (form and post), errors, and the median as logins per minute per node.

Login throttling (``quizapp.auth.throttle``, in the database) counts failed logins only, so it
does not slow this down. Stored hashes made with older Argon2 parameters are rehashed at the
login, so the first run after changing them measures the verification plus one new hash.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load import common  # noqa: E402
from bench.load.client import Phone  # noqa: E402
from quizapp.auth.passwords import _hasher, hash_password, verify_password  # noqa: E402


def verify_cost(rounds: int = 10) -> tuple[float, float]:
    """Wall and CPU milliseconds of one verification in this process."""
    stored = hash_password("bench1234")
    verify_password(stored, "bench1234")
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        verify_password(stored, "bench1234")
    return (1000 * (time.perf_counter() - wall) / rounds,
            1000 * (time.process_time() - cpu) / rounds)


async def log_in_all(base_url: str, person_ids: list[int], password: str,
                     concurrency: int) -> dict:
    limit = asyncio.Semaphore(concurrency)
    seconds: list[float] = []
    errors = 0

    async def one(pid: int) -> None:
        nonlocal errors
        phone = Phone(base_url)
        async with limit:
            try:
                page, done = await phone.login(f"139{pid:08d}", password)
            except (OSError, asyncio.TimeoutError):
                errors += 1
                return
        if done.status != 302:
            errors += 1
        else:
            seconds.append(page.seconds + done.seconds)

    started = time.perf_counter()
    await asyncio.gather(*(one(pid) for pid in person_ids))
    wall = time.perf_counter() - started
    return {"logins": len(seconds), "errors": errors, "seconds": wall,
            "rate": len(seconds) / wall, "p50_ms": 1000 * common.median(seconds),
            "p99_ms": 1000 * common.percentile(seconds, 0.99)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=common.DEFAULT_DATABASE_URL,
                        help="a database seeded by seed.py")
    parser.add_argument("--logins", type=int, default=300, help="logins per run (default 300)")
    parser.add_argument("--first-member", type=int, default=1, help="person id of the first member")
    parser.add_argument("--concurrency", type=int, default=16, help="logins in flight (default 16)")
    parser.add_argument("--runs", type=int, default=3, help="runs (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=1, help="gunicorn --threads")
    parser.add_argument("--password", default="bench1234", help="the members' password")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wall, cpu = verify_cost()
    print(f"Argon2id t={_hasher.time_cost} m={_hasher.memory_cost} KiB p={_hasher.parallelism}: "
          f"one verification {wall:.0f} ms wall, {cpu:.0f} ms CPU in this process")
    people = list(range(args.first_member, args.first_member + args.logins))
    results = []
    with common.gunicorn("wsgi:app", common.app_env(args.database_url), workers=args.workers,
                         extra=["--threads", str(args.worker_threads)]) as base_url:
        for run in range(args.runs):
            found = asyncio.run(log_in_all(base_url, people, args.password, args.concurrency))
            common.note(f"run {run + 1}: {found['rate']:.1f} logins/s")
            results.append(found)
    rows = [[n, r["logins"], r["errors"], r["seconds"], r["rate"], r["p50_ms"], r["p99_ms"]]
            for n, r in enumerate(results, start=1)]
    rate = common.median([r["rate"] for r in results])
    rows.append(["median", int(common.median([r["logins"] for r in results])),
                 sum(r["errors"] for r in results), common.median([r["seconds"] for r in results]),
                 rate, common.median([r["p50_ms"] for r in results]),
                 common.median([r["p99_ms"] for r in results])])
    print(f"gunicorn {args.workers} workers x {args.worker_threads} threads, "
          f"{args.concurrency} logins in flight")
    print(common.table(rows, ["run", "logins", "errors", "seconds", "logins/s", "p50 ms",
                              "p99 ms"]))
    print(f"one node ({args.workers} workers): {rate:.1f} logins/s = {60 * rate:,.0f} logins "
          f"per minute")
    return 0


if __name__ == "__main__":
    sys.exit(main())
