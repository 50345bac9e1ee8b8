"""Generate a large organization with a year of activity, for benchmarks.

    python bench/make_org.py --members 200000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench [--reset] [--seed N]
    python bench/make_org.py --members 5000 --database-url sqlite:///instance/bench.sqlite

The schema comes from the app's migrations (``flask db upgrade``); a database that already has
tables is refused unless ``--reset``, which drops every table in it (point it only at a benchmark
database). Bulk tables go in with ``COPY`` on PostgreSQL (foreign-key
triggers off for the session when allowed; CHECKs still apply) and ``executemany`` on SQLite,
with ids assigned here and sequences moved past them at the end. The bank is built from real
speeches by ``questions`` and imported through ``organize.services``; activities and the point
rules go through the ORM. See bench/README.md for the shape of the data and measured times.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import MetaData, inspect, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import make_org_data as data  # noqa: E402
from bench.make_org_load import Progress, Sink  # noqa: E402
from questions.text import read_speech  # noqa: E402
from quizapp import create_app  # noqa: E402
from quizapp.auth.passwords import hash_password  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import (  # noqa: E402
    Activity, ActivityKind, ActivityStatus, AnswerPolicy, BankQuestion, BlueprintPart, Person,
    QuestionStatus, QuestionType, RuleKind, Speech, StudyPassage, Unit,
)
from quizapp.organize import review, services  # noqa: E402
from quizapp.results.rules import rules_in_effect, validate_point_rules  # noqa: E402
from quizapp.results import rollups  # noqa: E402

UTC = timezone.utc
BEIJING = timezone(timedelta(hours=8))
SPEECHES = [ROOT.parent / "shared" / "speeches" / name
            for name in ("001_a1389f74ba489044.txt", "003_5f25a901ff5ac284.txt")]
STUDY_PARTS = [(QuestionType.SINGLE, 4, 10), (QuestionType.MULTIPLE, 2, 10),
               (QuestionType.JUDGE, 2, 10), (QuestionType.FILL, 2, 10)]
TEST_PARTS = [(QuestionType.SINGLE, 10, 2), (QuestionType.MULTIPLE, 5, 4),
              (QuestionType.JUDGE, 10, 2), (QuestionType.FILL, 5, 2)]
CONCEPTS_PER_SPEECH = 20
QUARTERS = "一二三四"
BULK_TABLES = ["activity_member", "attempt", "attempt_item", "point_entry"]


def prepare_schema(reset: bool) -> None:
    """Refuse a database with tables unless ``reset``; then migrate to head."""
    engine = db.engine
    names = inspect(engine).get_table_names()
    if names and not reset:
        url = engine.url.render_as_string(hide_password=True)
        raise SystemExit(f"{url} already has {len(names)} tables; use --reset to drop them first")
    if names:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                quoted = ", ".join(f'"{name}"' for name in names)
                connection.execute(text(f"DROP TABLE {quoted} CASCADE"))
            else:
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                meta = MetaData()
                meta.reflect(connection)
                meta.drop_all(connection)
    upgrade()


def load_bank(org: data.Org, rng: random.Random, speeches: list[Path]) -> dict[int, list[data.Question]]:
    """Import the speeches into the root's bank and approve the questions of their top concepts.

    Returns the approved questions, rendered for answering, by speech id.
    """
    root, admin = db.session.get_one(Unit, 1), db.session.get_one(Person, org.admin_id)
    by_speech: dict[int, list[data.Question]] = {}
    for path in speeches:
        text_ = "\n".join(read_speech(path).paragraphs)
        speech = services.import_speech(db.session, root, path.name, text_, importer=admin).speech
        rows = list(db.session.scalars(select(BankQuestion).where(BankQuestion.speech_id == speech.id)
                                       .order_by(BankQuestion.id)))
        top = [c for c, _ in Counter(q.concept for q in rows).most_common(CONCEPTS_PER_SPEECH)]
        hard = {c: rng.gauss(0.0, 0.6) + (1.2 if rng.random() < 0.15 else 0.0) for c in top}
        chosen = [q for q in rows if q.concept in hard]
        review.approve_all(chosen, admin)
        by_speech[speech.id] = [
            data.prepare_question({"id": q.id, "type": q.type.value, "options": q.options,
                                   "answer": q.answer, "variants": q.accepted_variants,
                                   "version": q.version}, hard[q.concept], rng)
            for q in chosen]
    db.session.commit()
    return by_speech


def _beijing(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING).astimezone(UTC)


def _month(day: date, shift: int) -> date:
    index = day.year * 12 + day.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


def plan_activities(org: data.Org, bank: dict[int, list[data.Question]], now: datetime,
                    rng: random.Random) -> list[data.Plan]:
    """12 monthly studies up to this month and 4 quarterly tests up to this quarter, published
    to the root; the current ones open now. Returns them as plans (pools by blueprint part)."""
    today = now.astimezone(BEIJING).date()
    speech_ids = sorted(bank)
    every = [q for qs in bank.values() for q in qs]
    specs = []
    for back in range(11, -1, -1):
        start = _month(today, -back)
        opens, closes = _beijing(start), _beijing(_month(start, 1)) - timedelta(minutes=1)
        specs.append((ActivityKind.STUDY, start, f"{start.year}年{start.month}月党建知识月度选学",
                      opens, closes, speech_ids[start.month % len(speech_ids)]))
    quarter = _month(today, -((today.month - 1) % 3))
    for back in range(3, -1, -1):
        start = _month(quarter, -3 * back)
        last = _month(start, 2)
        opens, closes = _beijing(last.replace(day=10)), _beijing(last.replace(day=25), 18)
        specs.append((ActivityKind.TEST, start,
                      f"{start.year}年第{QUARTERS[(start.month - 1) // 3]}季度党建知识测试", opens, closes, None))
    plans = []
    for kind, start, title, opens, closes, speech_id in specs:
        current = closes > now
        if current:
            opens, closes = min(opens, now - timedelta(days=7)), max(closes, now + timedelta(days=21))
        study = kind is ActivityKind.STUDY
        activity = Activity(
            kind=kind, status=ActivityStatus.PUBLISHED, title=title, unit_id=1, period_start=start,
            intro="请认真学习讲话原文选段，完成后答题。" if study else "",
            practice_opens_at=None if study else opens - timedelta(days=7),
            opens_at=opens, closes_at=closes, time_limit_minutes=None if study else 30,
            attempts_allowed=2 if study else 1,
            answers_shown=AnswerPolicy.AFTER_SUBMIT if study else AnswerPolicy.AFTER_CLOSE,
            created_by_id=org.admin_id, created_at=opens - timedelta(days=3),
            published_at=opens - timedelta(days=3),
            finalized_at=None if current else closes + timedelta(minutes=5))
        # As an organizer would: a type the bank has too few of gets what there is, the rest
        # goes to the type it has most of (a speech may have no fair 多选: see questions/lists_ask.py).
        source = bank[speech_id] if study else every
        have = {t: sum(1 for q in source if q.type is t) for t in QuestionType}
        parts, short = [], 0
        for qtype, count, points in (STUDY_PARTS if study else TEST_PARTS):
            if have[qtype] < count:
                short, count = short + count - have[qtype], have[qtype]
            if count:
                parts.append((qtype, count, points))
        if short:
            spare = max(parts, key=lambda part: have[part[0]] - part[1])[0]
            parts = [(t, c + short, p) if t is spare else (t, c, p) for t, c, p in parts]
        activity.parts = [BlueprintPart(position=i, type=t, count=c, points_each=p, speech_id=speech_id)
                          for i, (t, c, p) in enumerate(parts, start=1)]
        pools = []
        for qtype, count, points in parts:
            pool = [q for q in (bank[speech_id] if study else every) if q.type is qtype]
            if len(pool) < count:
                raise SystemExit(f"the bank has {len(pool)} approved {qtype.value} questions; {title} needs {count}")
            pools.append((pool, count, points))
        db.session.add(activity)
        db.session.flush()
        if study:
            _add_passages(activity, speech_id, rng)
        plans.append(data.Plan(activity.id, kind.value, title, opens, closes,
                               activity.time_limit_minutes, pools, current, activity.attempts_allowed))
    db.session.commit()
    return plans


def _add_passages(activity: Activity, speech_id: int, rng: random.Random) -> None:
    """Two passages of the speech around approved questions' paragraphs."""
    rows = db.session.execute(select(BankQuestion.paragraph, BankQuestion.concept).where(
        BankQuestion.speech_id == speech_id, BankQuestion.status == QuestionStatus.APPROVED,
        BankQuestion.paragraph.is_not(None)).order_by(BankQuestion.id)).all()
    last = len(db.session.get_one(Speech, speech_id).paragraphs) - 1
    for position, (paragraph, concept) in enumerate(sorted(rng.sample(rows, 2)), start=1):
        activity.passages.append(StudyPassage(position=position, speech_id=speech_id,
                                              first_paragraph=max(0, paragraph - 1),
                                              last_paragraph=min(last, paragraph + 1), concept=concept[:200]))


