"""The synchronized start: 2,000 members starting the same quarterly test within a few seconds,
with logins around it measured separately.

    .venv/bin/python bench/load/sync_start.py --data /tmp/quizapp-load.json [--members 2000]
        [--spread 3] [--logins 200] [--runs 1]

Each run publishes a new open test of 30 questions to the whole organization (the publishing
services, as seed.py does), starts gunicorn (the settings of run.py), and then, at a moment
drawn uniformly within ``--spread`` seconds, each of ``--members`` members (logged in earlier by
seed.py: a phone keeps its session, 'remember me') opens the test's page, presses 开始答题 (the
start form) and follows the redirect to the first question, as a phone does. In the same
window ``--logins`` other members (ids after seed.py's) log in through the login form.

Prints per run: starts completed, errors (socket errors, timeouts, an unexpected status), the
wall time, p50/p99/max of each step and of the whole start (page + start + first question),
and the logins' figures. Target: 0 errors, p99 of the whole start < 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load import common  # noqa: E402
from bench.load.client import Phone, csrf_token  # noqa: E402
from bench.load.seed import bench_app, publish_test  # noqa: E402
from quizapp.extensions import db  # noqa: E402

STEPS = ("page", "start", "question", "whole")


def new_test(database_url: str, run: int) -> int:
    app = bench_app(database_url)
    with app.app_context():
        now = datetime.now(timezone.utc).replace(microsecond=0)
        activity_id = publish_test(f"同步开考第{run}场 {now:%H:%M:%S}", now)
        db.session.remove()
        db.engine.dispose()
    return activity_id


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
    parser.add_argument("--data", type=Path, default=Path("/tmp/quizapp-load.json"),
                        help="the JSON seed.py wrote (its members' sessions)")
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
    data = json.loads(args.data.read_text())
    cookies = [m["cookie"] for m in data["members"]][:args.members]
    if len(cookies) < args.members:
        raise SystemExit(f"{args.data} has {len(cookies)} members; run seed.py --enroll {args.members}")
    first_login = max(m["person_id"] for m in data["members"]) + 1
    login_ids = list(range(first_login, first_login + args.logins))
    rows, login_rows = [], []
    for run in range(1, args.runs + 1):
        activity_id = new_test(data["database_url"], run)
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
    print(f"{args.members} members starting within {args.spread:g} s, {args.logins} logins "
          f"meanwhile; gunicorn {args.workers} workers x {args.worker_threads} threads")
    print(common.table(rows, ["run", "step", "count", "p50 ms", "p99 ms", "max ms"]))
    print("logins in the same window:")
    print(common.table(login_rows, ["run", "logins", "errors", "p50 ms", "p99 ms", "max ms"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
