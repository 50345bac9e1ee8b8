"""Seed the load benchmarks: schema, an organization, an approved bank, open quarterly tests,
and members logged in with their attempts started, all through the app's own paths.

    .venv/bin/python bench/load/seed.py --members 2500 --enroll 1200 --tests 3 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load --out /tmp/load.json

1. ``flask db upgrade`` (the app's migrations) into the database (``--reset`` drops its tables
   first); the organization (one 机关党委, its 党总支, branches of 20–180 members, groups) from
   ``bench/make_org_data`` loaded in bulk, every member with one real Argon2 hash of
   ``--password``; the bank from two speeches of ../shared/speeches imported by
   ``organize.services`` and approved (as make_org.py does); ``--tests`` open quarterly tests of
   30 questions (10 单选×2, 10 多选×4, 5 判断×2, 5 填空×2) created and published to the whole
   organization by ``quizapp.publish.services``. No time limit, so the attempts stay open for as
   long as the benchmarks run (the deadline check still runs, against the close).
2. A gunicorn (2 sync workers) on the database; ``--enroll`` members log in through the real
   login form (GET the form, POST it with its CSRF token, at the real Argon2 cost, 'remember me'
   on as on a phone) and start one attempt per test on the test's page (GET the page, POST its
   start form). Logins and starts are timed and printed.
3. ``--out``: JSON with, per member, the cookies, a CSRF token of the session, and per attempt
   its id and, per question, its id and a valid answer in display form (what the page's
   script would send). The CSRF tokens are valid for an hour (Flask-WTF's default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import bindparam, func, select, update  # noqa: E402

from bench import make_org_data as data  # noqa: E402
from bench.load import common  # noqa: E402
from bench.load.client import Phone, csrf_token  # noqa: E402
from bench.make_org import SPEECHES, TEST_PARTS, _finish, load_bank, prepare_schema  # noqa: E402
from bench.make_org_load import Sink  # noqa: E402
from quizapp import create_app  # noqa: E402
from quizapp.auth.passwords import hash_password  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import (  # noqa: E402
    ActivityKind, AnswerPolicy, AttemptItem, BankQuestion, QuestionStatus, QuestionType,
)
from quizapp.publish import services as publish  # noqa: E402
from quizapp.results.periods import quarter_start  # noqa: E402
from quizapp.publish.specs import ActivitySpec, PartSpec  # noqa: E402
from quizapp.quiz.responses import blank_count, to_stored  # noqa: E402

UTC = timezone.utc
PASSWORD = "bench1234"


def bench_app(database_url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": common.SECRET_KEY})


# Every speech of ../shared/speeches: the two of make_org.py give 34 key points, and a paper
# holds one question a key point (variants give one another away), too few for 30 questions.
SEED_SPEECHES = sorted(SPEECHES[0].parent.glob("*.txt")) or SPEECHES


def fitted_parts() -> list[PartSpec]:
    """``TEST_PARTS`` as an organizer fits them to the bank (as make_org.py does): a type with
    fewer approved key points than its count gets what there is, the rest goes to the type with
    the most to spare."""
    have = dict(db.session.execute(
        select(BankQuestion.type, func.count(BankQuestion.point.distinct()))
        .where(BankQuestion.status == QuestionStatus.APPROVED).group_by(BankQuestion.type)).all())
    parts, short = [], 0
    for qtype, count, points in TEST_PARTS:
        take = min(count, have.get(qtype, 0))
        short += count - take
        if take:
            parts.append([qtype, take, points])
    for part in sorted(parts, key=lambda p: p[1] - have[p[0]]):
        extra = min(short, have[part[0]] - part[1])
        part[1], short = part[1] + extra, short - extra
    return [PartSpec(qtype, count, points) for qtype, count, points in parts]


def publish_test(title: str, now: datetime) -> int:
    """Create and publish an open quarterly test of 30 questions (fewer if the bank is short)
    to the root (app context)."""
    spec = ActivitySpec(
        kind=ActivityKind.TEST, title=title, unit_id=1, period_start=quarter_start(now.date()),
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=14),
        answers_shown=AnswerPolicy.AFTER_CLOSE,  # as a quarterly test: no 错题本 on submit
        parts=fitted_parts())
    activity = publish.create_activity(db.session, spec, by=None)
    publish.publish_activity(db.session, activity, now=now)
    db.session.commit()
    return activity.id


def build(database_url: str, members: int, tests: int, *, reset: bool, seed: int,
          password: str) -> list[int]:
    """Schema, organization, bank and ``tests`` open tests; returns the tests' ids."""
    common.ensure_database(database_url)
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    app = bench_app(database_url)
    with app.app_context():
        prepare_schema(reset)
        org = data.build_org(members, rng)
        sink = Sink(db.engine.raw_connection(), db.engine.dialect.name)
        sink.put("unit", data.UNIT_COLUMNS, org.units)
        sink.put("person", data.PERSON_COLUMNS,
                 list(data.person_rows(org, hash_password(password), now - timedelta(days=30), rng)))
        sink.put("role_grant", data.GRANT_COLUMNS, list(data.grant_rows(org)))
        sink.commit()
        sink.close()
        _finish(db.engine.dialect.name)  # sequences past the ids given above
        load_bank(org, rng, SEED_SPEECHES)
        ids = [publish_test(f"负载测试第{n + 1}套季度测试", now) for n in range(tests)]
        _finish(db.engine.dialect.name)
        db.session.remove()
        db.engine.dispose()
    return ids


