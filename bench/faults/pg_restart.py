"""PostgreSQL restarted under a load of autosaves: the app recovers by itself, loses nothing.

    .venv/bin/python bench/faults/pg_restart.py \\
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_faults] [--dry-run]

It RESTARTS THE WHOLE POSTGRESQL SERVER (``pg_ctlcluster --skip-systemctl-redirect 15 main
restart``), so every other user of that server loses its connections for a moment: run it on
a machine of its own or when nobody else's tests are running.

1. The database (``bench_faults`` by default; created if missing, its tables dropped and
   rebuilt from the models) gets one branch, ``--members`` members (real Argon2 hashes) and a
   speech of ``--questions`` approved fill-in questions.
2. gunicorn with deploy/gunicorn.conf.py (2 workers of 8 threads) serves the app; each member logs in
   through the login form, starts a practice, and autosaves answers as fast as the server
   replies, one thread per member (bench/faults/autosave_load.py).
3. After ``--before`` seconds the server is restarted; the load goes on for ``--after`` seconds
   after the restart command returns, and must be acknowledged again by then.
4. Printed: acknowledged saves, 503 replies, other errors, how long the restart took and how
   long until the first acknowledged save after it, and the check that every acknowledged save
   is stored with its value. Exit status 1 if any acknowledged save is missing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.faults.autosave_load import (  # noqa: E402
    AutosaveLoad,
    Gunicorn,
    check_stored,
    server_env,
    stored_saves,
    wait_until,
)
from quizapp import create_app  # noqa: E402
from quizapp.auth.passwords import hash_password  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import (  # noqa: E402
    BankQuestion,
    Person,
    QuestionOrigin,
    QuestionStatus,
    QuestionType,
    Speech,
    Unit,
    UnitKind,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_faults"
SECRET_KEY = "bench-faults-not-a-production-secret"
PASSWORD = "bench-faults-1"
RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise SystemExit("a PostgreSQL URL is needed: the point is to restart the server")
    if parsed.database in {"test", "bench", "postgres"}:
        raise SystemExit(f"refusing to use the shared database {parsed.database!r}")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": parsed.database})
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def seed(url: str, members: int, questions: int) -> list[str]:
    """Rebuild the schema and add the branch, members and questions; the members' phones."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    phones = [f"1390000{n:04d}" for n in range(1, members + 1)]
    with app.app_context():
        db.drop_all()
        db.create_all()
        branch = Unit(name="故障演练党支部", kind=UnitKind.BRANCH)
        db.session.add(branch)
        db.session.flush()
        password_hash = hash_password(PASSWORD)
        for number, phone in enumerate(phones, start=1):
            db.session.add(Person(name=f"演练党员{number}", unit_id=branch.id, phone=phone,
                                  member_no=f"F{number:05d}", password_hash=password_hash,
                                  must_change_password=False, active=True))
        speech = Speech(unit_id=branch.id, file_name="fault-drill.txt", title="故障演练讲话",
                        text="同志们：要坚持“三会一课”制度。四是上好党课。")
        db.session.add(speech)
        db.session.flush()
        for number in range(1, questions + 1):
            db.session.add(BankQuestion(
                speech_id=speech.id, external_id=f"fault-{number}", type=QuestionType.FILL,
                stem=f"填空：四是上好____。（{number}）", options=[], answer=["党课"],
                accepted_variants=[], explanation="原文如此。", concept="三会一课", difficulty=2,
                origin=QuestionOrigin.SPEECH, paragraph=1, sentence="四是上好党课。",
                status=QuestionStatus.APPROVED))
        db.session.commit()
        db.engine.dispose()
    return phones


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--before", type=float, default=5, help="seconds of load before the restart")
    parser.add_argument("--after", type=float, default=10, help="seconds of load after it")
    parser.add_argument("--dry-run", action="store_true",
                        help="everything but the restart (to try the script on a shared server)")
    args = parser.parse_args()

    ensure_database(args.database_url)
    phones = seed(args.database_url, args.members, args.questions)
    log = Path(tempfile.mkdtemp(prefix="quizapp-pg-restart-")) / "gunicorn.log"
    env = server_env(args.database_url, SECRET_KEY)
    with Gunicorn(env, workers=2, log_path=log) as server:
        load = AutosaveLoad(server.base_url, phones, PASSWORD, questions=args.questions)
        load.prepare()
        load.start()
        try:
            time.sleep(args.before)
            before = load.outcomes()
            began = time.monotonic()
            command = ["true"] if args.dry_run else RESTART
            restart = subprocess.run(command, capture_output=True, text=True)
            restart_seconds = time.monotonic() - began
            mark = load.acknowledged
            recovered = wait_until(lambda: load.acknowledged > mark, timeout=60, step=0.01)
            recovery_seconds = time.monotonic() - began
            time.sleep(args.after)
        finally:
            load.stop()

    outcomes = load.outcomes()
    errors_503 = outcomes["HTTP 503"]
    other = sum(count for key, count in outcomes.items() if key not in {"acknowledged", "HTTP 503"})
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        problems = check_stored(load, stored_saves(db.session, load))
        db.engine.dispose()

    print(f"restart command: {'(dry run) ' if args.dry_run else ''}{' '.join(RESTART)} -> exit {restart.returncode} "
          f"in {restart_seconds:.2f} s {restart.stderr.strip()}")
    print(f"members: {len(load.members)} × {args.questions} questions, gunicorn 2 workers × 8 threads (deploy/gunicorn.conf.py)")
    print(f"acknowledged before the restart: {before['acknowledged']}")
    print(f"first acknowledged save after the restart began: "
          f"{recovery_seconds:.2f} s" if recovered else "no save acknowledged after the restart")
    print(f"acknowledged: {outcomes['acknowledged']}   503: {errors_503}   other errors: {other}")
    for key, count in sorted(outcomes.items()):
        if key not in {"acknowledged", "HTTP 503"}:
            print(f"    {key}: {count}")
    questions_checked = sum(len(member.question_ids) for member in load.members)
    if problems:
        print(f"LOST OR ALTERED: {len(problems)} of {questions_checked} questions")
        for problem in problems[:20]:
            print("    " + problem)
    else:
        print(f"every acknowledged save is stored with its value "
              f"({questions_checked} questions checked, last acknowledged save or a later one)")
    print(f"gunicorn log: {log}")
    return 1 if problems or not recovered or restart.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
