"""Report roll-ups: per (activity, unit) result sums kept beside the attempts they come from.

``ReportRollup`` holds, for one published activity and one unit, the additive sums over the
unit's *direct* audience members (``ActivityMember.unit_id``): their number (the audience) and,
over those that have a result, participants, the sum of their best score %, passes, excellents
and the score bins. A subtree's figures are the sum of its units' rows, read by
``reports.queries``. "Started, not finished" is not kept here: it changes at a start, and is
counted at read time from the open attempts.

``RollupState`` says a roll-up is usable: its activity's rows were rebuilt (or kept up to date)
under these pass and excellent thresholds. A missing or mismatched state makes the reports read
the attempts instead, until the next submit or ``flask report rebuild-rollups`` rebuilds it.
Both are written only by ``results.rollups``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.models.base import Base, utcnow


class ReportRollup(Base):
    """Result sums of one activity over one unit's direct audience members.

    No CHECKs on the sums: a delta is written as ``INSERT … ON CONFLICT DO UPDATE`` and the
    databases check the proposed row (e.g. passed −1) before they find the conflict.
    """

    __tablename__ = "report_rollup"
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    participants: Mapped[int] = mapped_column(default=0)
    # Sum of the participants' best score % (score × 100 / max score).
    pct_sum: Mapped[float] = mapped_column(Float, default=0.0)
    passed: Mapped[int] = mapped_column(default=0)
    excellent: Mapped[int] = mapped_column(default=0)
    # Best score % in the bins of ``results.scores.BIN_EDGES`` (the percent as shown):
    # <60, 60–69, 70–79, 80–89, 90+.
    bin_0: Mapped[int] = mapped_column(default=0)
    bin_1: Mapped[int] = mapped_column(default=0)
    bin_2: Mapped[int] = mapped_column(default=0)
    bin_3: Mapped[int] = mapped_column(default=0)
    bin_4: Mapped[int] = mapped_column(default=0)
    # The unit's audience rows (``activity_member``), with or without a result.
    audience: Mapped[int] = mapped_column(default=0)


class RollupState(Base):
    """An activity whose roll-up rows are complete, and the thresholds they were counted with."""

    __tablename__ = "rollup_state"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    pass_percent: Mapped[int] = mapped_column()
    excellent_percent: Mapped[int] = mapped_column()
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