def _phase(timings: dict[str, float], name: str, progress: Progress) -> None:
    timings[name] = progress.close()


def generate(args: argparse.Namespace) -> dict:
    """Fill the empty (or reset) database; returns the figures the summary prints."""
    rng = random.Random(args.seed)
    now = args.now or datetime.now(UTC).replace(second=0, microsecond=0)
    timings: dict[str, float] = {}
    progress = Progress("schema", 1)
    prepare_schema(args.reset)
    _phase(timings, "schema", progress)

    progress = Progress("org", args.members)
    org = data.build_org(args.members, rng)
    password_hash = hash_password(args.password)
    dialect = db.engine.dialect.name
    sink = Sink(db.engine.raw_connection(), dialect)
    sink.defer_indexes(BULK_TABLES)
    year_ago = now - timedelta(days=400)
    sink.put("unit", data.UNIT_COLUMNS, org.units)
    for chunk in _chunks(data.person_rows(org, password_hash, year_ago, rng), 20000):
        sink.put("person", data.PERSON_COLUMNS, chunk)
        progress.advance(len(chunk))
    sink.put("role_grant", data.GRANT_COLUMNS, list(data.grant_rows(org)))
    sink.commit()
    sink.flush()
    _phase(timings, "org", progress)

    progress = Progress("bank", 1)
    bank = load_bank(org, rng, args.speeches)
    version = rules_in_effect(db.session, RuleKind.POINTS, 1, now.date())
    rules, version_id = validate_point_rules(version.rules), version.id
    plans = plan_activities(org, bank, now, rng)
    _phase(timings, "bank", progress)

    progress = Progress("audience", len(plans) * org.members)
    for plan in plans:
        overrides = _overrides(org, now, rng) if plan.current and plan.kind == "test" else {}
        for chunk in _chunks(data.member_rows(plan.id, org, plan.opens_at - timedelta(days=3), overrides), 20000):
            sink.put("activity_member", data.MEMBER_COLUMNS, chunk)
            progress.advance(len(chunk))
        sink.commit()
    sink.flush()
    _phase(timings, "audience", progress)

    progress = Progress("attempts", len(plans) * org.members)
    ids = data.Ids()
    for plan in plans:
        with_items = plan.kind == "test" or args.study_items == "all"
        done = 0
        for members_done, attempts, items, entries in data.activity_chunks(
                plan, org, rules, version_id, now, ids, rng, with_items):
            sink.put("attempt", data.ATTEMPT_COLUMNS, attempts)
            sink.put("attempt_item", data.ITEM_COLUMNS, items)
            sink.put("point_entry", data.ENTRY_COLUMNS, entries)
            progress.advance(members_done - done)
            done = members_done
        sink.commit()
    entries, decisions = data.manual_entries(org, ids, now, rng)
    sink.put("point_entry", data.ENTRY_COLUMNS, entries)
    sink.put("point_decision", data.DECISION_COLUMNS, decisions)
    sink.commit()
    sink.flush()
    _phase(timings, "attempts", progress)

    progress = Progress("indexes", len(sink.deferred))
    sink.restore_indexes(progress)
    _phase(timings, "indexes", progress)

    progress = Progress("finish", 1)
    sink.close()
    _finish(dialect)
    _phase(timings, "finish", progress)

    progress = Progress("rollups", 1)
    rollups.rebuild_all(db.session)  # what `flask report rebuild-rollups` does
    db.session.commit()
    _phase(timings, "rollups", progress)
    return {"org": org, "timings": timings, "password": args.password}


