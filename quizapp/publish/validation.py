"""Checking an ``ActivitySpec`` before it becomes rows: every message in Chinese, naming the
form field it belongs to, so a form can show it beside the field."""

from __future__ import annotations

from collections import defaultdict
from sqlalchemy.orm import Session

from quizapp.auth.access import has_role
from quizapp.models import ActivityKind, Person, Role, Speech, Unit
from quizapp.publish import pools
from quizapp.results.periods import quarter_start
from quizapp.publish.specs import MAX_PARTS, MAX_PASSAGES, ActivitySpec, PartSpec, PublishError


def check_spec(session: Session, spec: ActivitySpec, organizer: Person | None) -> None:
    """Raise ``PublishError`` for the first rule ``spec`` breaks (scope, times, ranges, passages,
    blueprint rows, and whether the approved bank holds enough questions for every row)."""
    _check_basics(session, spec, organizer)
    _check_times(spec)
    _check_ranges(spec)
    _check_passages(session, spec, organizer)
    _check_parts(session, spec, organizer)


def _check_basics(session: Session, spec: ActivitySpec, organizer: Person | None) -> None:
    title = spec.title.strip()
    if not title:
        raise PublishError("请填写标题", "title")
    if len(title) > 200:
        raise PublishError("标题不能超过 200 个字", "title")
    if session.get(Unit, spec.unit_id) is None:
        raise PublishError("请选择发布到的组织", "unit")
    if organizer is not None and not has_role(session, organizer, [Role.ORGANIZER], spec.unit_id):
        raise PublishError("只能发布到您负责的组织", "unit")
    if spec.kind is ActivityKind.STUDY and spec.period_start.day != 1:
        raise PublishError("月度选学的月份应从当月 1 日算起", "period")
    if spec.kind is ActivityKind.TEST and spec.period_start != quarter_start(spec.period_start):
        raise PublishError("季度测试的季度应从季度第一天算起", "period")


def _check_times(spec: ActivitySpec) -> None:
    if spec.closes_at <= spec.opens_at:
        raise PublishError("截止时间必须晚于开始时间", "closes_at")
    if spec.practice_opens_at is not None and spec.practice_opens_at > spec.opens_at:
        raise PublishError("练习开放时间不能晚于正式答题开始时间", "practice_opens_at")


def _check_ranges(spec: ActivitySpec) -> None:
    if spec.time_limit_minutes is not None and not 1 <= spec.time_limit_minutes <= 1440:
        raise PublishError("答题时限应在 1 到 1440 分钟之间（不限时请留空）", "time_limit")
    if not 1 <= spec.attempts_allowed <= 10:
        raise PublishError("可答次数应在 1 到 10 次之间", "attempts")
    if not 0 <= spec.pass_percent <= 100:
        raise PublishError("及格线应在 0 到 100 之间", "pass_percent")
    if not spec.pass_percent <= spec.excellent_percent <= 100:
        raise PublishError("优秀线应不低于及格线，且不超过 100", "excellent_percent")


def _speech(session: Session, speech_id: int, spec: ActivitySpec, organizer: Person | None,
            field: str, where: str) -> Speech:
    """The named speech, if the organizer may use it for this unit's audience."""
    speech = session.get(Speech, speech_id)
    visible = pools.organizer_speech_unit_ids(session, organizer)
    if speech is None or (visible is not None and speech.unit_id not in visible):
        raise PublishError(f"{where}：找不到编号为 {speech_id} 的讲话", field)
    if not pools.speech_visible_to_unit(session, speech, spec.unit_id):
        raise PublishError(
            f"{where}：讲话《{speech.title}》不是本组织或上级组织的讲话，所选组织的党员看不到它", field
        )
    return speech


def _check_passages(session: Session, spec: ActivitySpec, organizer: Person | None) -> None:
    if spec.kind is ActivityKind.TEST:
        if spec.passages:
            raise PublishError("季度测试没有阅读材料", "passages")
        return
    if not spec.passages:
        raise PublishError("月度选学至少要选一段讲话原文供党员阅读", "passages")
    if len(spec.passages) > MAX_PASSAGES:
        raise PublishError(f"阅读材料最多 {MAX_PASSAGES} 段", "passages")
    for number, passage in enumerate(spec.passages, start=1):
        where = f"第 {number} 段阅读材料"
        speech = _speech(session, passage.speech_id, spec, organizer, "passages", where)
        count = len(speech.paragraphs)
        if not 0 <= passage.first <= passage.last:
            raise PublishError(f"{where}：起止段落不对（起始段应不大于结束段，从第 1 段算起）", "passages")
        if passage.last >= count:
            raise PublishError(
                f"{where}：《{speech.title}》只有 {count} 段，没有第 {passage.last + 1} 段", "passages"
            )
        if len(passage.concept) > 200:
            raise PublishError(f"{where}：概念不能超过 200 个字", "passages")


def _check_parts(session: Session, spec: ActivitySpec, organizer: Person | None) -> None:
    if not spec.parts:
        raise PublishError("至少要有一行出题规则（题型、题数、每题分值）", "parts")
    if len(spec.parts) > MAX_PARTS:
        raise PublishError(f"出题规则最多 {MAX_PARTS} 行", "parts")
    by_type: dict[object, list[tuple[int, PartSpec]]] = defaultdict(list)
    points: dict[int, set[str]] = {}  # the key points each row can draw from
    for number, part in enumerate(spec.parts, start=1):
        where = f"第 {number} 行（{part.type.label}）"
        if not 1 <= part.count <= 100:
            raise PublishError(f"{where}：题数应在 1 到 100 之间", "parts")
        if not 1 <= part.points_each <= 100:
            raise PublishError(f"{where}：每题分值应在 1 到 100 之间", "parts")
        if len(part.concept) > 200:
            raise PublishError(f"{where}：概念不能超过 200 个字", "parts")
        if part.speech_id is not None:
            _speech(session, part.speech_id, spec, organizer, "parts", where)
        points[number] = pools.pool_points(session, spec.unit_id, part)
        available = len(points[number])
        if available < part.count:
            raise PublishError(
                f"{where}：需要 {part.count} 道，已审核通过、该组织党员可见的题只有 {available} 道，"
                f"还差 {part.count - available} 道（同一句原文出的变体只算一道）。请减少题数、放宽讲话或概念，"
                f"或先审核更多题目。",
                "parts",
            )
        by_type[part.type].append((number, part))
    for rows in by_type.values():
        if len(rows) < 2:
            continue
        needed = sum(part.count for _, part in rows)
        union = set().union(*(points[number] for number, _ in rows))
        if len(union) < needed:
            numbers = "、".join(str(n) for n, _ in rows)
            raise PublishError(
                f"第 {numbers} 行（{rows[0][1].type.label}）合计需要 {needed} 道不重复的题，"
                f"可用的只有 {len(union)} 道，还差 {needed - len(union)} 道", "parts",
            )
    # Rows of different types may draw variants of one key point: one of them per paper.
    needed = sum(part.count for part in spec.parts)
    union = set().union(*points.values())
    if len(by_type) > 1 and len(union) < needed:
        raise PublishError(
            f"各行合计需要 {needed} 道题，但同一句原文出的题（同一要点的变体）一份试卷只能出一道，"
            f"可用的要点只有 {len(union)} 个，还差 {needed - len(union)} 个。请减少题数或先审核更多题目。",
            "parts",
        )

