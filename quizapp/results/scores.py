"""A member's score: percent, the sitting that counts, the verdict and the bin. One owner.

The rule, shown on every page, in every export and in the roll-ups:

- A sitting's **percent** is score / max score × 100, **shown to one decimal, halves up**
  (四舍五入): 188 of 209 is 89.952…% and shows as 90.0%.
- The **verdict** and the **bin** read the percent as shown: 优秀 from the excellent line, 合格
  from the pass line, else 不合格; 188 of 209 is 优秀 under a 90% line, 59.95% is 合格 under
  60%. It is decided in whole numbers (``2000 × score ≥ (20 × line − 1) × max``), so Python
  and SQL (SQLite or PostgreSQL) agree exactly, with no float at the boundary.
- A member's **best sitting** is their submitted scored sitting with the highest share; of
  equal shares the earliest submitted, then the lowest id.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Iterable, TypeVar

from sqlalchemy import case

from quizapp.results.clock import as_utc

# Lower edges of the score bins: <60, 60–69, 70–79, 80–89, 90–100 (as shown).
BIN_EDGES = (60, 70, 80, 90)
BIN_LABELS = ("60以下", "60–69", "70–79", "80–89", "90–100")
EXCELLENT, PASSED, FAILED = "优秀", "合格", "不合格"


def share(score: int | None, max_score: int | None) -> Fraction:
    """Score over max score, exactly (0 for a sitting without a maximum)."""
    return Fraction(score or 0, max_score) if max_score else Fraction(0)


def percent(score: int | None, max_score: int | None) -> float:
    """The unrounded percent (what averages are made of)."""
    return float(share(score, max_score) * 100)


def shown_percent(score: int | None, max_score: int | None) -> float:
    """The percent as every page shows it: one decimal, halves up."""
    exact = share(score, max_score) * 1000
    tenths = Decimal(exact.numerator) / Decimal(exact.denominator)
    return float(tenths.quantize(Decimal(1), ROUND_HALF_UP) / 10)


def reaches(score: int | None, max_score: int | None, line: int) -> bool:
    """Whether the percent as shown is at least ``line`` (a whole percent)."""
    if not max_score:
        return False
    return 2000 * (score or 0) >= (20 * line - 1) * max_score


def verdict(score: int | None, max_score: int | None, pass_percent: int,
            excellent_percent: int) -> str:
    """优秀, 合格 or 不合格 by the lines, read on the percent as shown."""
    return verdict_of(reaches(score, max_score, pass_percent),
                      reaches(score, max_score, excellent_percent))


def verdict_of(passed: bool, excellent: bool) -> str:
    """The verdict from the two line checks (as ``tally`` computes them in SQL)."""
    return EXCELLENT if excellent else (PASSED if passed else FAILED)


def bin_of(score: int | None, max_score: int | None) -> int:
    """The index of the score bin (``BIN_LABELS``) the shown percent falls in."""
    return sum(1 for edge in BIN_EDGES if reaches(score, max_score, edge))


def reaches_sql(score: Any, max_score: Any, line: Any) -> Any:
    """``reaches`` as a SQL condition over columns (or a bound whole percent)."""
    return 2000 * score >= (20 * line - 1) * max_score


def bin_sql(score: Any, max_score: Any) -> Any:
    """``bin_of`` as a SQL expression."""
    total = 0
    for edge in BIN_EDGES:
        total = total + case((reaches_sql(score, max_score, edge), 1), else_=0)
    return total


def best_order_sql(score: Any, max_score: Any, submitted_at: Any, attempt_id: Any) -> tuple:
    """The ORDER BY that puts a member's best sitting first (see the module's rule)."""
    return ((score * 1.0 / max_score).desc(), submitted_at, attempt_id)


S = TypeVar("S")
_NEVER = datetime.min.replace(tzinfo=timezone.utc)


def best_key(sitting: Any) -> tuple:
    """The sort key of the rule: the best sitting sorts first."""
    submitted = as_utc(sitting.submitted_at)
    return (-share(sitting.score, sitting.max_score), submitted is None,
            submitted or _NEVER, sitting.id)


def best_sitting(sittings: Iterable[S]) -> S | None:
    """The sitting that counts among one member's submitted scored sittings (None if none)."""
    return min(sittings, key=best_key, default=None)


def best_by_person(rows: Iterable[Any]) -> dict[int, Any]:
    """Each person's best sitting among rows with person_id, id, score, max_score and
    submitted_at."""
    best: dict[int, Any] = {}
    for row in sorted(rows, key=best_key):
        best.setdefault(row.person_id, row)
    return best
