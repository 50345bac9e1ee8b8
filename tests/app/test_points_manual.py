"""Manual entries (奖/惩), their approval, corrections, and who sees and does what."""

from __future__ import annotations

import re

import pytest
from activity_helpers import Outcome, add_result, at, make_activity
from points_helpers import (  # noqa: F401 - staff: a fixture
    GENERAL_SECRETARY,
    ORGANIZER,
    OTHER_SECRETARY,
    SECRETARY,
    counting_entry,
    last_entry_id,
    staff,
    total,
)
from quiz_helpers import MEMBER, MEMBER_2, bank, quiz_org  # noqa: F401 - fixtures
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import EntryKind, PointDecision, PointEntry
from quizapp.points.manual import PointsError, add_correction, add_manual_entry, decide
from quizapp.results.awards import award_for_activity


def _entries(app, person_id):
    with app.app_context():
        return [(e.kind, e.points, e.corrects_id) for e in db.session.scalars(
            select(PointEntry).where(PointEntry.person_id == person_id).order_by(PointEntry.id))]


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "award", "points": "5", "reason": "  "}, "请写明理由"),
    ({"kind": "award", "points": "0", "reason": "好"}, "分值必须是 1–100 之间的整数"),
    ({"kind": "penalty", "points": "101", "reason": "差"}, "分值必须是 1–100 之间的整数"),
    ({"kind": "award", "points": "五", "reason": "好"}, "请填写整数"),
    ({"kind": "award", "points": "5", "reason": "长" * 201}, "理由不能超过 200 字"),
    ({"kind": "correction", "points": "5", "reason": "好"}, "只能添加奖励或扣分"),
    ({"kind": "bonus", "points": "5", "reason": "好"}, "请选择奖励或扣分"),
])
def test_a_manual_entry_needs_a_reason_and_points_in_range(app, client, login, quiz_org, staff,
                                                           data, message):
    member = quiz_org["people"]["member"]
    login(client, ORGANIZER)
    response = client.post(f"/points/people/{member.id}/entries/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _entries(app, member.id) == []


def test_manual_entries_count_only_once_approved_and_a_decision_is_final(app, client, login,
                                                                         quiz_org, staff):
    member = quiz_org["people"]["member"]
    login(client, ORGANIZER)
    response = client.post(f"/points/people/{member.id}/entries/new",
                           data={"kind": "award", "points": "5", "reason": "志愿服务表现突出"})
    assert response.status_code == 302
    award = last_entry_id(app)
    client.post(f"/points/people/{member.id}/entries/new",
                data={"kind": "penalty", "points": "3", "reason": "无故缺席组织生活"})
    penalty = last_entry_id(app)
    assert _entries(app, member.id) == [(EntryKind.AWARD, 5, None), (EntryKind.PENALTY, -3, None)]
    assert total(app, member.id) == 0
    # An organizer adds but does not decide.
    assert client.post(f"/points/entries/{award}/decide", data={"approve": "y"}).status_code == 403

    client = app.test_client()
    login(client, SECRETARY)
    unit_page = client.get(f"/points/units/{quiz_org['units']['branch'].id}").get_data(as_text=True)
    assert "待审批（2）" in unit_page and "志愿服务表现突出" in unit_page
    client.post(f"/points/entries/{award}/decide", data={"approve": "y", "note": "同意"})
    client.post(f"/points/entries/{penalty}/decide", data={"reject": "y", "note": "已请假"})
    assert total(app, member.id) == 5  # the rejected penalty never counts
    again = client.post(f"/points/entries/{penalty}/decide", data={"approve": "y"},
                        follow_redirects=True)
    assert "已经审批过了" in again.get_data(as_text=True)
    with app.app_context():
        decisions = db.session.scalars(select(PointDecision).order_by(PointDecision.id)).all()
        assert [(d.entry_id, d.approved, d.note) for d in decisions] == [
            (award, True, "同意"), (penalty, False, "已请假")]
    assert total(app, member.id) == 5

    client = app.test_client()
    login(client, MEMBER)
    page = client.get("/points/").get_data(as_text=True)
    assert re.search(r'data-role="total">5<', page)
    assert "已批准" in page and "未批准" in page and "志愿服务表现突出" in page


def test_a_second_decision_is_refused_by_the_service(app, quiz_org, staff):
    member, secretary, general = quiz_org["people"]["member"], staff["secretary"], staff["general"]
    with app.app_context():
        entry = add_manual_entry(db.session, member.id, EntryKind.AWARD, 2, "好", secretary.id)
        decide(db.session, entry.id, True, "", general.id)
        with pytest.raises(PointsError, match="已经审批过了"):
            decide(db.session, entry.id, False, "", general.id)
        with pytest.raises(PointsError, match="请写明理由"):
            add_manual_entry(db.session, member.id, EntryKind.AWARD, 2, "", secretary.id)
        db.session.commit()
        assert db.session.scalar(select(PointDecision.approved)) is True


def test_automatic_entries_need_no_decision(app, quiz_org, bank, staff):
    member = quiz_org["people"]["member"]
    test = make_activity(app, quiz_org["units"]["general"].id)
    add_result(app, test, member.id, [Outcome(bank["questions"]["single"].id, True, 10, 10)])
    with app.app_context():
        entry = award_for_activity(db.session, member.id, test, now=at("2026-11-05"))
        with pytest.raises(PointsError, match="无需审批"):
            decide(db.session, entry.id, True, "", staff["secretary"].id)


def test_a_correction_is_a_new_entry_that_counts_once_approved(app, client, login, quiz_org, bank, staff):
    member = quiz_org["people"]["member"]
    original = counting_entry(app, quiz_org, bank)
    login(client, SECRETARY)
    form = client.get(f"/points/entries/{original}/correct").get_data(as_text=True)
    assert 'value="-5"' in form  # offered as a reversal
    assert "请写明更正理由" in client.post(f"/points/entries/{original}/correct",
                                          data={"points": "-5", "reason": ""}).get_data(as_text=True)
    assert "更正分值不能为 0" in client.post(f"/points/entries/{original}/correct",
                                           data={"points": "0", "reason": "x"}).get_data(as_text=True)
    client.post(f"/points/entries/{original}/correct", data={"points": "-5", "reason": "重复计分"})
    correction = last_entry_id(app)
    assert _entries(app, member.id) == [(EntryKind.STUDY, 5, None),
                                        (EntryKind.CORRECTION, -5, original)]
    assert total(app, member.id) == 5
    page = client.get(f"/points/people/{member.id}").get_data(as_text=True)
    assert f'更正<a href="#e{original}">此前的一条记录</a>' in page and "待审批" in page
    assert "号记录" not in page  # no internal record ids
    client.post(f"/points/entries/{correction}/decide", data={"approve": "y"})
    assert total(app, member.id) == 5  # not his own correction (issue 19)
    above = app.test_client()
    login(above, GENERAL_SECRETARY)
    above.post(f"/points/entries/{correction}/decide", data={"approve": "y"})
    assert total(app, member.id) == 0
    with app.app_context():  # the corrected entry itself is untouched
        assert db.session.get(PointEntry, original).points == 5


def test_only_counting_entries_can_be_corrected(app, quiz_org, staff):
    member, secretary = quiz_org["people"]["member"], staff["secretary"].id
    with app.app_context():
        pending = add_manual_entry(db.session, member.id, EntryKind.AWARD, 2, "好", secretary)
        with pytest.raises(PointsError, match="待审批"):
            add_correction(db.session, pending.id, -2, "错了", secretary)
        decide(db.session, pending.id, False, "", staff["general"].id)
        with pytest.raises(PointsError, match="未获批准"):
            add_correction(db.session, pending.id, -2, "错了", secretary)


def test_a_member_sees_only_their_own_ledger(app, client, login, quiz_org, staff):
    member = quiz_org["people"]["member"]
    with app.app_context():
        entry = add_manual_entry(db.session, member.id, EntryKind.AWARD, 4, "张三的奖励",
                                 staff["secretary"].id)
        decide(db.session, entry.id, True, "", staff["general"].id)
        db.session.commit()
    login(client, MEMBER_2)
    page = client.get("/points/").get_data(as_text=True)
    assert "张三的奖励" not in page and re.search(r'data-role="total">0<', page)
    assert client.get(f"/points/people/{member.id}").status_code == 403
    assert client.get(f"/points/units/{quiz_org['units']['group'].id}").status_code == 403
    assert client.post(f"/points/people/{member.id}/entries/new",
                       data={"kind": "award", "points": "5", "reason": "自己加分"}).status_code == 403
    assert client.get("/points/units").status_code == 403
    client = app.test_client()
    login(client, MEMBER)
    assert "张三的奖励" in client.get("/points/").get_data(as_text=True)


def test_a_secretary_of_another_branch_is_refused(app, client, login, quiz_org, staff):
    member = quiz_org["people"]["member"]
    with app.app_context():
        entry = add_manual_entry(db.session, member.id, EntryKind.AWARD, 4, "好",
                                 staff["secretary"].id).id
        db.session.commit()
    login(client, OTHER_SECRETARY)
    assert client.get(f"/points/people/{member.id}").status_code == 403
    assert client.get(f"/points/units/{quiz_org['units']['branch'].id}").status_code == 403
    assert client.post(f"/points/entries/{entry}/decide", data={"approve": "y"}).status_code == 403
    assert client.get(f"/points/entries/{entry}/correct").status_code == 403
    assert client.post(f"/points/people/{member.id}/entries/new",
                       data={"kind": "penalty", "points": "5", "reason": "越权"}).status_code == 403
    assert client.get("/points/entries/987654/correct").status_code == 404
    # Their own unit page lists their members only.
    page = client.get("/points/units", follow_redirects=True).get_data(as_text=True)
    assert "王五" in page and "张三" not in page
    with app.app_context():
        assert db.session.scalar(select(PointDecision.id)) is None


def test_the_unit_ledger_lists_members_with_totals_and_filters_by_unit(app, client, login, quiz_org, staff):
    member = quiz_org["people"]["member"]
    with app.app_context():
        entry = add_manual_entry(db.session, member.id, EntryKind.AWARD, 6, "好", staff["secretary"].id)
        decide(db.session, entry.id, True, "", staff["general"].id)
        db.session.commit()
    login(client, ORGANIZER)
    page = client.get("/points/units", follow_redirects=True).get_data(as_text=True)
    assert re.search(rf'data-person="{member.id}">.*?data-role="total">6<', page, re.S)
    assert "第一党总支 / 第一党支部 / 第一党小组" in page  # the unit filter
    group = client.get("/points/units", query_string={"unit": quiz_org["units"]["group"].id},
                       follow_redirects=True).get_data(as_text=True)
    assert "张三" in group and "书记" not in group


def test_the_members_chart_is_inline_svg_without_script_or_outside_address(app, client, login,
                                                                            quiz_org, staff):
    member = quiz_org["people"]["member"]
    with app.app_context():
        for when, points in (("2026-10-05", 3), ("2026-12-05", 4)):
            entry = add_manual_entry(db.session, member.id, EntryKind.AWARD, points, "好",
                                     staff["secretary"].id, now=at(when))
            decide(db.session, entry.id, True, "", staff["general"].id)
        db.session.commit()
    login(client, MEMBER)
    page = client.get("/points/").get_data(as_text=True)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "<script" not in svg.lower() and "href=" not in svg
    assert set(re.findall(r"https?://[^\"' ]+", svg)) <= {"http://www.w3.org/2000/svg",
                                                           "http://www.w3.org/1999/xlink"}
    assert "2026-11" in svg and "累计积分" in page
    assert re.search(r"<td>2026-11</td><td class=\"text-end\">\+0</td><td class=\"text-end\">3</td>", page)


def test_nobody_adds_corrects_or_approves_their_own_points(app, quiz_org, staff):
    secretary, organizer = staff["secretary"].id, staff["organizer"].id
    with app.app_context():
        with pytest.raises(PointsError, match="不能为自己添加奖惩"):
            add_manual_entry(db.session, secretary, EntryKind.AWARD, 5, "自评优秀", secretary)
        entry = add_manual_entry(db.session, secretary, EntryKind.AWARD, 5, "优秀", organizer)
        with pytest.raises(PointsError, match="不能审批自己的积分"):
            decide(db.session, entry.id, True, "", secretary)
        # Nor its author, nor anyone without a deciding role (issue 19: the service checks).
        with pytest.raises(PointsError, match="不能审批自己提交的记录"):
            decide(db.session, entry.id, True, "", organizer)
        with pytest.raises(PointsError, match="没有审批这条记录的权限"):
            decide(db.session, entry.id, True, "", staff["other"].id)
        decide(db.session, entry.id, True, "", staff["general"].id)
        with pytest.raises(PointsError, match="不能更正自己的积分"):
            add_correction(db.session, entry.id, 5, "再加点", secretary)


def test_only_secretaries_and_organizers_see_the_ways_into_unit_points_and_rules(app, client, login,
                                                                                 quiz_org, staff):
    login(client, MEMBER)
    page = client.get("/points/").get_data(as_text=True)
    assert "/points/units" not in page and "/points/rules" not in page
    for phone, sees_rules in ((SECRETARY, False), (ORGANIZER, True)):
        client = app.test_client()
        login(client, phone)
        page = client.get("/points/").get_data(as_text=True)
        assert "/points/units" in page
        assert ("/points/rules" in page) is sees_rules
