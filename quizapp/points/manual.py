"""Manual ledger entries (奖/惩), corrections, and a secretary's decision on them.

A manual entry or a correction is inserted with ``needs_approval`` and counts
only once a secretary approves it (``queries.entry_counts``). Its points are
within the cap an admin set for the member's unit (``caps``), and it is decided
by someone other than its author, a secretary's own by the unit above
(``approval``). The decision is its own row, one per entry (a unique
constraint): a second decision, even one racing the first, is refused. Nothing
here ever updates or deletes an entry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from quizapp.models import EntryKind, Person, PointDecision, PointEntry
from quizapp.models.base import utcnow
from quizapp.points import approval
from quizapp.points.caps import cap_for
from quizapp.sql import insert_for

MAX_REASON = 200
MAX_NOTE = 200
MANUAL_KINDS = (EntryKind.AWARD, EntryKind.PENALTY)


class PointsError(Exception):
    """A ledger action that cannot be done; the message is for the secretary (Chinese)."""


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise PointsError("请写明理由")
    if len(reason) > MAX_REASON:
        raise PointsError(f"理由不能超过 {MAX_REASON} 字")
    return reason


def _whole(points: object, low: int, high: int, message: str) -> int:
    if isinstance(points, bool) or not isinstance(points, int) or not low <= points <= high:
        raise PointsError(message)
    return points


def add_manual_entry(session: Session, person_id: int, kind: EntryKind, points: int,
                     reason: str, created_by_id: int | None,
                     now: datetime | None = None) -> PointEntry:
    """An award (+points) or a penalty (−points) for the member, waiting for approval.

    ``points`` is given positive (1 to the member's cap); a penalty is stored negative.
    Raises PointsError for another kind, points out of range, or a missing/long reason.
    """
    if kind not in MANUAL_KINDS:
        raise PointsError("只能添加奖励或扣分")
    person = session.get(Person, person_id)
    if person is None:
        raise PointsError("找不到这名党员")
    cap = cap_for(session, person.unit_id)
    points = _whole(points, 1, cap, f"分值必须是 1–{cap} 之间的整数（单条上限由管理员设定）")
    reason = _reason(reason)
    if created_by_id == person.id:
        raise PointsError("不能为自己添加奖惩，请由其他书记或组织员添加")
    entry = PointEntry(person_id=person.id, unit_id=person.unit_id, kind=kind,
                       points=points if kind is EntryKind.AWARD else -points,
                       needs_approval=True, reason=reason, created_by_id=created_by_id,
                       created_at=now or utcnow())
    session.add(entry)
    session.flush()
    return entry


def add_contest_entry(session: Session, person_id: int, points: int, reason: str,
                      rule_version_id: int, created_by_id: int | None,
                      now: datetime | None = None) -> PointEntry:
    """A live 知识竞赛's points for the member under the contest rule of ``rule_version_id``,
    waiting for approval like a manual entry (the member's cap applies when it is approved).
    Raises PointsError for points that are not a whole number above 0, or a missing reason."""
    person = session.get(Person, person_id)
    if person is None:
        raise PointsError("找不到这名党员")
    points = _whole(points, 1, 10000, "竞赛积分必须是正整数")
    if created_by_id == person.id:
        raise PointsError("不能为自己添加竞赛积分，请由其他组织员提交")
    entry = PointEntry(person_id=person.id, unit_id=person.unit_id, kind=EntryKind.CONTEST,
                       points=points, needs_approval=True, reason=_reason(reason),
                       rule_version_id=rule_version_id, created_by_id=created_by_id,
                       created_at=now or utcnow())
    session.add(entry)
    session.flush()
    return entry


def add_correction(session: Session, entry_id: int, points: int, reason: str,
                   created_by_id: int | None, now: datetime | None = None) -> PointEntry:
    """A correction of an entry that counts: ``points`` (±, not 0) added to the member's
    points where the corrected entry counted, waiting for approval like a manual entry.

    Raises PointsError for an entry that does not count yet (decide it instead),
    points out of range, or a missing/long reason.
    """
    original = session.get(PointEntry, entry_id)
    if original is None:
        raise PointsError("找不到要更正的积分记录")
    if created_by_id == original.person_id:
        raise PointsError("不能更正自己的积分，请由其他书记或组织员更正")
    if original.needs_approval:
        if original.decision is None:
            raise PointsError("这条记录还在待审批，不计入积分：请直接审批，不予批准即可")
        if not original.decision.approved:
            raise PointsError("这条记录未获批准，本就不计入积分，无需更正")
    cap = cap_for(session, original.person.unit_id)
    points = _whole(points, -cap, cap, f"更正分值必须是 −{cap}–{cap} 之间的整数（单条上限由管理员设定）")
    if points == 0:
        raise PointsError("更正分值不能为 0")
    reason = _reason(reason)
    entry = PointEntry(person_id=original.person_id, unit_id=original.unit_id,
                       kind=EntryKind.CORRECTION, points=points, corrects_id=original.id,
                       needs_approval=True, reason=reason, created_by_id=created_by_id,
                       created_at=now or utcnow())
    session.add(entry)
    session.flush()
    return entry


def decide(session: Session, entry_id: int, approved: bool, note: str | None,
           decided_by_id: int | None, now: datetime | None = None) -> PointDecision:
    """Approve or reject a manual entry or a correction, once.

    Raises PointsError for an entry that needs no approval, a decider the rule
    of ``approval`` refuses (the member, the author, or for a secretary's own
    entry anyone but the unit above), an approval above the member's cap, a note
    that is too long, or an entry already decided (also when another decision
    won a race).
    """
    entry = session.get(PointEntry, entry_id)
    if entry is None:
        raise PointsError("找不到这条积分记录")
    if not entry.needs_approval:
        raise PointsError("这条记录是自动计算的积分，无需审批")
    decider = session.get(Person, decided_by_id) if decided_by_id is not None else None
    if decider is None:
        raise PointsError("您没有审批这条记录的权限")
    refused = approval.refusal(session, decider, entry)
    if refused:
        raise PointsError(refused)
    cap = cap_for(session, entry.person.unit_id)
    if approved and abs(entry.points) > cap:
        raise PointsError(f"这条记录 {entry.points:+d} 分，超过单条上限 {cap} 分，不能批准；"
                          "请不予批准，按上限重新提交")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise PointsError(f"审批意见不能超过 {MAX_NOTE} 字")
    decision_id = session.execute(
        insert_for(session, PointDecision)
        .values(entry_id=entry.id, approved=approved, note=note, decided_by_id=decided_by_id,
                decided_at=now or utcnow())
        .on_conflict_do_nothing(index_elements=["entry_id"])
        .returning(PointDecision.id)
    ).scalar()
    if decision_id is None:
        raise PointsError("这条记录已经审批过了，审批结果不能更改")
    session.expire(entry, ["decision"])
    return session.get_one(PointDecision, decision_id)
