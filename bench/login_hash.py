"""The cost of one login's password check: Argon2id verification at the old and new parameters.

Old: argon2-cffi's default PasswordHasher (RFC 9106 low-memory: t=3, m=64 MiB, p=4), which
quizapp used until issue 16. New: ``quizapp.auth.passwords`` (OWASP's minimum: t=2, m=19 MiB,
p=1). Prints, for each, the median wall and CPU time of one verification over ``--runs`` runs
of ``--verifies`` each, then the ratios and the verifications a second one core sustains.
``--logins N`` adds whole logins in process (the form POST through Flask's test client: the
throttle check, the hash, the login session row, the redirect; then the logout), on a
temporary SQLite database, at both parameters: median CPU per login and what that allows on
two cores, the Flask and network overhead of a real server left out.

    .venv/bin/python bench/login_hash.py --runs 5 --verifies 20 --logins 40
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp.auth import passwords  # noqa: E402
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


def measure_logins(hasher: PasswordHasher, runs: int, logins: int) -> tuple[float, float]:
    """Median over ``runs`` of the wall and CPU seconds of one login (and logout) in process."""
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import Person, Unit, UnitKind

    passwords._hasher = hasher
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite"})
        with app.app_context():
            db.create_all()
            unit = Unit(name="基准测试支部", kind=UnitKind.BRANCH)
            db.session.add(unit)
            db.session.flush()
            db.session.add(Person(name="基准", unit_id=unit.id, phone="13700000001",
                                  member_no="B0000001", password_hash=hasher.hash(PASSWORD)))
            db.session.commit()
        client = app.test_client()
        form = {"account": "13700000001", "password": PASSWORD}
        assert client.post("/auth/login", data=form).status_code == 302  # warm-up
        client.post("/auth/logout")
        walls, cpus = [], []
        for _ in range(runs):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            for _ in range(logins):
                assert client.post("/auth/login", data=form).status_code == 302
                client.post("/auth/logout")
            walls.append((time.perf_counter() - wall0) / logins)
            cpus.append((time.process_time() - cpu0) / logins)
        with app.app_context():
            db.engine.dispose()
    passwords._hasher = new_hasher
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--verifies", type=int, default=20)
    parser.add_argument("--logins", type=int, default=0,
                        help="also time this many whole logins per run in process")
    args = parser.parse_args()
    old_wall, old_cpu = measure(OLD, args.runs, args.verifies)
    new_wall, new_cpu = measure(new_hasher, args.runs, args.verifies)
    print(f"medians of {args.runs} runs of {args.verifies} verifications")
    for name, hasher, wall, cpu in (("old", OLD, old_wall, old_cpu),
                                    ("new", new_hasher, new_wall, new_cpu)):
        print(f"{name}  Argon2id {describe(hasher)}: wall {wall * 1000:7.1f} ms  "
              f"CPU {cpu * 1000:7.1f} ms  = {1 / cpu:6.1f} verifications/s per core")
    print(f"ratio old/new: wall {old_wall / new_wall:.1f}x  CPU {old_cpu / new_cpu:.1f}x")
    if args.logins:
        print(f"whole logins in process (login + logout), medians of {args.runs} runs "
              f"of {args.logins}")
        results = [(name, hasher, *measure_logins(hasher, args.runs, args.logins))
                   for name, hasher in (("old", OLD), ("new", new_hasher))]
        for name, hasher, wall, cpu in results:
            print(f"{name}  {describe(hasher)}: wall {wall * 1000:7.1f} ms  CPU {cpu * 1000:7.1f} ms"
                  f"  = {2 / cpu:6.1f} logins/s on 2 cores (CPU bound)")
        print(f"ratio old/new: CPU {results[0][3] / results[1][3]:.1f}x")


if __name__ == "__main__":
    main()
