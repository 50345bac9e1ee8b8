"""CPU of one request on the answering path, in process: where an autosave (or a question page,
or a submit) spends its time, without wrk, gunicorn or the network in the way.

    .venv/bin/python bench/load/seed.py --members 300 --enroll 40 --starters 40 --tests 1 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_prof --reset \\
        --out /tmp/prof.json
    .venv/bin/python bench/load/profile_request.py /tmp/prof.json --kind autosave \\
        --requests 3000 [--profile 25]

The app is built as a production server builds it (``QUIZAPP_ENV=production``, the seed's
secret key, CSRF on) and driven with Flask's test client carrying each member's session cookie
and CSRF header, members and questions in turn, as the wrk script does. Prints the median and
p90 of the process CPU and of the wall time per request over ``--rounds`` rounds; with
``--profile N`` a cProfile of one more round, its N most expensive functions by own time and
by cumulative time. ``--kind hello`` times the hello world of ``hello.py`` through the same
test client (no seed needed): the ceiling's side of the ratio ``run.py`` reports.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load import common  # noqa: E402


def build_app(database_url: str):
    os.environ.update({k: v for k, v in common.app_env(database_url).items()
                       if k.startswith("QUIZAPP_")})
    from quizapp import create_app
    return create_app()


def senders(app, seed: dict, kind: str, predraw: bool = False,
            batch: int = 5) -> list[Callable[[], int]]:
    """One callable per request to send, in the order the wrk scripts send them. A start needs
    only a logged-in member: every member of the seed starts (the others, members with
    attempts); with ``predraw`` the new test's papers are drawn first (untimed), as the close-due
    job draws them right after publication. ``batch``: answers a request for the batch kind."""
    rows = [row for row in seed["members"] if row["attempts"] or kind == "start"]
    clients = []
    for row in rows:
        client = app.test_client()
        for part in row["cookie"].split("; "):
            name, _, value = part.partition("=")
            client.set_cookie(name, value, domain="localhost")
        clients.append((client, row))
    sequence = [int(time.time() * 100000)]

    def autosave(client, row, attempt, question: int) -> Callable[[], int]:
        def send() -> int:
            sequence[0] += 1
            qid, shown = attempt["items"][question % len(attempt["items"])]
            return client.post(f"/quiz/attempts/{attempt['id']}/answers",
                               json={"question_id": qid, "response": shown, "seq": sequence[0]},
                               headers={"X-CSRFToken": row["csrf"]}).status_code
        return send

    def batched(client, row, attempt, question: int) -> Callable[[], int]:
        def send() -> int:
            items = attempt["items"]
            entries = []
            for k in range(min(batch, len(items))):
                sequence[0] += 1
                qid, shown = items[(question * batch + k) % len(items)]
                entries.append({"question_id": qid, "response": shown, "seq": sequence[0]})
            reply = client.post(f"/quiz/attempts/{attempt['id']}/answers",
                                json={"answers": entries}, headers={"X-CSRFToken": row["csrf"]})
            return reply.status_code if reply.get_json().get("ok") else 409
        return send

    def page(client, row, attempt, question: int) -> Callable[[], int]:
        def send() -> int:
            position = question % len(attempt["items"]) + 1
            return client.get(f"/quiz/attempts/{attempt['id']}/q/{position}").status_code
        return send

    def submit(client, row, attempt) -> Callable[[], int]:
        def send() -> int:
            status = client.post(f"/quiz/attempts/{attempt['id']}/submit",
                                 data={"csrf_token": row["csrf"]}).status_code
            return 200 if status == 302 else status
        return send

    def start(client, row, activity_id: int, serial: int) -> Callable[[], int]:
        def send() -> int:
            status = client.post(f"/quiz/activities/{activity_id}/start",
                                 data={"csrf_token": row["csrf"],
                                       "start_key": f"prof-{activity_id}-{serial}"}).status_code
            return 200 if status == 302 else status
        return send

    out = []
    if kind == "start":  # every member once into a test published now (one per round)
        from bench.load.seed import publish_test
        from quizapp.models.base import utcnow
        with app.app_context():
            activity_id = publish_test(f"profile_request {time.time():.0f}", utcnow())
            if predraw:
                from quizapp.extensions import db
                from quizapp.models import Activity
                from quizapp.quiz import predraw as papers
                papers.draw_papers(db.session, db.session.get_one(Activity, activity_id),
                                   each=lambda _: db.session.commit())
                db.session.commit()
        return [start(client, row, activity_id, serial)
                for serial, (client, row) in enumerate(clients)]
    if kind == "submit":  # each attempt of the other tests once, if still open
        from sqlalchemy import select

        from quizapp.extensions import db
        from quizapp.models import Attempt, AttemptStatus
        with app.app_context():
            still_open = set(db.session.scalars(
                select(Attempt.id).where(Attempt.status == AttemptStatus.OPEN)))
        for client, row in clients:
            out += [submit(client, row, attempt) for attempt in row["attempts"][1:]
                    if attempt["id"] in still_open]
        return out
    make = {"autosave": autosave, "page": page, "batch": batched}[kind]
    for question in range(30):
        for client, row in clients:
            out.append(make(client, row, row["attempts"][0], question))
    return out


def run_round(sends: list[Callable[[], int]], start: int,
              count: int) -> tuple[list[float], list[float]]:
    """Send ``count`` requests from ``start`` on (going round the list); CPU and wall of each."""
    cpu, wall = [], []
    for index in range(start, start + count):
        send = sends[index % len(sends)]
        c0, w0 = time.process_time(), time.perf_counter()
        status = send()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        if status != 200:
            raise SystemExit(f"request {index} answered {status}")
    return cpu, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", type=Path, nargs="?",
                        help="the JSON seed.py wrote (not needed for --kind hello)")
    parser.add_argument("--kind", choices=["autosave", "batch", "page", "submit", "start", "hello"],
                        default="autosave",
                        help="submit: every attempt of the seed's other tests once, so the "
                        "requests of all rounds together must not exceed them; start: every "
                        "round publishes a new test and each member starts it once; hello: "
                        "GET / of the hello world, the ceiling")
    parser.add_argument("--requests", type=int, default=2000, help="requests per round")
    parser.add_argument("--predraw", action="store_true",
                        help="start: draw each new test's papers first, as the close-due job does")
    parser.add_argument("--batch", type=int, default=5,
                        help="answers a request for --kind batch (the answering page's batch)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile one more round and print the N most expensive functions")
    args = parser.parse_args(argv)
    if args.seed is None and args.kind != "hello":
        parser.error("the seed is needed for every kind but hello")
    seed = json.loads(args.seed.read_text()) if args.seed else {}
    if args.kind == "hello":  # the ceiling through the same test client: the ratio run.py measures
        from bench.load.hello import app as hello_app
        client = hello_app.test_client()
        sends = [lambda: client.get("/").status_code]
    else:
        app = build_app(seed["database_url"])
        sends = senders(app, seed, args.kind, args.predraw, args.batch)
    if args.kind == "start":  # a new test every round, each member starting it once
        args.requests = len(sends)
        round_sends = lambda: senders(app, seed, "start", args.predraw)  # noqa: E731
    else:
        round_sends = lambda: sends  # noqa: E731
    # Rounds take the requests in turn; a submit must not come round a second time.
    warm = 20 if args.kind == "submit" else min(200, args.requests)
    needed = warm + args.requests * (args.rounds + bool(args.profile))
    if not sends or (args.kind == "submit" and needed > len(sends)):
        raise SystemExit(f"{len(sends)} requests to send, {needed} needed: seed again")
    run_round(sends, 0, warm)  # warm the statement caches and the pool
    offset = warm
    means = []
    for number in range(args.rounds):
        sends = round_sends()
        cpu, wall = run_round(sends, offset, args.requests)
        offset += args.requests
        cpu_ms, wall_ms = [1000 * v for v in cpu], [1000 * v for v in wall]
        means.append(statistics.mean(cpu_ms))
        print(f"round {number + 1}: {args.kind} CPU mean {statistics.mean(cpu_ms):.2f} ms "
              f"(process time is counted in ticks: the mean is the figure), wall p50 "
              f"{statistics.median(wall_ms):.2f} ms, p90 {common.percentile(wall_ms, 0.9):.2f} ms")
    print(f"{args.kind}: median of the rounds' mean CPU {statistics.median(means):.2f} ms "
          f"a request ({args.requests} requests × {args.rounds} rounds)")
    if args.kind == "batch":
        print(f"batch: {statistics.median(means) / args.batch:.2f} ms of CPU an answer "
              f"({args.batch} answers a request)")
    if args.profile:
        sends = round_sends()
        profiler = cProfile.Profile()
        profiler.enable()
        run_round(sends, offset, args.requests)
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.profile)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
