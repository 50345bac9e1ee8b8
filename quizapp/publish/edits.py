"""Editing a published activity: only what members have not answered yet changes, and every
edit is recorded.

Questions are fixed when a member starts an attempt, so a started attempt keeps its
questions; a new blueprint applies to attempts started after the edit (papers drawn ahead for
the old version are never used: ``models.drawn``). Each edit raises
``Activity.version`` and writes an ``ActivityChange`` naming every changed field (old → new).
Open attempts follow changed times (``results.windows.refresh_deadlines``); an edit that would
end an attempt in progress at once is refused.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    ActivityChange,
    ActivityKind,
    ActivityMember,
    ActivityStatus,
    Attempt,
    AttemptStatus,
    Person,
)
from quizapp.models.base import utcnow
from quizapp.results.clock import show
from quizapp.publish.services import apply_spec, replace_rows, spec_of
from quizapp.publish.specs import ActivitySpec, PartSpec, PassageSpec, PublishError
from quizapp.publish.validation import check_spec
from quizapp.results.windows import attempt_deadline, refresh_deadlines

LABELS = {
    "title": "标题", "intro": "说明", "practice_opens_at": "练习开放时间", "opens_at": "开始时间",
    "closes_at": "截止时间", "time_limit_minutes": "答题时限", "attempts_allowed": "可答次数",
    "answers_shown": "答案公布", "partial_multiple": "多选题部分得分", "pass_percent": "及格线",
    "excellent_percent": "优秀线", "parts": "出题规则", "passages": "阅读材料",
}
TIMING = {"opens_at", "closes_at", "time_limit_minutes"}
FIXED = {"kind": "类别", "unit_id": "发布组织", "period_start": "所属月份/季度"}


def describe_parts(parts: list[PartSpec]) -> str:
    """Blueprint rows in words: 单选 10 题×2 分；多选 5 题×4 分（讲话 3，概念“…”）."""
    rows = []
    for p in parts:
        limits = [f"讲话 {p.speech_id}" if p.speech_id else "", f"概念“{p.concept}”" if p.concept else ""]
        limit = "，".join(x for x in limits if x)
        rows.append(f"{p.type.label} {p.count} 题×{p.points_each} 分" + (f"（{limit}）" if limit else ""))
    return "；".join(rows) or "无"


def describe_passages(passages: list[PassageSpec]) -> str:
    """Passages in words: 讲话 3 第 2–5 段."""
    return "；".join(f"讲话 {p.speech_id} 第 {p.first + 1}–{p.last + 1} 段"
                    + (f"（{p.concept}）" if p.concept else "") for p in passages) or "无"


def _text(name: str, value: Any) -> str:
    if name in {"practice_opens_at", "opens_at", "closes_at"}:
        return show(value)
    if name == "time_limit_minutes":
        return f"{value} 分钟" if value else "不限时"
    if name == "attempts_allowed":
        return f"{value} 次"
    if name == "answers_shown":
        return value.label
    if name == "partial_multiple":
        return "是" if value else "否"
    if name in {"pass_percent", "excellent_percent"}:
        return f"{value}%"
    if name == "parts":
        return describe_parts(value)
    if name == "passages":
        return describe_passages(value)
    return str(value)


def changed_fields(old: ActivitySpec, new: ActivitySpec) -> dict[str, dict[str, str]]:
    """Every editable field that differs: {name: {label, old, new}} in words."""
    changes = {}
    for name, label in LABELS.items():
        before, after = getattr(old, name), getattr(new, name)
        if name == "title" or name == "intro":
            before, after = before.strip(), after.strip()
        if before != after:
            changes[name] = {"label": label, "old": _text(name, before), "new": _text(name, after)}
    return changes


def summary_of(changes: dict[str, dict[str, str]]) -> str:
    """The change log line: 截止时间 2026年11月30日 18:00 → 2026年12月02日 18:00；…"""
    lines = []
    for name, change in changes.items():
        if name == "intro":
            lines.append(f"{change['label']}已修改")
        else:
            lines.append(f"{change['label']} {change['old']} → {change['new']}")
    return "；".join(lines)


def _refuse_cutting_short(session: Session, activity: Activity, spec: ActivitySpec,
                          now: datetime) -> None:
    """Refuse new times that would end an attempt in progress right away."""
    attempts = list(session.scalars(
        select(Attempt).where(Attempt.activity_id == activity.id, Attempt.attempt_no.is_not(None),
                              Attempt.status == AttemptStatus.OPEN)
    ))
    future = SimpleNamespace(opens_at=spec.opens_at, closes_at=spec.closes_at,
                             time_limit_minutes=spec.time_limit_minutes)
    cut = 0
    for attempt in attempts:
        member = session.get(ActivityMember, (activity.id, attempt.person_id))
        if attempt_deadline(future, member, attempt.started_at) <= now:  # type: ignore[arg-type]
            cut += 1
    if cut:
        raise PublishError(
            f"有 {cut} 人正在答题，这样修改会让他们的答题立即结束。请把截止时间或时限改得晚一些。",
            "closes_at",
        )


def edit_published(session: Session, activity: Activity, spec: ActivitySpec, *,
                   by: Person | None, now: datetime | None = None) -> ActivityChange | None:
    """Apply an edit to a published activity and record it; None when nothing changed.

    Kind, unit and period cannot change after publication (the audience is fixed).
    """
    if activity.status is not ActivityStatus.PUBLISHED:
        raise PublishError("只有已发布（未撤销）的活动可以修改")
    now = now or utcnow()
    old = spec_of(activity)
    for name, label in FIXED.items():
        if getattr(old, name) != getattr(spec, name):
            raise PublishError(f"发布后不能更改{label}", "unit" if name == "unit_id" else "period")
    if activity.kind is ActivityKind.TEST:
        spec.passages = []
    check_spec(session, spec, by)
    changes = changed_fields(old, spec)
    if not changes:
        return None
    if TIMING & changes.keys():
        _refuse_cutting_short(session, activity, spec, now)
    apply_spec(activity, spec)
    if {"parts", "passages"} & changes.keys():
        replace_rows(session, activity, spec)
    activity.version += 1
    change = ActivityChange(activity_id=activity.id, person_id=by.id if by else None,
                            changed_at=now, summary=summary_of(changes), details=changes,
                            version=activity.version)
    session.add(change)
    session.flush()
    if TIMING & changes.keys() or "practice_opens_at" in changes:
        refresh_deadlines(session, activity.id)
    return change


def change_log(session: Session, activity_id: int) -> list[ActivityChange]:
    """The activity's recorded edits, newest first."""
    return list(session.scalars(
        select(ActivityChange).where(ActivityChange.activity_id == activity_id)
        .order_by(ActivityChange.changed_at.desc(), ActivityChange.id.desc())
    ))
