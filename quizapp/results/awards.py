"""Writes to the points ledger. Entries are only ever inserted (see ``models.points``).

``award_for_members`` is the one place that turns members' results in an
activity into points: it brings each member's automatic entries for the
activity up (or down) to what their best submitted result earns under the rule
version the first entry used, within the period's cap, by appending the
difference. Submitting and retaking call it for one member
(``award_for_activity``), regrading for many at once (a few set-based reads
per activity, not per member), so points are never computed twice and a
repeated call appends nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityMember,
    EntryKind,
    Person,
    PointEntry,
    RuleKind,
    RuleVersion,
)
from quizapp.models.base import utcnow
from quizapp.results.clock import today_in_china
from quizapp.results.periods import month, quarter_of
from quizapp.results.rules import rules_in_effect, validate_point_rules
from quizapp.results.tally import member_bests

AUTOMATIC = (EntryKind.STUDY, EntryKind.TEST, EntryKind.REGRADE)


def period_bounds(kind: ActivityKind, period_start: date) -> tuple[date, date]:
    """The cap period of an activity: its month (study) or quarter (test), [start, end)."""
    period = (month(period_start.year, period_start.month) if kind is ActivityKind.STUDY
              else quarter_of(period_start))
    return period.start, period.end


def _best_attempts(session: Session, activity_id: int, person_ids: Collection[int]) -> dict[int, Any]:
    """Each member's best sitting (``tally.member_bests``: the one rule of ``scores``)."""
    return member_bests(session, activity_id, person_ids)


def earned(kind: ActivityKind, rules: dict, attempt: Any) -> int:
    """Points a submitted attempt (anything with score and max_score) earns before the cap."""
    if kind is ActivityKind.STUDY:
        return rules["study"]["points"]
    full = Decimal(rules["test"]["points"])
    share = full * Decimal(attempt.score or 0) / Decimal(attempt.max_score or 1)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def award_for_activity(session: Session, person_id: int, activity_id: int, *,
                       regrade: bool = False, now: datetime | None = None,
                       audience_unit: int | None = None, best: Any = None) -> PointEntry | None:
    """Append the entry that brings the member's points for the activity to what they earn.

    Returns the new entry, or None when nothing changed. ``regrade`` marks the
    entry as the effect of a corrected answer key. ``audience_unit`` is the
    member's unit in the activity's audience and ``best`` their best sitting in it, if the
    caller has just worked them out (``rollups.record_graded_best``).
    """
    return award_for_members(
        session, activity_id, [person_id], regrade=regrade, now=now,
        audience_units={person_id: audience_unit} if audience_unit is not None else None,
        bests={person_id: best} if best is not None else None,
    ).get(person_id)


def award_for_members(session: Session, activity_id: int, person_ids: Collection[int], *,
                      regrade: bool = False, now: datetime | None = None,
                      audience_units: Mapping[int, int] | None = None,
                      bests: Mapping[int, Any] | None = None) -> dict[int, PointEntry]:
    """``award_for_activity`` for many members of one activity, with set-based reads.

    Returns the new entries by member (members whose points did not change are absent).
    ``audience_units`` are members' units in the audience that the caller has read;
    ``bests``, when given, every member's best sitting (as ``tally.member_bests`` gives it).
    """
    now = now or utcnow()
    person_ids = sorted(set(person_ids))
    if not person_ids:
        return {}
    activity = session.get_one(Activity, activity_id)
    best = dict(bests) if bests is not None else _best_attempts(session, activity_id, person_ids)
    already, used = _entries(session, activity, person_ids)
    concerned = [p for p in person_ids if p in best or p in already]
    if not concerned:
        return {}
    units = _units_then(session, activity_id, concerned, audience_units or {})
    versions = _versions(session, activity, concerned, best, already, units, now)
    kind = EntryKind.REGRADE if regrade else (
        EntryKind.STUDY if activity.kind is ActivityKind.STUDY else EntryKind.TEST)
    made: dict[int, PointEntry] = {}
    for person_id in concerned:
        version = versions[person_id]
        rules = validate_point_rules(version.rules)
        target = earned(activity.kind, rules, best[person_id]) if person_id in best else 0
        cap = (rules["study"]["cap_per_month"] if activity.kind is ActivityKind.STUDY
               else rules["test"]["cap_per_quarter"])
        target = min(target, max(0, cap - used.get(person_id, 0)))
        entries = already.get(person_id, [])
        delta = target - sum(entry.points for entry in entries)
        if delta == 0:
            continue
        attempt_id = best[person_id].id if person_id in best else entries[-1].attempt_id
        made[person_id] = PointEntry(
            person_id=person_id, unit_id=units[person_id], kind=kind, points=delta,
            activity_id=activity_id, attempt_id=attempt_id, rule_version_id=version.id,
            created_at=now, reason=f"{activity.kind.label}《{activity.title}》")
    session.add_all(made.values())
    session.flush()
    return made


