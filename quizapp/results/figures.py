"""The figures of a report as plain sums (additive over members, units and activities), and
the rates derived from them, to one decimal, halves up. Filled by ``tally`` (SQL) and
``result_figures`` (one member, for the roll-up deltas)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from quizapp.results.scores import BIN_EDGES, BIN_LABELS, bin_of, percent, reaches

__all__ = ["BIN_EDGES", "BIN_LABELS"]  # re-exported for the report pages

MIN_CONCEPT_ANSWERS = 3


TENTH = Decimal("0.1")


def round1(value: float) -> float:
    """One decimal, halves up (四舍五入), after dropping float noise."""
    return float(Decimal(repr(round(value, 9))).quantize(TENTH, ROUND_HALF_UP))


def pct(part: float, whole: float) -> float | None:
    """``part`` of ``whole`` as a percent to one decimal (None when ``whole`` is 0)."""
    return round1(part * 100 / whole) if whole else None


@dataclass
class Figures:
    """Additive sums for a set of audience rows; rates are derived, never summed."""

    audience: int = 0  # audience rows: members, or member-activity slots over a period
    participants: int = 0
    unfinished: int = 0  # an open scored attempt and no result yet
    pct_sum: float = 0.0
    passed: int = 0
    excellent: int = 0
    bins: list[int] = field(default_factory=lambda: [0] * 5)
    # The unit's size for min_members: its audience, over a period its largest one activity's.
    members: int = 0
    # Audience rows that count in the participation rate (``due``), when not all of them do.
    counted: int | None = None

    def add(self, other: Figures) -> Figures:
        """Pool another set of rows into this one (returns self)."""
        if self.counted is not None or other.counted is not None:
            self.counted = self.due + other.due
        self.audience += other.audience
        self.participants += other.participants
        self.unfinished += other.unfinished
        self.pct_sum += other.pct_sum
        self.passed += other.passed
        self.excellent += other.excellent
        self.bins = [a + b for a, b in zip(self.bins, other.bins)]
        self.members += other.members
        return self

    @property
    def due(self) -> int:
        """Audience rows a participation rate counts: every row of a closed activity, and of
        one still open only the members who already have a result (``only_results``)."""
        return self.audience if self.counted is None else self.counted

    def only_results(self) -> Figures:
        """Count only the rows with a result as due (an activity still open); returns self."""
        self.counted = self.participants
        return self

    @property
    def participation(self) -> float | None:
        return pct(self.participants, self.due)

    @property
    def average(self) -> float | None:
        return round1(self.pct_sum / self.participants) if self.participants else None

    @property
    def pass_rate(self) -> float | None:
        return pct(self.passed, self.participants)

    @property
    def excellent_rate(self) -> float | None:
        return pct(self.excellent, self.participants)


def result_figures(best: Any, pass_percent: int, excellent_percent: int) -> Figures:
    """One member's share of the result sums for their best sitting (anything with score and
    max_score; nothing without a result): the rule of ``scores``, as the report SQL counts."""
    if best is None:
        return Figures()
    bins = [0] * len(BIN_LABELS)
    bins[bin_of(best.score, best.max_score)] = 1
    return Figures(0, 1, 0, percent(best.score, best.max_score),
                   int(reaches(best.score, best.max_score, pass_percent)),
                   int(reaches(best.score, best.max_score, excellent_percent)), bins)


def pooled(parts: Any) -> Figures:
    """The sum of several Figures."""
    total = Figures()
    for part in parts:
        total.add(part)
    return total


@dataclass(frozen=True)
class Share:
    """Answers and correct answers for one concept (or speech) in one bucket."""

    answers: int
    correct: int

    @property
    def percent(self) -> float | None:
        return pct(self.correct, self.answers)
