"""Report periods: a month ``2026-11``, a quarter ``2026-Q4`` or a year ``2026``.

An activity counts for the period its ``period_start`` falls in (a study's month, a
test's quarter); a period's figures pool the activities that start in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from quizapp.models import Activity, ActivityKind
from quizapp.quiz.timefmt import CHINA, as_utc

_QUARTER_NAMES = "一二三四"
_PATTERN = re.compile(r"(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|[Qq](?P<quarter>\d)))?")


class PeriodError(ValueError):
    """A period the user typed that cannot be read; the message is Chinese."""


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
    if not 2000 <= number <= 2100:
        raise PeriodError("年份须在 2000–2100 之间")
    if match["month"] is not None:
        if not 1 <= int(match["month"]) <= 12:
            raise PeriodError("月份须在 1–12 之间")
        return month(number, int(match["month"]))
    if match["quarter"] is not None:
        if not 1 <= int(match["quarter"]) <= 4:
            raise PeriodError("季度须在 Q1–Q4 之间")
        return quarter(number, int(match["quarter"]))
    return year(number)


def today_in_china(now: datetime) -> date:
    """The calendar day in Beijing at ``now`` (UTC)."""
    moment = as_utc(now)
    assert moment is not None
    return moment.astimezone(CHINA).date()


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
