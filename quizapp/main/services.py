"""Writes of the member's home page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from quizapp.models import Notice
from quizapp.models.base import utcnow


def mark_notice_read(session: Session, person_id: int, notice_id: int,
                     now: datetime | None = None) -> bool:
    """Mark the person's own notice read (知道了). False when it is not theirs or is gone;
    marking a read notice again changes nothing and is True."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.person_id != person_id:
        return False
    session.execute(
        update(Notice).where(Notice.id == notice_id, Notice.read_at.is_(None))
        .values(read_at=now or utcnow()).execution_options(synchronize_session=False)
    )
    return True