def shown_answer(qtype: QuestionType, options: int, blanks: int, rng: random.Random) -> object:
    """A valid answer in display form, as the answering page's script sends it."""
    if qtype is QuestionType.SINGLE:
        return rng.randrange(options)
    if qtype is QuestionType.MULTIPLE:
        return sorted(rng.sample(range(options), min(options, 2)))
    if qtype is QuestionType.JUDGE:
        return rng.random() < 0.5
    return ["学习"] * blanks


def describe_attempts(database_url: str, attempt_ids: list[int], seed: int) -> dict[int, list]:
    """Per attempt, [question id, an answer in display form] in position order.

    The same answers are stored in the items (``to_stored``, saved_seq 1), as if the member
    had answered every question before the benchmarks: the submit then grades real answers.
    This bulk write skips the autosave endpoint (90,000 saves would take minutes); the
    autosave benchmark sends higher sequence numbers, so it still stores every save.
    """
    rng = random.Random(seed)
    app = bench_app(database_url)
    found: dict[int, list] = {aid: [] for aid in attempt_ids}
    with app.app_context():
        rows = db.session.execute(
            select(AttemptItem.id, AttemptItem.attempt_id, AttemptItem.question_id,
                   AttemptItem.option_order, BankQuestion.type, BankQuestion.options,
                   BankQuestion.stem, BankQuestion.answer)
            .join(BankQuestion, AttemptItem.question_id == BankQuestion.id)
            .where(AttemptItem.attempt_id.in_(attempt_ids))
            .order_by(AttemptItem.attempt_id, AttemptItem.position)).all()
        stored = []
        for item_id, aid, qid, order, qtype, options, stem, answer in rows:
            blanks = blank_count(stem, len(answer) if isinstance(answer, list) else 0)
            shown = shown_answer(qtype, len(options or []), blanks, rng)
            found[aid].append([qid, shown])
            stored.append({"item_id": item_id, "response": to_stored(qtype, order, blanks, shown)})
        db.session.execute(
            update(AttemptItem.__table__).where(AttemptItem.__table__.c.id == bindparam("item_id"))
            .values(response=bindparam("response"), saved_seq=1, answered_at=datetime.now(UTC)),
            stored)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return found


async def retried(action, tries: int = 6):
    """Run ``action()`` (a coroutine factory returning a Reply or a tuple ending in one) again
    after a 503 or a socket error: other benchmarks on this machine restart PostgreSQL."""
    for attempt in range(tries):
        try:
            result = await action()
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            if attempt == tries - 1:
                raise
        else:
            last = result[-1] if isinstance(result, tuple) else result
            if getattr(last, "status", None) != 503 or attempt == tries - 1:
                return result
        await asyncio.sleep(2.0 * (attempt + 1))
    raise AssertionError("unreachable")


async def log_in(base_url: str, person_ids: list[int], password: str,
                 concurrency: int) -> tuple[list[Phone], list[float], float]:
    """Log the members in through the login form; returns phones, seconds per login, wall time."""
    limit = asyncio.Semaphore(concurrency)
    seconds: list[float] = []

    async def one(pid: int) -> Phone:
        phone = Phone(base_url)
        async with limit:
            page, done = await retried(lambda: phone.login(f"139{pid:08d}", password))
        if done.status != 302 or "session" not in phone.cookies:
            raise RuntimeError(f"login of person {pid} failed: {done.status} {done.text[:300]}")
        seconds.append(page.seconds + done.seconds)
        return phone

    started = time.perf_counter()
    phones = await asyncio.gather(*(one(pid) for pid in person_ids))
    return phones, seconds, time.perf_counter() - started


