"""Report pages: who may see what, the dashboard, reminders and a member's own rank."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from activity_helpers import add_result, at, make_activity
from report_helpers import ADMIN, MEMBER_A2, ORGANIZER_G, SECRETARY_A, org, outcomes  # noqa: F401
from quizapp.extensions import db
from quizapp.models import ActivityMember, Notice, QuestionType, Role
from quizapp.models.base import utcnow
from quizapp.reports import routes


def test_every_report_route_is_guarded(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("reports."):
            roles = app.view_functions[rule.endpoint].required_roles
            expected = (Role.MEMBER,) if rule.endpoint == "reports.me" else (
                Role.SECRETARY, Role.ORGANIZER, Role.ADMIN)
            assert roles == expected, rule.endpoint


@pytest.mark.parametrize("account, allowed, denied", [
    (SECRETARY_A, ["A", "A1", "A2"], ["G", "B", "C", "O1"]),
    (ORGANIZER_G, ["G", "A", "A1", "B", "C"], ["O", "O1"]),
    (ADMIN, ["O", "O1"], ["G", "A"]),
    (MEMBER_A2, [], ["A", "A1", "G"]),
])
def test_unit_scope(app: Flask, client, login, org: dict[str, Any], account: str,
                    allowed: list[str], denied: list[str]) -> None:
    login(client, account)
    test = org["test"]
    for name in allowed + denied:
        unit = org["units"][name].id
        expected = 200 if name in allowed else 403
        assert client.get(f"/reports/units/{unit}/period?p=2026-Q4").status_code == expected, name
        assert client.get(f"/reports/units/{unit}/mastery?p=2026-Q4").status_code == expected, name
        assert client.get(f"/reports/units/{unit}/period.xlsx?p=2026-Q4").status_code == expected, name
        if name not in ("O", "O1"):
            assert client.get(f"/reports/units/{unit}/activities/{test}").status_code == expected, name
            assert client.get(f"/reports/units/{unit}/activities/{test}.xlsx").status_code == expected
            assert client.post(f"/reports/units/{unit}/activities/{test}/remind",
                               data={"everyone": "1"}).status_code in ((302,) if name in allowed else (403,))
    assert client.get("/reports/units/999999/period").status_code == 404


def test_members_see_only_their_own_view(app: Flask, client, login, org: dict[str, Any]) -> None:
    assert client.get("/reports/me").status_code == 302  # to the login page
    login(client, MEMBER_A2)
    assert client.get("/reports/").status_code == 403
    page = client.get("/reports/me").get_data(as_text=True)
    assert "75.0%" in page and "第一党支部第2名 / 共3人" in page and "合格" in page
    for other in ("甲一", "甲三", "乙一", "100.0%"):
        assert other not in page


def test_activity_from_another_tree_is_not_found(app: Flask, client, login, org: dict[str, Any]) -> None:
    other = make_activity(app, org["units"]["O"].id, title="第二党总支的测试")
    login(client, SECRETARY_A)
    assert client.get(f"/reports/units/{org['units']['A'].id}/activities/{other}").status_code == 404
    assert client.get(f"/reports/units/{org['units']['A'].id}/activities/999999").status_code == 404


def test_bad_period_is_a_chinese_error(app: Flask, client, login, org: dict[str, Any]) -> None:
    login(client, SECRETARY_A)
    response = client.get(f"/reports/units/{org['units']['A'].id}/period?p=2026-Q7")
    assert response.status_code == 400
    assert "季度须在 Q1–Q4 之间" in response.get_data(as_text=True)


def test_me_ranks_a_moved_member_where_they_were(app: Flask, client, login, org: dict[str, Any]) -> None:
    with app.app_context():
        from quizapp.reports.pages import my_results  # noqa: PLC0415 - needs the app
        results = {r.activity.title: (r.branch_name, r.percent, r.rank, r.of, r.passed)
                   for r in my_results(db.session, org["pid"]["m"])}
    assert results == {"2026年第四季度党建知识测试": ("第二党支部", 25.0, 4, 4, False),
                       "11月党建知识选学": ("第一党支部", 50.0, 2, 2, False)}


def test_dashboard(app: Flask, client, login, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routes, "utcnow", lambda: at("2026-11-20"))
    login(client, SECRETARY_A)
    page = client.get("/reports/").get_data(as_text=True)
    assert "第一党支部 · 学习测试看板" in page and "2026年第四季度" in page
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "http" not in svg and "<script" not in svg
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing loaded from elsewhere
    assert "参与率" in svg and "11月" in svg
    assert "下级单位排名" in page and "第一党小组" in page and "人数不足，不参与排名" in page
    assert "参与率≥" in page  # the rule beside the rating
    # Open now: the test (甲四 started, 甲五 not) and the study (甲二 … 甲五 not yet).
    pending = page.split('id="pending"')[1]
    assert pending.count('name="person_ids"') == 2 + 4
    assert "已开始未完成" in pending
    # An organizer picks another unit of their scope; a unit outside it is refused.
    client.post("/auth/logout")
    login(client, ORGANIZER_G)
    page = client.get(f"/reports/?unit={org['units']['B'].id}").get_data(as_text=True)
    assert "第二党支部 · 学习测试看板" in page and "同级单位排名" in page
    assert client.get(f"/reports/?unit={org['units']['O1'].id}").status_code == 403


def _notices(app: Flask) -> dict[int, list[str]]:
    with app.app_context():
        rows = db.session.execute(select(Notice.person_id, Notice.text).order_by(Notice.id))
        found: dict[int, list[str]] = {}
        for person, text in rows:
            found.setdefault(person, []).append(text)
        return found


def test_reminders_create_notices_once_an_hour(app: Flask, client, login, org: dict[str, Any]) -> None:
    now = utcnow()
    closes = (now + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    activity = make_activity(app, org["units"]["G"].id, title="提醒测试", opens_at=now - timedelta(days=1),
                             closes_at=closes, parts=((QuestionType.SINGLE, 4, 25),))
    pid = org["pid"]
    add_result(app, activity, pid["a1"], outcomes(org["q"], "100"), submitted_at=now - timedelta(hours=2))
    login(client, SECRETARY_A)
    a = org["units"]["A"].id
    response = client.post(f"/reports/units/{a}/activities/{activity}/remind",
                           data={"person_ids": [str(pid["a2"])], "selected": "1"})
    assert response.status_code == 302
    notices = _notices(app)
    beijing = closes + timedelta(hours=8)
    assert notices == {pid["a2"]: [f"请于{beijing.month}月{beijing.day}日 18:00前完成季度测试《提醒测试》"]}
    response = client.post(f"/reports/units/{a}/activities/{activity}/remind", data={"everyone": "1"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "甲二 一小时内已提醒过" in page and "已提醒 4 人" in page
    # Everyone unfinished in A once (甲一 finished; 乙… are in another branch).
    assert {p: len(t) for p, t in _notices(app).items()} == {
        pid["a2"]: 1, pid["a3"]: 1, pid["a4"]: 1, pid["a5"]: 1, pid["m"]: 1}
    client.post(f"/reports/units/{a}/activities/{activity}/remind", data={"everyone": "1"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notice)) == 5
        reminded = db.session.scalar(select(ActivityMember.reminded_at).where(
            ActivityMember.activity_id == activity, ActivityMember.person_id == pid["a3"]))
    assert reminded is not None
    page = client.get(f"/reports/units/{a}/activities/{activity}").get_data(as_text=True)
    assert "上次提醒" in page
    # Nothing left to remind for a finished member only.
    response = client.post(f"/reports/units/{a}/activities/{activity}/remind",
                           data={"person_ids": [str(pid["a1"])], "selected": "1"}, follow_redirects=True)
    assert "所选党员都已完成（或不在本单位名单中），无需提醒" in response.get_data(as_text=True)
    response = client.post(f"/reports/units/{a}/activities/{activity}/remind", data={"selected": "1"},
                           follow_redirects=True)
    assert "请先勾选要提醒的党员" in response.get_data(as_text=True)


def test_no_reminders_after_the_close(app: Flask, client, login, org: dict[str, Any]) -> None:
    now = utcnow()
    closed = make_activity(app, org["units"]["G"].id, title="已截止", opens_at=now - timedelta(days=3),
                           closes_at=now - timedelta(days=1))
    login(client, SECRETARY_A)
    response = client.post(f"/reports/units/{org['units']['A'].id}/activities/{closed}/remind",
                           data={"everyone": "1"}, follow_redirects=True)
    assert "活动已截止，不能再提醒" in response.get_data(as_text=True)
    assert _notices(app) == {}
