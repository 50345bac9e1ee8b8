"""The secrecy rule (quiz.secrecy) at chosen moments: which activities are live for a member,
written in SQL (``LIVE``) and in Python (``pool_secret``), agree, and say what the
rule says: from the member's first window to their final close (make-up windows included),
under AFTER_SUBMIT only while the member may still answer, for the audience and late joiners."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from activity_helpers import Outcome, add_result, at, make_activity
from quiz_helpers import add_question, add_speech, quiz_org  # noqa: F401 - fixtures
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityMember,
    ActivityStatus,
    AnswerPolicy,
    AttemptStatus,
    BankQuestion,
    QuestionType,
)
from quizapp.quiz import activities, secrecy

T0 = at("2026-11-10")
DAY = timedelta(days=1)


@pytest.fixture
def rule_case(app, quiz_org) -> dict[str, Any]:
    """Activities of every kind of standing for the member, all opening at T0 for ten days."""
    units, people = quiz_org["units"], quiz_org["people"]
    member = people["member"].id
    question = add_question(app, add_speech(app, units["general"].id), QuestionType.SINGLE).id

    def activity(name: str, policy: AnswerPolicy = AnswerPolicy.AFTER_CLOSE, **columns: Any) -> int:
        return make_activity(app, units["general"].id, title=name, opens_at=T0,
                             closes_at=T0 + 10 * DAY, answers_shown=policy, **columns)

    made = {
        "after_close": activity("after_close"),
        "done": activity("done", AnswerPolicy.AFTER_SUBMIT),
        "attempt_left": activity("attempt_left", AnswerPolicy.AFTER_SUBMIT, attempts_allowed=2),
        "sitting_open": activity("sitting_open", AnswerPolicy.AFTER_SUBMIT),
        "makeup_later": activity("makeup_later"),
        "makeup_earlier": activity("makeup_earlier"),
        "cancelled": activity("cancelled"),
        "late_joiner": activity("late_joiner", audience=False),
    }
    for name in ("done", "attempt_left"):
        add_result(app, made[name], member, [Outcome(question, True)])
    add_result(app, made["sitting_open"], member, [Outcome(question, False)],
               status=AttemptStatus.OPEN)
    with app.app_context():
        db.session.get_one(Activity, made["cancelled"]).status = ActivityStatus.CANCELLED
        for name, opens, closes in (("makeup_later", 12, 14), ("makeup_earlier", -3, -2)):
            row = db.session.get_one(ActivityMember, (made[name], member))
            row.makeup_opens_at, row.makeup_closes_at = T0 + opens * DAY, T0 + closes * DAY
            row.override_reason = "出差"
        db.session.commit()
    return {"made": made, "member": member, "outsider": people["outsider"].id}


def _python(person_id: int, now) -> set[int]:
    live = set()
    for activity in db.session.scalars(select(Activity)):
        member = db.session.get(ActivityMember, (activity.id, person_id))
        sittings = activities.scored_attempts(db.session, person_id, activity.id)
        if member is None and activity.title != "late_joiner":
            continue  # not in the audience nor (for this case) joining it
        if secrecy.pool_secret(activity, member, sittings, now):
            live.add(activity.id)
    return live


@pytest.mark.parametrize("offset, expected", [
    (-5 * DAY, set()),
    (-2.5 * DAY, {"makeup_earlier"}),
    (-1 * DAY, {"makeup_earlier"}),  # between its make-up window and the main one
    (timedelta(hours=1), {"after_close", "attempt_left", "sitting_open", "makeup_later",
                          "makeup_earlier", "late_joiner"}),
    (11 * DAY, {"makeup_later"}),  # closed for everyone else, not yet for this member
    (13 * DAY, {"makeup_later"}),
    (15 * DAY, set()),
])
def test_the_rule_in_sql_and_python(app, rule_case, offset, expected):
    moment = T0 + offset
    made = rule_case["made"]
    with app.app_context():
        in_sql = secrecy.live_activity_ids(db.session, rule_case["member"], moment)
        assert in_sql == {made[name] for name in expected}
        assert _python(rule_case["member"], moment) == in_sql
        assert secrecy.live_activity_ids(db.session, rule_case["outsider"], moment) == set()
        if expected:
            one = made[sorted(expected)[0]]
            assert secrecy.live_activity_ids(db.session, rule_case["member"], moment,
                                             except_activity_id=one) == in_sql - {one}


def test_a_question_of_the_same_key_point_is_withheld(app, quiz_org):
    """A variant by key point (another type, another sentence) is withheld with the pool's
    question; a question of another point is not."""
    general = quiz_org["units"]["general"].id
    speech = add_speech(app, general)
    pooled = add_question(app, speech, QuestionType.SINGLE, sentence="甲句。").id
    variant = add_question(app, speech, QuestionType.JUDGE, sentence="乙句。").id
    other = add_question(app, speech, QuestionType.JUDGE, sentence="丙句。").id
    with app.app_context():
        db.session.execute(update(BankQuestion).where(BankQuestion.id.in_([pooled, variant]))
                           .values(point="三会一课"))
        db.session.commit()
    make_activity(app, general, opens_at=T0, closes_at=T0 + 10 * DAY,
                  answers_shown=AnswerPolicy.AFTER_CLOSE, parts=[(QuestionType.SINGLE, 1, 5)])
    with app.app_context():
        member = quiz_org["people"]["member"].id
        assert secrecy.withheld_among(db.session, member, [pooled, variant, other],
                                      T0 + timedelta(hours=1)) == {pooled, variant}
        assert secrecy.withheld_among(db.session, member, [pooled, variant, other],
                                      T0 + 11 * DAY) == set()


def test_a_question_of_the_members_own_sitting_stays_withheld_when_the_pool_moves(app, quiz_org):
    """A question the member drew stays withheld, with its variant on the same sentence, while
    the activity is live, though the organizer has since narrowed the pool past it; a member
    with no sitting is withheld nothing of the narrowed pool."""
    general = quiz_org["units"]["general"].id
    speech = add_speech(app, general)
    drawn = add_question(app, speech, QuestionType.SINGLE, sentence="甲句。").id
    variant = add_question(app, speech, QuestionType.JUDGE, sentence="甲句。").id
    other = add_question(app, speech, QuestionType.JUDGE, sentence="丙句。").id
    activity = make_activity(app, general, opens_at=T0, closes_at=T0 + 10 * DAY,
                             answers_shown=AnswerPolicy.AFTER_CLOSE,
                             parts=[(QuestionType.SINGLE, 1, 5)])
    member, member2 = quiz_org["people"]["member"].id, quiz_org["people"]["member2"].id
    add_result(app, activity, member, [Outcome(drawn, True)])
    with app.app_context():
        db.session.get_one(Activity, activity).parts[0].concept = "另一个概念"
        db.session.commit()
        asked = [drawn, variant, other]
        assert secrecy.withheld_among(db.session, member, asked, T0 + DAY) == {drawn, variant}
        assert secrecy.withheld_among(db.session, member2, asked, T0 + DAY) == set()
        assert secrecy.withheld_among(db.session, member, asked, T0 + 11 * DAY) == set()
