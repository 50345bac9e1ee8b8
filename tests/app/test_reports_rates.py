"""Rates that mean what they say: an activity still open counts in participation only its
results (no 亮红牌 the moment a test is published), 应参加 counts people and says 人次 where
it counts member × activity, and publishing and the reports count the same participants."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from typing import Any

from flask import Flask
from openpyxl import load_workbook

from activity_helpers import add_result, at, make_activity
from report_helpers import ORGANIZER_G, SECRETARY_A, org, outcomes  # noqa: F401 - fixture
from quizapp.extensions import db
from quizapp.models import Activity, ActivityKind, Unit, UnitKind
from quizapp.models.base import utcnow
from quizapp.publish import queries as publish_queries
from quizapp.reports import pages
from quizapp.results.clock import today_in_china
from quizapp.results.periods import parse_period, quarter_start

Q4 = "2026-Q4"


def _period(app: Flask, unit_id: int, period: str = Q4) -> tuple:
    with app.app_context():
        report = pages.period_report(db.session, db.session.get_one(Unit, unit_id), parse_period(period))
        t = report.total
        return (t.due, t.participants, t.participation, t.average, report.rating.text,
                report.rating.card, report.in_progress_text)


def _open_test(app: Flask, unit_id: int, period_start: date = date(2026, 10, 1),
               **columns: Any) -> int:
    """A test published just now to the unit's subtree, open for ten days (in 2026-Q4)."""
    now = utcnow()
    return make_activity(app, unit_id, title="第四季度补充测试", period_start=period_start,
                         opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=10),
                         **columns)


def test_publishing_a_test_moves_no_rate_and_shows_no_card(app: Flask, org: dict[str, Any]) -> None:
    units = org["units"]
    before = {name: _period(app, units[name].id) for name in ("G", "A", "B", "C")}
    assert before["A"][6] == ""
    fresh = _open_test(app, units["G"].id)
    after = {name: _period(app, units[name].id) for name in ("G", "A", "B", "C")}
    for name in before:
        # Same due rows, participation, average, rating and card; the new test shown apart.
        assert after[name][:6] == before[name][:6], name
        assert after[name][6] == "进行中 1 项", name
    # A result in the open test counts (its member took part), the others are not yet missing.
    add_result(app, fresh, org["pid"]["a1"], outcomes(org["q"], "100"))
    due, participants = _period(app, units["A"].id)[:2]
    assert (due, participants) == (before["A"][0] + 1, before["A"][1] + 1)
    with app.app_context():  # the open test's own report: its progress, rated after it closes
        report = pages.activity_report(db.session, db.session.get_one(Unit, units["A"].id),
                                       db.session.get_one(Activity, fresh))
        assert (report.total.audience, report.total.participants) == (6, 1)
        assert report.rating.waiting and report.rating.card is None
        assert report.rating.text == "活动进行中，截止后评定"


def test_a_unit_with_only_an_open_activity_gets_no_red_card(app: Flask, make_unit: Any,
                                                            make_person: Any) -> None:
    branch = make_unit("新建党支部", UnitKind.BRANCH)
    for i in range(4):
        make_person(f"新党员{i}", branch)
    _open_test(app, branch.id)
    due, participants, participation, _avg, text, card, shown_apart = _period(app, branch.id)
    assert (due, participants, participation, card) == (0, 0, None, None)
    assert "红牌" not in text and "黄牌" not in text and shown_apart == "进行中 1 项"


def test_once_closed_the_members_without_a_result_count(app: Flask, org: dict[str, Any]) -> None:
    units = org["units"]
    before = _period(app, units["A"].id)
    closed = make_activity(app, units["G"].id, title="已截止的补充测试", period_start=date(2026, 10, 1),
                           opens_at=at("2026-11-10"), closes_at=at("2026-11-20"))
    del closed
    after = _period(app, units["A"].id)
    # A's audience of 6 (5 members and 调动, now in A) joins the due rows; nobody answered.
    assert (after[0], after[1]) == (before[0] + 6, before[1]) and after[6] == ""


def test_due_counts_people_for_one_activity_and_member_activities_for_a_period(
        app: Flask, client: Any, login: Any, org: dict[str, Any]) -> None:
    login(client, ORGANIZER_G)
    a = org["units"]["A"].id
    one = client.get(f"/reports/units/{a}/activities/{org['test']}").get_data(as_text=True)
    assert '<th class="num">应参加人数</th>' in one and '<th class="num">应参加人次</th>' not in one
    period = client.get(f"/reports/units/{a}/period?p={Q4}").get_data(as_text=True)
    # The totals count member × activity (人次); the per-activity rows count people.
    assert period.index('<th class="num">应参加人次</th>') < period.index('<th class="num">应参加人数</th>')
    book = load_workbook(BytesIO(client.get(f"/reports/units/{a}/period.xlsx?p={Q4}").data))
    headers = [row for row in book.active.iter_rows(values_only=True)
               if row[0] == "单位" and str(row[1]).startswith("应参加")]
    assert headers[0][1:3] == ("应参加人次", "参加人次")
    # The Excel: people for one activity, 人次 over a period.
    book = load_workbook(BytesIO(client.get(f"/reports/units/{a}/activities/{org['test']}.xlsx").data))
    headers = [row for row in book.active.iter_rows(values_only=True)
               if row[0] == "单位" and str(row[1]).startswith("应参加")]
    assert headers[0][1:3] == ("应参加人数", "参加人数")
    with app.app_context():
        report = pages.period_report(db.session, db.session.get_one(Unit, a), parse_period(Q4))
        # Two activities (test 5 in A, study 6 in A): 11 member × activity rows, 6 people.
        assert report.total.due == 11 and report.total.members == 6


def test_publish_and_reports_count_the_same_participants(app: Flask, org: dict[str, Any]) -> None:
    # Someone outside the audience with a submitted sitting is nobody's participant.
    add_result(app, org["test"], org["pid"]["o1"], outcomes(org["q"], "100"))
    with app.app_context():
        g = db.session.get_one(Unit, org["units"]["G"].id)
        test = db.session.get_one(Activity, org["test"])
        report = pages.activity_report(db.session, g, test)
        audience, participants, _answering = publish_queries.counts_of(db.session, test.id)
        rows = publish_queries.activities_in(db.session, {g.id}, utcnow())
        listed = next(r for r in rows if r.activity.id == test.id)
        assert (audience, participants) == (report.total.audience, report.total.participants) == (12, 8)
        assert listed.submitted == 8
        assert test.kind is ActivityKind.TEST


def test_the_secretary_dashboard_shows_no_card_for_a_test_just_published(
        app: Flask, client: Any, login: Any, org: dict[str, Any]) -> None:
    this_quarter = quarter_start(today_in_china(utcnow()))
    login(client, SECRETARY_A)
    before = client.get("/reports/").get_data(as_text=True)
    _open_test(app, org["units"]["G"].id, period_start=this_quarter)
    after = client.get("/reports/").get_data(as_text=True)
    assert 'data-role="in-progress">进行中 1 项' in after
    assert after.count("亮红牌") == before.count("亮红牌") and after.count("黄牌") == before.count("黄牌")
