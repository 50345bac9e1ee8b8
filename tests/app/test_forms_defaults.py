"""Forms with today's defaults and plain choices (issue 17): this quarter and this month, units
in their natural order, one way of writing a quarter, a period picker, rows added in place."""

from __future__ import annotations

import re
from datetime import date

from publish_helpers import ORGANIZER, org, pub_bank, quiz_org  # noqa: F401 - fixtures
from report_helpers import SECRETARY_A, org as report_org  # noqa: F401 - fixtures

from quizapp.collation import chinese_number, natural_key
from quizapp.models.base import utcnow
from quizapp.results.clock import to_local
from quizapp.results.periods import quarter_name, quarter_start
from quizapp.reports.picker import period_groups


def test_units_sort_first_second_third_then_by_name():
    names = ["总支 / 第三党支部", "总支 / 机关党支部", "总支 / 第十一党支部", "总支 / 第一党支部",
             "总支", "总支 / 第二党支部 / 第一党小组", "总支 / 第二党支部"]
    assert sorted(names, key=natural_key) == [
        "总支", "总支 / 第一党支部", "总支 / 第二党支部", "总支 / 第二党支部 / 第一党小组",
        "总支 / 第三党支部", "总支 / 第十一党支部", "总支 / 机关党支部"]
    assert [chinese_number(t) for t in ("一", "十", "十二", "二十", "一百零五", "12")] == [1, 10, 12, 20, 105, 12]


def _selected(html, name):
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', select)


def test_new_forms_default_to_this_quarter_and_this_month(client, login, org, pub_bank):
    login(client, ORGANIZER)
    today = to_local(utcnow()).date()
    html = client.get("/publish/tests/new").get_data(as_text=True)
    chosen = _selected(html, "quarter")
    assert chosen and (chosen.group(1) or chosen.group(2)) == quarter_name(quarter_start(today))
    assert not re.search(r"第\d季度", html)  # quarters are written 第四季度, never 第4季度
    study = client.get("/publish/studies/new").get_data(as_text=True)
    assert re.search(rf'name="month"[^>]*value="{today:%Y-%m}"|value="{today:%Y-%m}"[^>]*name="month"', study)


def test_blueprint_rows_are_added_in_place(client, login, org, pub_bank):
    login(client, ORGANIZER)
    html = client.get("/publish/tests/new").get_data(as_text=True)
    rows = re.findall(r'<div class="border rounded p-2 mb-2 part-row"([^>]*)>', html)
    assert len(rows) == 10 and [("hidden" in r) for r in rows] == [False] * 4 + [True] * 6
    assert 'data-add-row="part-row"' in html and "js/publish.js" in html


def test_the_period_picker_lists_periods_in_the_parsers_format():
    groups = {g.label: g.options for g in period_groups(date(2026, 12, 7))}
    assert groups["按季度"][0].key == "2026-Q4" and groups["按季度"][0].label == "2026年第四季度"
    assert groups["按季度"][1].key == "2026-Q3" and groups["按季度"][4].key == "2025-Q4"
    assert groups["按月"][0].key == "2026-12" and groups["按月"][11].key == "2026-01"
    assert [o.key for o in groups["按年"]] == ["2026", "2025", "2024"]
    old = period_groups(date(2026, 12, 7), current="2019-Q2")
    assert old[0].options[0].key == "2019-Q2"


def test_report_pages_pick_a_period_from_a_list(client, login, report_org):
    login(client, SECRETARY_A)
    unit = report_org["units"]["A"].id
    html = client.get(f"/reports/units/{unit}/period?p=2026-Q4").get_data(as_text=True)
    picker = html.split('data-role="period-picker"', 1)[1].split("</form>", 1)[0]
    assert '<select class="form-select" name="p"' in picker and '<input class="form-control" name="p"' not in html
    assert re.search(r'<option value="2026-Q4" selected>2026年第四季度</option>', picker)
