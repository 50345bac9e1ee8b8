"""Four eyes on manual points (issue 19, finding 7): an award, penalty or correction is decided
by someone other than its author, a secretary's own by the unit above, within a cap per entry
that an admin sets."""

from __future__ import annotations

import re

import pytest
from points_helpers import (  # noqa: F401 - staff: a fixture
    ADMIN,
    BRANCH_ADMIN,
    DEPUTY,
    GENERAL_SECRETARY,
    ORGANIZER,
    SECRETARY,
    counting_entry,
    last_entry_id,
    staff,
    total,
)
from quiz_helpers import bank, quiz_org  # noqa: F401 - fixtures
from sqlalchemy import text

from quizapp.extensions import db
from quizapp.models import EntryKind
from quizapp.points.manual import PointsError, add_manual_entry, decide
from quizapp.points.queries import total_for


def test_a_secretary_cannot_approve_his_own_ten_thousand_point_correction(app, client, login,
                                                                          quiz_org, bank, staff):
    """The attack: a secretary corrects a member's entry by +10,000 and approves it himself."""
    member = quiz_org["people"]["member"]
    original = counting_entry(app, quiz_org, bank)
    login(client, SECRETARY)
    page = client.post(f"/points/entries/{original}/correct",
                       data={"points": "10000", "reason": "补记"}).get_data(as_text=True)
    if last_entry_id(app) != original:  # the old code took it
        client.post(f"/points/entries/{last_entry_id(app)}/decide", data={"approve": "y"})
    assert total(app, member.id) == 5
    assert "更正分值必须是 -100–100 之间的整数" in page
    # Within the cap, his own correction still waits for someone else.
    client.post(f"/points/entries/{original}/correct", data={"points": "50", "reason": "补记"})
    correction = last_entry_id(app)
    refused = client.post(f"/points/entries/{correction}/decide", data={"approve": "y"},
                          follow_redirects=True).get_data(as_text=True)
    assert "不能审批自己提交的记录" in refused
    assert total(app, member.id) == 5


def test_a_secretarys_own_entry_goes_to_the_unit_above(app, client, login, quiz_org, staff):
    member = quiz_org["people"]["member"]
    login(client, SECRETARY)
    done = client.post(f"/points/people/{member.id}/entries/new",
                       data={"kind": "award", "points": "20", "reason": "志愿服务"},
                       follow_redirects=True).get_data(as_text=True)
    entry = last_entry_id(app)
    # Another secretary of his own branch does not decide it.
    other = app.test_client()
    login(other, DEPUTY)
    page = other.post(f"/points/entries/{entry}/decide", data={"approve": "y"},
                      follow_redirects=True).get_data(as_text=True)
    assert total(app, member.id) == 0
    assert "由上级组织的书记或管理员审批" in page and "/decide" not in page.split("待审批")[-1]
    assert "须由他人审批后计入：由上级组织的书记或管理员审批" in done
    # The secretary of the 总支 above does.
    above = app.test_client()
    login(above, GENERAL_SECRETARY)
    above.post(f"/points/entries/{entry}/decide", data={"approve": "y"})
    assert total(app, member.id) == 20


def test_an_admin_decides_a_secretarys_entry_but_never_his_own(app, quiz_org, staff):
    member, people = quiz_org["people"]["member"], staff
    with app.app_context():
        by_secretary = add_manual_entry(db.session, member.id, EntryKind.AWARD, 3, "好",
                                        people["secretary"].id)
        decide(db.session, by_secretary.id, True, "", people["branch_admin"].id)  # an admin over it
        by_admin = add_manual_entry(db.session, member.id, EntryKind.AWARD, 4, "好", people["admin"].id)
        for decider in ("admin", "secretary", "deputy", "branch_admin"):  # below or himself
            with pytest.raises(PointsError):
                decide(db.session, by_admin.id, True, "", people[decider].id)
        by_organizer = add_manual_entry(db.session, member.id, EntryKind.PENALTY, 2, "缺席",
                                        people["organizer"].id)
        decide(db.session, by_organizer.id, True, "", people["secretary"].id)  # as before
        with pytest.raises(PointsError, match="没有审批这条记录的权限"):
            decide(db.session, by_admin.id, True, "", people["organizer"].id)
        db.session.commit()
        assert total_for(db.session, member.id) == 1


