"""Keeping the report roll-ups (``report_rollup``) equal to what the attempts give.

Three writers move a roll-up by the difference a change makes to one member's best result, in
the transaction of the change: ``record_graded`` (a submit, by the member or the close job),
``record_regrade`` (a regrade, before its new scores are written) and ``rebuild`` (the whole
activity, from the attempts: ``flask report rebuild-rollups``). A unit's row counts each member
once: a best attempt replaced by a better one moves the sums by the difference. ``published``
makes a just-published activity's roll-up usable (its audience counted, no results yet).

The audience sizes are written explicitly too, never by a session listener: ``published``
counts a publication's audience per unit, ``members_joined`` a late joiner
(``quiz.activities.member_for``) and ``member_left`` a removed row, each in the transaction
of the change. Rows written any other way (``COPY`` in ``bench/make_org.py``) need a rebuild.

Locking (PostgreSQL; SQLite serializes writers anyway): a delta reads the activity's
``rollup_state`` row ``FOR SHARE`` and a rebuild takes it for update, so a rebuild never
interleaves with a delta; deltas touch the roll-up rows of one activity in unit order and
are atomic increments (``INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x``), so two
members of one branch submitting at once both count. An activity whose state is missing or
was built under other pass/excellent thresholds is read from the attempts by the reports;
its next submit rebuilds it (a regrade leaves it for that submit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select, text, update
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
from quizapp.results.figures import Figures, result_figures
from quizapp.results.scores import best_sitting
from quizapp.results.tally import member_bests, unit_results
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


def _mark_usable(session: Session, activity: Activity) -> None:
    """Record the activity's roll-up as complete under its current thresholds."""
    state = {"activity_id": activity.id, "pass_percent": activity.pass_percent,
             "excellent_percent": activity.excellent_percent, "built_at": utcnow()}
    upsert = insert_for(session, RollupState).values(**state)
    session.execute(upsert.on_conflict_do_update(
        index_elements=[RollupState.activity_id],
        set_={name: upsert.excluded[name] for name in state if name != "activity_id"}))


def rebuild(session: Session, activity: Activity) -> int:
    """Recompute the activity's roll-up from its attempts (idempotent); flushes. A draft or
    cancelled activity loses its roll-up. Returns the number of unit rows written."""
    session.flush()
    if activity.status is not ActivityStatus.PUBLISHED:
        session.execute(delete(RollupState).where(RollupState.activity_id == activity.id))
        session.execute(delete(ReportRollup).where(ReportRollup.activity_id == activity.id))
        return 0
    _mark_usable(session, activity)
    session.execute(delete(ReportRollup).where(ReportRollup.activity_id == activity.id))
    rows = [{"activity_id": activity.id, "unit_id": unit_id, "audience": part.audience,
             **_values(part)}
            for unit_id, part in sorted(unit_results(session, activity.id).items())]
    for start in range(0, len(rows), 1000):
        session.execute(insert_for(session, ReportRollup), rows[start:start + 1000])
    return len(rows)


def published(session: Session, activity: Activity) -> None:
    """Make a just-published activity's roll-up usable, so that neither its reports nor its
    first submit read every attempt: its rows hold its audience per unit (one grouped count)
    and no results (a draft cannot be started). Rebuilds it if it has some after all; flushes.
    Called by publishing. A rebuild straight after publishing 200,000 members took 18 s."""
    session.flush()
    if session.scalar(select(Attempt.id).where(Attempt.activity_id == activity.id,
                                               Attempt.attempt_no.is_not(None)).limit(1)):
        rebuild(session, activity)
        return
    _mark_usable(session, activity)
    session.execute(delete(ReportRollup).where(ReportRollup.activity_id == activity.id))
    counts = session.execute(
        select(ActivityMember.unit_id, func.count())
        .where(ActivityMember.activity_id == activity.id)
        .group_by(ActivityMember.unit_id).order_by(ActivityMember.unit_id)).all()
    rows = [{"activity_id": activity.id, "unit_id": unit_id, "audience": n,
             **_values(Figures())} for unit_id, n in counts]
    for start in range(0, len(rows), 1000):
        session.execute(insert_for(session, ReportRollup), rows[start:start + 1000])


def rebuild_all(session: Session, activity_id: int | None = None) -> dict[int, int]:
    """Rebuild the roll-ups of one activity or of every activity: {activity id: rows}."""
    chosen = select(Activity).order_by(Activity.id)
    if activity_id is not None:
        chosen = chosen.where(Activity.id == activity_id)
    return {activity.id: rebuild(session, activity) for activity in session.scalars(chosen).all()}


# A delta as an atomic increment. ON CONFLICT statements are not in SQLAlchemy 2.0's statement
# cache (their Insert has inherit_cache = False), so built with ``insert_for`` this compiled on
# every submit (about 1 ms); as text it is compiled once. SQLite and PostgreSQL spell it alike.
# A new row starts with no audience (``count_audience`` keeps that column). Only the model's
# own table and column names are put into the text; every value is a bound parameter.
_MOVE = text(
    f"INSERT INTO {ReportRollup.__tablename__}"  # nosec B608
    f" (activity_id, unit_id, audience, {', '.join(SUMS + BINS)})"
    f" VALUES (:activity_id, :unit_id, 0, {', '.join(':' + name for name in SUMS + BINS)})"
    " ON CONFLICT (activity_id, unit_id) DO UPDATE SET "
    + ", ".join(f"{name} = {ReportRollup.__tablename__}.{name} + excluded.{name}"
                for name in SUMS + BINS)
)