def _entries(session: Session, activity: Activity,
             person_ids: list[int]) -> tuple[dict[int, list[Any]], dict[int, int]]:
    """Each member's automatic entries for the activity (oldest first), and what other
    activities of its kind earned them in its cap period: one read of the ledger."""
    start, end = period_bounds(activity.kind, activity.period_start)
    already: dict[int, list[Any]] = {}
    used: dict[int, int] = {}
    for row in session.execute(
        select(PointEntry.person_id, PointEntry.activity_id, PointEntry.points,
               PointEntry.attempt_id, PointEntry.rule_version_id)
        .join(Activity, PointEntry.activity_id == Activity.id)
        .where(PointEntry.person_id.in_(person_ids), PointEntry.kind.in_(AUTOMATIC),
               or_(Activity.id == activity.id,
                   and_(Activity.kind == activity.kind, Activity.period_start >= start,
                        Activity.period_start < end)))
        .order_by(PointEntry.id)
    ):
        if row.activity_id == activity.id:
            already.setdefault(row.person_id, []).append(row)
        else:
            used[row.person_id] = used.get(row.person_id, 0) + row.points
    return already, used


def _units_then(session: Session, activity_id: int, person_ids: list[int],
                known: Mapping[int, int]) -> dict[int, int]:
    """Each member's unit in the activity's audience, else their unit now; ``known`` are
    audience units the caller has already read."""
    units = {p: known[p] for p in person_ids if p in known}
    wanted = [p for p in person_ids if p not in units]
    if wanted:
        units.update(session.execute(
            select(ActivityMember.person_id, ActivityMember.unit_id)
            .where(ActivityMember.activity_id == activity_id, ActivityMember.person_id.in_(wanted))
        ).tuples().all())
    missing = [p for p in person_ids if p not in units]
    if missing:
        units.update(session.execute(
            select(Person.id, Person.unit_id).where(Person.id.in_(missing))).tuples().all())
    return units


def _versions(session: Session, activity: Activity, person_ids: list[int], best: dict[int, Any],
              already: dict[int, list[Any]], units: dict[int, int],
              now: datetime) -> dict[int, RuleVersion]:
    """The rule version of each member: the one their first entry used (a past result keeps
    the rule it was computed under), else the one in effect on the day they submitted."""
    used = {entries[0].rule_version_id for entries in already.values()}
    stored = {v.id: v for v in session.scalars(
        select(RuleVersion).where(RuleVersion.id.in_(used)))} if used else {}
    in_effect: dict[tuple[int, date], RuleVersion] = {}
    versions = {}
    for person_id in person_ids:
        if person_id in already:
            versions[person_id] = stored[already[person_id][0].rule_version_id]
            continue
        # Rules take effect on Beijing days.
        day = today_in_china(best[person_id].submitted_at or now)
        key = (units[person_id], day)
        if key not in in_effect:
            in_effect[key] = rules_in_effect(session, RuleKind.POINTS, units[person_id], day)
        versions[person_id] = in_effect[key]
    return versions

