"""Per-member overrides of a published activity: extra time, or a make-up window (补考时间段)
for a member who was away, always with the reason recorded. Open attempts of the member
follow at once (``results.windows.refresh_deadlines``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from quizapp.models import Activity, ActivityMember, ActivityStatus, Person
from quizapp.models.base import utcnow
from quizapp.publish.specs import PublishError
from quizapp.results.windows import refresh_deadlines

REASONS = ("出差", "病假", "其他")


def reason_text(kind: str, text: str) -> str:
    """The stored reason: 出差, 病假：说明, 其他：说明 (a note is required with 其他)."""
    text = (text or "").strip()
    if kind not in REASONS:
        raise PublishError("请选择原因（出差、病假或其他）", "reason")
    if kind == "其他" and not text:
        raise PublishError("原因选“其他”时请写明具体原因", "reason_text")
    reason = f"{kind}：{text}" if text else kind
    if len(reason) > 200:
        raise PublishError("原因说明不能超过 190 个字", "reason_text")
    return reason


def _member(session: Session, activity: Activity, person_id: int) -> ActivityMember:
    if activity.status is not ActivityStatus.PUBLISHED:
        raise PublishError("只有已发布（未撤销）的活动可以为党员单独调整时间")
    member = session.get(ActivityMember, (activity.id, person_id))
    if member is None:
        raise PublishError("该党员不在本次活动的参加人员中")
    return member


def set_override(session: Session, activity: Activity, person_id: int, *, extra_minutes: int,
                 makeup_opens_at: datetime | None, makeup_closes_at: datetime | None,
                 reason: str, reason_note: str = "", by: Person | None,
                 now: datetime | None = None) -> ActivityMember:
    """Give a member of the audience extra minutes and/or a make-up window, with a reason
    (``reason`` one of 出差/病假/其他, ``reason_note`` free text, required with 其他)."""
    member = _member(session, activity, person_id)
    if not 0 <= extra_minutes <= 1440:
        raise PublishError("延长时间应在 0 到 1440 分钟之间", "extra_minutes")
    if (makeup_opens_at is None) != (makeup_closes_at is None):
        raise PublishError("补考时间段要同时填写开始和结束时间", "makeup_closes_at")
    if makeup_opens_at is not None and makeup_closes_at is not None and makeup_closes_at <= makeup_opens_at:
        raise PublishError("补考结束时间必须晚于开始时间", "makeup_closes_at")
    if extra_minutes == 0 and makeup_opens_at is None:
        raise PublishError("请填写延长的分钟数，或一个补考时间段", "extra_minutes")
    member.override_reason = reason_text(reason, reason_note)
    member.extra_minutes = extra_minutes
    member.makeup_opens_at = makeup_opens_at
    member.makeup_closes_at = makeup_closes_at
    member.override_by_id = by.id if by else None
    member.override_at = now or utcnow()
    session.flush()
    refresh_deadlines(session, activity.id, person_id)
    return member


def clear_override(session: Session, activity: Activity, person_id: int, *, by: Person | None,
                   now: datetime | None = None) -> ActivityMember:
    """Remove a member's extra time and make-up window (who cleared it, and when, is kept)."""
    member = _member(session, activity, person_id)
    member.extra_minutes = 0
    member.makeup_opens_at = None
    member.makeup_closes_at = None
    member.override_reason = ""
    member.override_by_id = by.id if by else None
    member.override_at = now or utcnow()
    session.flush()
    refresh_deadlines(session, activity.id, person_id)
    return member
