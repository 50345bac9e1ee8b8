"""The synchronized start: 2,000 members starting the same quarterly test within a few seconds,
with logins around it measured separately.

    .venv/bin/python bench/load/sync_start.py --members 2000 --spread 3 --logins 0 --json
        [--runs 1] [--no-predraw] [--database-url URL] [--data FILE]

It runs by itself on a fresh machine: when ``--data`` (default /tmp/quizapp-sync-start.json) is
missing, names another database, holds fewer members than asked, or its database has lost them,
it seeds ``--database-url`` (default the local PostgreSQL's ``quizapp_bench``, created if need
be) with seed.py: an organization of members + logins (at least 2,500), the bank, and
``--members`` members logged in through the login form (at the real Argon2 cost: minutes). A
later run reuses the seed.

Each run publishes a new open test of 30 questions to the whole organization (the publishing
services, as seed.py does), draws its papers as the close-due job does right after publication
(``quiz.predraw``; timed apart, not part of the start; ``--no-predraw`` leaves every start to
draw its own paper, as before papers were drawn ahead), starts gunicorn (the settings of
run.py), and then, at a moment
drawn uniformly within ``--spread`` seconds, each of ``--members`` members (logged in earlier by
seed.py: a phone keeps its session, 'remember me') opens the test's page, presses 开始答题 (the
start form) and follows the redirect to the first question, as a phone does. In the same
window ``--logins`` other members (ids after seed.py's) log in through the login form.

Prints per run: starts completed, errors (socket errors, timeouts, an unexpected status), the
wall time, p50/p99/max of each step and of the whole start (page + start + first question),
and the logins' figures. Target: 0 errors, p99 of the whole start < 3 s. With ``--json`` the
last line is one JSON object: members, spread, logins, p50_s, p95_s, p99_s (of the whole start,
over every run's starts), errors (over every run), wall_s (the longest run's), and predraw and
draw_s (the papers' drawing, the longest run's).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load import common  # noqa: E402
from bench.load.client import Phone, csrf_token  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.load import seed  # noqa: E402
from bench.load.seed import bench_app, publish_test  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import Activity, Person  # noqa: E402
from quizapp.quiz import predraw  # noqa: E402

STEPS = ("page", "start", "question", "whole")
DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/quizapp_bench"


def new_test(database_url: str, run: int, draw: bool) -> tuple[int, float]:
    """Publish a new open test; draw its papers unless told not to. Returns its id and the
    seconds the papers took."""
    app = bench_app(database_url)
    with app.app_context():
        now = datetime.now(timezone.utc).replace(microsecond=0)
        activity_id = publish_test(f"同步开考第{run}场 {now:%H:%M:%S}", now)
        began = time.perf_counter()
        if draw:
            drawn = predraw.draw_papers(db.session, db.session.get_one(Activity, activity_id),
                                        each=lambda _: db.session.commit())
            db.session.commit()
            common.note(f"papers drawn for {drawn} members in {time.perf_counter() - began:.1f} s")
        seconds = time.perf_counter() - began
        db.session.remove()
        db.engine.dispose()
    return activity_id, seconds


def seed_usable(data_path: Path, database_url: str, people: int, members: int) -> bool:
    """Whether ``data_path`` is a seed of this database with ``members`` logged-in members, and
    the database still holds ``people`` people."""
    if not data_path.is_file():
        return False
    data = json.loads(data_path.read_text())
    if data.get("database_url") != database_url or len(data.get("members", [])) < members:
        return False
    try:
        app = bench_app(database_url)
        with app.app_context():
            found = db.session.query(Person.id).count()
            upgrade()  # a seed made before the latest migration: bring it to head
            db.session.remove()
            db.engine.dispose()
    except Exception as error:  # no database, no tables: seed again
        common.note(f"seed not usable ({type(error).__name__}); seeding again")
        return False
    return found >= people


def ensure_seed(args: argparse.Namespace) -> None:
    """Seed the benchmark database and write ``args.data`` unless a usable seed is there."""
    people = max(2500, args.members + args.logins)
    if seed_usable(args.data, args.database_url, people, args.members):
        return
    common.note(f"no usable seed in {args.data}: seeding {args.database_url} "
                f"({people} people, {args.members} logged in; minutes)")
    seed.main(["--database-url", args.database_url, "--members", str(people),
               "--enroll", str(args.members), "--starters", "1", "--tests", "1",
               "--reset", "--out", str(args.data), "--password", args.password])


def cookie_phone(base_url: str, cookie: str) -> Phone:
    phone = Phone(base_url)
    for pair in cookie.split("; "):
        name, _, value = pair.partition("=")
        phone.cookies[name] = value
    return phone


async def start_one(phone: Phone, activity_id: int, at: float, found: dict) -> None:
    """Open the test page, start, and open the first question, at ``at`` (loop time)."""
    await asyncio.sleep(max(0.0, at - asyncio.get_running_loop().time()))
    try:
        page = await phone.request("GET", f"/quiz/activities/{activity_id}")
        started = await phone.request(
            "POST", f"/quiz/activities/{activity_id}/start",
            form={"csrf_token": csrf_token(page.text) or "", "start_key": f"s{random.getrandbits(60)}"})
        location = started.header("Location") or ""  # the first question's page
        question = await phone.request("GET", location.removeprefix(phone.base_url) or "/")
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as error:
        found["errors"].append(type(error).__name__)
        return
    if (page.status, started.status, question.status) != (200, 302, 200) \
            or "/quiz/attempts/" not in location:
        found["errors"].append(f"{page.status}/{started.status}/{question.status}")
        return
    found["page"].append(page.seconds)
    found["start"].append(started.seconds)
    found["question"].append(question.seconds)
    found["whole"].append(page.seconds + started.seconds + question.seconds)


async def login_one(base_url: str, pid: int, password: str, at: float, found: dict) -> None:
    await asyncio.sleep(max(0.0, at - asyncio.get_running_loop().time()))
    try:
        page, done = await Phone(base_url).login(f"139{pid:08d}", password)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as error:
        found["login_errors"].append(type(error).__name__)
        return
    if done.status != 302:
        found["login_errors"].append(str(done.status))
    else:
        found["login"].append(page.seconds + done.seconds)


async def storm(base_url: str, activity_id: int, cookies: list[str], login_ids: list[int],
                password: str, spread: float) -> dict:
    found: dict = {step: [] for step in STEPS} | {"errors": [], "login": [], "login_errors": []}
    loop = asyncio.get_running_loop()
    begin = loop.time() + 0.5
    tasks = [start_one(cookie_phone(base_url, c), activity_id, begin + random.uniform(0, spread),
                       found) for c in cookies]
    tasks += [login_one(base_url, pid, password, begin + random.uniform(0, spread), found)
              for pid in login_ids]
    await asyncio.gather(*tasks)
    found["wall"] = loop.time() - begin
    return found


def figures(values: list[float]) -> list[float]:
    return [1000 * common.median(values), 1000 * common.percentile(values, 0.99),
            1000 * max(values, default=float("nan"))]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/quizapp-sync-start.json"),
                        help="the JSON seed.py wrote (its members' sessions); seeded if missing")
    parser.add_argument("--database-url", default=DATABASE_URL,
                        help=f"the database to seed when there is no seed (default {DATABASE_URL})")
    parser.add_argument("--no-predraw", dest="predraw", action="store_false",
                        help="leave each start to draw its paper (as before papers were drawn ahead)")
    parser.add_argument("--json", action="store_true",
                        help="print, last, one JSON line of the figures")
    parser.add_argument("--members", type=int, default=2000, help="members starting (default 2000)")
    parser.add_argument("--spread", type=float, default=3.0,
                        help="seconds over which the starts arrive (default 3)")
    parser.add_argument("--logins", type=int, default=200,
                        help="other members logging in meanwhile (default 200)")
    parser.add_argument("--runs", type=int, default=1, help="runs, each on a new test (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=1, help="gunicorn --threads")
    parser.add_argument("--password", default="bench1234", help="the members' password")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_seed(args)
    data = json.loads(args.data.read_text())
    cookies = [m["cookie"] for m in data["members"]][:args.members]
    if len(cookies) < args.members:
        raise SystemExit(f"{args.data} has {len(cookies)} members; run seed.py --enroll {args.members}")
    first_login = max(m["person_id"] for m in data["members"]) + 1
    login_ids = list(range(first_login, first_login + args.logins))
    rows, login_rows = [], []
    wholes, errors, walls, draws = [], 0, [], []
    for run in range(1, args.runs + 1):
        activity_id, draw_seconds = new_test(data["database_url"], run, args.predraw)
        draws.append(draw_seconds)
        with common.gunicorn("wsgi:app", common.app_env(data["database_url"]),
                             workers=args.workers, extra=["--threads", str(args.worker_threads)]) as url:
            found = asyncio.run(storm(url, activity_id, cookies, login_ids, args.password,
                                      args.spread))
        common.note(f"run {run}: {len(found['whole'])} starts, {len(found['errors'])} errors, "
                    f"{found['wall']:.1f} s")
        for step in STEPS:
            rows.append([run, step, len(found[step]), *figures(found[step])])
        rows.append([run, "errors", len(found["errors"]), "", "", ""])
        login_rows.append([run, len(found["login"]), len(found["login_errors"]), *figures(found["login"])])
        rows.append([run, "wall s", round(found["wall"], 1), "", "", ""])
        if found["errors"]:
            print(f"run {run} errors (first 10): {found['errors'][:10]}")
        wholes += found["whole"]
        errors += len(found["errors"])
        walls.append(found["wall"])
    print(f"{args.members} members starting within {args.spread:g} s, {args.logins} logins "
          f"meanwhile; gunicorn {args.workers} workers x {args.worker_threads} threads")
    print(common.table(rows, ["run", "step", "count", "p50 ms", "p99 ms", "max ms"]))
    print("logins in the same window:")
    print(common.table(login_rows, ["run", "logins", "errors", "p50 ms", "p99 ms", "max ms"]))
    if args.json:
        print(json.dumps({
            "members": args.members, "spread": args.spread, "logins": args.logins,
            "p50_s": round(common.median(wholes), 3),
            "p95_s": round(common.percentile(wholes, 0.95), 3),
            "p99_s": round(common.percentile(wholes, 0.99), 3),
            "errors": errors, "wall_s": round(max(walls), 1),
            "predraw": args.predraw, "draw_s": round(max(draws), 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
