"""Report correctness as properties (hypothesis): for random sittings of random members in
random branches and groups — submitted, left open, retaken, practices submitted or abandoned —
and random regrades of a question's key, all through the real submit and regrade services:

(a) each branch's figures equal a plain recomputation over its members' attempts;
(b) the roll-up table after the sequence equals a fresh rebuild, and rebuilding twice changes
    nothing;
(c) a 总支's figures equal the sum of its branches'.

One world (units, members, questions, two activities) is built per test; each example deletes
the attempts, ledger entries and roll-ups and restores the keys, which is cheap, and commits
once. 200 examples a property by default; ``QUIZAPP_PROPERTY_EXAMPLES`` sets another number
(`.ci/run` tries 80 on PostgreSQL, where these three were a tenth of its test time).
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from activity_helpers import at, make_activity
from quiz_helpers import add_question, add_speech
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityMember,
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    BankQuestion,
    PointEntry,
    PracticeSource,
    QuestionType,
    ReportRollup,
    RollupState,
    UnitKind,
    WrongBookEntry,
)
from quizapp.results.regrade import regrade_question
from quizapp.quiz.services import submit_attempt
from quizapp.reports import queries
from quizapp.results import rollups
from quizapp.results.figures import Figures, round1
from quizapp.results.periods import quarter

POINTS = (10, 20, 30, 40)  # one question each: scores in tens, so percents land on every edge
MEMBERS = {"B1": 2, "B1g": 2, "B2": 1, "B2g": 2, "B3": 3}
SETTINGS = settings(max_examples=int(os.environ.get("QUIZAPP_PROPERTY_EXAMPLES") or 200), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

sitting = st.tuples(
    st.just("sit"),
    st.integers(0, sum(MEMBERS.values()) - 1),  # who
    st.integers(0, 1),  # which activity
    st.lists(st.booleans(), min_size=4, max_size=4),  # right or wrong per question
    st.sampled_from(["submit", "submit", "submit", "open", "practice", "abandon"]),
)
regrade = st.tuples(st.just("regrade"), st.integers(0, len(POINTS) - 1))
plans = st.lists(st.one_of(sitting, sitting, sitting, regrade), min_size=1, max_size=8)


def _world(app: Flask, make_unit: Any, make_person: Any) -> dict[str, Any]:
    g = make_unit("第一党总支", UnitKind.GENERAL_BRANCH)
    b1 = make_unit("第一党支部", UnitKind.BRANCH, g)
    b2 = make_unit("第二党支部", UnitKind.BRANCH, g)
    units = {"G": g, "B1": b1, "B2": b2, "B3": make_unit("第三党支部", UnitKind.BRANCH, g),
             "B1g": make_unit("第一党小组", UnitKind.GROUP, b1),
             "B2g": make_unit("第二党小组", UnitKind.GROUP, b2)}
    people = [make_person(f"{name}党员{i}", units[name]).id
              for name, count in MEMBERS.items() for i in range(count)]
    speech = add_speech(app, g.id)
    questions = [add_question(app, speech, QuestionType.SINGLE).id for _ in POINTS]
    parts = ((QuestionType.SINGLE, len(POINTS), 25),)
    activities = [make_activity(app, g.id, parts=parts, attempts_allowed=10),
                  make_activity(app, g.id, kind=ActivityKind.STUDY, title="十一月选学",
                                period_start=date(2026, 11, 1), parts=parts, attempts_allowed=10,
                                pass_percent=70, excellent_percent=80)]
    branches = {"B1": b1.id, "B2": b2.id, "B3": units["B3"].id}
    subtrees = {"B1": {b1.id, units["B1g"].id}, "B2": {b2.id, units["B2g"].id},
                "B3": {units["B3"].id}}
    return {"g": g.id, "branches": branches, "subtrees": subtrees, "people": people, "questions": questions,
            "activities": activities}


def _reset(world: dict[str, Any]) -> None:
    for model in (PointEntry, WrongBookEntry, AttemptItem, Attempt, ReportRollup, RollupState):
        db.session.execute(delete(model))
    db.session.execute(update(BankQuestion).where(BankQuestion.id.in_(world["questions"]))
                       .values(answer=[0], version=1))
    db.session.flush()


def _sit(world: dict[str, Any], person: int, activity: int, right: list[bool], end: str) -> None:
    """A sitting made as the start would leave it (open, items answered), then ended."""
    practice = end in ("practice", "abandon")
    taken = list(db.session.scalars(select(Attempt).where(
        Attempt.person_id == person, Attempt.activity_id == activity,
        Attempt.kind != AttemptKind.PRACTICE)))
    if not practice and any(a.status is AttemptStatus.OPEN for a in taken):
        return  # one open scored sitting at most: the start would resume it
    if practice and db.session.scalar(select(Attempt.id).where(
            Attempt.person_id == person, Attempt.status == AttemptStatus.OPEN,
            Attempt.kind == AttemptKind.PRACTICE)):
        return
    kind = AttemptKind.TEST if activity == world["activities"][0] else AttemptKind.STUDY
    attempt = Attempt(person_id=person, activity_id=activity, question_count=len(POINTS),
                      kind=AttemptKind.PRACTICE if practice else kind,
                      source=PracticeSource.ACTIVITY if practice else None,
                      attempt_no=None if practice else len(taken) + 1,
                      started_at=at("2026-11-05"), updated_at=at("2026-11-05"))
    db.session.add(attempt)
    db.session.flush()
    db.session.add_all(
        AttemptItem(attempt_id=attempt.id, position=i, question_id=q, question_version=1,
                    option_order=[0, 1, 2, 3], response=[0] if ok else [1], max_points=points)
        for i, (q, ok, points) in enumerate(zip(world["questions"], right, POINTS), start=1))
    db.session.flush()
    if end == "abandon":
        attempt.status = AttemptStatus.ABANDONED
    elif end != "open":
        submit_attempt(db.session, person, attempt.id, now=at("2026-11-06"))
    db.session.flush()


def _regrade(world: dict[str, Any], index: int) -> None:
    question = db.session.get_one(BankQuestion, world["questions"][index])
    question.answer, question.version = [1] if question.answer == [0] else [0], question.version + 1
    db.session.flush()
    regrade_question(db.session, question.id, now=at("2026-11-07"))


def _run(world: dict[str, Any], plan: list[tuple]) -> None:
    _reset(world)
    for step in plan:
        if step[0] == "sit":
            _, who, which, right, end = step
            _sit(world, world["people"][who], world["activities"][which], right, end)
        else:
            _regrade(world, step[1])
    db.session.commit()


def _by_hand(world: dict[str, Any], activity: int, unit_ids: set[int]) -> dict[str, Any]:
    """A branch's figures recomputed plainly from its members' scored, submitted attempts."""
    rules = db.session.get_one(Activity, activity)
    audience = set(db.session.scalars(select(ActivityMember.person_id).where(
        ActivityMember.activity_id == activity, ActivityMember.unit_id.in_(unit_ids))))
    best: dict[int, float] = {}
    for a in db.session.scalars(select(Attempt).where(Attempt.activity_id == activity)):
        if (a.person_id in audience and a.status is AttemptStatus.SUBMITTED
                and a.attempt_no is not None and a.max_score):
            best[a.person_id] = max(best.get(a.person_id, 0.0), a.score * 100 / a.max_score)
    values = list(best.values())
    return {"audience": len(audience), "participants": len(values),
            "average": round1(sum(values) / len(values)) if values else None,
            "passed": sum(v >= rules.pass_percent for v in values),
            "excellent": sum(v >= rules.excellent_percent for v in values),
            "participation": round1(len(values) * 100 / len(audience)) if audience else None}


def _shown(f: Figures) -> dict[str, Any]:
    return {"audience": f.audience, "participants": f.participants, "average": f.average,
            "passed": f.passed, "excellent": f.excellent, "participation": f.participation}


def _rollup_rows() -> dict[tuple[int, int], tuple]:
    r = ReportRollup
    return {(a, u): (p, round(s, 6), *rest) for a, u, p, s, *rest in db.session.execute(
        select(r.activity_id, r.unit_id, r.participants, r.pct_sum, r.passed, r.excellent,
               r.bin_0, r.bin_1, r.bin_2, r.bin_3, r.bin_4)).all() if p}


def test_branch_figures_equal_their_members_attempts(app: Flask, make_unit: Any,
                                                     make_person: Any) -> None:
    world = _world(app, make_unit, make_person)

    @SETTINGS
    @given(plan=plans)
    def check(plan: list[tuple]) -> None:
        with app.app_context():
            _run(world, plan)
            for activity in world["activities"]:
                found = queries.figures(db.session, world["g"],
                                        queries.activity_filter(activity_id=activity))
                for branch, unit_ids in world["subtrees"].items():
                    got = found.get((world["branches"][branch], activity), Figures())
                    assert _shown(got) == _by_hand(world, activity, unit_ids), (branch, activity)
            db.session.rollback()

    check()


def test_rollups_equal_a_fresh_rebuild_and_rebuilding_is_idempotent(
        app: Flask, make_unit: Any, make_person: Any) -> None:
    world = _world(app, make_unit, make_person)

    @SETTINGS
    @given(plan=plans)
    def check(plan: list[tuple]) -> None:
        with app.app_context():
            _run(world, plan)
            kept = _rollup_rows()
            states = set(db.session.scalars(select(RollupState.activity_id)))
            rollups.rebuild_all(db.session)
            db.session.commit()
            rebuilt = _rollup_rows()
            # An activity nobody submitted yet has no roll-up: the reports read its attempts.
            assert {k: v for k, v in rebuilt.items() if k[0] in states} == kept
            rollups.rebuild_all(db.session)
            db.session.commit()
            assert _rollup_rows() == rebuilt

    check()


def test_a_general_branch_is_the_sum_of_its_branches(app: Flask, make_unit: Any,
                                                    make_person: Any) -> None:
    world = _world(app, make_unit, make_person)
    period = quarter(2026, 4)

    @SETTINGS
    @given(plan=plans, rebuilt=st.booleans())
    def check(plan: list[tuple], rebuilt: bool) -> None:
        with app.app_context():
            _run(world, plan)
            if rebuilt:
                rollups.rebuild_all(db.session)
                db.session.commit()
            conditions = queries.activity_filter(period=period)
            whole = queries.figures(db.session, world["g"], conditions, split=False)
            parts = queries.figures(db.session, world["g"], conditions, split=True)
            for activity in world["activities"]:
                total = whole.get((world["g"], activity), Figures())
                summed = queries.pooled(f for (_b, a), f in parts.items() if a == activity)
                assert _shown(total) == _shown(summed)
                assert total.unfinished == summed.unfinished
                assert total.bins == summed.bins
                assert abs(total.pct_sum - summed.pct_sum) < 1e-6
            db.session.rollback()

    check()
