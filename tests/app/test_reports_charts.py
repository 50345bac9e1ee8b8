"""The secretary's trend chart reads on a phone (issue 17): a line, each activity in the month
it was answered in, labels large enough."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from types import SimpleNamespace

from quizapp.reports.charts import monthly_chart
from quizapp.reports.dashboard import charted_months
from quizapp.results.figures import Figures
from quizapp.results.periods import last_months


def _figures(participants: int, audience: int = 10, pct: float = 80.0) -> Figures:
    return Figures(audience=audience, participants=participants, pct_sum=pct * participants, members=audience)


def test_a_quarters_test_run_in_december_is_charted_in_december():
    test = SimpleNamespace(period_start=date(2026, 10, 1), opens_at=datetime(2026, 12, 1, 1, tzinfo=timezone.utc))
    study = SimpleNamespace(period_start=date(2026, 11, 1), opens_at=datetime(2026, 10, 31, 17, tzinfo=timezone.utc))
    months = charted_months({("u", 1): _figures(6), ("u", 2): _figures(8)}, {1: test, 2: study})
    assert set(months) == {"2026-12", "2026-11"}  # 2026-10-31 17:00 UTC is 11月1日 in Beijing
    assert months["2026-12"].participants == 6


def test_the_chart_is_a_line_with_legible_labels():
    months = last_months(date(2026, 12, 7))
    by_month = {"2026-09": _figures(5), "2026-11": _figures(7), "2026-12": _figures(9)}
    svg = str(monthly_chart(months, by_month))
    # One path per series through every month with data (no break where a month has none).
    lines = re.findall(r'<path d="M([^"]+)"[^>]*class="line reactive', svg)
    assert len(lines) == 2 and all(len(re.findall(r"[\d.]+ [\d.]+", d)) >= 3 for d in lines)
    width = float(re.search(r'<svg[^>]*viewBox="0 0 ([\d.]+)', svg).group(1))
    sizes = [float(size) for selector, size in re.findall(r"([^{}]*)\{[^}]*font-size:\s*([\d.]+)px", svg)
             if selector.strip().endswith((".title", ".legend text", ".axis text", ".axis text.major"))]
    # Shown at a phone's 358 px the title, legend and axis labels are still at least 13 px high.
    assert sizes and min(sizes) * 358 / width >= 13
    assert re.search(r"\.reactive\{[^}]*stroke-width:3", svg)  # lines thick enough to follow
