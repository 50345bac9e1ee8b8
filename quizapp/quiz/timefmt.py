"""Times for members: stored in UTC, shown in China Standard Time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# China has one time zone and no daylight saving: a fixed offset needs no tz database.
CHINA = timezone(timedelta(hours=8), "CST")


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
