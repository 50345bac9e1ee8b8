"""The organizers' publishing pages: creating through the forms, errors on the form, the list,
the activity page with its change log, and who may see what."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from activity_helpers import at, make_activity
from publish_helpers import (  # noqa: F401 - fixtures
    ADMIN,
    ORGANIZER,
    OTHER_ORGANIZER,
    org,
    pub_bank,
    quiz_org,
    set_status,
    utc,
)
from quiz_helpers import MEMBER
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityChange,
    ActivityKind,
    ActivityMember,
    ActivityStatus,
    QuestionType,
    Role,
)
from quizapp.publish.queries import status_now
from quizapp.results.clock import as_utc


def _test_form(unit_id: int, **changes: str) -> dict[str, str]:
    data = {
        "title": "2027年第一季度党建知识测试", "unit": str(unit_id), "quarter": "2027-Q1",
        "opens_at": "2027-03-01T09:00", "closes_at": "2027-03-20T18:00", "time_limit": "30",
        "attempts": "1", "answers_shown": "after_close", "pass_percent": "60", "excellent_percent": "90",
        "parts-0-type": "single", "parts-0-count": "3", "parts-0-points_each": "2",
        "parts-1-type": "multiple", "parts-1-count": "1", "parts-1-points_each": "4",
        "parts-2-type": "", "parts-2-count": "", "parts-2-points_each": "",
        "save": "y",
    }
    data.update(changes)
    return data


def _only_activity(app) -> Activity:
    with app.app_context():
        activity = db.session.scalar(select(Activity))
        if activity is not None:
            db.session.refresh(activity)
            _ = activity.parts, activity.passages
            db.session.expunge(activity)
        return activity


def test_an_organizer_creates_a_test_draft_through_the_form(app, client, login, org, pub_bank):
    login(client, ORGANIZER)
    response = client.post("/publish/tests/new", data=_test_form(org["units"]["general"].id))
    assert response.status_code == 302
    activity = _only_activity(app)
    assert response.headers["Location"].endswith(f"/publish/{activity.id}")
    assert activity.status is ActivityStatus.DRAFT and activity.period_start == date(2027, 1, 1)
    assert as_utc(activity.opens_at) == utc("2027-03-01 01:00")  # 09:00 Beijing
    assert [(p.type, p.count, p.points_each) for p in activity.parts] == [
        (QuestionType.SINGLE, 3, 2), (QuestionType.MULTIPLE, 1, 4)]
    page = client.get(f"/publish/{activity.id}").get_data(as_text=True)
    assert "草稿" in page and "2027-03-01 09:00" in page and "满分 10 分" in page


def test_save_and_publish_snapshots_the_audience(app, client, login, org, pub_bank):
    login(client, ORGANIZER)
    response = client.post("/publish/tests/new", follow_redirects=True,
                           data=_test_form(org["units"]["general"].id, save="", publish="y"))
    assert "已发布，参加人数 5 人" in response.get_data(as_text=True)  # not the inactive 吴六
    with app.app_context():
        people = set(db.session.scalars(select(ActivityMember.person_id)))
    expected = {org["people"][k].id for k in ("member", "member2", "organizer", "admin", "branch_member")}
    assert people == expected


def test_a_study_gets_the_months_default_times_and_its_passages(app, client, login, org, pub_bank):
    login(client, ORGANIZER)
    data = {
        "title": "2027年1月选学", "unit": str(org["units"]["general"].id), "month": "2027-01",
        "attempts": "1", "answers_shown": "after_submit", "pass_percent": "60", "excellent_percent": "90",
        "passages-0-speech": str(pub_bank["speech"]), "passages-0-first": "2", "passages-0-last": "4",
        "passages-0-concept": "三会一课", "parts-0-type": "judge", "parts-0-count": "2",
        "parts-0-points_each": "5", "save": "y",
    }
    assert client.post("/publish/studies/new", data=data).status_code == 302
    activity = _only_activity(app)
    assert activity.kind is ActivityKind.STUDY and activity.time_limit_minutes is None
    assert as_utc(activity.practice_opens_at) == utc("2026-12-31 16:00")  # 1 Jan 00:00 Beijing
    assert as_utc(activity.opens_at) == utc("2027-01-19 16:00")
    assert as_utc(activity.closes_at) == utc("2027-01-31 15:59")
    assert [(p.first_paragraph, p.last_paragraph, p.concept) for p in activity.passages] == [(1, 3, "三会一课")]


@pytest.mark.parametrize(("changes", "message"), [
    ({"parts-0-count": "9"}, "第 1 行（单选）：需要 9 道，已审核通过、该组织党员可见的题只有 6 道，还差 3 道"),
    ({"closes_at": "2027-02-01T09:00"}, "截止时间必须晚于开始时间"),
    ({"title": ""}, "请填写标题"),
    ({"opens_at": "明天"}, "时间格式应为 2026-11-20 09:00"),
    ({"parts-0-count": "三"}, "请填写整数"),
    ({"closes_at": "0001-01-01T00:00"}, "年份应在 2000 到 2200 之间"),
    ({"unit": "abc"}, "请选择发布到的组织"),
    ({"quarter": "2027-Q5"}, "季度“2027-Q5”格式不对"),
    ({"parts-0-type": "", "parts-1-type": ""}, "至少要有一行出题规则"),
    ({"parts-1-points_each": ""}, "第 2 行：请填写每题分值"),
    ({"excellent_percent": "50"}, "优秀线应不低于及格线"),
])
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(app, client, login, org, pub_bank, changes, message):
    login(client, ORGANIZER)
    response = client.post("/publish/tests/new", data=_test_form(org["units"]["general"].id, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _only_activity(app) is None


def test_a_bad_month_is_explained(app, client, login, org, pub_bank):
    login(client, ORGANIZER)
    response = client.post("/publish/studies/new", data={"title": "x", "unit": str(org["units"]["general"].id),
                                                          "month": "十一月", "attempts": "1", "pass_percent": "60",
                                                          "excellent_percent": "90"})
    assert "月份“十一月”格式不对，应为 2026-11" in response.get_data(as_text=True)


def test_an_organizer_cannot_publish_to_another_general_branch(app, client, login, org, pub_bank):
    login(client, ORGANIZER)
    response = client.post("/publish/tests/new", data=_test_form(org["units"]["other"].id))
    assert "只能发布到您负责的组织" in response.get_data(as_text=True)
    assert _only_activity(app) is None


def test_the_form_offers_only_units_and_speeches_in_scope(client, login, org, pub_bank):
    login(client, ORGANIZER)
    page = client.get("/publish/tests/new").get_data(as_text=True)
    assert "第一党支部" in page and "第二党总支" not in page
    assert "在机关党建工作会议上的讲话" in page and "第二党总支的讲话" not in page


@pytest.fixture
def activities(app, org):
    """A draft, an open, a closed, a future and a cancelled activity of the first 总支, and one
    of the second 总支."""
    general, other = org["units"]["general"].id, org["units"]["other"].id
    ids = {
        "draft": set_status(app, make_activity(app, general, title="草稿测试", audience=False),
                            ActivityStatus.DRAFT),
        "open": make_activity(app, general, title="进行中的选学", kind=ActivityKind.STUDY,
                              opens_at=at("2026-01-01"), closes_at=at("2099-01-01")),
        "closed": make_activity(app, general, title="已截止的测试", opens_at=at("2020-01-01"),
                                closes_at=at("2020-02-01")),
        "future": make_activity(app, general, title="未开始的测试", opens_at=at("2099-01-01"),
                                closes_at=at("2099-02-01")),
        "cancelled": set_status(app, make_activity(app, general, title="撤销的测试"), ActivityStatus.CANCELLED),
        "foreign": make_activity(app, other, title="第二总支的测试"),
    }
    return ids


def test_the_list_shows_status_audience_and_only_activities_in_scope(app, client, login, org, activities):
    login(client, ORGANIZER)
    page = client.get("/publish/").get_data(as_text=True)
    rows = re.findall(r'<div class="card mb-3 activity-row">(.*?)</div>\s*</div>', page, re.S)
    text = {re.search(r'">([^<]+)</a></h2>', row).group(1): row for row in rows}
    assert set(text) == {"草稿测试", "进行中的选学", "已截止的测试", "未开始的测试", "撤销的测试"}
    assert "草稿" in text["草稿测试"] and "进行中" in text["进行中的选学"]
    assert "已截止" in text["已截止的测试"] and "已发布" in text["未开始的测试"]
    assert "已撤销" in text["撤销的测试"]
    assert "参加 6 人，已交卷 0 人" in text["进行中的选学"]


def test_status_is_derived_from_now(app, org, activities):
    with app.app_context():
        activity = db.session.get(Activity, activities["future"])
        assert status_now(activity, utc("2098-12-31 00:00")).label == "已发布"
        assert status_now(activity, utc("2099-01-01 09:00")).label == "进行中"
        assert status_now(activity, utc("2099-02-01 09:00")).label == "已截止"


@pytest.mark.parametrize("path", ["/publish/{id}", "/publish/{id}/edit", "/publish/{id}/members",
                                  "/publish/{id}/poster", "/publish/{id}/qr.png"])
def test_another_general_branchs_organizer_and_members_are_kept_out(client, login, org, activities, path):
    url = path.format(id=activities["open"])
    login(client, OTHER_ORGANIZER)
    assert client.get(url).status_code == 403
    assert client.post(f"/publish/{activities['open']}/cancel").status_code == 403
    client.post("/auth/logout")
    login(client, MEMBER)
    assert client.get(url).status_code == 403
    assert client.get("/publish/").status_code == 403
    assert client.get(path.format(id=999999)).status_code == 404


def test_an_admin_of_the_general_branch_manages_its_activities(client, login, org, activities):
    login(client, ADMIN)
    page = client.get(f"/publish/{activities['open']}").get_data(as_text=True)
    assert "进行中的选学" in page and "参加 6 人" in page


def test_publishing_cancelling_and_deleting_from_the_activity_page(app, client, login, org, activities):
    login(client, ORGANIZER)
    client.post(f"/publish/{activities['draft']}/publish")
    client.post(f"/publish/{activities['open']}/cancel")
    response = client.post(f"/publish/{activities['future']}/delete", follow_redirects=True)
    assert "只能删除草稿；已发布的活动请撤销" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Activity, activities["draft"]).status is ActivityStatus.PUBLISHED
        assert db.session.get(Activity, activities["open"]).status is ActivityStatus.CANCELLED
        assert db.session.get(Activity, activities["future"]) is not None
    draft = set_status(app, make_activity(app, org["units"]["general"].id, audience=False), ActivityStatus.DRAFT)
    assert client.post(f"/publish/{draft}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Activity, draft) is None


def test_editing_a_published_test_is_recorded_on_its_page(app, client, login, org, pub_bank):
    login(client, ORGANIZER)
    client.post("/publish/tests/new", data=_test_form(org["units"]["general"].id, save="", publish="y"))
    activity = _only_activity(app)
    page = client.get(f"/publish/{activity.id}/edit").get_data(as_text=True)
    assert "已经开始的答题保留原来抽到的题目" in page and 'value="2027-03-20T18:00"' in page
    response = client.post(f"/publish/{activity.id}/edit", follow_redirects=True, data=_test_form(
        org["units"]["other"].id, quarter="2026-Q1", closes_at="2027-03-25T18:00", attempts="2"))
    page = response.get_data(as_text=True)
    assert "已修改并记录（第 2 版）" in page
    assert "截止时间 2027年03月20日 18:00 → 2027年03月25日 18:00；可答次数 1 次 → 2 次" in page
    with app.app_context():
        activity = db.session.get(Activity, activity.id)
        # The unit and quarter posted are ignored: they are fixed once published.
        assert activity.unit_id == org["units"]["general"].id and activity.period_start == date(2027, 1, 1)
        assert db.session.scalar(select(ActivityChange.person_id)) == org["people"]["organizer"].id


def test_every_publish_view_is_for_organizers(app):
    views = {e: v for e, v in app.view_functions.items() if e.startswith("publish.")}
    assert len(views) == 13
    for endpoint, view in views.items():
        assert view.required_roles == (Role.ORGANIZER,), endpoint


def test_a_draft_is_edited_on_its_form_without_a_change_log(app, client, login, org, pub_bank):
    login(client, ORGANIZER)
    speech = str(pub_bank["speech"])
    client.post("/publish/tests/new", data=_test_form(org["units"]["general"].id, **{"parts-0-speech": speech}))
    activity = _only_activity(app)
    page = client.get(f"/publish/{activity.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{speech}">', page)
    response = client.post(f"/publish/{activity.id}/edit", follow_redirects=True,
                           data=_test_form(org["units"]["branch"].id, title="改名", **{"parts-0-speech": speech}))
    assert "草稿已保存" in response.get_data(as_text=True)
    with app.app_context():
        activity = db.session.get(Activity, activity.id)
        assert (activity.title, activity.unit_id, activity.version) == ("改名", org["units"]["branch"].id, 1)
        assert activity.parts[0].speech_id == pub_bank["speech"]
        assert db.session.scalar(select(ActivityChange.id)) is None


def test_a_cancelled_activity_cannot_be_edited(app, client, login, org, activities):
    login(client, ORGANIZER)
    response = client.get(f"/publish/{activities['cancelled']}/edit", follow_redirects=True)
    assert "已撤销的活动不能修改" in response.get_data(as_text=True)
