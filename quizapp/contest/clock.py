"""The server's clock for the contest, and stored times made aware (SQLite returns naive UTC)."""

from __future__ import annotations

from datetime import datetime, timezone


def aware(moment: datetime | None) -> datetime | None:
    """``moment`` as an aware UTC datetime (a naive one is UTC as stored)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def now() -> datetime:
    """The server's time, in UTC: the only clock an answer is judged by."""
    return datetime.now(timezone.utc)
