"""The clock: times are stored in UTC and read in Beijing time (UTC+8, no daylight saving).

The one owner of "now in Beijing", "today in Beijing" and Beijing wall-clock times typed
into forms; periods (months, quarters) are in ``results.periods``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

# China has one time zone and no daylight saving: a fixed offset needs no tz database.
CHINA = timezone(timedelta(hours=8), "CST")
MIN_YEAR, MAX_YEAR = 2000, 2200
LOCAL_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


class PeriodError(ValueError):
    """A period or time the user typed that cannot be read; the message is Chinese."""


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def local_time(moment: datetime | None, pattern: str = "%m月%d日 %H:%M") -> str:
    """A stored time as a member reads it (a Jinja filter)."""
    moment = as_utc(moment)
    return moment.astimezone(CHINA).strftime(pattern) if moment else ""


def seconds_left(moment: datetime | None) -> int:
    """Whole seconds from now until ``moment`` (0 once past): the answering page's countdown
    starts from the server's clock, so a phone with a wrong clock still counts right."""
    moment = as_utc(moment)
    if moment is None:
        return 0
    return max(0, int((moment - datetime.now(timezone.utc)).total_seconds()))


def today_in_china(now: datetime) -> date:
    """The calendar day in Beijing at ``now`` (UTC)."""
    moment = as_utc(now)
    assert moment is not None
    return moment.astimezone(CHINA).date()


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
    """A stored time as organizers read it in a change log: 2026年11月30日 18:00."""
    return local_time(moment, "%Y年%m月%d日 %H:%M") or "无"
