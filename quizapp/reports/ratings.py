"""Ranks among sibling units and the branch rating (stars, yellow and red cards).

Both read the figures of ``queries`` (never scores) and compare percentages as shown, to one
decimal. Ranking: by average score %, then participation rate, never by totals; equal pairs
share a rank (1, 1, 3); units whose audience is below the rating rules' ``min_members`` are
flagged "人数不足，不参与排名" rather than ranked (over a period, by the largest audience
of one of its activities, not by member-activity slots). The rules are those in effect, for the
parent (ranking its children) or for the unit itself (its rating), on the period's last day.

Rating: the first star row (most stars first) whose participation and average thresholds are
both met; a yellow card when participation or average is below the yellow thresholds, a red
card (which wins) below the red ones; a unit below ``min_members`` is flagged, not rated.
"""

from __future__ import annotations

from bisect import bisect_left

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from quizapp.models import RuleKind
from quizapp.results.rules import STAR_NAMES, describe_rating_rules, rules_in_effect
from quizapp.reports.queries import Figures, round1

TOO_FEW = "人数不足，不参与排名"
WAITING = "活动进行中，截止后评定"


@dataclass(frozen=True)
class RuleInfo:
    """The rating rules in effect and where they come from."""

    rules: dict[str, Any]
    text: str
    effective_from: date
    note: str

    @property
    def min_members(self) -> int:
        return int(self.rules["min_members"])


def rating_rules(session: Session, unit_id: int, day: date) -> RuleInfo:
    """The rating rules in effect for the unit on ``day``, described in words."""
    version = rules_in_effect(session, RuleKind.RATING, unit_id, day)
    return RuleInfo(dict(version.rules), describe_rating_rules(version.rules),
                    version.effective_from, version.note)


@dataclass(frozen=True)
class Rating:
    """A unit's rating for a period: stars, a card, or flagged for too few members."""

    stars: int | None
    card: str | None  # "yellow", "red" or None
    too_few: bool
    rule: RuleInfo
    # Nothing due yet (no activity closed, no result): not rated, so no card.
    waiting: bool = False

    @property
    def card_label(self) -> str:
        return {"yellow": "黄牌", "red": "红牌"}.get(self.card or "", "")

    @property
    def text(self) -> str:
        if self.too_few:
            return TOO_FEW
        if self.waiting:
            return WAITING
        words = f"{'★' * self.stars}（{STAR_NAMES.get(self.stars, '')}）" if self.stars else "未达星级"
        return f"{words}，亮{self.card_label}" if self.card else words


def pending(rule: RuleInfo) -> Rating:
    """No rating yet: what is rated has not closed."""
    return Rating(None, None, False, rule, waiting=True)


def rate(figures: Figures, rule: RuleInfo) -> Rating:
    """The rating of a unit with these figures under these rules: from the audience rows
    that are due (``Figures.due``), so an activity still open gives no card."""
    if figures.members < rule.min_members:
        return Rating(None, None, True, rule)
    if figures.due == 0:
        return pending(rule)
    participation = figures.participation or 0.0
    average = figures.average or 0.0
    stars = next((row["stars"] for row in rule.rules["stars"]
                  if participation >= row["participation"] and average >= row["average"]), None)
    card = None
    for name in ("yellow", "red"):
        limits = rule.rules[f"{name}_card"]
        if participation < limits["participation"] or average < limits["average"]:
            card = name
    return Rating(stars, card, False, rule)


@dataclass(frozen=True)
class Ranked:
    """A unit's place among its siblings: ``rank`` None when flagged for too few members."""

    unit_id: int
    rank: int | None
    of: int
    # Siblings left out of the ranking for too few members.
    flagged: int = 0

    @property
    def text(self) -> str:
        if self.rank is None:
            return TOO_FEW
        extra = f"（另{self.flagged}个人数不足）" if self.flagged else ""
        return f"第{self.rank}名 / 共{self.of}个{extra}"


def rank_units(by_unit: dict[int, Figures], min_members: int) -> dict[int, Ranked]:
    """Ranks of sibling units by average %, then participation %; ties share a rank."""
    # Each key computed once (the rates round as shown), negated to sort best first.
    keys = {u: (-(f.average or 0.0), -(f.participation or 0.0))
            for u, f in by_unit.items() if f.members >= min_members}
    flagged = len(by_unit) - len(keys)
    # Sorted once: a unit's rank is 1 + the number of units with a strictly better key.
    ordered = sorted(keys.values())
    ranks = {u: Ranked(u, 1 + bisect_left(ordered, key), len(keys), flagged)
             for u, key in keys.items()}
    ranks.update({u: Ranked(u, None, len(keys), flagged) for u in by_unit if u not in ranks})
    return ranks


def rank_members(percents: list[float], mine: float) -> tuple[int, int]:
    """A member's rank among participants' best percents (ties share) and how many there are."""
    shown = round1(mine)
    return 1 + sum(1 for value in percents if round1(value) > shown), len(percents)
