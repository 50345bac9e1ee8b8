"""Adding rule versions, their history, and the rules described in words.

A new version takes effect from a day that is today or later (Beijing time):
results already computed keep the version they were computed under, and a
version effective in the past would silently disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import Person, RuleKind, RuleVersion, Unit
from quizapp.models.base import utcnow
from quizapp.models.org import ancestor_ids
from quizapp.results.rules import VALIDATORS, RuleError
from quizapp.results.clock import today_in_china
from quizapp.sql import insert_for

MAX_NOTE = 200


def beijing_today(now: datetime | None = None) -> date:
    """Today's date in Beijing (organizers think of effective dates in local days)."""
    return today_in_china(now or utcnow())


def add_rule_version(session: Session, kind: RuleKind, unit_id: int, effective_from: date,
                     rules: Any, note: str = "", created_by_id: int | None = None,
                     now: datetime | None = None) -> RuleVersion:
    """Store a new version of the unit's rules of ``kind``, in effect from ``effective_from``.

    Raises RuleError for a date before today, rules that do not validate, a
    note that is too long, or a version of the unit already starting that day.
    """
    now = now or utcnow()
    if effective_from < beijing_today(now):
        raise RuleError("生效日期不能早于今天：已有成绩按当时的规则计算，规则不能追溯修改")
    normalized = VALIDATORS[kind](rules)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise RuleError(f"说明不能超过 {MAX_NOTE} 字")
    new_id = session.execute(
        insert_for(session, RuleVersion)
        .values(kind=kind, unit_id=unit_id, effective_from=effective_from, rules=normalized,
                note=note, created_by_id=created_by_id, created_at=now)
        .on_conflict_do_nothing()
        .returning(RuleVersion.id)
    ).scalar()
    if new_id is None:
        raise RuleError(f"本组织已有一个从 {effective_from:%Y-%m-%d} 起生效的{kind.label}版本，"
                        "请换一个生效日期")
    return session.get_one(RuleVersion, new_id)


@dataclass(frozen=True)
class HistoryLine:
    version: RuleVersion
    unit_name: str
    author: str  # "" for the system defaults


def rule_history(session: Session, kind: RuleKind, unit_id: int) -> list[HistoryLine]:
    """Every version that applies or applied to the unit (its own and its ancestors'),
    the latest effective date first."""
    ids = ancestor_ids(session, unit_id)
    rows = session.execute(
        select(RuleVersion, Unit.name, Person.name)
        .join(Unit, RuleVersion.unit_id == Unit.id)
        .outerjoin(Person, RuleVersion.created_by_id == Person.id)
        .where(RuleVersion.kind == kind, RuleVersion.unit_id.in_(ids))
        .order_by(RuleVersion.effective_from.desc(), RuleVersion.id.desc())
    ).all()
    return [HistoryLine(version, unit_name, author or "") for version, unit_name, author in rows]
