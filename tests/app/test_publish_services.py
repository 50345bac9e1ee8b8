"""Publishing services: creating studies and tests, every validation, the audience snapshot,
cancelling and deleting."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from publish_helpers import org, pub_bank, quarter_spec, quiz_org, study_spec, utc  # noqa: F401
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityMember,
    ActivityStatus,
    AnswerPolicy,
    Person,
    QuestionType,
)
from quizapp.publish import services
from quizapp.publish.specs import PartSpec, PassageSpec, PublishError


def _organizer(name: str = "赵组织") -> Person:
    return db.session.scalar(select(Person).where(Person.name == name))


def test_a_test_is_created_as_a_draft_with_its_blueprint(app, org, pub_bank):
    with app.app_context():
        spec = quarter_spec(org["units"]["general"].id, answers_shown=AnswerPolicy.AFTER_CLOSE,
                            partial_multiple=True, attempts_allowed=2)
        activity = services.create_activity(db.session, spec, by=_organizer())
        db.session.commit()
        activity = db.session.get(Activity, activity.id)
        assert activity.kind is ActivityKind.TEST and activity.status is ActivityStatus.DRAFT
        assert [(p.position, p.type, p.count, p.points_each) for p in activity.parts] == [
            (1, QuestionType.SINGLE, 3, 2), (2, QuestionType.MULTIPLE, 1, 4)]
        assert activity.max_score == 10 and activity.attempts_allowed == 2
        assert activity.answers_shown is AnswerPolicy.AFTER_CLOSE and activity.partial_multiple
        assert activity.created_by_id == _organizer().id
        assert db.session.scalar(select(ActivityMember.person_id)) is None  # no audience yet


def test_a_study_keeps_its_passages(app, org, pub_bank):
    with app.app_context():
        spec = study_spec(org["units"]["general"].id, pub_bank["speech"])
        activity = services.create_activity(db.session, spec, by=_organizer())
        assert [(p.speech_id, p.first_paragraph, p.last_paragraph, p.concept) for p in activity.passages] == [
            (pub_bank["speech"], 1, 3, "三会一课")]
        assert activity.kind is ActivityKind.STUDY and activity.period_start == date(2026, 12, 1)


BAD_SPECS = [
    (dict(title="  "), "请填写标题", "title"),
    (dict(closes_at=utc("2026-12-01 01:00")), "截止时间必须晚于开始时间", "closes_at"),
    (dict(practice_opens_at=utc("2026-12-02 00:00")), "练习开放时间不能晚于正式答题开始时间", "practice_opens_at"),
    (dict(time_limit_minutes=0), "答题时限应在 1 到 1440 分钟之间", "time_limit"),
    (dict(time_limit_minutes=1441), "答题时限应在 1 到 1440 分钟之间", "time_limit"),
    (dict(attempts_allowed=11), "可答次数应在 1 到 10 次之间", "attempts"),
    (dict(pass_percent=101), "及格线应在 0 到 100 之间", "pass_percent"),
    (dict(pass_percent=80, excellent_percent=70), "优秀线应不低于及格线", "excellent_percent"),
    (dict(period_start=date(2026, 11, 1)), "季度测试的季度应从季度第一天算起", "period"),
    (dict(parts=[]), "至少要有一行出题规则", "parts"),
    (dict(parts=[PartSpec(QuestionType.SINGLE, 1, 1)] * 11), "出题规则最多 10 行", "parts"),
    (dict(parts=[PartSpec(QuestionType.SINGLE, 0, 1)]), "第 1 行（单选）：题数应在 1 到 100 之间", "parts"),
    (dict(parts=[PartSpec(QuestionType.SINGLE, 1, 101)]), "第 1 行（单选）：每题分值应在 1 到 100 之间", "parts"),
    (dict(passages=[PassageSpec(1, 0, 0)]), "季度测试没有阅读材料", "passages"),
]


@pytest.mark.parametrize(("changes", "message", "field"), BAD_SPECS)
def test_bad_specs_are_refused_in_chinese(app, org, pub_bank, changes, message, field):
    with app.app_context():
        with pytest.raises(PublishError) as error:
            services.create_activity(db.session, quarter_spec(org["units"]["general"].id, **changes),
                                     by=_organizer())
        assert message in str(error.value)
        assert error.value.field == field
        db.session.rollback()
        assert db.session.scalar(select(Activity.id)) is None


def test_a_row_the_bank_cannot_fill_says_which_and_by_how_much(app, org, pub_bank):
    with app.app_context():
        spec = quarter_spec(org["units"]["general"].id, parts=[
            PartSpec(QuestionType.JUDGE, 2, 1), PartSpec(QuestionType.MULTIPLE, 5, 2)])
        with pytest.raises(PublishError) as error:
            services.create_activity(db.session, spec, by=_organizer())
        assert "第 2 行（多选）：需要 5 道" in str(error.value)
        assert "只有 3 道，还差 2 道" in str(error.value)


def test_drafts_and_other_units_questions_are_not_in_the_pool(app, org, pub_bank):
    with app.app_context():
        # 6 approved singles of the 总支 speech; the 3 drafts, the other 总支's and the
        # branch's (not seen by the whole 总支) do not count.
        spec = quarter_spec(org["units"]["general"].id, parts=[PartSpec(QuestionType.SINGLE, 7, 1)])
        with pytest.raises(PublishError, match="只有 6 道，还差 1 道"):
            services.create_activity(db.session, spec, by=_organizer())


def test_a_concept_narrows_the_pool(app, org, pub_bank):
    with app.app_context():
        spec = quarter_spec(org["units"]["general"].id, parts=[
            PartSpec(QuestionType.SINGLE, 3, 1, pub_bank["speech"], "四个意识")])
        with pytest.raises(PublishError, match="只有 2 道，还差 1 道"):
            services.create_activity(db.session, spec, by=_organizer())


def test_a_branch_speech_counts_for_a_test_of_that_branch(app, org, pub_bank):
    with app.app_context():
        spec = quarter_spec(org["units"]["branch"].id, parts=[PartSpec(QuestionType.SINGLE, 11, 1)])
        activity = services.create_activity(db.session, spec, by=_organizer())  # 6 + 5
        assert activity.unit_id == org["units"]["branch"].id


def test_rows_of_one_type_need_enough_distinct_questions_together(app, org, pub_bank):
    with app.app_context():
        spec = quarter_spec(org["units"]["general"].id, parts=[
            PartSpec(QuestionType.SINGLE, 4, 1), PartSpec(QuestionType.SINGLE, 2, 1, concept="四个意识"),
            PartSpec(QuestionType.SINGLE, 1, 1, pub_bank["speech"])])
        with pytest.raises(PublishError, match="第 1、2、3 行（单选）合计需要 7 道不重复的题，可用的只有 6 道"):
            services.create_activity(db.session, spec, by=_organizer())


def test_a_speech_the_audience_cannot_see_is_refused(app, org, pub_bank):
    with app.app_context():
        spec = quarter_spec(org["units"]["general"].id, parts=[
            PartSpec(QuestionType.SINGLE, 1, 1, pub_bank["branch_speech"])])
        with pytest.raises(PublishError, match="所选组织的党员看不到它"):
            services.create_activity(db.session, spec, by=_organizer())


def test_an_organizer_cannot_use_another_general_branchs_speech_or_unit(app, org, pub_bank):
    with app.app_context():
        spec = quarter_spec(org["units"]["general"].id, parts=[
            PartSpec(QuestionType.SINGLE, 1, 1, pub_bank["other_speech"])])
        with pytest.raises(PublishError, match="找不到编号为"):
            services.create_activity(db.session, spec, by=_organizer())
        with pytest.raises(PublishError, match="只能发布到您负责的组织") as error:
            services.create_activity(db.session, quarter_spec(org["units"]["other"].id), by=_organizer())
        assert error.value.field == "unit"


@pytest.mark.parametrize(("passage", "message"), [
    (PassageSpec(0, 0, 0), "找不到编号为 0 的讲话"),
    ("speech:3-1", "起止段落不对"),
    ("speech:0-6", "只有 6 段，没有第 7 段"),
])
def test_passages_are_checked_against_the_speech(app, org, pub_bank, passage, message):
    if isinstance(passage, str):
        first, last = (int(x) for x in passage.split(":")[1].split("-"))
        passage = PassageSpec(pub_bank["speech"], first, last)
    with app.app_context():
        spec = study_spec(org["units"]["general"].id, pub_bank["speech"], passages=[passage])
        with pytest.raises(PublishError, match=message):
            services.create_activity(db.session, spec, by=_organizer())


def test_a_study_needs_something_to_read_and_starts_on_the_first(app, org, pub_bank):
    with app.app_context():
        unit = org["units"]["general"].id
        with pytest.raises(PublishError, match="至少要选一段讲话原文"):
            services.create_activity(db.session, study_spec(unit, pub_bank["speech"], passages=[]), by=None)
        with pytest.raises(PublishError, match="应从当月 1 日算起"):
            services.create_activity(db.session, study_spec(unit, pub_bank["speech"],
                                                            period_start=date(2026, 12, 5)), by=None)


def test_publishing_snapshots_the_active_members_of_the_subtree_in_their_units(app, org, pub_bank):
    units, people = org["units"], org["people"]
    with app.app_context():
        activity = services.create_activity(db.session, quarter_spec(units["branch"].id), by=_organizer())
        size = services.publish_activity(db.session, activity, now=utc("2026-11-25 00:00"))
        db.session.commit()
        members = {m.person_id: m.unit_id for m in db.session.scalars(select(ActivityMember))}
        activity = db.session.get(Activity, activity.id)
        assert activity.status is ActivityStatus.PUBLISHED and activity.published_at is not None
    assert size == 3
    assert members == {people["member"].id: units["group"].id, people["member2"].id: units["group"].id,
                       people["branch_member"].id: units["branch"].id}


def test_publishing_twice_cancelling_and_deleting_follow_the_status(app, org, pub_bank):
    with app.app_context():
        activity = services.create_activity(db.session, quarter_spec(org["units"]["general"].id), by=None)
        with pytest.raises(PublishError, match="只有已发布的活动可以撤销"):
            services.cancel_activity(db.session, activity)
        services.publish_activity(db.session, activity)
        with pytest.raises(PublishError, match="不能再次发布"):
            services.publish_activity(db.session, activity)
        with pytest.raises(PublishError, match="只能删除草稿"):
            services.delete_draft(db.session, activity)
        services.cancel_activity(db.session, activity)
        assert activity.status is ActivityStatus.CANCELLED
        draft = services.create_activity(db.session, quarter_spec(org["units"]["general"].id), by=None)
        services.delete_draft(db.session, draft)
        db.session.commit()
        assert list(db.session.scalars(select(Activity.id))) == [activity.id]


def test_a_draft_is_edited_freely_but_not_into_another_kind(app, org, pub_bank):
    unit = org["units"]["general"].id
    with app.app_context():
        activity = services.create_activity(db.session, quarter_spec(unit), by=_organizer())
        services.update_draft(db.session, activity, quarter_spec(
            unit, title="改过的标题", parts=[PartSpec(QuestionType.FILL, 2, 3)]), by=_organizer())
        db.session.commit()
        activity = db.session.get(Activity, activity.id)
        assert activity.title == "改过的标题" and activity.version == 1
        assert [(p.type, p.count) for p in activity.parts] == [(QuestionType.FILL, 2)]
        with pytest.raises(PublishError, match="不能改变活动的类别"):
            services.update_draft(db.session, activity, study_spec(unit, pub_bank["speech"]), by=None)


def test_a_unit_without_members_cannot_be_published_to(app, org, pub_bank, make_unit):
    empty = make_unit("空党小组", parent=org["units"]["branch"])
    with app.app_context():
        activity = services.create_activity(db.session, quarter_spec(empty.id), by=_organizer())
        with pytest.raises(PublishError, match="没有在册党员"):
            services.publish_activity(db.session, activity)
