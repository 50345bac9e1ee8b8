"""Editing a published activity (recorded, versioned, open attempts follow) and per-member
overrides (extra time, make-up windows, always with a reason)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from publish_helpers import (  # noqa: F401 - fixtures
    open_attempt,
    org,
    pub_bank,
    quarter_spec,
    quiz_org,
    study_spec,
    utc,
)
from quizapp.extensions import db
from quizapp.models import Activity, ActivityChange, ActivityMember, Attempt, Person, QuestionType
from quizapp.publish import edits, overrides, services
from quizapp.publish.specs import PartSpec, PublishError
from quizapp.results.clock import as_utc

NOW = utc("2026-12-05 02:00")


def _organizer() -> Person:
    return db.session.scalar(select(Person).where(Person.name == "赵组织"))


@pytest.fixture
def published(app, org, pub_bank) -> int:
    with app.app_context():
        activity = services.create_activity(db.session, quarter_spec(org["units"]["general"].id),
                                            by=_organizer())
        services.publish_activity(db.session, activity, now=utc("2026-11-30 00:00"))
        db.session.commit()
        return activity.id


def test_an_edit_is_recorded_with_old_and_new_values_and_raises_the_version(app, org, published):
    unit = org["units"]["general"].id
    with app.app_context():
        activity = db.session.get(Activity, published)
        change = edits.edit_published(
            db.session, activity,
            quarter_spec(unit, title="新标题", closes_at=utc("2026-12-22 10:00"), time_limit_minutes=40,
                         parts=[PartSpec(QuestionType.SINGLE, 4, 2)]),
            by=_organizer(), now=NOW)
        db.session.commit()
        activity = db.session.get(Activity, published)
        changes = list(db.session.scalars(select(ActivityChange)))
        assert [(p.type, p.count) for p in activity.parts] == [(QuestionType.SINGLE, 4)]
    assert activity.version == 2 and activity.title == "新标题"
    assert len(changes) == 1 and changes[0].id == change.id and changes[0].version == 2
    summary = changes[0].summary
    assert "标题 2026年第四季度党建知识测试 → 新标题" in summary
    assert "截止时间 2026年12月20日 18:00 → 2026年12月22日 18:00" in summary  # Beijing time
    assert "答题时限 30 分钟 → 40 分钟" in summary
    assert "出题规则 单选 3 题×2 分；多选 1 题×4 分 → 单选 4 题×2 分" in summary
    assert set(changes[0].details) == {"title", "closes_at", "time_limit_minutes", "parts"}
    assert changes[0].details["time_limit_minutes"] == {"label": "答题时限", "old": "30 分钟", "new": "40 分钟"}
    assert changes[0].person_id is not None


def test_an_edit_that_changes_nothing_records_nothing(app, org, published):
    with app.app_context():
        activity = db.session.get(Activity, published)
        assert edits.edit_published(db.session, activity, quarter_spec(org["units"]["general"].id),
                                    by=None, now=NOW) is None
        assert activity.version == 1
        assert db.session.scalar(select(ActivityChange.id)) is None


def test_an_open_attempt_follows_the_new_times(app, org, published):
    member = org["people"]["member"].id
    started = utc("2026-12-05 01:50")
    attempt_id = open_attempt(app, published, member, started, started + timedelta(minutes=30))
    with app.app_context():
        activity = db.session.get(Activity, published)
        edits.edit_published(db.session, activity,
                             quarter_spec(org["units"]["general"].id, time_limit_minutes=45),
                             by=None, now=NOW)
        db.session.commit()
        assert as_utc(db.session.get(Attempt, attempt_id).deadline_at) == started + timedelta(minutes=45)


def test_an_edit_that_would_end_an_attempt_in_progress_is_refused(app, org, published):
    member = org["people"]["member"].id
    started = utc("2026-12-05 01:50")
    open_attempt(app, published, member, started, started + timedelta(minutes=30))
    with app.app_context():
        activity = db.session.get(Activity, published)
        with pytest.raises(PublishError, match="有 1 人正在答题"):
            edits.edit_published(db.session, activity,
                                 quarter_spec(org["units"]["general"].id, closes_at=utc("2026-12-05 01:55")),
                                 by=None, now=NOW)
        with pytest.raises(PublishError, match="有 1 人正在答题"):
            edits.edit_published(db.session, activity,
                                 quarter_spec(org["units"]["general"].id, time_limit_minutes=5),
                                 by=None, now=NOW)
        db.session.rollback()
        assert db.session.get(Activity, published).version == 1


def test_unit_and_period_are_fixed_after_publication_and_checks_still_apply(app, org, published):
    with app.app_context():
        activity = db.session.get(Activity, published)
        with pytest.raises(PublishError, match="发布后不能更改发布组织"):
            edits.edit_published(db.session, activity, quarter_spec(org["units"]["branch"].id), by=None, now=NOW)
        with pytest.raises(PublishError, match="还差"):
            edits.edit_published(db.session, activity, quarter_spec(
                org["units"]["general"].id, parts=[PartSpec(QuestionType.FILL, 3, 1)]), by=None, now=NOW)
        services.cancel_activity(db.session, activity)
        with pytest.raises(PublishError, match="只有已发布（未撤销）的活动可以修改"):
            edits.edit_published(db.session, activity, quarter_spec(org["units"]["general"].id), by=None, now=NOW)


def test_a_study_change_log_names_its_passages(app, org, pub_bank):
    unit, speech = org["units"]["general"].id, pub_bank["speech"]
    with app.app_context():
        activity = services.create_activity(db.session, study_spec(unit, speech), by=None)
        services.publish_activity(db.session, activity)
        spec = study_spec(unit, speech)
        spec.passages[0] = spec.passages[0].__class__(speech, 2, 4, "")
        change = edits.edit_published(db.session, activity, spec, by=None, now=NOW)
        assert f"阅读材料 讲话 {speech} 第 2–4 段（三会一课） → 讲话 {speech} 第 3–5 段" in change.summary
        assert [(p.first_paragraph, p.last_paragraph) for p in activity.passages] == [(2, 4)]


def _override(app, activity_id, person_id, **values):
    arguments = dict(extra_minutes=0, makeup_opens_at=None, makeup_closes_at=None, reason="出差",
                     reason_note="", by=None, now=NOW)
    arguments.update(values)
    with app.app_context():
        member = overrides.set_override(db.session, db.session.get(Activity, activity_id), person_id,
                                        **arguments)
        db.session.commit()
        return member.override_reason


def test_extra_time_is_recorded_with_its_reason_and_moves_an_open_deadline(app, org, published):
    member = org["people"]["member"].id
    started = utc("2026-12-05 01:50")
    attempt_id = open_attempt(app, published, member, started, started + timedelta(minutes=30))
    assert _override(app, published, member, extra_minutes=15, reason="病假", reason_note="住院") == "病假：住院"
    with app.app_context():
        row = db.session.get(ActivityMember, (published, member))
        assert row.extra_minutes == 15 and as_utc(row.override_at) == NOW
        assert as_utc(db.session.get(Attempt, attempt_id).deadline_at) == started + timedelta(minutes=45)
        overrides.clear_override(db.session, db.session.get(Activity, published), member, by=None, now=NOW)
        db.session.commit()
        row = db.session.get(ActivityMember, (published, member))
        assert (row.extra_minutes, row.override_reason) == (0, "")
        assert as_utc(db.session.get(Attempt, attempt_id).deadline_at) == started + timedelta(minutes=30)


def test_a_make_up_window_is_kept(app, org, published):
    member = org["people"]["member2"].id
    assert _override(app, published, member, makeup_opens_at=utc("2026-12-25 01:00"),
                     makeup_closes_at=utc("2026-12-26 01:00"), reason="其他", reason_note="外出培训") == "其他：外出培训"
    with app.app_context():
        row = db.session.get(ActivityMember, (published, member))
        assert as_utc(row.makeup_closes_at) == utc("2026-12-26 01:00")


@pytest.mark.parametrize(("values", "message"), [
    (dict(extra_minutes=10, reason=""), "请选择原因"),
    (dict(extra_minutes=10, reason="其他"), "请写明具体原因"),
    (dict(extra_minutes=0), "请填写延长的分钟数，或一个补考时间段"),
    (dict(extra_minutes=1441), "延长时间应在 0 到 1440 分钟之间"),
    (dict(makeup_opens_at=utc("2026-12-25 01:00")), "要同时填写开始和结束时间"),
    (dict(makeup_opens_at=utc("2026-12-25 01:00"), makeup_closes_at=utc("2026-12-24 01:00")),
     "补考结束时间必须晚于开始时间"),
])
def test_bad_overrides_are_refused(app, org, published, values, message):
    with pytest.raises(PublishError, match=message):
        _override(app, published, org["people"]["member"].id, **values)


def test_only_members_of_the_audience_get_overrides(app, org, published):
    with pytest.raises(PublishError, match="不在本次活动的参加人员中"):
        _override(app, published, org["people"]["outsider"].id, extra_minutes=10)
