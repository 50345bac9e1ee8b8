"""The member's 积分 page reads plainly (issue 17): no one-point chart, whole-number ticks,
no "2000-01-01 起施行" for the defaults, no internal record ids."""

from __future__ import annotations

import re

from points_helpers import counting_entry
from quiz_helpers import MEMBER, bank, quiz_org  # noqa: F401 - fixtures

from quizapp.points.chart import _whole_ticks, points_chart
from quizapp.points.queries import MonthPoints


def test_one_month_is_no_chart_and_ticks_are_whole_points():
    assert points_chart([MonthPoints("2026-12", 2, 2)]) is None
    svg = str(points_chart([MonthPoints("2026-11", 1, 1), MonthPoints("2026-12", 2, 3)]))
    ticks = re.findall(r'class="axis y always_show"|<text[^>]*>(\d+(?:\.\d+)?)</text>', svg)
    assert not any("." in tick for tick in ticks if tick)
    assert _whole_ticks([1, 3]) == [0, 1, 2, 3]
    assert _whole_ticks([0, 37]) == [0, 10, 20, 30, 40]
    assert all(isinstance(t, int) for t in _whole_ticks([-3, 5]))


def test_the_ledger_says_default_rules_plainly_and_shows_no_record_ids(app, client, login, quiz_org, bank):
    entry = counting_entry(app, quiz_org, bank)
    login(client, MEMBER)
    html = client.get("/points/").get_data(as_text=True)
    ledger = html.split('data-role="ledger"', 1)[1]
    assert f'data-entry="{entry}"' in ledger and "按默认积分规则计算" in ledger
    assert "号记录" not in ledger and "2000-01-01" not in ledger and "系统默认规则" not in ledger
    assert "<svg" not in html  # one month: the table, no chart