def _chunks(rows, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _overrides(org: data.Org, now: datetime, rng: random.Random) -> dict[int, tuple]:
    """Extra time for a few members of the current test (出差), set by their secretary."""
    chosen = rng.sample(range(org.members), min(org.members, max(2, org.members // 20000)))
    return {i + 1: (15, None, None, "出差在外，网络不便", org.secretaries[org.person_branch[i]],
                    now - timedelta(days=1), None) for i in chosen}


def _finish(dialect: str) -> None:
    """Move each id sequence past the ids assigned here; ANALYZE on PostgreSQL."""
    with db.engine.connect() as connection:
        if dialect == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key:
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f" coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
            connection.commit()
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        else:
            connection.exec_driver_sql("ANALYZE")


def summary(result: dict, total: float) -> str:
    """Rows per table, seconds per phase, total time, size and the demo logins."""
    org: data.Org = result["org"]
    lines = ["", f"{'table':<18}{'rows':>12}"]
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            count = connection.execute(text(f"SELECT count(*) FROM {table.name}")).scalar_one()
            lines.append(f"{table.name:<18}{count:>12,}")
        if connection.dialect.name == "postgresql":
            size = connection.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar_one()
            lines.append(f"database size: {size}")
    lines.append("")
    lines += [f"{name:<10}{seconds:8.1f} s" for name, seconds in result["timings"].items()]
    lines.append(f"{'total':<10}{total:8.1f} s")
    secretary, member = org.secretaries[0], org.secretaries[0] + 1 if org.members > 1 else 1
    lines.append(f"\nlogins (password {result['password']}): admin 139{org.admin_id:08d}, organizer "
                 f"139{next(iter(org.organizers.values())):08d}, secretary 139{secretary:08d}, "
                 f"member 139{member:08d}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200000, help="members to generate (default 200000)")
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL of the benchmark database")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--reset", action="store_true", help="drop everything in the database first")
    parser.add_argument("--now", type=datetime.fromisoformat, default=None,
                        help="the current time, ISO with offset (default: now); the last study and test are open")
    parser.add_argument("--study-items", choices=("all", "none", "auto"), default="auto",
                        help="store the items of study attempts (auto: only up to 20000 members)")
    parser.add_argument("--password", default="bench1234", help="every member's password (default bench1234)")
    parser.add_argument("--speeches", type=Path, nargs="+", default=SPEECHES, help="speeches of the bank")
    args = parser.parse_args(argv)
    if args.members < 1:
        parser.error("--members must be at least 1")
    if args.now is not None and args.now.tzinfo is None:
        parser.error("--now needs a UTC offset, e.g. 2026-11-22T10:00+08:00")
    missing = [str(path) for path in args.speeches if not path.is_file()]
    if missing:
        parser.error(f"speech not found: {', '.join(missing)} (pass --speeches FILE...)")
    if args.study_items == "auto":
        args.study_items = "all" if args.members <= 20000 else "none"
    return args


def _sqlite_from_cwd(url: str) -> str:
    """A relative SQLite path is taken from the current directory (Flask-SQLAlchemy would take it
    from the instance folder); its folder is created."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database or parsed.database == ":memory:":
        return url
    path = Path(parsed.database).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return parsed.set(database=str(path)).render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> int:
    """Generate the organization into ``--database-url``; prints the summary."""
    args = parse_args(argv)
    started = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": _sqlite_from_cwd(args.database_url), "SECRET_KEY": "make-org"})
    with app.app_context():
        try:
            result = generate(args)
            print(summary(result, time.perf_counter() - started))
        finally:
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