def _apply(session: Session, activity: Activity, moves: Iterable[tuple[int, Any, Any]]) -> None:
    """Move the roll-up by each (unit, old best sitting, new best sitting; rows with score
    and max_score, None without a result): an atomic increment per unit."""
    deltas: dict[int, Figures] = {}
    for unit_id, old, new in moves:
        if _same(old, new):
            continue
        gained = result_figures(new, activity.pass_percent, activity.excellent_percent)
        lost = result_figures(old, activity.pass_percent, activity.excellent_percent)
        delta = deltas.setdefault(unit_id, Figures())
        delta.add(gained)
        delta.add(Figures(0, -lost.participants, 0, -lost.pct_sum, -lost.passed,
                          -lost.excellent, [-b for b in lost.bins]))
    for unit_id in sorted(deltas):
        session.execute(_MOVE, {"activity_id": activity.id, "unit_id": unit_id,
                                **_values(deltas[unit_id])})


def _same(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is new
    return (old.score, old.max_score) == (new.score, new.max_score)


def _units_of(session: Session, activity_id: int, person_ids: Iterable[int]) -> dict[int, int]:
    return dict(session.execute(
        select(ActivityMember.person_id, ActivityMember.unit_id)
        .where(ActivityMember.activity_id == activity_id,
               ActivityMember.person_id.in_(list(person_ids)))).all())


# The activity's state, share-locked as in ``_usable``, with a member's unit in its audience.
_STATE_AND_UNIT = (
    select(RollupState.pass_percent, RollupState.excellent_percent, ActivityMember.unit_id)
    .outerjoin(ActivityMember, and_(ActivityMember.activity_id == RollupState.activity_id,
                                    ActivityMember.person_id == bindparam("person_id")))
    .where(RollupState.activity_id == bindparam("activity_id"))
    .with_for_update(read=True, of=RollupState)
)


def record_graded(session: Session, attempt: Attempt) -> int | None:
    """Count a just-graded scored attempt in its activity's roll-up (the member's best may
    have risen); rebuilds the roll-up instead when it is not usable. Call after the flush.

    Returns the member's unit in the activity's audience when it read it (the points award
    needs it too), else None."""
    return record_graded_best(session, attempt)[0]


def record_graded_best(session: Session, attempt: Attempt) -> tuple[int | None, Any]:
    """``record_graded``, also returning the member's best sitting in the activity now when
    it worked it out (None otherwise): the points award's best, so it need not be read
    again (``award_for_activity(best=...)``)."""
    if (attempt.activity_id is None or attempt.attempt_no is None
            or attempt.status is not AttemptStatus.SUBMITTED or not attempt.max_score):
        return None, None
    activity = session.get_one(Activity, attempt.activity_id)
    if activity.status is not ActivityStatus.PUBLISHED:
        return None, None
    found = session.execute(_STATE_AND_UNIT, {"activity_id": activity.id,
                                              "person_id": attempt.person_id}).first()
    if found is None or (found[0], found[1]) != (activity.pass_percent,
                                                 activity.excellent_percent):
        rebuild(session, activity)
        return None, None
    unit = found[2]
    if unit is None:  # not in the audience: never in a report
        return None, None
    old = member_bests(session, activity.id, [attempt.person_id],
                               leave_out=attempt.id).get(attempt.person_id)
    new = best_sitting([s for s in (old, attempt) if s is not None])
    _apply(session, activity, [(unit, old, new)])
    return unit, new


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
        before = member_bests(session, activity_id, people)
        after = member_bests(session, activity_id, people, scores=scores)
        _apply(session, activity, [(units[p], before.get(p), after.get(p))
                                   for p in people if p in units])


def count_audience(session: Session, moves: Mapping[tuple[int, int], int]) -> None:
    """Move the audience sizes by {(activity id, unit id): rows added (or removed, negative)}:
    an atomic increment per unit row, under the activity's state share-locked like a delta."""
    table = ReportRollup.__table__
    connection = session.connection()
    for activity_id in sorted({a for a, _u in moves}):
        connection.execute(select(RollupState.activity_id)
                           .where(RollupState.activity_id == activity_id).with_for_update(read=True))
        added = [{"activity_id": activity_id, "unit_id": u, "audience": n}
                 for (a, u), n in sorted(moves.items()) if a == activity_id and n > 0]
        removed = [{"a": activity_id, "u": u, "n": -n}
                   for (a, u), n in sorted(moves.items()) if a == activity_id and n < 0]
        if added:
            upsert = insert_for(session, ReportRollup)
            connection.execute(upsert.on_conflict_do_update(
                index_elements=[table.c.activity_id, table.c.unit_id],
                set_={"audience": table.c.audience + upsert.excluded.audience}), added)
        if removed:  # a row that is gone (its activity deleted) stays gone
            connection.execute(
                update(table).where(and_(table.c.activity_id == bindparam("a"),
                                         table.c.unit_id == bindparam("u")))
                .values(audience=table.c.audience - bindparam("n")), removed)


def members_joined(session: Session, members: Iterable[ActivityMember]) -> None:
    """Count audience rows just added (a late joiner, ``quiz.activities.member_for``) into
    their units' roll-up rows; flushes first. Called explicitly by whoever adds them."""
    session.flush()
    moves: Counter[tuple[int, int]] = Counter((m.activity_id, m.unit_id) for m in members)
    if moves:
        count_audience(session, moves)


def member_left(session: Session, member: ActivityMember) -> None:
    """Delete an audience row and take it off its unit's roll-up row; flushes."""
    key = (member.activity_id, member.unit_id)
    session.delete(member)
    session.flush()
    count_audience(session, {key: -1})
