"""The member's home page in issue 4: what is open for me (soonest first, with its state),
my points, my recent results, and unread notices with 知道了."""

from __future__ import annotations

import re
from datetime import timedelta


from sqlalchemy import select

from activity_flow import now, open_activity, start_via_page
from activity_helpers import make_activity
from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    answer_all,
    attempt_id_from,
    bank,
    quiz_org,
)
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    EntryKind,
    Notice,
    PointEntry,
)


def _titles(html):
    return re.findall(r'data-role="assignment">\s*<div class="card-body">\s*<p[^>]*>\s*'
                      r'<span class="fw-bold">([^<]+)</span>', html)


def test_open_activities_soonest_first_with_state(app, client, login, quiz_org, bank):
    units = quiz_org["units"]
    moment = now()
    open_activity(app, units["general"].id, title="季度测试（后截止）", hours_open=48)
    open_activity(app, units["branch"].id, title="月度选学（先截止）", hours_open=5,
                  kind=ActivityKind.STUDY)
    make_activity(app, units["general"].id, title="已截止的测试",
                  opens_at=moment - timedelta(days=3), closes_at=moment - timedelta(hours=1))
    make_activity(app, units["other"].id, title="别的总支的测试",
                  opens_at=moment - timedelta(days=1), closes_at=moment + timedelta(days=1))
    draft = make_activity(app, units["general"].id, title="还是草稿",
                          opens_at=moment - timedelta(days=1), closes_at=moment + timedelta(days=1))
    with app.app_context():
        db.session.get_one(Activity, draft).status = ActivityStatus.DRAFT
        db.session.commit()
    upcoming = make_activity(app, units["general"].id, title="下月的选学", kind=ActivityKind.STUDY,
                             opens_at=moment + timedelta(days=10), closes_at=moment + timedelta(days=20))
    login(client, MEMBER)
    html = client.get("/").get_data(as_text=True)
    assert _titles(html) == ["月度选学（先截止）", "季度测试（后截止）", "下月的选学"]
    assert "暂无待完成" not in html
    assert f'href="/quiz/activities/{upcoming}"' in html
    assert re.search(r"下月的选学</span>\s*<span[^>]*>未开始</span>", html)
    assert re.search(r"月度选学（先截止）</span>\s*<span[^>]*>进行中</span>", html)


def test_a_member_who_joined_later_sees_it_too(app, client, login, quiz_org, bank, make_person):
    open_activity(app, quiz_org["units"]["general"].id, title="季度测试", audience=False)
    make_person(name="新来的", phone="13800000066", unit=quiz_org["units"]["group"])
    login(client, "13800000066")
    assert _titles(client.get("/").get_data(as_text=True)) == ["季度测试"]


def test_my_points_and_recent_results(app, client, login, quiz_org, bank):
    activity = open_activity(app, quiz_org["units"]["general"].id, title="十一月测试")
    login(client, MEMBER)
    html = client.get("/").get_data(as_text=True)
    assert 'data-role="points">0<' in html and 'href="/points/"' in html
    assert 'href="/reports/me"' in html and "我的排名" in html
    attempt = attempt_id_from(start_via_page(client, activity))
    html = client.get("/").get_data(as_text=True)
    assert re.search(r"十一月测试</span>\s*<span[^>]*>进行中</span>", html)
    answer_all(app, client, attempt)
    client.post(f"/quiz/attempts/{attempt}/submit")
    with app.app_context():
        entry = db.session.scalars(select(PointEntry)).one()
        db.session.add(PointEntry(person_id=entry.person_id, unit_id=entry.unit_id,
                                  kind=EntryKind.AWARD, points=5, reason="表彰",
                                  needs_approval=True))  # not approved: does not count
        db.session.commit()
        total = entry.points
    html = client.get("/").get_data(as_text=True)
    assert f'data-role="points">{total}<' in html
    assert "季度测试 · 十一月测试" in html and f'href="/quiz/attempts/{attempt}/result"' in html
    # A finished test leaves 待完成 (no card with an 已完成 badge) and is listed as done.
    assert not re.search(r"十一月测试</span>\s*<span[^>]*>已完成</span>", html)
    finished = html.split('data-role="finished"', 1)[1].split("</ul>", 1)[0]
    assert "十一月测试" in finished


def test_unread_notices_newest_first_and_known(app, client, login, quiz_org, bank, csrf_token):
    people = quiz_org["people"]
    activity = open_activity(app, quiz_org["units"]["general"].id, title="季度测试")
    moment = now()
    with app.app_context():
        older = Notice(person_id=people["member"].id, activity_id=activity,
                       text="请尽快完成季度测试", created_at=moment - timedelta(hours=2))
        newer = Notice(person_id=people["member"].id, text="本周五下午集中学习",
                       created_at=moment - timedelta(hours=1))
        read = Notice(person_id=people["member"].id, text="已经读过的通知", read_at=moment)
        theirs = Notice(person_id=people["member2"].id, text="给李四的提醒")
        db.session.add_all([older, newer, read, theirs])
        db.session.commit()
        older_id, newer_id, theirs_id = older.id, newer.id, theirs.id
    login(client, MEMBER)
    app.config["WTF_CSRF_ENABLED"] = True
    html = client.get("/").get_data(as_text=True)
    shown = re.findall(r'data-role="notice">\s*<p class="mb-2">([^<]+)</p>', html)
    assert shown == ["本周五下午集中学习", "请尽快完成季度测试"]
    assert "给李四的提醒" not in html and "已经读过的通知" not in html
    token = csrf_token(html)
    assert client.post(f"/notices/{newer_id}/read").status_code in (302, 400)  # no token
    with app.app_context():
        assert db.session.get_one(Notice, newer_id).read_at is None
    response = client.post(f"/notices/{newer_id}/read", data={"csrf_token": token})
    assert response.headers["Location"].endswith("/")
    assert client.post(f"/notices/{theirs_id}/read", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert db.session.get_one(Notice, newer_id).read_at is not None
        assert db.session.get_one(Notice, older_id).read_at is None
        assert db.session.get_one(Notice, theirs_id).read_at is None
    html = client.get("/").get_data(as_text=True)
    assert "本周五下午集中学习" not in html and "请尽快完成季度测试" in html
