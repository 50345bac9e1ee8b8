"""``flask seed-demo``: the demo organization, idempotent, with working logins."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from quizapp.admin.demo import DEMO_PASSWORD
from quizapp.extensions import db
from quiz_helpers import add_question, add_speech
from quizapp.results.clock import CHINA, as_utc
from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityMember,
    ActivityStatus,
    Attempt,
    AttemptStatus,
    Person,
    PointEntry,
    QuestionType,
    Role,
    RoleGrant,
    Unit,
    UnitKind,
)


def _counts(app):
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Unit, Person, RoleGrant)
        }


def test_seed_demo_twice_gives_the_same_organization(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = _counts(app)
    assert counts == {"Unit": 11, "Person": 32, "RoleGrant": 5}

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert _counts(app) == counts
    assert "新建单位 0 个，人员 0 人，角色 0 个" in second.output
    assert DEMO_PASSWORD in second.output
    assert "13900000000" in second.output  # logins are printed every time


def test_seed_demo_shape(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        kinds = db.session.execute(
            select(Unit.kind, func.count()).group_by(Unit.kind)
        ).all()
        assert dict(kinds) == {
            UnitKind.GENERAL_BRANCH: 1, UnitKind.BRANCH: 3, UnitKind.GROUP: 7,
        }
        roles = db.session.scalars(select(RoleGrant.role)).all()
        assert sorted(roles) == sorted(
            [Role.ADMIN, Role.ORGANIZER, Role.SECRETARY, Role.SECRETARY, Role.SECRETARY]
        )
        assert db.session.scalar(
            select(func.count()).select_from(Person).where(Person.must_change_password)
        ) == 0


def test_demo_logins_work_for_each_role(app, login):
    app.test_cli_runner().invoke(args=["seed-demo"])
    expectations = {
        "13900000000": 200,  # admin
        "DEMO0002": 403,     # organizer, by member number
        "13900000011": 403,  # secretary of the first branch
        "13800000001": 403,  # member
    }
    for account, admin_page in expectations.items():
        client = app.test_client()
        assert login(client, account, DEMO_PASSWORD).status_code == 302, account
        assert client.get("/").status_code == 200
        assert client.get("/admin/people").status_code == admin_page, account


def _demo_bank(app):
    """Approved questions of every type in one speech of the demo 党总支."""
    with app.app_context():
        root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        root_id = root.id
    speech = add_speech(app, root_id)
    for qtype, count in ((QuestionType.SINGLE, 6), (QuestionType.MULTIPLE, 3),
                         (QuestionType.JUDGE, 4), (QuestionType.FILL, 2)):
        for _ in range(count):
            add_question(app, speech, qtype)


def test_seed_demo_activities_needs_the_organization_and_a_bank(app):
    runner = app.test_cli_runner()
    assert "flask seed-demo" in runner.invoke(args=["seed-demo", "--activities"]).output
    runner.invoke(args=["seed-demo"])
    refused = runner.invoke(args=["seed-demo", "--activities"])
    assert refused.exit_code == 1 and "还没有已通过的题目" in refused.output


def test_seed_demo_activities_publish_a_study_and_a_test_with_some_answers(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    _demo_bank(app)
    first = runner.invoke(args=["seed-demo", "--activities"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        activities = db.session.scalars(select(Activity).order_by(Activity.id)).all()
        assert [a.kind for a in activities] == [ActivityKind.STUDY, ActivityKind.TEST]
        assert all(a.status is ActivityStatus.PUBLISHED for a in activities)
        audience = db.session.scalar(select(func.count()).select_from(ActivityMember))
        assert audience == 2 * 32
        attempts = db.session.scalars(select(Attempt)).all()
        assert attempts and all(a.status is AttemptStatus.SUBMITTED for a in attempts)
        assert f"作答 {len(attempts)} 份" in first.output
        # Graded by the real services: each score is the sum of its items, and each earned points.
        for attempt in attempts:
            assert attempt.score == sum(item.points for item in attempt.items)
        assert db.session.scalar(select(func.count()).select_from(PointEntry)) == sum(
            1 for a in attempts if a.score or a.activity.kind is ActivityKind.STUDY)
        # The documented logins never answered: whoever tries the demo takes the test.
        answered = set(db.session.scalars(select(Attempt.person_id)))
        staff = set(db.session.scalars(select(RoleGrant.person_id)))
        firsts = {"13800000001", "13800000010", "13800000019"}
        phones = set(db.session.scalars(select(Person.phone).where(Person.id.in_(answered))))
        assert not answered & staff and not phones & firsts
        # Branches answer less and less: participation differs for the dashboards.
        by_branch = [len({a.person_id for a in attempts if a.person.unit_id in
                          {b.id, *(g.id for g in b.children)}}) for b in activities[0].unit.children]
        assert by_branch[0] > by_branch[1] > by_branch[2] > 0
    again = runner.invoke(args=["seed-demo", "--activities"])
    assert "已存在" in again.output
    with app.app_context():
        assert len(db.session.scalars(select(Attempt)).all()) == len(attempts)


@pytest.mark.parametrize("moment", [
    "2026-12-03T15:59:30",  # 23:59:30 in Beijing
    "2026-12-03T16:00:30",  # 00:00:30 the next day in Beijing
    "2026-11-30T16:03:00",  # three minutes into December in Beijing: the study just opened
    "2026-12-31T16:00:30",  # the new year in Beijing
])
def test_the_demo_keeps_beijing_hours_and_its_sittings_are_over_by_now(app, monkeypatch, moment):
    """The month's study runs from midnight on the 1st, the quarter's test from 09:00 yesterday
    to 18:00 in two weeks (Beijing time), whatever the moment of seeding."""
    now = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
    monkeypatch.setattr("quizapp.cli.utcnow", lambda: now)
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    _demo_bank(app)
    assert runner.invoke(args=["seed-demo", "--activities"]).exit_code == 0
    today = now.astimezone(CHINA).date()
    with app.app_context():
        activities = db.session.scalars(select(Activity)).all()
        assert all(as_utc(a.opens_at) <= now < as_utc(a.closes_at) for a in activities)
        study = next(a for a in activities if a.kind is ActivityKind.STUDY)
        opens = as_utc(study.opens_at).astimezone(CHINA)
        assert (opens.date(), opens.hour, opens.minute) == (today.replace(day=1), 0, 0)
        test = next(a for a in activities if a.kind is ActivityKind.TEST)
        opens, closes = (as_utc(t).astimezone(CHINA) for t in (test.opens_at, test.closes_at))
        assert (opens.date(), opens.hour, opens.minute) == (today - timedelta(days=1), 9, 0)
        assert (closes.date(), closes.hour, closes.minute) == (today + timedelta(days=14), 18, 0)
        assert as_utc(test.practice_opens_at) < as_utc(test.opens_at)
        for attempt in db.session.scalars(select(Attempt)):
            assert as_utc(attempt.activity.opens_at) <= as_utc(attempt.started_at)
            assert as_utc(attempt.submitted_at) <= now


def test_the_demo_study_asks_what_its_speech_has_when_no_speech_has_singles_and_judges(app):
    """The demo approves one question a key point: a speech may have no 判断 (the seeds' first
    had none), and the study then takes the two types its speech has most of."""
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        root_id = db.session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)))
    plan = [{QuestionType.MULTIPLE: 4, QuestionType.FILL: 5},
            {QuestionType.SINGLE: 5, QuestionType.JUDGE: 1},
            {QuestionType.JUDGE: 2, QuestionType.FILL: 1}]
    for number, types in enumerate(plan):
        speech = add_speech(app, root_id)
        for qtype, count in types.items():
            for i in range(count):
                add_question(app, speech, qtype, paragraph=i + 1,
                             sentence=f"第{number}篇{qtype.value}第{i}句要上好党课。")
    result = runner.invoke(args=["seed-demo", "--activities"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        study = db.session.scalars(select(Activity).where(Activity.kind == ActivityKind.STUDY)).one()
        assert study.status is ActivityStatus.PUBLISHED
