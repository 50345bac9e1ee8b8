"""Every report figure against the hand-computed values in report_helpers' docstring."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, update

from activity_helpers import add_result, make_activity
from report_helpers import org, outcomes  # noqa: F401 - fixture
from quizapp.extensions import db
from quizapp.models import Activity, ActivityKind, ActivityMember, ActivityStatus, QuestionType, Unit
from quizapp.reports import pages, queries
from quizapp.results import rollups
from quizapp.results.periods import PeriodError, month, parse_period, quarter, year


def _figures(f: queries.Figures) -> tuple:
    return (f.audience, f.participants, f.participation, f.average, f.pass_rate,
            f.excellent_rate, f.bins, f.unfinished)


def _report(app: Flask, org: dict, unit: str, activity: str | None = None, period: str | None = None):
    with app.app_context():
        target = db.session.get(Unit, org["units"][unit].id)
        if activity:
            report = pages.activity_report(db.session, target, db.session.get(Activity, org[activity]))
        else:
            report = pages.period_report(db.session, target, parse_period(period))
        return report


def test_activity_figures_of_each_branch_and_the_general_branch(app: Flask, org: dict[str, Any]) -> None:
    a = _report(app, org, "A", "test")
    assert _figures(a.total) == (5, 3, 60.0, 83.3, 100.0, 33.3, [0, 0, 2, 0, 1], 1)
    b = _report(app, org, "B", "test")
    assert _figures(b.total) == (5, 4, 80.0, 56.3, 25.0, 25.0, [3, 0, 0, 0, 1], 0)
    c = _report(app, org, "C", "test")
    assert _figures(c.total) == (2, 1, 50.0, 100.0, 100.0, 100.0, [0, 0, 0, 0, 1], 0)
    g = _report(app, org, "G", "test")
    assert _figures(g.total) == (12, 8, 66.7, 71.9, 62.5, 37.5, [3, 0, 2, 0, 3], 1)


def test_roll_up_rows_pool_member_rows_not_averages(app: Flask, org: dict[str, Any]) -> None:
    g = _report(app, org, "G", "test")
    rows = {row.name: row.figures for row in g.rows}
    assert list(rows) == ["第一党支部", "第二党支部", "第三党支部"]
    assert rows["第一党支部"].average == 83.3 and rows["第二党支部"].average == 56.3
    # 575 / 8 = 71.875, not the mean of the branch averages (79.9).
    assert g.total.average == 71.9
    assert g.total.average != round((83.333 + 56.25 + 100) / 3, 1)
    a = _report(app, org, "A", "test")
    rows = {row.name: (row.figures.audience, row.figures.participants, row.figures.average, row.direct)
            for row in a.rows}
    assert rows == {"第一党小组": (2, 2, 87.5, False), "第二党小组": (2, 1, 75.0, False),
                    "本级直属": (1, 0, None, True)}


def test_a_member_who_moved_is_counted_where_they_were(app: Flask, org: dict[str, Any]) -> None:
    """调动 was in B when the test was published (25%), and in A for the later study."""
    b = _report(app, org, "B", "test")
    assert "调动" in [m.name for m in b.members if m.finished]
    a = _report(app, org, "A", "test")
    assert "调动" not in [m.name for m in a.members]
    study_a = _report(app, org, "A", "study")
    assert _figures(study_a.total)[:4] == (6, 2, 33.3, 75.0)


def test_names_of_who_took_part_started_or_not(app: Flask, org: dict[str, Any]) -> None:
    a = _report(app, org, "A", "test")
    by_name = {m.name: (m.percent, m.started, m.unit_name) for m in a.members}
    assert by_name == {"甲一": (100.0, False, "第一党小组"), "甲二": (75.0, False, "第一党小组"),
                       "甲三": (75.0, False, "第二党小组"), "甲四": (None, True, "第二党小组"),
                       "甲五": (None, False, "第一党支部")}
    b = _report(app, org, "B", "test")
    abandoned = next(m for m in b.members if m.name == "乙四")
    assert abandoned.percent is None and not abandoned.started


def test_weakest_concepts_use_only_the_counted_attempts(app: Flask, org: dict[str, Any]) -> None:
    g = _report(app, org, "G", "test")
    assert [(name, s.correct, s.answers) for name, s in g.weakest] == [
        ("主题党日", 3, 8), ("三会一课", 13, 16), ("四个意识", 7, 8)]
    # In C only one person answered: fewer than 3 answers per concept is not listed.
    c = _report(app, org, "C", "test")
    assert c.weakest == []


def test_sibling_rank_and_the_min_size_flag(app: Flask, org: dict[str, Any]) -> None:
    a, b, c = (_report(app, org, u, "test") for u in "ABC")
    assert (a.rank.rank, a.rank.of) == (1, 2)
    assert (b.rank.rank, b.rank.of) == (2, 2)
    assert c.rank.rank is None and c.rank.text == "人数不足，不参与排名"
    assert c.rating.too_few and c.rating.text == "人数不足，不参与排名"
    g = _report(app, org, "G", "test")
    assert g.rank is None  # no parent: nothing to rank against
    # Groups are ranked among themselves under A (both below 3 members: both flagged).
    group = _report(app, org, "A1", "test")
    assert group.rank.rank is None
    # Over a period the size is distinct members, not member-activity slots: C has 2 people in
    # 4 slots (test and study) and stays flagged; A ranks first of A and B.
    c_period = _report(app, org, "C", period="2026-Q4")
    assert (c_period.total.audience, c_period.total.members) == (4, 2)
    assert c_period.rank.rank is None and c_period.rating.too_few


def test_period_pools_activities_and_lists_them(app: Flask, org: dict[str, Any]) -> None:
    a = _report(app, org, "A", period="2026-Q4")
    # Slots: 5 (test) + 6 (study, 调动 now in A); results 3 + 2; average (250 + 150) / 5.
    assert _figures(a.total)[:4] == (11, 5, 45.5, 80.0)
    assert [(act.title, f.audience, f.participants) for act, f in a.per_activity] == [
        ("2026年第四季度党建知识测试", 5, 3), ("11月党建知识选学", 6, 2)]
    november = _report(app, org, "A", period="2026-11")
    assert _figures(november.total)[:4] == (6, 2, 33.3, 75.0)
    october = _report(app, org, "A", period="2026-10")
    assert _figures(october.total)[:2] == (5, 3)
    assert _figures(_report(app, org, "A", period="2026").total)[:2] == (11, 5)
    assert _report(app, org, "A", period="2026-Q3").total.audience == 0


def test_drafts_and_cancelled_activities_do_not_count(app: Flask, org: dict[str, Any]) -> None:
    before = _figures(_report(app, org, "G", period="2026-Q4").total)
    for status in (ActivityStatus.DRAFT, ActivityStatus.CANCELLED):
        other = make_activity(app, org["units"]["G"].id, kind=ActivityKind.STUDY, title=f"不计 {status}",
                              period_start=date(2026, 12, 1), parts=((QuestionType.SINGLE, 4, 25),))
        add_result(app, other, org["pid"]["a5"], outcomes(org["q"], "100"))
        with app.app_context():
            db.session.execute(update(Activity).where(Activity.id == other).values(status=status))
            db.session.commit()
    assert _figures(_report(app, org, "G", period="2026-Q4").total) == before


def test_periods_parse_and_reject_bad_input() -> None:
    assert parse_period("2026-11") == month(2026, 11)
    assert parse_period(" 2026-q4 ") == quarter(2026, 4)
    assert parse_period("2026") == year(2026)
    assert quarter(2026, 4).start == date(2026, 10, 1) and quarter(2026, 4).end == date(2027, 1, 1)
    assert month(2026, 12).last_day == date(2026, 12, 31)
    for bad in ("2026-13", "2026-Q5", "26-1", "二〇二六", "", "2026-11-01", "１２３４"):
        with pytest.raises(PeriodError) as error:
            parse_period(bad)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error.value))


def test_queries_per_report_do_not_grow_with_the_organization(app: Flask, org: dict[str, Any],
                                                              make_unit, make_person) -> None:
    def count(unit: str) -> int:
        statements: list[str] = []
        with app.app_context():
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                target = db.session.get(Unit, org["units"][unit].id)
                pages.period_report(db.session, target, parse_period("2026-Q4"))
                pages.activity_report(db.session, target, db.session.get(Activity, org["test"]))
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = count("G"), count("A")
    extra = make_unit("第四党支部", parent=org["units"]["G"])
    group = make_unit("第四党支部第一小组", parent=extra)
    newcomers = [make_person(f"新{i}", group) for i in range(6)]
    with app.app_context():
        joined = [ActivityMember(activity_id=org["test"], person_id=person.id, unit_id=group.id)
                  for person in newcomers]
        db.session.add_all(joined)
        rollups.members_joined(db.session, joined)
        db.session.commit()
    for person in newcomers:
        add_result(app, org["test"], person.id, outcomes(org["q"], "75"))
    assert (count("G"), count("A")) == before
    assert max(before) < 60, before
