"""The result rule in SQL: each audience member's best sitting and what it counts for.

The statements every report and the roll-up write side build on (``reports.queries`` reads
with them, ``results.rollups`` writes what ``unit_results`` gives). The verdict, bin and
best sitting are those of ``results.scores``, in whole numbers, so SQL and Python agree.

- **Audience** of an activity in a unit U: its ``ActivityMember`` rows whose ``unit_id`` is
  in U's subtree (members count where they were when it was published).
- A member's **result**: their best submitted scored sitting (``scores``). A
  **participant** is an audience member with a result; open sittings are not results.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from quizapp.models import Activity, ActivityMember, Attempt, AttemptKind, AttemptStatus
from quizapp.results.figures import Figures
from quizapp.results.scores import BIN_LABELS, best_key, best_order_sql, bin_sql, reaches_sql
from quizapp.results.selection import activity_filter


class Sitting(NamedTuple):
    """A submitted scored sitting as the rule reads it."""

    id: int
    person_id: int
    score: int
    max_score: int
    submitted_at: datetime | None


def audience(units: Any, conditions: list[Any]) -> Any:
    """Audience rows of the matching activities in these units (ids, or a parameter of
    them; in any unit with ``None``)."""
    in_units = [] if units is None else [ActivityMember.unit_id.in_(
        list(units) if isinstance(units, dict) else units)]
    return (
        select(ActivityMember.activity_id, ActivityMember.person_id, ActivityMember.unit_id,
               ActivityMember.reminded_at, Activity.pass_percent, Activity.excellent_percent)
        .join(Activity, Activity.id == ActivityMember.activity_id)
        .where(*in_units, *conditions)
        .cte("report_audience")
    )


def result_conditions() -> list[Any]:
    """Submitted scored attempts: those a result is made of."""
    return [Attempt.status == AttemptStatus.SUBMITTED, Attempt.kind != AttemptKind.PRACTICE,
            Attempt.max_score > 0]


def scored(conditions: list[Any]) -> list[Any]:
    """Submitted scored attempts of the matching activities. Naming the activities lets the
    planner read only their attempts (an index) instead of hashing every attempt ever made."""
    return [*result_conditions(), Attempt.activity_id.in_(select(Activity.id).where(*conditions))]


def best(audience_rows: Any, conditions: list[Any]) -> Any:
    """Each audience member's best submitted scored attempt (``scores.best_order_sql``)."""
    order = func.row_number().over(
        partition_by=(Attempt.activity_id, Attempt.person_id),
        order_by=best_order_sql(Attempt.score, Attempt.max_score, Attempt.submitted_at, Attempt.id),
    )
    ranked = (
        select(Attempt.id.label("attempt_id"), Attempt.activity_id, Attempt.person_id,
               Attempt.score, Attempt.max_score, order.label("rn"))
        .join(audience_rows, and_(audience_rows.c.activity_id == Attempt.activity_id,
                                  audience_rows.c.person_id == Attempt.person_id))
        .where(*scored(conditions))
        .subquery("ranked")
    )
    return select(ranked).where(ranked.c.rn == 1).subquery("best")


def best_percent(audience_rows: Any, conditions: list[Any]) -> Any:
    """Each audience member's best score % with its verdict and bin (an aggregate: cheaper
    than ``best`` when the attempt itself is not needed). The verdict and bin only rise with
    the share, so the best sitting's are the highest of any sitting's."""
    a = audience_rows
    return (
        select(Attempt.activity_id, Attempt.person_id,
               func.max(Attempt.score * 100.0 / Attempt.max_score).label("percent"),
               func.max(case((reaches_sql(Attempt.score, Attempt.max_score, a.c.pass_percent), 1),
                             else_=0)).label("passed"),
               func.max(case((reaches_sql(Attempt.score, Attempt.max_score,
                                          a.c.excellent_percent), 1), else_=0)).label("excellent"),
               func.max(bin_sql(Attempt.score, Attempt.max_score)).label("bin"))
        .join(a, and_(a.c.activity_id == Attempt.activity_id, a.c.person_id == Attempt.person_id))
        .where(*scored(conditions))
        .group_by(Attempt.activity_id, Attempt.person_id)
        .subquery("best_percent")
    )


