"""Keeping the report roll-ups (``report_rollup``) equal to what the attempts give.

Three writers move a roll-up by the difference a change makes to one member's best result, in
the transaction of the change: ``record_graded`` (a submit, by the member or the close job),
``record_regrade`` (a regrade, before its new scores are written) and ``rebuild`` (the whole
activity, from the attempts: ``flask report rebuild-rollups``). A unit's row counts each
member once: a best attempt replaced by a better one moves the sums by the difference.

Locking (PostgreSQL; SQLite serializes writers anyway): a delta reads the activity's
``rollup_state`` row ``FOR SHARE`` and a rebuild takes it for update, so a rebuild never
interleaves with a delta; deltas touch the roll-up rows of one activity in unit order and
are atomic increments (``INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x``), so two
members of one branch submitting at once both count. An activity whose state is missing or
was built under other pass/excellent thresholds is read from the attempts by the reports;
its next submit rebuilds it (a regrade leaves it for that submit).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    ActivityMember,
    ActivityStatus,
    Attempt,
    AttemptStatus,
    ReportRollup,
    RollupState,
)
from quizapp.models.base import utcnow
from quizapp.reports import queries
from quizapp.reports.figures import Figures, result_figures
from quizapp.sql import insert_for

SUMS = ("participants", "pct_sum", "passed", "excellent")
BINS = tuple(f"bin_{i}" for i in range(5))


def _values(part: Figures) -> dict[str, Any]:
    values = {name: getattr(part, name) for name in SUMS}
    values.update(zip(BINS, part.bins))
    return values


def _usable(session: Session, activity: Activity) -> bool:
    """Whether the activity's roll-up is kept under its current thresholds (share-locked)."""
    state = session.execute(
        select(RollupState.pass_percent, RollupState.excellent_percent)
        .where(RollupState.activity_id == activity.id).with_for_update(read=True)
    ).first()
    return state is not None and tuple(state) == (activity.pass_percent, activity.excellent_percent)


def rebuild(session: Session, activity: Activity) -> int:
    """Recompute the activity's roll-up from its attempts (idempotent); flushes. A draft or
    cancelled activity loses its roll-up. Returns the number of unit rows written."""
    session.flush()
    if activity.status is not ActivityStatus.PUBLISHED:
        session.execute(delete(RollupState).where(RollupState.activity_id == activity.id))
        session.execute(delete(ReportRollup).where(ReportRollup.activity_id == activity.id))
        return 0
    state = {"activity_id": activity.id, "pass_percent": activity.pass_percent,
             "excellent_percent": activity.excellent_percent, "built_at": utcnow()}
    upsert = insert_for(session, RollupState).values(**state)
    session.execute(upsert.on_conflict_do_update(
        index_elements=[RollupState.activity_id],
        set_={name: upsert.excluded[name] for name in state if name != "activity_id"}))
    session.execute(delete(ReportRollup).where(ReportRollup.activity_id == activity.id))
    rows = [{"activity_id": activity.id, "unit_id": unit_id, **_values(part)}
            for unit_id, part in sorted(queries.unit_results(session, activity.id).items())
            if part.participants]
    for start in range(0, len(rows), 1000):
        session.execute(insert_for(session, ReportRollup), rows[start:start + 1000])
    return len(rows)


def rebuild_all(session: Session, activity_id: int | None = None) -> dict[int, int]:
    """Rebuild the roll-ups of one activity or of every activity: {activity id: rows}."""
    chosen = select(Activity).order_by(Activity.id)
    if activity_id is not None:
        chosen = chosen.where(Activity.id == activity_id)
    return {activity.id: rebuild(session, activity) for activity in session.scalars(chosen).all()}


def _apply(session: Session, activity: Activity, moves: Iterable[tuple[int, float | None, float | None]]) -> None:
    """Move the roll-up by each (unit, old best %, new best %): an atomic increment per unit."""
    deltas: dict[int, Figures] = {}
    for unit_id, old, new in moves:
        if old == new:
            continue
        gained = result_figures(new, activity.pass_percent, activity.excellent_percent)
        lost = result_figures(old, activity.pass_percent, activity.excellent_percent)
        delta = deltas.setdefault(unit_id, Figures())
        delta.add(gained)
        delta.add(Figures(0, -lost.participants, 0, -lost.pct_sum, -lost.passed,
                          -lost.excellent, [-b for b in lost.bins]))
    for unit_id in sorted(deltas):
        values = _values(deltas[unit_id])
        upsert = insert_for(session, ReportRollup).values(
            activity_id=activity.id, unit_id=unit_id, **values)
        session.execute(upsert.on_conflict_do_update(
            index_elements=[ReportRollup.activity_id, ReportRollup.unit_id],
            set_={name: getattr(ReportRollup, name) + upsert.excluded[name] for name in values}))


def _units_of(session: Session, activity_id: int, person_ids: Iterable[int]) -> dict[int, int]:
    return dict(session.execute(
        select(ActivityMember.person_id, ActivityMember.unit_id)
        .where(ActivityMember.activity_id == activity_id,
               ActivityMember.person_id.in_(list(person_ids)))).all())


def record_graded(session: Session, attempt: Attempt) -> None:
    """Count a just-graded scored attempt in its activity's roll-up (the member's best may
    have risen); rebuilds the roll-up instead when it is not usable. Call after the flush."""
    if (attempt.activity_id is None or attempt.attempt_no is None
            or attempt.status is not AttemptStatus.SUBMITTED or not attempt.max_score):
        return
    activity = session.get_one(Activity, attempt.activity_id)
    if activity.status is not ActivityStatus.PUBLISHED:
        return
    if not _usable(session, activity):
        rebuild(session, activity)
        return
    unit = _units_of(session, activity.id, [attempt.person_id]).get(attempt.person_id)
    if unit is None:  # not in the audience: never in a report
        return
    old = queries.member_bests(session, activity.id, [attempt.person_id],
                               leave_out=attempt.id).get(attempt.person_id)
    mine = attempt.score * 100 / attempt.max_score  # type: ignore[operator]
    _apply(session, activity, [(unit, old, mine if old is None else max(old, mine))])


def record_regrade(session: Session, new_scores: list[dict[str, Any]]) -> None:
    """Move the roll-ups by a regrade's new scores ({"attempt_id", "score", …} rows, as the
    regrade writes them): call before they are written. Activities whose roll-up is not
    usable are left for their next rebuild."""
    scores = {row["attempt_id"]: row["score"] for row in new_scores}
    pairs: dict[int, set[int]] = {}
    for ids in (list(scores)[i:i + 1000] for i in range(0, len(scores), 1000)):
        for activity_id, person_id in session.execute(
            select(Attempt.activity_id, Attempt.person_id)
            .where(Attempt.id.in_(ids), Attempt.attempt_no.is_not(None))
        ):
            pairs.setdefault(activity_id, set()).add(person_id)
    for activity_id in sorted(pairs):
        activity = session.get_one(Activity, activity_id)
        if activity.status is not ActivityStatus.PUBLISHED or not _usable(session, activity):
            continue
        people = sorted(pairs[activity_id])
        units = _units_of(session, activity_id, people)
        before = queries.member_bests(session, activity_id, people)
        after = queries.member_bests(session, activity_id, people, scores=scores)
        _apply(session, activity, [(units[p], before.get(p), after.get(p))
                                   for p in people if p in units])
