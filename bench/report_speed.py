"""How fast the branch reports are on a large organization (the one ``bench/make_org.py`` makes).

    .venv/bin/python bench/report_speed.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench [--runs 7]

Times, through the app's own report code (``quizapp.reports``), each in its own transaction as a
request would run it: one branch's report for the latest quarterly test, one branch's report for
that quarter, one 党总支's roll-up for the test, the ranking of every 党支部 for the quarter, and
one branch's Excel export. Prints p50 and p95 (nearest rank: with fewer than 20 runs the p95 is
the worst run) of ``--runs`` runs after one warm-up, with the targets from the performance issue
beside them, checked against the p95; and, steadier than wall time on a shared machine, the SQL
statements a run sends and the p50 of the CPU time this process spent on it (Python, SQLAlchemy
and psycopg: the server's share is in the wall time only).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402

from quizapp import create_app  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import Activity, ActivityKind, ActivityMember, Unit, UnitKind  # noqa: E402
from quizapp.models.base import utcnow  # noqa: E402
from quizapp.reports import excel, pages  # noqa: E402
from quizapp.results.periods import activity_period  # noqa: E402

TARGETS_MS = {"branch activity report": 50, "ranking of all branches": 1000,
              "branch Excel export": 1000}


def percentile(timings: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest timing at or above ``share`` of the runs."""
    ordered = sorted(timings)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _median_branch(activity_id: int) -> Unit:
    """The branch whose audience in the activity is the median size (a typical branch)."""
    sizes = db.session.execute(
        select(Unit.id, func.count()).join(ActivityMember, ActivityMember.unit_id == Unit.id)
        .where(ActivityMember.activity_id == activity_id)
        .group_by(Unit.id)
    ).all()
    # Members sit in groups and branches; count each branch with its groups.
    branches = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.kind == UnitKind.BRANCH))}
    parent = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    totals: dict[int, int] = {}
    for unit_id, count in sizes:
        branch = unit_id if unit_id in branches else parent.get(unit_id)
        if branch in branches:
            totals[branch] = totals.get(branch, 0) + count
    ordered = sorted(totals, key=lambda b: (totals[b], b))
    return branches[ordered[len(ordered) // 2]]


def _time(runs: int, work: Callable[[], Any], sent: list[int]) -> tuple[list[float], list[float], int]:
    """Wall and CPU milliseconds of each run after a warm-up, and the statements of the last."""
    timings, cpu = [], []
    for run in range(runs + 1):
        sent[0] = 0
        started, cpu_started = time.perf_counter(), time.process_time()
        work()
        elapsed = (time.perf_counter() - started) * 1000
        cpu_elapsed = (time.process_time() - cpu_started) * 1000
        db.session.rollback()  # one transaction per "request", nothing kept between runs
        db.session.expunge_all()
        if run:  # the first run warms caches and is not counted
            timings.append(elapsed)
            cpu.append(cpu_elapsed)
    return timings, cpu, sent[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        test = db.session.scalars(select(Activity).where(Activity.kind == ActivityKind.TEST)
                                  .order_by(Activity.period_start.desc(), Activity.id.desc())).first()
        if test is None:
            raise SystemExit("错误：数据库中没有季度测试，请先运行 bench/make_org.py")
        branch = _median_branch(test.id)
        general = db.session.get_one(Unit, branch.parent_id)
        root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        period = activity_period(test)
        names = {"branch": branch.name, "general": general.name, "test": test.title}
        members = db.session.scalar(select(func.count(ActivityMember.person_id))
                                    .where(ActivityMember.activity_id == test.id))
        branch_id, general_id, root_id, test_id = branch.id, general.id, root.id, test.id

        def unit(unit_id: int) -> Unit:
            return db.session.get_one(Unit, unit_id)

        def activity() -> Activity:
            return db.session.get_one(Activity, test_id)

        cases: dict[str, Callable[[], Any]] = {
            "branch activity report": lambda: pages.activity_report(db.session, unit(branch_id), activity()),
            "branch period report": lambda: pages.period_report(db.session, unit(branch_id), period),
            "总支 roll-up for the test": lambda: pages.activity_report(db.session, unit(general_id), activity()),
            "ranking of all branches": lambda: pages.kind_ranking(db.session, unit(root_id), UnitKind.BRANCH, period),
            "branch Excel export": lambda: excel.report_workbook(
                pages.activity_report(db.session, unit(branch_id), activity()), utcnow()),
        }
        print(f"organization: {members} members in the test's audience; branch {names['branch']}, "
              f"总支 {names['general']}, test 《{names['test']}》, period {period.key}; "
              f"{args.runs} runs after a warm-up")
        sent = [0]
        event.listen(db.engine, "before_cursor_execute",
                     lambda *_args: sent.__setitem__(0, sent[0] + 1))
        print(f"{'case':<28} {'p50 ms':>10} {'p95 ms':>10} {'target ms':>10} {'SQL':>5} {'CPU p50':>8}")
        for name, work in cases.items():
            timings, cpu, statements = _time(args.runs, work, sent)
            p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
            target = TARGETS_MS.get(name)
            verdict = "" if target is None else ("ok" if p95 < target else "MISSED")
            print(f"{name:<28} {p50:>10.1f} {p95:>10.1f} {target if target else '':>10} "
                  f"{statements:>5} {percentile(cpu, 0.5):>8.1f}  {verdict}")


if __name__ == "__main__":
    main()
