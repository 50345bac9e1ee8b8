"""After the contest: the ranking and every member's answers, the Excel export, and the
contest's points in the ledger under their own rule, counting only once approved."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from contest_helpers import build_world, host_move, make_contest, signed_in
from quizapp.extensions import db
from quizapp.models import Contest, EntryKind, PointEntry
from quizapp.points import manual, queries as point_queries


@pytest.fixture
def world(app, make_unit, make_person):
    return build_world(app, make_unit, make_person)


def _played(app, world):
    """Three questions; A (2 members) answers all right, B (2 of 4 joined) half right."""
    contest_id = make_contest(app, world)
    with app.app_context():
        code = db.session.get_one(Contest, contest_id).code
    host = signed_in(app, world.organizer)
    phones = {}
    for person in [*world.a, *world.b[:2]]:
        client = signed_in(app, person)
        assert client.post(f"/contest/j/{code}", data={}).status_code == 302
        phones[person.id] = client
    right = {0: 1, 1: True, 2: ["结合"]}
    wrong = {0: 2, 1: False, 2: ["别的"]}
    for position in range(3):
        host_move(host, contest_id)
        for person in world.a:
            phones[person.id].post(f"/contest/{contest_id}/answer", json={"position": position, "response": right[position]})
        phones[world.b[0].id].post(f"/contest/{contest_id}/answer", json={"position": position, "response": right[position]})
        phones[world.b[1].id].post(f"/contest/{contest_id}/answer", json={"position": position, "response": wrong[position]})
        host_move(host, contest_id)
    assert host_move(host, contest_id)["phase"] == "ended"
    return contest_id, host


def test_results_page_and_excel_show_ranking_and_every_answer(app, world):
    contest_id, host = _played(app, world)
    page = host.get(f"/contest/{contest_id}/results").get_data(as_text=True)
    assert "第一党支部" in page and "✓ B" in page and "✗ C" in page
    export = host.get(f"/contest/{contest_id}/export.xlsx")
    assert export.status_code == 200
    book = load_workbook(BytesIO(export.data))
    ranks = list(book["排名"].iter_rows(values_only=True))
    assert ranks[0] == ("名次", "队伍", "人数", "得分")
    assert ranks[1] == (1, "第一党支部", 2, 30) and ranks[2] == (2, "第二党支部", 2, 15)
    detail = {row[0]: row for row in book["答题明细"].iter_rows(values_only=True)}
    assert detail["甲0"][3:] == (3, "✓ B", "✓ 正确", "✓ 结合")
    assert detail["乙1"][3:] == (0, "✗ C", "✗ 错误", "✗ 别的")
    assert [row[2] for row in book["题目"].iter_rows(min_row=2, values_only=True)] == ["B. 政治建设", "正确", "结合"]


def test_points_enter_the_ledger_for_approval_once(app, world):
    contest_id, host = _played(app, world)
    form = host.get(f"/contest/{contest_id}/results").get_data(as_text=True)
    assert "提交竞赛积分" in form
    assert host.post(f"/contest/{contest_id}/points", data={}).status_code == 302
    again = host.post(f"/contest/{contest_id}/points", data={}, follow_redirects=True)
    assert "已经提交过了" in again.get_data(as_text=True)
    with app.app_context():
        entries = {e.person_id: e for e in db.session.scalars(select(PointEntry))}
        assert set(entries) == {p.id for p in [*world.a, *world.b[:2]]}
        # participate 2 + rank bonus 3 (first) / 2 (second), by the default contest rule
        assert entries[world.a[0].id].points == 5 and entries[world.b[0].id].points == 4
        entry = entries[world.a[0].id]
        assert entry.kind is EntryKind.CONTEST and entry.needs_approval and entry.rule_version_id
        assert "测试竞赛" in entry.reason
        assert point_queries.total_for(db.session, world.a[0].id) == 0  # not yet approved
        with pytest.raises(manual.PointsError):
            manual.decide(db.session, entry.id, True, "", world.organizer.id)  # its author
        manual.decide(db.session, entry.id, True, "", world.secretary.id)
        db.session.commit()
        assert point_queries.total_for(db.session, world.a[0].id) == 5


def test_points_only_after_the_end(app, world):
    contest_id = make_contest(app, world)
    host = signed_in(app, world.organizer)
    refused = host.post(f"/contest/{contest_id}/points", data={}, follow_redirects=True)
    assert "竞赛结束后才能计分" in refused.get_data(as_text=True)
