"""Audience sizes in the report roll-ups: after a publication, a late joiner, a removed
audience row, ``flask report rebuild-rollups`` and the 0007 upgrade of an existing database,
every roll-up row holds its unit's count of ``activity_member`` rows, and the reports read
from the roll-ups give the figures of the rows themselves."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from flask_migrate import downgrade, stamp, upgrade
from sqlalchemy import delete, func, select

from activity_helpers import add_result, at
from report_helpers import org, outcomes  # noqa: F401 - fixture
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityMember,
    ActivityStatus,
    BlueprintPart,
    Person,
    QuestionType,
    ReportRollup,
    RollupState,
)
from quizapp.publish.services import publish_activity
from quizapp.quiz.activities import member_for
from quizapp.reports import queries
from quizapp.results import rollups
from quizapp.results.periods import quarter


def _counted() -> dict[tuple[int, int], int]:
    """Audience rows per (activity, unit) of the activities with a roll-up in use, counted
    from ``activity_member``."""
    return {(a, u): n for a, u, n in db.session.execute(
        select(ActivityMember.activity_id, ActivityMember.unit_id, func.count())
        .where(ActivityMember.activity_id.in_(select(RollupState.activity_id)))
        .group_by(ActivityMember.activity_id, ActivityMember.unit_id))}


def _kept() -> dict[tuple[int, int], int]:
    """Audience per (activity, unit) as the roll-up rows in use keep it (rows of 0 left out)."""
    rows = (select(ReportRollup.activity_id, ReportRollup.unit_id, ReportRollup.audience)
            .where(ReportRollup.activity_id.in_(select(RollupState.activity_id))))
    return {(a, u): n for a, u, n in db.session.execute(rows) if n}


def _figures(unit_id: int, activity_id: int | None = None) -> dict[tuple[int, int], tuple]:
    conditions = (queries.activity_filter(activity_id=activity_id) if activity_id
                  else queries.activity_filter(period=quarter(2026, 4)))
    found = queries.figures(db.session, unit_id, conditions)
    return {key: (f.audience, f.members, f.participants, f.unfinished, round(f.pct_sum, 6),
                  f.passed, f.excellent, f.bins) for key, f in found.items()}


def _live_figures(unit_id: int) -> dict[tuple[int, int], tuple]:
    """The same figures read from the rows themselves (the states set aside, then restored)."""
    with db.session.begin_nested() as savepoint:
        db.session.execute(delete(RollupState))
        assert queries.rolled_up_ids(db.session, queries.activity_filter())[0] == []
        live = _figures(unit_id)
        savepoint.rollback()
    return live


def test_rebuild_keeps_every_units_audience(app: Flask, org: dict[str, Any]) -> None:
    u = org["units"]
    with app.app_context():
        live = _figures(u["G"].id)
        rollups.rebuild_all(db.session)
        db.session.commit()
        assert _kept() == _counted()
        # 第一党支部's own a5 has no result in T: a row for the audience alone.
        a_own = db.session.get_one(ReportRollup, (org["test"], u["A"].id))
        assert (a_own.audience, a_own.participants) == (1, 0)
        assert _figures(u["G"].id) == live
        branch_a = _figures(u["G"].id, org["test"])[(u["A"].id, org["test"])]
        assert branch_a[:4] == (5, 5, 3, 1)


def test_a_late_joiner_and_a_removed_member_move_the_audience(app: Flask, org: dict[str, Any],
                                                              make_person: Any) -> None:
    u, test = org["units"], org["test"]
    with app.app_context():
        rollups.rebuild_all(db.session)
        db.session.commit()
    # A member who joins 第三党支部 after publication joins T's audience on opening it.
    newcomer = make_person("丙三", u["C"]).id
    with app.app_context():
        person = db.session.get_one(Person, newcomer)
        assert member_for(db.session, person, test, at("2026-11-10")) is not None
        db.session.commit()
        assert db.session.get_one(ReportRollup, (test, u["C"].id)).audience == 3
        assert _kept() == _counted()
        assert _figures(u["G"].id) == _live_figures(u["G"].id)
        assert _figures(u["G"].id, test)[(u["C"].id, test)][:3] == (3, 3, 1)
        # Opening it again adds nobody.
        member_for(db.session, person, test, at("2026-11-11"))
        db.session.commit()
        assert db.session.get_one(ReportRollup, (test, u["C"].id)).audience == 3
        # An audience row removed is taken off its unit's row.
        rollups.member_left(db.session, db.session.get_one(ActivityMember, (test, org["pid"]["b4"])))
        db.session.commit()
        assert db.session.get_one(ReportRollup, (test, u["B"].id)).audience == 4
        assert _kept() == _counted()
        assert _figures(u["G"].id) == _live_figures(u["G"].id)


def _committed_draft(unit_id: int) -> Activity:
    """A draft quarterly test of the unit with one part of four 单选, committed."""
    draft = Activity(kind=ActivityKind.TEST, title="第四季度补充测试", unit_id=unit_id,
                     period_start=date(2026, 10, 1), status=ActivityStatus.DRAFT,
                     opens_at=at("2026-12-01"), closes_at=at("2026-12-20", 18))
    draft.parts = [BlueprintPart(position=1, type=QuestionType.SINGLE, count=4, points_each=25)]
    db.session.add(draft)
    db.session.commit()
    return draft


def test_publication_counts_the_audience_and_makes_the_rollup_usable(app: Flask,
                                                                     org: dict[str, Any]) -> None:
    u = org["units"]
    with app.app_context():
        draft = _committed_draft(u["G"].id)
        assert publish_activity(db.session, draft, now=at("2026-11-30")) == 12
        db.session.commit()
        assert draft.id in queries.rolled_up_ids(db.session, queries.activity_filter())[0]
        assert _kept() == _counted()
        # 调动 moved to 第一党支部 before this publication: counted there now.
        assert {unit: n for (a, unit), n in _kept().items() if a == draft.id} == {
            u["A"].id: 2, u["A1"].id: 2, u["A2"].id: 2, u["B"].id: 4, u["C"].id: 2}
        found = _figures(u["G"].id, draft.id)
        assert {key[0]: value[:3] for key, value in found.items()} == {
            u["A"].id: (6, 6, 0), u["B"].id: (4, 4, 0), u["C"].id: (2, 2, 0)}
        assert _figures(u["G"].id) == _live_figures(u["G"].id)


def test_a_draft_published_with_results_is_rebuilt(app: Flask, org: dict[str, Any]) -> None:
    u = org["units"]
    with app.app_context():
        draft = _committed_draft(u["G"].id)
        draft_id = draft.id
    # A scored result the draft should not have (made by hand): publishing counts it.
    add_result(app, draft_id, org["pid"]["b1"], outcomes(org["q"], "75"))
    with app.app_context():
        publish_activity(db.session, db.session.get_one(Activity, draft_id), now=at("2026-11-30"))
        db.session.commit()
        assert _kept() == _counted()
        branch_b = _figures(u["G"].id, draft_id)[(u["B"].id, draft_id)]
        assert branch_b[:3] == (4, 4, 1) and branch_b[4] == 75.0
        assert _figures(u["G"].id) == _live_figures(u["G"].id)


def test_the_0007_upgrade_fills_the_audience_of_existing_rollups(app: Flask,
                                                                 org: dict[str, Any]) -> None:
    with app.app_context():
        rollups.rebuild_all(db.session)
        # The study's roll-up is left out: a database where only T's was in use.
        db.session.execute(delete(RollupState).where(RollupState.activity_id == org["study"]))
        db.session.commit()
        expected = _counted()
        assert {a for a, _u in expected} == {org["test"]}
        figures = _figures(org["units"]["G"].id)
        db.session.remove()
        stamp(revision="head")
        downgrade(revision="0006")  # drops the column: as a database before this change
        upgrade()
        assert _kept() == expected
        assert _figures(org["units"]["G"].id) == figures