async def start_attempt(phone: Phone, activity_id: int) -> tuple[int, str, list[float]]:
    """Open the test's page and press 开始答题; returns the attempt id, the CSRF token and
    the seconds of the page and of the start."""
    page = await retried(lambda: phone.request("GET", f"/quiz/activities/{activity_id}"))
    token = csrf_token(page.text)
    key = f"bench-{activity_id}-{random.getrandbits(40)}"  # a retried start finds its attempt
    started = await retried(lambda: phone.request(
        "POST", f"/quiz/activities/{activity_id}/start",
        form={"csrf_token": token or "", "start_key": key}))
    location = started.header("Location") or ""
    if started.status != 302 or "/quiz/attempts/" not in location:
        raise RuntimeError(f"start failed: {page.status}/{started.status} {location} "
                           f"{started.text[:300]}")
    attempt_id = int(location.rstrip("/").split("/quiz/attempts/")[1].split("/")[0])
    return attempt_id, token or "", [page.seconds, started.seconds]


async def enroll(base_url: str, person_ids: list[int], activity_ids: list[int], password: str,
                 concurrency: int, starters: int) -> tuple[list[dict], dict]:
    """Log the members in, and the first ``starters`` of them start one attempt per test;
    returns rows and timings."""
    phones, login_seconds, login_wall = await log_in(base_url, person_ids, password, concurrency)
    limit = asyncio.Semaphore(concurrency)
    start_seconds: list[float] = []

    async def starts(pid: int, phone: Phone) -> dict:
        attempts, token = [], ""
        if pid > starters:  # logged in only: its CSRF token from the home page
            async with limit:
                home = await retried(lambda: phone.request("GET", "/quiz/"))
                token = csrf_token(home.text) or ""
        for activity_id in activity_ids if pid <= starters else []:
            async with limit:
                attempt_id, token, timing = await start_attempt(phone, activity_id)
            start_seconds.append(timing[1])
            attempts.append({"id": attempt_id, "activity_id": activity_id})
        return {"person_id": pid, "cookie": phone.cookie_header, "csrf": token,
                "attempts": attempts}

    started = time.perf_counter()
    rows = await asyncio.gather(*(starts(pid, phone) for pid, phone in zip(person_ids, phones)))
    timings = {"logins": len(person_ids), "login_wall_s": login_wall,
               "login_p50_ms": 1000 * common.median(login_seconds),
               "login_p99_ms": 1000 * common.percentile(login_seconds, 0.99),
               "starts": len(start_seconds), "start_wall_s": time.perf_counter() - started,
               "start_p50_ms": 1000 * common.median(start_seconds),
               "start_p99_ms": 1000 * common.percentile(start_seconds, 0.99)}
    return list(rows), timings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=common.DEFAULT_DATABASE_URL,
                        help=f"benchmark database (default {common.DEFAULT_DATABASE_URL})")
    parser.add_argument("--members", type=int, default=2500, help="members in the organization")
    parser.add_argument("--enroll", type=int, default=2000,
                        help="members who log in, 1..N (default 2000; sync_start.py needs 2000)")
    parser.add_argument("--starters", type=int, default=600,
                        help="of them, members who start an attempt in every test (default 600)")
    parser.add_argument("--tests", type=int, default=4, help="open quarterly tests (default 4)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/quizapp-load.json"),
                        help="where to write the members' sessions (JSON)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--password", default=PASSWORD, help="every member's password")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--reset", action="store_true", help="drop every table in the database first")
    args = parser.parse_args(argv)
    if not 1 <= args.enroll <= args.members:
        parser.error("--enroll must be between 1 and --members")
    if not 1 <= args.starters <= args.enroll:
        parser.error("--starters must be between 1 and --enroll")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    activity_ids = build(args.database_url, args.members, args.tests, reset=args.reset,
                         seed=args.seed, password=args.password)
    built = time.perf_counter() - began
    print(f"schema, {args.members} members, bank and {args.tests} tests: {built:.1f} s")
    with common.gunicorn("wsgi:app", common.app_env(args.database_url)) as base_url:
        rows, timings = asyncio.run(enroll(base_url, list(range(1, args.enroll + 1)),
                                           activity_ids, args.password, args.concurrency,
                                           args.starters))
    items = describe_attempts(args.database_url, [a["id"] for r in rows for a in r["attempts"]],
                              args.seed)
    for row in rows:
        for attempt in row["attempts"]:
            attempt["items"] = items[attempt["id"]]
    common.vacuum_analyze(args.database_url)
    args.out.write_text(json.dumps({"database_url": args.database_url,
                                    "activities": activity_ids, "members": rows}))
    print(f"{timings['logins']} logins in {timings['login_wall_s']:.1f} s "
          f"({timings['logins'] / timings['login_wall_s']:.1f}/s at concurrency "
          f"{args.concurrency}; p50 {timings['login_p50_ms']:.0f} ms, p99 "
          f"{timings['login_p99_ms']:.0f} ms, form GET + POST)")
    print(f"{timings['starts']} starts in {timings['start_wall_s']:.1f} s "
          f"({timings['starts'] / timings['start_wall_s']:.1f}/s incl. the test page; start POST "
          f"p50 {timings['start_p50_ms']:.0f} ms, p99 {timings['start_p99_ms']:.0f} ms)")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
