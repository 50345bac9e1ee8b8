"""Periods: a month ``2026-11``, a quarter ``2026-Q4`` or a year ``2026``, read by one parser.

An activity counts for the period its ``period_start`` falls in (a study's month, a
test's quarter); a period's figures pool the activities that start in it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from quizapp.models import Activity, ActivityKind
from quizapp.results.clock import MAX_YEAR, MIN_YEAR, PeriodError, beijing, today_in_china

__all__ = ["PeriodError", "today_in_china"]  # re-exported: callers read periods from here

_QUARTER_NAMES = "一二三四"
_PATTERN = re.compile(
    r"(?P<year>\d{4})(?:\s*-\s*(?P<month>\d{1,2})|\s*-?\s*[Qq](?P<quarter>\d))?")


@dataclass(frozen=True)
class Period:
    """Days ``start`` (inclusive) to ``end`` (exclusive); ``key`` as typed in URLs and the CLI."""

    key: str
    label: str
    start: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def month(year: int, number: int) -> Period:
    """The month ``number`` of ``year``."""
    end = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return Period(f"{year}-{number:02d}", f"{year}年{number}月", date(year, number, 1), end)


def quarter(year: int, number: int) -> Period:
    """Quarter 1–4 of ``year``."""
    first = 3 * (number - 1) + 1
    end = date(year + 1, 1, 1) if number == 4 else date(year, first + 3, 1)
    return Period(f"{year}-Q{number}", f"{year}年第{_QUARTER_NAMES[number - 1]}季度",
                  date(year, first, 1), end)


def year(number: int) -> Period:
    """The calendar year."""
    return Period(str(number), f"{number}年", date(number, 1, 1), date(number + 1, 1, 1))


def parse_period(text: str | None) -> Period:
    """``2026-11``, ``2026-Q4`` or ``2026`` as a Period, else PeriodError (in Chinese)."""
    cleaned = (text or "").strip()
    match = _PATTERN.fullmatch(cleaned) if cleaned.isascii() else None
    if match is None:
        raise PeriodError(f"期间“{cleaned[:20]}”无法识别：请写成 2026-11（月）、2026-Q4（季度）或 2026（年）")
    number = int(match["year"])
    if not MIN_YEAR <= number <= MAX_YEAR:
        raise PeriodError(f"年份须在 {MIN_YEAR}–{MAX_YEAR} 之间")
    if match["month"] is not None:
        if not 1 <= int(match["month"]) <= 12:
            raise PeriodError("月份须在 1–12 之间")
        return month(number, int(match["month"]))
    if match["quarter"] is not None:
        if not 1 <= int(match["quarter"]) <= 4:
            raise PeriodError("季度须在 Q1–Q4 之间")
        return quarter(number, int(match["quarter"]))
    return year(number)


def quarter_of(day: date) -> Period:
    """The quarter a day falls in."""
    return quarter(day.year, (day.month - 1) // 3 + 1)


def activity_period(activity: Activity) -> Period:
    """The month of a study, the quarter of a test: the period its rating rules are read for."""
    start = activity.period_start
    if activity.kind is ActivityKind.STUDY:
        return month(start.year, start.month)
    return quarter_of(start)


def last_months(day: date, count: int = 12) -> list[Period]:
    """The ``count`` months up to and including the month of ``day``, oldest first."""
    months = []
    y, m = day.year, day.month
    for _ in range(count):
        months.append(month(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return months[::-1]


def parse_month(text: str) -> date:
    """``2026-11`` → 2026-11-01 (a month only, read by ``parse_period``)."""
    try:
        period = parse_period(text)
    except PeriodError:
        period = None
    if period is None or not _is_month(period):
        raise PeriodError(f"月份“{text}”格式不对，应为 2026-11")
    return period.start


def parse_quarter(text: str) -> date:
    """``2026-Q4`` → 2026-10-01, the quarter's first day (a quarter only, read by ``parse_period``)."""
    try:
        period = parse_period(text)
    except PeriodError:
        period = None
    if period is None or "Q" not in period.key:
        raise PeriodError(f"季度“{text}”格式不对，应为 2026-Q4")
    return period.start


def _is_month(period: Period) -> bool:
    return "-" in period.key and "Q" not in period.key


def quarter_start(day: date) -> date:
    """The first day of the quarter ``day`` falls in."""
    return quarter_of(day).start


def quarter_name(start: date) -> str:
    """2026-10-01 → ``2026-Q4``."""
    return quarter_of(start).key


def period_label(start: date, is_study: bool) -> str:
    """The period in words: 2026年11月, or 2026年第四季度."""
    return (month(start.year, start.month) if is_study else quarter_of(start)).label


def month_defaults(first: date) -> tuple[datetime, datetime, datetime]:
    """(practice opens, scored opens, scored closes) of a month's study: the 1st 00:00, the
    20th 00:00 and the last day 23:59, Beijing time."""
    last = calendar.monthrange(first.year, first.month)[1]
    return beijing(first), beijing(first.replace(day=20)), beijing(first.replace(day=last), 23, 59)


def next_month(today: date) -> date:
    """The first day of the month after ``today``."""
    return (today.replace(day=28) + timedelta(days=4)).replace(day=1)
