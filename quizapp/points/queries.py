"""Reads of the points ledger: which entries count, totals, a member's ledger and
their points by month, a unit's totals, and the entries waiting for a decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload

from quizapp.models import Activity, Person, PointDecision, PointEntry, RuleVersion, Unit
from quizapp.results.clock import as_utc, beijing, to_local


def entry_counts() -> ColumnElement[bool]:
    """True for an entry that counts: automatic, or manual and approved by a secretary."""
    approved = exists().where(PointDecision.entry_id == PointEntry.id,
                              PointDecision.approved.is_(True))
    return or_(PointEntry.needs_approval.is_(False), approved)


def total_for(session: Session, person_id: int) -> int:
    """The member's points: the sum of their entries that count."""
    statement: Any = select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        PointEntry.person_id == person_id, entry_counts()
    )
    return int(session.scalar(statement) or 0)


def totals_for(session: Session, person_ids: list[int]) -> dict[int, int]:
    """Each member's points (what counts, all time); members with none are absent."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(PointEntry.person_id, func.sum(PointEntry.points))
        .where(PointEntry.person_id.in_(person_ids), entry_counts())
        .group_by(PointEntry.person_id)
    )
    return {person_id: int(points) for person_id, points in rows}


def _moment(value: date | datetime | None) -> datetime | None:
    """A bound as a UTC-aware time; a bare date is midnight of that Beijing day."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = beijing(value)
    # In UTC: SQLite compares the stored UTC text and would ignore another offset.
    return as_utc(value).astimezone(timezone.utc)


def unit_totals(session: Session, unit_ids: set[int] | list[int],
                since: date | datetime | None = None,
                until: date | datetime | None = None) -> dict[int, int]:
    """Points per member from entries that count, made while the member was in one of the
    units (``PointEntry.unit_id``), created in [since, until); members with none are absent."""
    if not unit_ids:
        return {}
    statement = (select(PointEntry.person_id, func.sum(PointEntry.points))
                 .where(PointEntry.unit_id.in_(list(unit_ids)), entry_counts())
                 .group_by(PointEntry.person_id))
    start, end = _moment(since), _moment(until)
    if start is not None:
        statement = statement.where(PointEntry.created_at >= start)
    if end is not None:
        statement = statement.where(PointEntry.created_at < end)
    return {person_id: int(points) for person_id, points in session.execute(statement)}


@dataclass(frozen=True)
class LedgerLine:
    """One entry of a ledger with what it traces to."""

    entry: PointEntry
    activity_title: str | None
    counts: bool
    corrected_by: list[int] = field(default_factory=list)

    @property
    def rule(self) -> RuleVersion | None:
        return self.entry.rule_version

    @property
    def decision(self) -> PointDecision | None:
        return self.entry.decision

    @property
    def status_label(self) -> str:
        """"" for an automatic entry; 待审批 / 已批准 / 未批准 for a manual one."""
        if not self.entry.needs_approval:
            return ""
        if self.decision is None:
            return "待审批"
        return "已批准" if self.decision.approved else "未批准"


def ledger_for(session: Session, person_id: int) -> list[LedgerLine]:
    """Every entry of the member, newest first, with its activity, rule version and decision."""
    rows = session.execute(
        select(PointEntry, Activity.title)
        .outerjoin(Activity, PointEntry.activity_id == Activity.id)
        .options(joinedload(PointEntry.rule_version), joinedload(PointEntry.decision))
        .where(PointEntry.person_id == person_id)
        .order_by(PointEntry.created_at.desc(), PointEntry.id.desc())
    ).all()
    corrections: dict[int, list[int]] = {}
    for entry, _title in rows:
        if entry.corrects_id is not None:
            corrections.setdefault(entry.corrects_id, []).append(entry.id)
    return [LedgerLine(entry, title, _counts(entry), sorted(corrections.get(entry.id, [])))
            for entry, title in rows]


def _counts(entry: PointEntry) -> bool:
    return not entry.needs_approval or bool(entry.decision and entry.decision.approved)


@dataclass(frozen=True)
class MonthPoints:
    month: str  # "2026-11"
    points: int
    cumulative: int


def monthly_totals(session: Session, person_id: int) -> list[MonthPoints]:
    """The member's counted points per Beijing month, from the first month with an entry to
    the last (months without entries included, at 0), with the running total."""
    rows = session.execute(
        select(PointEntry.created_at, PointEntry.points)
        .where(PointEntry.person_id == person_id, entry_counts())
        .order_by(PointEntry.created_at)
    ).all()
    if not rows:
        return []
    by_month: dict[tuple[int, int], int] = {}
    for created_at, points in rows:
        local = to_local(created_at)
        by_month[(local.year, local.month)] = by_month.get((local.year, local.month), 0) + points
    (year, month), last = min(by_month), max(by_month)
    result, running = [], 0
    while (year, month) <= last:
        points = by_month.get((year, month), 0)
        running += points
        result.append(MonthPoints(f"{year}-{month:02d}", points, running))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def pending_entries(session: Session, unit_ids: set[int]) -> list[PointEntry]:
    """Manual entries and corrections waiting for a decision, of members now in the units,
    oldest first."""
    if not unit_ids:
        return []
    decided = exists().where(PointDecision.entry_id == PointEntry.id)
    return list(session.scalars(
        select(PointEntry).join(Person, PointEntry.person_id == Person.id)
        .options(joinedload(PointEntry.person))
        .where(PointEntry.needs_approval.is_(True), ~decided, Person.unit_id.in_(unit_ids))
        .order_by(PointEntry.created_at, PointEntry.id)
    ))


def members_in(unit_ids: set[int]) -> Select[tuple[Person]]:
    """The active people now in the units, by unit then name (for paging)."""
    return (select(Person).options(joinedload(Person.unit))
            .join(Unit, Person.unit_id == Unit.id)
            .where(Person.unit_id.in_(unit_ids), Person.active.is_(True))
            .order_by(Unit.name, Person.name, Person.id))
