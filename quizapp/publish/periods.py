"""Months, quarters and Beijing wall-clock times for publishing.

Organizers think in Beijing time (a form's "2026-11-20 09:00"); the database
stores UTC. Periods are named as organizers write them: ``2026-11`` for a month,
``2026-Q4`` for a quarter.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta, timezone

from quizapp.quiz.timefmt import CHINA, as_utc

_MONTH = re.compile(r"^\s*(\d{4})\s*-\s*(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
LOCAL_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d")
MIN_YEAR, MAX_YEAR = 2000, 2200


class PeriodError(ValueError):
    """A month, quarter or time an organizer typed that cannot be read (Chinese message)."""


def parse_month(text: str) -> date:
    """``2026-11`` → 2026-11-01."""
    match = _MONTH.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        raise PeriodError(f"月份“{text}”格式不对，应为 2026-11")
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_quarter(text: str) -> date:
    """``2026-Q4`` → 2026-10-01 (the quarter's first day)."""
    match = _QUARTER.match(text or "")
    if not match or not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        raise PeriodError(f"季度“{text}”格式不对，应为 2026-Q4")
    return date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1)


def quarter_start(day: date) -> date:
    """The first day of the quarter ``day`` falls in."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_name(start: date) -> str:
    """2026-10-01 → ``2026-Q4``."""
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def period_label(start: date, is_study: bool) -> str:
    """The period in words: 2026年11月, or 2026年第四季度."""
    if is_study:
        return f"{start.year}年{start.month}月"
    return f"{start.year}年第{'一二三四'[(start.month - 1) // 3]}季度"


def beijing(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """A Beijing wall-clock time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), CHINA).astimezone(timezone.utc)


def from_local(naive: datetime) -> datetime:
    """A naive Beijing time (a form field's value) as an aware UTC datetime."""
    return naive.replace(tzinfo=CHINA).astimezone(timezone.utc)


def to_local(moment: datetime | None) -> datetime | None:
    """A stored time as a naive Beijing time (to fill a form field)."""
    moment = as_utc(moment)
    return moment.astimezone(CHINA).replace(tzinfo=None) if moment else None


def parse_local(text: str, label: str = "时间") -> datetime:
    """``2026-11-20 09:00`` (Beijing time) → aware UTC datetime."""
    for pattern in LOCAL_FORMATS:
        try:
            moment = datetime.strptime((text or "").strip(), pattern)
        except ValueError:
            continue
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise PeriodError(f"{label}“{text}”的年份应在 {MIN_YEAR} 到 {MAX_YEAR} 之间")
        return from_local(moment)
    raise PeriodError(f"{label}“{text}”格式不对，应为 2026-11-20 09:00（北京时间）")


def show(moment: datetime | None) -> str:
    """A stored time as organizers read it in a change log: 11月30日 18:00."""
    moment = as_utc(moment)
    return moment.astimezone(CHINA).strftime("%Y年%m月%d日 %H:%M") if moment else "无"


def month_defaults(month: date) -> tuple[datetime, datetime, datetime]:
    """(practice opens, scored opens, scored closes) of a month's study: the 1st 00:00, the
    20th 00:00 and the last day 23:59, Beijing time."""
    last = calendar.monthrange(month.year, month.month)[1]
    return beijing(month), beijing(month.replace(day=20)), beijing(month.replace(day=last), 23, 59)


def quarter_defaults(quarter: date) -> tuple[datetime, datetime]:
    """(opens, closes) of a quarter's test: the quarter's last month, the 1st 00:00 to its
    last day 23:59, Beijing time."""
    last_month = quarter.replace(month=quarter.month + 2)
    last = calendar.monthrange(last_month.year, last_month.month)[1]
    return beijing(last_month), beijing(last_month.replace(day=last), 23, 59)


def next_month(today: date) -> date:
    """The first day of the month after ``today``."""
    return (today.replace(day=28) + timedelta(days=4)).replace(day=1)