def open_attempts() -> Any:
    """Open scored sittings (started, not finished)."""
    return (select(Attempt.activity_id, Attempt.person_id)
            .where(Attempt.status == AttemptStatus.OPEN, Attempt.kind != AttemptKind.PRACTICE)
            .subquery("open_attempt"))


def on(audience_rows: Any, other: Any) -> Any:
    """Join condition of a per-(activity, person) subquery to the audience."""
    return and_(other.c.activity_id == audience_rows.c.activity_id,
                other.c.person_id == audience_rows.c.person_id)


def live(session: Session, units: dict[int, int] | None,
         conditions: list[Any]) -> list[tuple[int, int, Figures]]:
    """Figures per (unit, activity id) from the attempts themselves (all units with ``None``)."""
    rows_of = audience(units, conditions)
    found, opened = best_percent(rows_of, conditions), open_attempts()

    def count_if(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    bins = [count_if(found.c.bin == index) for index in range(len(BIN_LABELS))]
    rows = session.execute(
        select(rows_of.c.unit_id, rows_of.c.activity_id, func.count(), func.count(found.c.percent),
               count_if(and_(found.c.percent.is_(None), opened.c.person_id.is_not(None))),
               func.sum(found.c.percent), count_if(found.c.passed == 1),
               count_if(found.c.excellent == 1), *bins)
        .select_from(rows_of)
        .outerjoin(found, on(rows_of, found))
        .outerjoin(opened, on(rows_of, opened))
        .group_by(rows_of.c.unit_id, rows_of.c.activity_id)
    )
    return [(row[0], row[1], Figures(row[2], row[3], int(row[4] or 0), float(row[5] or 0),
                                     int(row[6] or 0), int(row[7] or 0),
                                     [int(v or 0) for v in row[8:]], members=row[2]))
            for row in rows]


def unit_results(session: Session, activity_id: int) -> dict[int, Figures]:
    """One published activity's figures per unit of its audience, from the attempts: what
    a roll-up of that activity must hold (``results.rollups`` stores the result sums)."""
    return {unit_id: part for unit_id, _a, part
            in live(session, None, activity_filter(activity_id=activity_id))}


def member_bests(session: Session, activity_id: int, person_ids: Any, *,
                 leave_out: int | None = None,
                 scores: dict[int, int] | None = None) -> dict[int, Any]:
    """Each member's best sitting in the activity as a row (id, person_id, score,
    max_score, submitted_at; members without a result are absent), leaving out attempt
    ``leave_out`` and reading ``scores`` (attempt id -> score) in place of the stored scores:
    the before and after of a grading or a regrade."""
    scores = scores or {}
    bests: dict[int, Any] = {}
    rows = session.execute(
        select(Attempt.id, Attempt.person_id, Attempt.score, Attempt.max_score,
               Attempt.submitted_at)
        .where(Attempt.activity_id == activity_id, Attempt.person_id.in_(list(person_ids)),
               *result_conditions())
    ).all()
    sittings = [Sitting(r.id, r.person_id, scores.get(r.id, r.score), r.max_score, r.submitted_at)
                for r in rows if r.id != leave_out]
    for row in sorted(sittings, key=best_key):
        bests.setdefault(row.person_id, row)
    return bests


def participant_counts(session: Session, activity_ids: Any) -> dict[int, int]:
    """Participants per activity: audience members with a result (a submitted scored
    sitting). The one definition, as the reports count them (``live``); one query."""
    ids = list(activity_ids)
    if not ids:
        return {}
    has_result = (select(Attempt.id).where(Attempt.activity_id == ActivityMember.activity_id,
                                           Attempt.person_id == ActivityMember.person_id,
                                           *result_conditions())).exists()
    return dict(session.execute(
        select(ActivityMember.activity_id, func.count())
        .where(ActivityMember.activity_id.in_(ids), has_result)
        .group_by(ActivityMember.activity_id)).tuples().all())
