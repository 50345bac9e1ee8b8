"""Point and rating rules: what is in effect, the version history, and new versions from a
date on (validated, never in the past)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from quiz_helpers import MEMBER, quiz_org  # noqa: F401 - fixtures
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Role, RuleKind, RuleVersion
from quizapp.points.rule_versions import add_rule_version, beijing_today
from quizapp.results.rules import (
    DEFAULT_RATING_RULES,
    RuleError,
    describe_point_rules,
    describe_rating_rules,
    rules_in_effect,
)

ORGANIZER = "13900000003"
SECRETARY = "13900000002"
OTHER_ORGANIZER = "13900000005"


@pytest.fixture
def staff(make_person, quiz_org):
    units = quiz_org["units"]
    return {
        "organizer": make_person(name="组织员", phone=ORGANIZER, unit=units["general"],
                                 roles=[(Role.ORGANIZER, units["general"])]),
        "secretary": make_person(name="书记", phone=SECRETARY, unit=units["branch"],
                                 roles=[(Role.SECRETARY, units["branch"])]),
        "other": make_person(name="别的组织员", phone=OTHER_ORGANIZER, unit=units["other"],
                             roles=[(Role.ORGANIZER, units["other"])]),
    }


def _points_form(day, **changes):
    data = {"effective_from": day.isoformat(), "note": "2027年办法", "study_points": "6",
            "study_cap": "6", "test_points": "20", "test_cap": "20"}
    data.update(changes)
    return data


def _rating_form(day, **changes):
    data = {"effective_from": day.isoformat(), "note": "", "min_members": "5",
            "star5_participation": "98", "star5_average": "90",
            "star3_participation": "80", "star3_average": "70",
            "star1_participation": "0", "star1_average": "0",
            "yellow_participation": "70", "yellow_average": "60",
            "red_participation": "50", "red_average": "40"}
    data.update(changes)
    return data


def _versions(app, kind):
    with app.app_context():
        return [(v.unit_id, v.effective_from, v.rules) for v in db.session.scalars(
            select(RuleVersion).where(RuleVersion.kind == kind).order_by(RuleVersion.id))]


def test_the_rules_page_shows_rules_in_effect_and_history(app, client, login, quiz_org, staff):
    login(client, ORGANIZER)
    page = client.get("/points/rules", follow_redirects=True).get_data(as_text=True)
    assert "完成月度选学得 5 分，每月最多 5 分" in page
    assert "参与率≥95%且平均得分率≥85%为五星" in page and "系统默认规则" in page
    assert "第一党总支 / 第一党支部" in page  # the unit filter offers the subtree


@pytest.mark.parametrize(("changes", "message"), [
    ({"study_points": "2000"}, "月度选学积分必须是 0–1000 之间的整数"),
    ({"test_cap": ""}, "请填写季度测试每季度上限"),
    ({"study_cap": "abc"}, "请填写整数"),
    ({"effective_from": "明天"}, "日期格式应为 2024-07-01"),
    ({"note": "长" * 201}, "说明不能超过 200 字"),
])
def test_a_point_rules_version_is_validated(app, client, login, quiz_org, staff, changes, message):
    general = quiz_org["units"]["general"].id
    login(client, ORGANIZER)
    response = client.post(f"/points/rules/{general}/points/new",
                           data=_points_form(beijing_today() + timedelta(days=1), **changes))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _versions(app, RuleKind.POINTS) == []


def test_a_past_effective_date_is_refused_and_a_future_one_takes_effect_then(app, client, login,
                                                                             quiz_org, staff):
    general = quiz_org["units"]["general"].id
    today = beijing_today()
    login(client, ORGANIZER)
    past = client.post(f"/points/rules/{general}/points/new",
                       data=_points_form(today - timedelta(days=1)))
    assert "生效日期不能早于今天" in past.get_data(as_text=True)
    assert _versions(app, RuleKind.POINTS) == []

    tomorrow = today + timedelta(days=1)
    saved = client.post(f"/points/rules/{general}/points/new", data=_points_form(tomorrow),
                        follow_redirects=True).get_data(as_text=True)
    assert "已保存积分规则新版本" in saved and "待生效" in saved and "2027年办法" in saved
    twice = client.post(f"/points/rules/{general}/points/new", data=_points_form(tomorrow))
    assert "已有一个从" in twice.get_data(as_text=True)
    with app.app_context():
        group = quiz_org["units"]["group"].id
        assert rules_in_effect(db.session, RuleKind.POINTS, group, today).note == "系统默认规则"
        later = rules_in_effect(db.session, RuleKind.POINTS, group, tomorrow)
        assert later.rules["study"] == {"points": 6, "cap_per_month": 6}
        assert later.created_by_id == staff["organizer"].id


def test_a_rating_rules_version_from_the_form(app, client, login, quiz_org, staff):
    general = quiz_org["units"]["general"].id
    day = beijing_today()
    login(client, ORGANIZER)
    form = client.get(f"/points/rules/{general}/rating/new").get_data(as_text=True)
    assert 'name="star4_participation"' in form and 'value="90"' in form  # prefilled
    bad = client.post(f"/points/rules/{general}/rating/new",
                      data=_rating_form(day, red_participation="80"))
    assert "红牌参与率门槛不能高于黄牌参与率门槛" in bad.get_data(as_text=True)
    half = client.post(f"/points/rules/{general}/rating/new",
                       data=_rating_form(day, star3_average=""))
    assert "平均得分率门槛 必须是 0–100 之间的整数" in half.get_data(as_text=True)
    assert _versions(app, RuleKind.RATING) == []
    assert client.post(f"/points/rules/{general}/rating/new",
                       data=_rating_form(day)).status_code == 302
    [(unit_id, effective_from, rules)] = _versions(app, RuleKind.RATING)
    assert (unit_id, effective_from) == (general, day)
    assert [row["stars"] for row in rules["stars"]] == [5, 3, 1]
    assert rules["min_members"] == 5


def test_only_organizers_of_the_unit_see_and_change_rules(app, client, login, quiz_org, staff):
    general = quiz_org["units"]["general"].id
    for account in (MEMBER, SECRETARY, OTHER_ORGANIZER):
        other = app.test_client()
        login(other, account)
        assert other.get(f"/points/rules/{general}").status_code == 403
        assert other.post(f"/points/rules/{general}/points/new",
                          data=_points_form(beijing_today())).status_code == 403
    assert _versions(app, RuleKind.POINTS) == []


def test_the_service_refuses_a_past_date_and_bad_rules(app, quiz_org):
    general = quiz_org["units"]["general"].id
    with app.app_context():
        with pytest.raises(RuleError, match="不能早于今天"):
            add_rule_version(db.session, RuleKind.POINTS, general,
                             beijing_today() - timedelta(days=30), {}, "")
        with pytest.raises(RuleError, match="每个星级只能有一档"):
            add_rule_version(db.session, RuleKind.RATING, general, beijing_today(), {
                **DEFAULT_RATING_RULES,
                "stars": [{"stars": 3, "participation": 80, "average": 60}] * 2})


def test_rules_in_words():
    assert describe_rating_rules(DEFAULT_RATING_RULES) == (
        "参与率≥95%且平均得分率≥85%为五星；参与率≥90%且平均得分率≥75%为四星；"
        "参与率≥80%且平均得分率≥65%为三星；参与率≥70%且平均得分率≥60%为二星；其余一星；"
        "参与率低于70%或平均得分率低于60%亮黄牌，参与率低于50%或平均得分率低于45%亮红牌；"
        "参加人数少于3人的单位只标注、不评定。")
    assert describe_point_rules({"study": {"points": 3, "cap_per_month": 6},
                                 "test": {"points": 10, "cap_per_quarter": 10}}).startswith(
        "完成月度选学得 3 分，每月最多 6 分")
