"""``flask publish study|test|list``: the web forms' rules from the command line."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from publish_helpers import ORGANIZER, OTHER_ORGANIZER, org, pub_bank, quiz_org, utc  # noqa: F401
from quizapp.extensions import db
from quizapp.models import Activity, ActivityKind, ActivityMember, ActivityStatus, AnswerPolicy, QuestionType
from quizapp.publish.cli import publish_cli
from quizapp.results.clock import as_utc


def _run(app, *args: str):
    return app.test_cli_runner().invoke(publish_cli, list(args))


def _test_args(unit: str = "第一党总支", *extra: str) -> list[str]:
    return ["test", "--unit", unit, "--title", "第四季度测试", "--quarter", "2099-Q4",
            "--opens", "2099-12-01 09:00", "--closes", "2099-12-20 18:00", "--time-limit", "30",
            "--part", "single:3:2", "--part", "多选:1:4", *extra]


def test_a_test_is_created_and_published_by_an_organizer(app, org, pub_bank):
    result = _run(app, *_test_args("第一党总支", "--by", ORGANIZER, "--publish", "--answers", "after_close",
                                   "--partial", "--attempts", "2"))
    assert result.exit_code == 0, result.output
    with app.app_context():
        activity = db.session.scalar(select(Activity))
        assert f"已创建季度测试（编号 {activity.id}）" in result.output
        assert "已发布，参加人数 5 人" in result.output
        assert activity.status is ActivityStatus.PUBLISHED and activity.kind is ActivityKind.TEST
        assert as_utc(activity.opens_at) == utc("2099-12-01 01:00")
        assert activity.answers_shown is AnswerPolicy.AFTER_CLOSE and activity.partial_multiple
        assert activity.attempts_allowed == 2 and activity.created_by_id == org["people"]["organizer"].id
        assert [(p.type, p.count, p.points_each) for p in activity.parts] == [
            (QuestionType.SINGLE, 3, 2), (QuestionType.MULTIPLE, 1, 4)]
        assert len(list(db.session.scalars(select(ActivityMember)))) == 5


def test_a_study_gets_defaults_and_passages(app, org, pub_bank):
    speech = pub_bank["speech"]
    result = _run(app, "study", "--unit", str(org["units"]["general"].id), "--title", "12月选学",
                  "--month", "2099-12", "--passage", f"{speech}:2-4:三会一课",
                  "--part", f"judge:2:5:{speech}:三会一课")
    assert result.exit_code == 0, result.output
    assert "状态：草稿" in result.output
    with app.app_context():
        activity = db.session.scalar(select(Activity))
        assert activity.kind is ActivityKind.STUDY and activity.status is ActivityStatus.DRAFT
        assert as_utc(activity.opens_at) == utc("2099-12-19 16:00")
        assert as_utc(activity.closes_at) == utc("2099-12-31 15:59")
        assert as_utc(activity.practice_opens_at) == utc("2099-11-30 16:00")
        assert [(p.first_paragraph, p.last_paragraph, p.concept) for p in activity.passages] == [(1, 3, "三会一课")]
        assert activity.parts[0].speech_id == speech and activity.parts[0].concept == "三会一课"


@pytest.mark.parametrize(("args", "message"), [
    (_test_args("第九党总支"), "没有名为“第九党总支”的单位"),
    (_test_args("99999"), "没有编号为 99999 的单位"),
    (_test_args("第一党总支", "--part", "single:ten:2"), "题数应为正整数"),
    (_test_args("第一党总支", "--part", "essay:1:2"), "题型应为 single、multiple、judge、fill"),
    (_test_args("第一党总支", "--part", "single:1"), "格式应为 题型:题数:每题分值"),
    (_test_args("第一党总支", "--part", "fill:5:1"), "第 3 行（填空）：需要 5 道"),
    (_test_args("第一党总支", "--closes", "2099-11-20 09:00"), "截止时间必须晚于开始时间"),
    (_test_args("第一党总支", "--opens", "明天"), "开始时间“明天”格式不对"),
    (_test_args("第一党总支", "--time-limit", "半小时"), "--time-limit 应为整数，而不是“半小时”"),
    (_test_args("第一党总支", "--opens", "0001-01-01 00:00"), "年份应在 2000 到 2200 之间"),
    (["test", "--unit", "第一党总支", "--quarter", "2099-Q4", "--part", "single:1:1", "--opens", "2099-12-01",
      "--closes", "2099-12-02"], "用 --title 指定标题"),
    (["study", "--unit", "第一党总支", "--title", "x", "--part", "judge:1:1"], "请用 --month 指定月份"),
    (_test_args("第一党总支", "--by", "13000000000"), "找不到手机号或党员编号为 13000000000 的在册人员"),
    (_test_args("第一党总支", "--by", OTHER_ORGANIZER), "只能发布到您负责的组织"),
    (["test", "--unit", "第一党总支", "--title", "x", "--quarter", "2099-Q4", "--part", "single:1:1"],
     "季度测试须用 --opens 和 --closes"),
    (["test", "--unit", "第一党总支", "--title", "x", "--quarter", "2026Q9", "--part", "single:1:1"],
     "季度“2026Q9”格式不对"),
    (["study", "--unit", "第一党总支", "--title", "x", "--month", "2026-13", "--part", "judge:1:1"],
     "月份“2026-13”格式不对"),
    (["study", "--unit", "第一党总支", "--title", "x", "--month", "2099-12", "--part", "judge:1:1",
      "--passage", "1:5"], "格式应为 讲话编号:起始段-结束段"),
    (["study", "--unit", "第一党总支", "--title", "x", "--month", "2099-12", "--part", "judge:1:1",
      "--passage", "1:0-2"], "段落从第 1 段算起"),
    (["study", "--unit", "第一党总支", "--title", "x", "--month", "2099-12", "--part", "judge:1:1",
      "--passage", "1:2-9"], "只有 6 段，没有第 9 段"),
])
def test_bad_input_is_a_chinese_error_and_saves_nothing(app, org, pub_bank, args, message):
    result = _run(app, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(Activity.id)) is None


def test_publishing_to_a_unit_without_members_saves_nothing(app, org, pub_bank, make_unit):
    make_unit("空党小组", parent=org["units"]["branch"])
    result = _run(app, *_test_args("空党小组", "--publish"))
    assert result.exit_code == 1 and "没有在册党员，无法发布" in result.output
    with app.app_context():
        assert db.session.scalar(select(Activity.id)) is None


def test_list_shows_activities_with_status_and_counts(app, org, pub_bank):
    assert "没有月度选学或季度测试" in _run(app, "list").output
    _run(app, *_test_args("第一党总支", "--publish"))
    _run(app, *_test_args("第一党支部"))
    output = _run(app, "list").output
    lines = output.strip().splitlines()
    assert len(lines) == 2
    assert any("已发布" in line and "第一党总支" in line and "参加 5 人，已交卷 0 人" in line for line in lines)
    assert any("草稿" in line and "第一党支部" in line for line in lines)
    assert "2099年第四季度" in output and "2099-12-01 09:00 – 2099-12-20 18:00" in output
    only = _run(app, "list", "--unit", "第一党支部").output.strip().splitlines()
    assert len(only) == 1 and "第一党支部" in only[0]
