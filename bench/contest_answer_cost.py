"""What one live-contest answer (and one phone poll) costs, in process: CPU, wall, SQL
statements, transactions and Redis commands, and where the CPU goes (cProfile).

    .venv/bin/python bench/contest_answer_cost.py --database-url postgresql+psycopg://…/DB \
        [--redis-url redis://127.0.0.1:6379/7] [--phones 200] [--top 25] [--profile answers|polls]

THE DATABASE'S TABLES ARE DROPPED AND CREATED AGAIN (the seed of ``contest_answers.py``). The app
runs as in production (CSRF on, the contest state in Redis) under Flask's test client in this
one thread, so the figures are the app's own work per request without gunicorn, HTTP or other
requests competing: each phone polls the state once, then answers the open question once. In a
second pass of the same kind (the next question) the answers, or with ``--profile polls`` the
polls, run under cProfile, so that the timings of the first pass carry no profiler overhead.
CPU time is the figure to compare on a shared machine; wall time waits for PostgreSQL too.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from bench.contest_answers import PASSWORD, csrf_of, seed  # noqa: E402
from quizapp import create_app  # noqa: E402
from quizapp.extensions import db  # noqa: E402


class Counter:
    """SQL statements, transaction ends and Redis commands seen since the last ``take``."""

    def __init__(self) -> None:
        self.statements = self.commits = self.redis = 0

    def take(self) -> tuple[int, int, int]:
        taken = self.statements, self.commits, self.redis
        self.statements = self.commits = self.redis = 0
        return taken


def instrument(app: Any, counter: Counter) -> None:
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(*_: Any) -> None:
        counter.statements += 1

    @event.listens_for(engine, "commit")
    def _commit(*_: Any) -> None:
        counter.commits += 1

    client = app.extensions.get("contest_redis")
    if client is not None:
        original = client.execute_command

        def counted(*args: Any, **kwargs: Any) -> Any:
            counter.redis += 1
            return original(*args, **kwargs)

        client.execute_command = counted


def measure(counter: Counter, call: Any) -> tuple[float, float, tuple[int, int, int], Any]:
    counter.take()
    cpu, wall = time.process_time(), time.perf_counter()
    result = call()
    return ((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000,
            counter.take(), result)


def summary(name: str, rows: list[tuple[float, float, tuple[int, int, int], Any]]) -> None:
    cpu = [row[0] for row in rows]
    wall = [row[1] for row in rows]
    counts = [row[2] for row in rows]
    print(f"{name}: {len(rows)} requests; CPU median {statistics.median(cpu):.2f} ms, "
          f"wall median {statistics.median(wall):.2f} ms (p90 {sorted(wall)[int(.9 * len(wall))]:.2f}); "
          f"per request: SQL statements {statistics.mean(c[0] for c in counts):.2f}, "
          f"commits {statistics.mean(c[1] for c in counts):.2f}, "
          f"Redis commands {statistics.mean(c[2] for c in counts):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--profile", choices=("answers", "polls"), default="answers")
    args = parser.parse_args()

    contest_id, code, numbers, organizer_phone = seed(args.database_url, args.phones, questions=2)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-cost",
                      "QUIZAPP_ENV": "production", "CONTEST_REDIS_URL": args.redis_url,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
                      "RATELIMIT_ENABLED": False})
    counter = Counter()
    instrument(app, counter)

    def logged_in(phone: str) -> Any:
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        response = client.post("/auth/login", data={"account": phone, "password": PASSWORD,
                                                     "csrf_token": token})
        assert response.status_code == 302, response.status_code
        return client

    host = logged_in(organizer_phone)
    host_csrf = csrf_of(host.get(f"/contest/{contest_id}/host").get_data())
    phones = []
    for number in numbers:
        client = logged_in(number)
        page = client.get(f"/contest/j/{code}").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        response = client.post(f"/contest/j/{code}", data={"csrf_token": token}, follow_redirects=True)
        assert response.status_code == 200, response.status_code
        phones.append((client, csrf_of(response.get_data())))
    print(f"{len(phones)} phones logged in and joined (PostgreSQL and Redis on this machine)")

    def move(phase: str, position: int) -> None:
        response = host.post(f"/contest/{contest_id}/advance", json={"phase": phase, "position": position},
                             headers={"X-CSRFToken": host_csrf})
        assert response.status_code == 200, response.get_json()

    def wave(position: int, profile: cProfile.Profile | None = None) -> tuple[list[Any], list[Any]]:
        polls, answers = [], []
        if profile is not None and args.profile == "polls":
            profile.enable()
        for client, _ in phones:
            polls.append(measure(counter, lambda c=client: c.get(f"/contest/{contest_id}/state")))
        if profile is not None:
            profile.disable()
        if profile is not None and args.profile == "answers":
            profile.enable()
        for client, token in phones:
            answers.append(measure(counter, lambda c=client, t=token: c.post(
                f"/contest/{contest_id}/answer", json={"position": position, "response": 1},
                headers={"X-CSRFToken": t})))
        if profile is not None:
            profile.disable()
        assert all(row[3].status_code == 200 for row in polls + answers)
        return polls, answers

    move("lobby", 0)
    polls, answers = wave(0)
    summary("phone poll", polls)
    summary("answer", answers)
    move("question", 0)
    move("reveal", 0)
    profile = cProfile.Profile(time.process_time)  # CPU time: the machine may be shared
    wave(1, profile)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(f"cProfile of the next question's {len(phones)} {args.profile}, CPU time, by cumulative, then own time:")
    print(out.getvalue())
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
