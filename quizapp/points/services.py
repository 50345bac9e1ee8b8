"""Writes to the points ledger. Entries are only ever inserted (see ``models.points``).

``award_for_activity`` is the one place that turns a member's results in an
activity into points: it brings the member's automatic entries for the
activity up (or down) to what their best submitted result earns under the rule
version the first entry used, within the period's cap, by appending the
difference. Submitting, retaking and regrading all call it, so points are
never computed twice and a repeated call appends nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityMember,
    Attempt,
    AttemptStatus,
    EntryKind,
    Person,
    PointEntry,
    RuleKind,
    RuleVersion,
)
from quizapp.models.base import utcnow
from quizapp.points.rules import rules_in_effect, validate_point_rules

AUTOMATIC = (EntryKind.STUDY, EntryKind.TEST, EntryKind.REGRADE)


def period_bounds(kind: ActivityKind, period_start: date) -> tuple[date, date]:
    """The cap period of an activity: its month (study) or quarter (test), [start, end)."""
    months = 1 if kind is ActivityKind.STUDY else 3
    first_month = period_start.month if months == 1 else 3 * ((period_start.month - 1) // 3) + 1
    start = date(period_start.year, first_month, 1)
    month_index = start.month - 1 + months
    return start, date(start.year + month_index // 12, month_index % 12 + 1, 1)


def _best_attempt(session: Session, person_id: int, activity_id: int) -> Attempt | None:
    """The member's best submitted scored attempt (the earliest of equals)."""
    return session.scalars(
        select(Attempt).where(Attempt.activity_id == activity_id, Attempt.person_id == person_id,
                              Attempt.attempt_no.is_not(None),
                              Attempt.status == AttemptStatus.SUBMITTED)
        .order_by((Attempt.score * 1.0 / Attempt.max_score).desc(), Attempt.id)
        .limit(1)
    ).first()


def earned(kind: ActivityKind, rules: dict, attempt: Attempt) -> int:
    """Points a submitted attempt earns before the cap."""
    if kind is ActivityKind.STUDY:
        return rules["study"]["points"]
    full = Decimal(rules["test"]["points"])
    share = full * Decimal(attempt.score or 0) / Decimal(attempt.max_score or 1)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def award_for_activity(session: Session, person_id: int, activity_id: int, *,
                       regrade: bool = False, now: datetime | None = None) -> PointEntry | None:
    """Append the entry that brings the member's points for the activity to what they earn.

    Returns the new entry, or None when nothing changed. ``regrade`` marks the
    entry as the effect of a corrected answer key.
    """
    now = now or utcnow()
    activity = session.get_one(Activity, activity_id)
    best = _best_attempt(session, person_id, activity_id)
    entries = session.scalars(
        select(PointEntry).where(PointEntry.person_id == person_id,
                                 PointEntry.activity_id == activity_id,
                                 PointEntry.kind.in_(AUTOMATIC))
        .order_by(PointEntry.id)
    ).all()
    already = sum(entry.points for entry in entries)
    if best is None and not entries:
        return None
    unit_id = session.scalar(
        select(ActivityMember.unit_id).where(ActivityMember.activity_id == activity_id,
                                             ActivityMember.person_id == person_id)
    ) or session.get_one(Person, person_id).unit_id
    if entries:  # a past result keeps the rule it was computed under
        version = session.get_one(RuleVersion, entries[0].rule_version_id)
    else:
        assert best is not None
        day = (best.submitted_at or now).date()
        version = rules_in_effect(session, RuleKind.POINTS, unit_id, day)
    rules = validate_point_rules(version.rules)
    target = earned(activity.kind, rules, best) if best is not None else 0
    target = min(target, _room_in_period(session, person_id, activity, rules))
    delta = target - already
    if delta == 0:
        return None
    kind = EntryKind.REGRADE if regrade else (
        EntryKind.STUDY if activity.kind is ActivityKind.STUDY else EntryKind.TEST)
    attempt_id = best.id if best is not None else entries[-1].attempt_id
    entry = PointEntry(person_id=person_id, unit_id=unit_id, kind=kind, points=delta,
                       activity_id=activity_id, attempt_id=attempt_id,
                       rule_version_id=version.id, created_at=now,
                       reason=f"{activity.kind.label}《{activity.title}》")
    session.add(entry)
    session.flush()
    return entry


def _room_in_period(session: Session, person_id: int, activity: Activity, rules: dict) -> int:
    """The cap of the activity's period minus what other activities of the kind earned in it."""
    cap = (rules["study"]["cap_per_month"] if activity.kind is ActivityKind.STUDY
           else rules["test"]["cap_per_quarter"])
    start, end = period_bounds(activity.kind, activity.period_start)
    others = session.scalar(
        select(func.coalesce(func.sum(PointEntry.points), 0))
        .join(Activity, PointEntry.activity_id == Activity.id)
        .where(PointEntry.person_id == person_id, PointEntry.kind.in_(AUTOMATIC),
               Activity.kind == activity.kind, Activity.id != activity.id,
               Activity.period_start >= start, Activity.period_start < end)
    ) or 0
    return max(0, cap - others)
