"""Report roll-ups: rebuilt from the attempts they give the hand-computed figures, the CLI
rebuild is idempotent, edited thresholds make the reports read the attempts until the next
submit rebuilds, and the roll-ups (a cache shared by every reader) never carry one branch's
members into another branch's pages or workbooks."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select, update

from activity_helpers import add_result
from report_helpers import SECRETARY_A, SECRETARY_B, org, outcomes  # noqa: F401 - fixture
from quizapp.extensions import db
from quizapp.models import Activity, AttemptStatus, ReportRollup, RollupState
from quizapp.quiz.services import submit_attempt
from quizapp.reports import queries
from quizapp.results import rollups
from quizapp.results.periods import quarter


def _figures(unit_id: int, *, split: bool = True) -> dict[tuple[int, int], tuple]:
    found = queries.figures(db.session, unit_id, queries.activity_filter(period=quarter(2026, 4)),
                            split=split)
    return {key: (f.audience, f.participants, f.unfinished, round(f.pct_sum, 6), f.passed,
                  f.excellent, f.bins, f.members) for key, f in found.items()}


def _rows() -> list[Any]:
    return [row for row in db.session.execute(
        select(ReportRollup.__table__).order_by(ReportRollup.activity_id, ReportRollup.unit_id))]


def test_rebuilt_rollups_give_the_figures_of_the_attempts(app: Flask, org: dict[str, Any]) -> None:
    u, test = org["units"], org["test"]
    with app.app_context():
        live = {unit: _figures(u[unit].id) for unit in ("G", "A", "B")}
        assert queries.rolled_up_ids(db.session, queries.activity_filter()) == (
            [], [org["test"], org["study"]])
        rollups.rebuild_all(db.session)
        db.session.commit()
        assert queries.rolled_up_ids(db.session, queries.activity_filter())[1] == []
        assert {unit: _figures(u[unit].id) for unit in ("G", "A", "B")} == live
        a = queries.figures(db.session, u["G"].id, queries.activity_filter(activity_id=test))
        branch_a = a[(u["A"].id, test)]
        assert (branch_a.audience, branch_a.participants, branch_a.unfinished) == (5, 3, 1)
        assert (branch_a.average, branch_a.pass_rate, branch_a.excellent_rate) == (83.3, 100.0, 33.3)
        assert branch_a.bins == [0, 0, 2, 0, 1]
        branch_b = a[(u["B"].id, test)]
        assert (branch_b.participation, branch_b.average, branch_b.bins) == (80.0, 56.3, [3, 0, 0, 0, 1])


def test_cli_rebuild_is_idempotent_and_refuses_unknown_activities(app: Flask, org: dict[str, Any]) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["report", "rebuild-rollups"])
    assert first.exit_code == 0, first.output
    assert "已重算 2 项活动" in first.output
    with app.app_context():
        kept = _rows()
    # A row per unit with an audience, results or not: A's own a5 has none in T.
    assert kept and all(row.audience > 0 for row in kept)
    assert any(row.unit_id == org["units"]["A"].id and row.participants == 0 for row in kept)
    again = runner.invoke(args=["report", "rebuild-rollups", "--activity", str(org["test"])])
    assert again.exit_code == 0 and "已重算 1 项活动" in again.output
    with app.app_context():
        assert _rows() == kept
    missing = runner.invoke(args=["report", "rebuild-rollups", "--activity", "999999"])
    assert missing.exit_code != 0 and "找不到活动 999999" in missing.output


def test_edited_thresholds_read_the_attempts_until_a_submit_rebuilds(app: Flask, org: dict[str, Any]) -> None:
    u, pid, test = org["units"], org["pid"], org["test"]
    with app.app_context():
        rollups.rebuild_all(db.session)
        db.session.execute(update(Activity).where(Activity.id == test).values(pass_percent=80))
        db.session.commit()
        assert test in queries.rolled_up_ids(db.session, queries.activity_filter())[1]
        live = _figures(u["G"].id)
        assert live[(u["A"].id, test)][4] == 1  # only a1 (100) is at 80% or more in A
    # c2 had no result: a real submit of a 75 brings C to 2 participants and rebuilds T.
    opened = add_result(app, test, pid["c2"], outcomes(org["q"], "75"), status=AttemptStatus.OPEN)
    with app.app_context():
        submit_attempt(db.session, pid["c2"], opened)
        db.session.commit()
        state = db.session.get_one(RollupState, test)
        assert (state.pass_percent, state.excellent_percent) == (80, 90)
        after = _figures(u["G"].id)
        assert after[(u["C"].id, test)][:2] == (2, 2)
        assert after[(u["A"].id, test)] == live[(u["A"].id, test)]
        kept = _rows()
        rollups.rebuild_all(db.session)
        assert _rows() == kept


def _workbook_text(data: bytes) -> str:
    sheet = load_workbook(BytesIO(data)).active
    return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


def test_two_secretaries_never_get_each_others_members(app: Flask, login: Any, org: dict[str, Any]) -> None:
    u, test = org["units"], org["test"]
    with app.app_context():
        rollups.rebuild_all(db.session)
        db.session.commit()
    a_names = ["甲一", "甲二", "甲三", "甲四", "甲五"]
    # 调动 (in B when T was published) is left out: the page's definitions use the word.
    b_names = ["乙一", "乙二", "乙三", "乙四"]
    seen = {}
    for phone, unit, mine, theirs in ((SECRETARY_A, "A", a_names, b_names),
                                      (SECRETARY_B, "B", b_names, a_names)):
        client = app.test_client()
        assert login(client, phone).status_code == 302
        page = client.get(f"/reports/units/{u[unit].id}/activities/{test}")
        book = client.get(f"/reports/units/{u[unit].id}/activities/{test}.xlsx")
        assert page.status_code == 200 and book.status_code == 200
        html, sheet = page.get_data(as_text=True), _workbook_text(book.data)
        assert all(name in html and name in sheet for name in mine)
        assert [name for name in theirs if name in html or name in sheet] == []
        other = "B" if unit == "A" else "A"
        assert client.get(f"/reports/units/{u[other].id}/activities/{test}").status_code == 403
        assert client.get(f"/reports/units/{u[other].id}/activities/{test}.xlsx").status_code == 403
        seen[unit] = html
    # The same roll-up rows served both: each page still shows its own branch's figures.
    assert "60.0%" in seen["A"] and "80.0%" in seen["B"]
