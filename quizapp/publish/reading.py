"""Reading a submitted study or test form into an ``ActivitySpec`` (and filling a form from
an activity). Unreadable input raises ``PublishError`` naming the field."""

from __future__ import annotations

from datetime import date

from quizapp.models import Activity, ActivityKind, AnswerPolicy, QuestionType
from quizapp.publish.forms import ActivityForm, StudyForm, TestForm
from quizapp.results.clock import PeriodError, from_local, to_local
from quizapp.results.periods import (
    month_defaults,
    parse_month,
    parse_quarter,
    quarter_name,
    quarter_start,
)
from quizapp.publish.specs import ActivitySpec, PartSpec, PassageSpec, PublishError


def quarter_choices(today: date, current: date | None = None) -> list[tuple[str, str]]:
    """The last quarter, this one and the next four (and ``current`` if it is elsewhere)."""
    start = quarter_start(today)
    starts = []
    year, month = (start.year, start.month - 3) if start.month > 3 else (start.year - 1, 10)
    for _ in range(6):
        starts.append(date(year, month, 1))
        year, month = (year, month + 3) if month < 10 else (year + 1, 1)
    if current is not None and current not in starts:
        starts.insert(0, current)
    return [(quarter_name(s), f"{s.year}年第{'一二三四'[(s.month - 1) // 3]}季度") for s in starts]


def _optional_id(value: str | None, where: str, field: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 18):
        raise PublishError(f"{where}：请选择讲话", field)
    return int(value)


def _parts(form: ActivityForm) -> list[PartSpec]:
    parts = []
    for number, entry in enumerate(form.parts.entries, start=1):
        row = entry.form
        if not row.type.data:
            continue
        where = f"第 {number} 行"
        try:
            qtype = QuestionType(row.type.data)
        except ValueError:
            raise PublishError(f"{where}：请选择题型", "parts") from None
        if row.count.data is None:
            raise PublishError(f"{where}：请填写题数", "parts")
        if row.points_each.data is None:
            raise PublishError(f"{where}：请填写每题分值", "parts")
        parts.append(PartSpec(qtype, row.count.data, row.points_each.data,
                              _optional_id(row.speech.data, where, "parts"), (row.concept.data or "").strip()))
    return parts


def _passages(form: StudyForm) -> list[PassageSpec]:
    passages = []
    for number, entry in enumerate(form.passages.entries, start=1):
        row = entry.form
        where = f"第 {number} 段阅读材料"
        speech_id = _optional_id(row.speech.data, where, "passages")
        if speech_id is None:
            continue
        if row.first.data is None or row.last.data is None:
            raise PublishError(f"{where}：请填写起始段和结束段", "passages")
        if row.first.data < 1:
            raise PublishError(f"{where}：段落从第 1 段算起", "passages")
        passages.append(PassageSpec(speech_id, row.first.data - 1, row.last.data - 1,
                                    (row.concept.data or "").strip()))
    return passages


def spec_from_form(form: ActivityForm, kind: ActivityKind) -> ActivitySpec:
    """The spec a validated study or test form asks for (a study's blank times get the month's
    defaults: practice from the 1st, scored from the 20th to the last day)."""
    try:
        if kind is ActivityKind.STUDY:
            period = parse_month(form.month.data)
        else:
            period = parse_quarter(form.quarter.data)
    except PeriodError as error:
        raise PublishError(str(error), "period") from None
    practice, opens, closes = (from_local(f.data) if f.data else None
                               for f in (form.practice_opens_at, form.opens_at, form.closes_at))
    if kind is ActivityKind.STUDY:
        default_practice, default_opens, default_closes = month_defaults(period)
        practice, opens, closes = (practice or default_practice, opens or default_opens,
                                   closes or default_closes)
    if opens is None:
        raise PublishError("请填写开始时间", "opens_at")
    if closes is None:
        raise PublishError("请填写截止时间", "closes_at")
    return ActivitySpec(
        kind=kind, title=(form.title.data or "").strip(), unit_id=form.unit.data, period_start=period,
        opens_at=opens, closes_at=closes, practice_opens_at=practice, intro=form.intro.data or "",
        time_limit_minutes=form.time_limit.data, attempts_allowed=form.attempts.data,
        answers_shown=AnswerPolicy(form.answers_shown.data)
        if form.answers_shown.data in {a.value for a in AnswerPolicy} else AnswerPolicy.AFTER_SUBMIT,
        partial_multiple=bool(form.partial_multiple.data), pass_percent=form.pass_percent.data,
        excellent_percent=form.excellent_percent.data, parts=_parts(form),
        passages=_passages(form) if kind is ActivityKind.STUDY else [],
    )


def fill_form(form: ActivityForm, activity: Activity) -> None:
    """Put an activity's values into a fresh (GET) form."""
    form.title.data = activity.title
    form.unit.data = activity.unit_id
    form.intro.data = activity.intro
    form.practice_opens_at.data = to_local(activity.practice_opens_at)
    form.opens_at.data = to_local(activity.opens_at)
    form.closes_at.data = to_local(activity.closes_at)
    form.time_limit.data = activity.time_limit_minutes
    form.attempts.data = activity.attempts_allowed
    form.answers_shown.data = activity.answers_shown.value
    form.partial_multiple.data = activity.partial_multiple
    form.pass_percent.data = activity.pass_percent
    form.excellent_percent.data = activity.excellent_percent
    if isinstance(form, StudyForm):
        form.month.data = activity.period_start.strftime("%Y-%m")
        while len(form.passages):
            form.passages.pop_entry()
        for p in activity.passages:
            form.passages.append_entry({"speech": str(p.speech_id), "first": p.first_paragraph + 1,
                                        "last": p.last_paragraph + 1, "concept": p.concept})
    elif isinstance(form, TestForm):
        form.quarter.data = quarter_name(activity.period_start)
    while len(form.parts):
        form.parts.pop_entry()
    for p in activity.parts:
        form.parts.append_entry({"type": p.type.value, "count": p.count, "points_each": p.points_each,
                                 "speech": str(p.speech_id or ""), "concept": p.concept})
