"""The report queries' faster paths give the figures of the plain ones: a whole organization's
roll-up (the subtree joined, not named), statements built once per shape and reused with other
values, and what a transaction keeps (the units of a subtree) not outliving it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from activity_helpers import at
from report_helpers import org  # noqa: F401 - fixture
from quizapp.extensions import db
from quizapp.models import ActivityMember, Person, UnitKind
from quizapp.quiz.activities import member_for
from quizapp.reports import queries, tree
from quizapp.results import rollups
from quizapp.results.periods import quarter


def _shown(found: dict[tuple[int, int], Any]) -> dict[tuple[int, int], tuple]:
    return {key: (f.audience, f.members, f.participants, f.unfinished, round(f.pct_sum, 6),
                  f.passed, f.excellent, f.bins) for key, f in found.items()}


def _every_split(unit_ids: dict[str, int]) -> dict[tuple[str, Any], dict]:
    period = queries.activity_filter(period=quarter(2026, 4))
    found = {}
    for root in ("G", "A", "B"):
        for split in (False, True, UnitKind.BRANCH, UnitKind.GROUP):
            found[(root, split)] = _shown(queries.figures(db.session, unit_ids[root], period,
                                                          split=split))
    db.session.rollback()
    return found


def test_a_joined_subtree_gives_the_figures_of_named_units(app: Flask, org: dict[str, Any],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    ids = {name: unit.id for name, unit in org["units"].items()}
    with app.app_context():
        live = _every_split(ids)
        rollups.rebuild_all(db.session)
        db.session.commit()
        named = _every_split(ids)
        monkeypatch.setattr(tree, "NAMED_UNITS", 0)  # every subtree is "a whole organization"
        built, shapes = queries._rolled_up_statement, []
        monkeypatch.setattr(queries, "_rolled_up_statement",
                            lambda shape, named: shapes.append((shape, named)) or built(shape, named))
        joined = _every_split(ids)
    assert named == live and joined == live
    # Every shape of subtree was read joined (B has no 党小组: nothing to join there).
    assert {("root", False), ("children", False), ("kind", False)} <= set(shapes)
    # The ranking of every 党支部 under G: A, B and C, each with its groups.
    assert {bucket for bucket, _a in live[("G", UnitKind.BRANCH)]} == {ids["A"], ids["B"], ids["C"]}
    assert live[("G", UnitKind.BRANCH)][(ids["A"], org["test"])][:4] == (5, 5, 3, 1)


def test_statements_built_once_serve_other_values(app: Flask, org: dict[str, Any]) -> None:
    u, test, study = org["units"], org["test"], org["study"]
    with app.app_context():
        rollups.rebuild_all(db.session)
        db.session.commit()
        for activity in (test, study, test):
            selected = queries.activity_filter(activity_id=activity)
            plain = list(selected)  # a plain list: its statements are built afresh
            for unit in (u["A"], u["B"], u["G"]):
                members = queries.member_statuses(db.session, unit.id, selected)
                assert members == queries.member_statuses(db.session, unit.id, plain)
                assert {m.activity_id for m in members} == {activity}
                shares = queries.concept_shares(db.session, unit.id, selected, split=True)
                assert shares == queries.concept_shares(db.session, unit.id, plain, split=True)
                assert (queries.figures(db.session, unit.id, selected).keys()
                        == queries.figures(db.session, unit.id, plain).keys())
            db.session.rollback()
        # The member list of A for T: 调动 moved to A after T was published, so is not in it.
        names = [m.name for m in queries.member_statuses(
            db.session, u["A"].id, queries.activity_filter(activity_id=test))]
        assert sorted(names) == sorted(["甲一", "甲二", "甲三", "甲四", "甲五"])
        # The study (published after the move) counts 调动 in A's own row.
        study_a = queries.figures(db.session, u["A"].id, queries.activity_filter(activity_id=study))
        assert study_a[(u["A"].id, study)].audience == 2


def test_a_unit_added_after_a_report_is_in_the_next_one(app: Flask, org: dict[str, Any],
                                                        make_unit: Any, make_person: Any) -> None:
    u, test = org["units"], org["test"]
    with app.app_context():
        rollups.rebuild_all(db.session)
        db.session.commit()
        before = queries.figures(db.session, u["B"].id, queries.activity_filter(activity_id=test))
        assert set(before) == {(u["B"].id, test)}
        db.session.commit()
    group = make_unit("第二党支部第一党小组", UnitKind.GROUP, u["B"])
    newcomer = make_person("乙五", group).id
    with app.app_context():
        assert member_for(db.session, db.session.get_one(Person, newcomer), test,
                          at("2026-11-10")) is not None
        db.session.commit()
        assert db.session.get_one(ActivityMember, (test, newcomer)).unit_id == group.id
        after = queries.figures(db.session, u["B"].id, queries.activity_filter(activity_id=test))
        assert after[(group.id, test)].audience == 1
        assert after[(u["B"].id, test)].audience == before[(u["B"].id, test)].audience
