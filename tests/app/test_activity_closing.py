"""Automatic submission: ``close_due`` submits open sittings at their deadline with their
saved answers, once, finalizes activities whose every window has closed, and runs from
``flask attempts close-due``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from activity_flow import add_pool, now, start_scored
from activity_helpers import make_activity
from quiz_helpers import (  # noqa: F401 - fixtures
    add_speech,
    items_of,
    question_of,
    quiz_org,
)
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityMember,
    Attempt,
    AttemptStatus,
    PointEntry,
    QuestionType,
)
from quizapp.quiz import cli, services
from quizapp.quiz.closing import close_due


@pytest.fixture
def running(app, quiz_org):
    """A test that opened two hours ago with a 30-minute limit; the member started it then
    and saved a right answer to one question."""
    speech = add_speech(app, quiz_org["units"]["general"].id)
    add_pool(app, speech, QuestionType.JUDGE, [1, 2, 2, 3])
    moment = now()
    activity = make_activity(app, quiz_org["units"]["general"].id,
                             opens_at=moment - timedelta(hours=2), closes_at=moment + timedelta(hours=3),
                             time_limit_minutes=30, parts=[(QuestionType.JUDGE, 3, 2)])
    member = quiz_org["people"]["member"].id
    attempt = start_scored(app, member, activity, at=moment - timedelta(hours=2))
    item = items_of(app, attempt)[0]
    question = question_of(app, item.question_id)
    with app.app_context():
        services.save_answer(db.session, member, attempt, question_id=question.id,
                             shown=bool(question.answer), seq=1, now=moment - timedelta(hours=2))
        db.session.commit()
    return {"activity": activity, "attempt": attempt, "member": member, "moment": moment}


def test_close_due_submits_at_the_deadline_with_saved_answers(app, db, running):
    moment = running["moment"]
    assert close_due(db.session, moment - timedelta(hours=1, minutes=31)) == 0  # not yet due
    assert close_due(db.session, moment) == 1
    db.session.commit()
    attempt = db.session.get_one(Attempt, running["attempt"])
    assert attempt.status is AttemptStatus.SUBMITTED
    started = attempt.started_at.replace(tzinfo=None)
    assert attempt.submitted_at.replace(tzinfo=None) == started + timedelta(minutes=30)
    assert (attempt.score, attempt.max_score, attempt.correct_count) == (2, 6, 1)
    assert len(db.session.scalars(select(PointEntry)).all()) == 1
    assert close_due(db.session, moment + timedelta(minutes=5)) == 0  # idempotent
    assert len(db.session.scalars(select(PointEntry)).all()) == 1


def test_a_member_submit_and_the_job_grade_once(app, db, running):
    services.submit_attempt(db.session, running["member"], running["attempt"],
                            now=running["moment"])
    assert close_due(db.session, running["moment"]) == 0
    db.session.commit()
    assert len(db.session.scalars(select(PointEntry)).all()) == 1


def test_the_activity_is_finalized_after_every_window_closed(app, db, running):
    moment = running["moment"]
    activity = db.session.get_one(Activity, running["activity"])
    close_due(db.session, moment)
    assert activity.finalized_at is None  # still open
    member2 = db.session.scalars(select(ActivityMember).where(
        ActivityMember.activity_id == activity.id,
        ActivityMember.person_id != running["member"])).first()
    member2.makeup_opens_at = moment + timedelta(hours=4)
    member2.makeup_closes_at = moment + timedelta(hours=6)
    member2.override_reason = "病假"
    db.session.commit()
    close_due(db.session, moment + timedelta(hours=3, minutes=1))
    assert activity.finalized_at is None  # a make-up window is still to come
    later = moment + timedelta(hours=6, minutes=1)
    close_due(db.session, later)
    db.session.commit()
    assert activity.finalized_at.replace(tzinfo=None) == later.replace(tzinfo=None)
    close_due(db.session, later + timedelta(hours=1))
    assert activity.finalized_at.replace(tzinfo=None) == later.replace(tzinfo=None)


def test_an_open_sitting_at_the_close_is_submitted_then_finalized(app, db, quiz_org, running):
    # A second member started ten minutes before the close: the close ends it, not the limit.
    moment = running["moment"]
    member2 = quiz_org["people"]["member2"]
    late = start_scored(app, member2.id, running["activity"], at=moment + timedelta(hours=2, minutes=50))
    attempt = db.session.get_one(Attempt, late)
    assert attempt.deadline_at.replace(tzinfo=None) == (moment + timedelta(hours=3)).replace(tzinfo=None)
    assert close_due(db.session, moment + timedelta(hours=3)) == 2
    db.session.commit()
    assert db.session.get_one(Attempt, late).status is AttemptStatus.SUBMITTED
    assert db.session.get_one(Activity, running["activity"]).finalized_at is not None


def test_the_cli_runs_once(app, running):
    with app.app_context():
        db.session.get_one(Attempt, running["attempt"]).deadline_at = now() - timedelta(minutes=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["attempts", "close-due"])
    assert result.exit_code == 0, result.output
    assert "已自动交卷 1 份" in result.output
    with app.app_context():
        assert db.session.get_one(Attempt, running["attempt"]).status is AttemptStatus.SUBMITTED
    again = app.test_cli_runner().invoke(args=["attempts", "close-due"])
    assert "已自动交卷 0 份" in again.output


def test_the_cli_loop_logs_errors_and_goes_on(app, running, monkeypatch):
    rounds = []

    def flaky(session, clear_after=2, each=None):
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("database went away")
        return 3

    def stop(seconds):
        if len(rounds) >= 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli, "close_due", flaky)
    monkeypatch.setattr(cli.time, "sleep", stop)
    result = app.test_cli_runner().invoke(args=["attempts", "close-due", "--every", "5"])
    assert len(rounds) == 2
    assert "本轮处理出错" in result.output and "已自动交卷 3 份" in result.output


def test_the_cli_refuses_a_bad_interval(app):
    result = app.test_cli_runner().invoke(args=["attempts", "close-due", "--every", "0"])
    assert result.exit_code != 0 and "--every" in result.output


def test_opening_the_activity_page_submits_my_expired_sitting(app, client, login, running):
    with app.app_context():
        db.session.get_one(Attempt, running["attempt"]).deadline_at = now() - timedelta(minutes=1)
        db.session.commit()
    login(client, "13800000001")
    html = client.get(f"/quiz/activities/{running['activity']}").get_data(as_text=True)
    assert "答题时间已到，系统已按截止时保存的答案自动交卷" in html
    assert 'data-role="state">已完成<' in html and "2/6" in html
    with app.app_context():
        attempt = db.session.get_one(Attempt, running["attempt"])
        assert attempt.status is AttemptStatus.SUBMITTED
        assert attempt.submitted_at == attempt.deadline_at


def test_the_repeating_job_logs_only_rounds_that_submitted_something(app, running, monkeypatch):
    graded = iter([0, 2, 0, 0])
    rounds = []

    def close(session, clear_after=2, each=None):
        rounds.append(1)
        return next(graded)

    def stop(seconds):
        if len(rounds) >= 4:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli, "close_due", close)
    monkeypatch.setattr(cli.time, "sleep", stop)
    result = app.test_cli_runner().invoke(args=["attempts", "close-due", "--every", "30"])
    assert len(rounds) == 4
    assert result.output.count("已自动交卷") == 1 and "已自动交卷 2 份" in result.output
