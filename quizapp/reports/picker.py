"""The period picker of the report pages: months, quarters and years to choose from, in the
key format the period parser reads (``2026-11``, ``2026-Q4``, ``2026``) and the one way the
pages write them (2026年11月, 2026年第四季度, 2026年)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

QUARTER_NAMES = "一二三四"


@dataclass(frozen=True)
class PeriodOption:
    key: str
    label: str


@dataclass(frozen=True)
class PeriodGroup:
    label: str
    options: list[PeriodOption]


def period_groups(today: date, current: str = "", months: int = 12, quarters: int = 8,
                  years: int = 3) -> list[PeriodGroup]:
    """The last ``months`` months, ``quarters`` quarters and ``years`` years up to ``today``,
    newest first; ``current`` (a key being shown) is added when it is not among them."""
    month_options, year_, month_ = [], today.year, today.month
    for _ in range(months):
        month_options.append(PeriodOption(f"{year_}-{month_:02d}", f"{year_}年{month_}月"))
        year_, month_ = (year_, month_ - 1) if month_ > 1 else (year_ - 1, 12)
    quarter_options, year_, number = [], today.year, (today.month - 1) // 3 + 1
    for _ in range(quarters):
        quarter_options.append(PeriodOption(f"{year_}-Q{number}", f"{year_}年第{QUARTER_NAMES[number - 1]}季度"))
        year_, number = (year_, number - 1) if number > 1 else (year_ - 1, 4)
    year_options = [PeriodOption(str(today.year - i), f"{today.year - i}年") for i in range(years)]
    groups = [PeriodGroup("按季度", quarter_options), PeriodGroup("按月", month_options),
              PeriodGroup("按年", year_options)]
    known = {option.key for group in groups for option in group.options}
    if current and current not in known:
        groups.insert(0, PeriodGroup("当前", [PeriodOption(current, current)]))
    return groups