def test_the_pending_lists_show_who_decides(app, client, login, quiz_org, staff):
    member, units = quiz_org["people"]["member"], quiz_org["units"]
    with app.app_context():
        own = add_manual_entry(db.session, member.id, EntryKind.AWARD, 7, "书记提交的奖励",
                               staff["secretary"].id).id
        theirs = add_manual_entry(db.session, member.id, EntryKind.AWARD, 6, "组织员提交的奖励",
                                  staff["organizer"].id).id
        db.session.commit()
    login(client, SECRETARY)
    branch = client.get(f"/points/units/{units['branch'].id}").get_data(as_text=True)
    own_card = branch[branch.index(f'id="p{own}"'):branch.index(f'id="p{theirs}"')]
    assert "您提交的记录，等待他人审批：由上级组织的书记或管理员审批" in own_card
    assert "/decide" not in own_card
    assert f"/points/entries/{theirs}/decide" in branch
    ledger = client.get(f"/points/people/{member.id}").get_data(as_text=True)
    assert "您提交的记录，等待他人审批" in ledger and f"/points/entries/{own}/decide" not in ledger

    above = app.test_client()
    login(above, GENERAL_SECRETARY)  # the 总支's page lists the branch's entries he may decide
    general = above.get("/points/units", follow_redirects=True).get_data(as_text=True)
    assert "待审批（2）" in general
    assert f"/points/entries/{own}/decide" in general and f"/points/entries/{theirs}/decide" in general


def test_an_admin_sets_the_cap_and_a_lower_admin_can_only_tighten_it(app, client, login, quiz_org,
                                                                      staff):
    member, units = quiz_org["people"]["member"], quiz_org["units"]
    login(client, ORGANIZER)
    rules = client.get(f"/points/rules/{units['general'].id}").get_data(as_text=True)
    assert "每条奖励、扣分或更正最多 <strong>100</strong> 分" in rules and "设定上限" not in rules
    assert client.get(f"/points/rules/{units['general'].id}/cap").status_code == 403
    assert client.post(f"/points/rules/{units['general'].id}/cap", data={"cap": "5000"}).status_code == 403
    too_much = client.post(f"/points/people/{member.id}/entries/new",
                           data={"kind": "award", "points": "300", "reason": "好"})
    assert "分值必须是 1–100 之间的整数" in too_much.get_data(as_text=True)

    admin = app.test_client()
    login(admin, ADMIN)
    assert "设定上限" in admin.get(f"/points/rules/{units['general'].id}").get_data(as_text=True)
    for bad in ("0", "10001", "x"):
        page = admin.post(f"/points/rules/{units['general'].id}/cap", data={"cap": bad})
        assert page.status_code == 200 and "单条上限（分）" in page.get_data(as_text=True)
    assert admin.post(f"/points/rules/{units['general'].id}/cap", data={"cap": "500"}).status_code == 302
    client.post(f"/points/people/{member.id}/entries/new",
                data={"kind": "award", "points": "300", "reason": "重大贡献"})
    big = last_entry_id(app)
    # The branch's admin sets a higher cap for his branch: the 总支's 500 still holds ...
    branch_admin = app.test_client()
    login(branch_admin, BRANCH_ADMIN)
    branch_admin.post(f"/points/rules/{units['branch'].id}/cap", data={"cap": "5000"})
    page = client.post(f"/points/people/{member.id}/entries/new",
                       data={"kind": "award", "points": "600", "reason": "好"}).get_data(as_text=True)
    assert "分值必须是 1–500 之间的整数" in page
    # ... and a lower one tightens it: the pending 300 can no longer be approved.
    branch_admin.post(f"/points/rules/{units['branch'].id}/cap", data={"cap": "200"})
    refused = branch_admin.post(f"/points/entries/{big}/decide", data={"approve": "y"},
                                follow_redirects=True).get_data(as_text=True)
    assert "超过单条上限 200 分，不能批准" in refused
    assert total(app, member.id) == 0
    with app.app_context():
        caps = db.session.execute(text("SELECT cap FROM point_cap ORDER BY cap")).scalars().all()
        assert caps == [200, 500]
    cap_page = branch_admin.get(f"/points/rules/{units['branch'].id}/cap").get_data(as_text=True)
    assert re.search(r'data-role="cap">200<', cap_page)
    assert re.search(r'<input[^>]*name="cap"[^>]*value="200"', cap_page)  # the form starts there
