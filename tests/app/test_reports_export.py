"""Excel exports (layout, formula guard) from the web and from ``flask report``."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import update

from report_helpers import ORGANIZER_G, org  # noqa: F401 - fixture
from quizapp.extensions import db
from quizapp.models import Activity, BankQuestion, Person, Unit


def _rows(data: bytes) -> tuple[Any, list[list[Any]]]:
    sheet = load_workbook(BytesIO(data)).active
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def _table(rows: list[list[Any]], heading: str) -> list[list[Any]]:
    """The data rows under a table heading (up to the blank row)."""
    start = next(i for i, row in enumerate(rows) if row[0] == heading) + 2
    end = next((i for i in range(start, len(rows)) if rows[i][0] is None), len(rows))
    return rows[start:end]


def test_activity_export_layout_and_formula_guard(app: Flask, client, login, org: dict[str, Any]) -> None:
    with app.app_context():
        db.session.execute(update(Person).where(Person.id == org["pid"]["a2"]).values(name="=1+1"))
        db.session.execute(update(BankQuestion).where(BankQuestion.id == org["q"]["q4"])
                           .values(concept="@SUM(A1)"))
        db.session.commit()
    login(client, ORGANIZER_G)
    g = org["units"]["G"].id
    response = client.get(f"/reports/units/{g}/activities/{org['test']}.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet, rows = _rows(response.data)
    assert rows[0][0] == "第一党总支《2026年第四季度党建知识测试》学习测试情况报表"
    assert any(str(r).startswith("A1:") for r in sheet.merged_cells.ranges)
    assert rows[1][:2] == ["单位", "第一党总支"]
    assert rows[2][:2] == ["期间", "2026年第四季度"]
    assert rows[3][0] == "生成时间" and rows[3][1].endswith("（北京时间）")
    header = rows[rows.index(next(r for r in rows if r[0] == "总体情况")) + 1]
    assert header[:5] == ["单位", "应参加人数", "参加人数", "参与率(%)", "平均得分率(%)"]
    assert _table(rows, "总体情况")[0][:7] == ["第一党总支", 12, 8, 66.7, 71.9, 62.5, 37.5]
    assert [r[:3] for r in _table(rows, "下级单位汇总")] == [
        ["第一党支部", 5, 3], ["第二党支部", 5, 4], ["第三党支部", 2, 1]]
    members = _table(rows, "党员参加情况")
    assert ["=1+1", "第一党小组", "已参加", 75.0] in [r[:4] for r in members]
    assert ["甲四", "第二党小组", "已开始未完成", None] in [[*r[:3], r[3] or None] for r in members]
    weakest = _table(rows, "薄弱知识点（答对率最低）")
    assert weakest[0][:4] == ["@SUM(A1)", 8, 3, 37.5]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                assert cell.data_type == "s", cell.coordinate
    formula_cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=1+1")
    assert formula_cell.data_type == "s"
    assert sheet.column_dimensions["A"].width >= 10


def test_period_and_mastery_exports(app: Flask, client, login, org: dict[str, Any]) -> None:
    login(client, ORGANIZER_G)
    a = org["units"]["A"].id
    _sheet, rows = _rows(client.get(f"/reports/units/{a}/period.xlsx?p=2026-Q4").data)
    assert _table(rows, "总体情况")[0][:5] == ["第一党支部", 11, 5, 45.5, 80.0]
    assert [r[:4] for r in _table(rows, "各项活动")] == [
        ["2026年第四季度党建知识测试", "季度测试", 5, 3], ["11月党建知识选学", "月度选学", 6, 2]]
    g = org["units"]["G"].id
    _sheet, rows = _rows(client.get(f"/reports/units/{g}/mastery.xlsx?p=2026-Q4").data)
    assert rows[0][0] == "第一党总支知识点掌握情况"
    # One row a key point, the weakest first; shares and answers are numbers, not text.
    header = rows[next(i for i, row in enumerate(rows) if row[0] == "按知识点（答对率最低的在前）") + 1]
    assert header[:4] == ["知识点", "合计答对率(%)", "合计答题次数", "第一党支部答对率(%)"]
    concepts = _table(rows, "按知识点（答对率最低的在前）")
    assert concepts[0][1:4] == [45.5, 11, 40.0] and concepts[1][3] == 90.0
    assert [row[1] for row in concepts] == sorted(row[1] for row in concepts)
    assert "第一党支部" in concepts[0][-1].split("、")
    assert client.get(f"/reports/units/{g}/mastery.xlsx?p=2026-Q9").status_code == 400


def test_cli_writes_the_same_workbook(app: Flask, org: dict[str, Any], tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    target = tmp_path / "g.xlsx"
    result = runner.invoke(args=["report", "第一党总支", "--period", "2026-Q4", "--xlsx", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"第一党总支 2026年第四季度：应参加 24 人次，已参加 11 人次，参与率 45.8%，"
                                     f"平均得分率 75.0%；已写入 {target}")
    _sheet, rows = _rows(target.read_bytes())
    assert _table(rows, "总体情况")[0][:5] == ["第一党总支", 24, 11, 45.8, 75.0]

    by_id = tmp_path / "a.xlsx"
    result = runner.invoke(args=["report", str(org["units"]["A"].id), "--activity", str(org["test"]),
                                 "--xlsx", str(by_id)])
    assert result.exit_code == 0, result.output
    assert "《2026年第四季度党建知识测试》：应参加 5 人，已参加 3 人，参与率 60.0%，平均得分率 83.3%" in result.output
    _sheet, rows = _rows(by_id.read_bytes())
    assert "党员参加情况" in [r[0] for r in rows]


def test_cli_errors_are_chinese(app: Flask, org: dict[str, Any], tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    out = str(tmp_path / "x.xlsx")
    cases = [(["report", "没有这个单位", "--period", "2026-Q4", "--xlsx", out], "找不到单位“没有这个单位”"),
             (["report", "第一党总支", "--period", "2026-Q5", "--xlsx", out], "季度须在 Q1–Q4 之间"),
             (["report", "第一党总支", "--period", "十一月", "--xlsx", out], "无法识别"),
             (["report", "第一党总支", "--xlsx", out], "请用 --period 指定期间"),
             (["report", "第二党总支", "--activity", str(org["test"]), "--xlsx", out], "不是发布给"),
             (["report", "第一党总支", "--activity", "999999", "--xlsx", out], "找不到已发布的活动")]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    assert not Path(out).exists()


def _formula_like(sheet: Any) -> list[Any]:
    return [cell for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))]


def test_formula_like_names_are_quote_prefixed_text(app: Flask, client, login,
                                                    org: dict[str, Any]) -> None:
    """A text cell without quotePrefix turns into a formula once someone edits it in Excel
    (issue 19, finding 9); the bank export already set it."""
    names = {"unit": "=1+1", "person": "@SUM(A1)", "concept": "-2+3"}
    with app.app_context():
        db.session.execute(update(Unit).where(Unit.id == org["units"]["A"].id)
                           .values(name=names["unit"]))
        db.session.execute(update(Person).where(Person.id == org["pid"]["a2"])
                           .values(name=names["person"]))
        db.session.execute(update(BankQuestion).where(BankQuestion.id == org["q"]["q4"])
                           .values(concept=names["concept"]))
        db.session.commit()
    login(client, ORGANIZER_G)
    g, a = org["units"]["G"].id, org["units"]["A"].id
    exports = {
        "activity": f"/reports/units/{g}/activities/{org['test']}.xlsx",
        "branch": f"/reports/units/{a}/activities/{org['test']}.xlsx",
        "period": f"/reports/units/{a}/period.xlsx?p=2026-Q4",
        "mastery": f"/reports/units/{g}/mastery.xlsx?p=2026-Q4",
    }
    seen = set()
    for export, url in exports.items():
        reply = client.get(url)
        assert reply.status_code == 200, export
        cells = _formula_like(load_workbook(BytesIO(reply.data)).active)
        assert cells, export
        for cell in cells:
            assert (cell.data_type, cell.quotePrefix) == ("s", True), (export, cell.coordinate)
            seen.add(cell.value)
    assert set(names.values()) <= seen  # each name was written somewhere


def test_exports_are_named_by_unit_and_period_in_utf8(app: Flask, client, login, org: dict[str, Any]) -> None:
    from urllib.parse import unquote

    login(client, ORGANIZER_G)
    a, g = org["units"]["A"].id, org["units"]["G"].id

    def name(url: str) -> str:
        disposition = client.get(url).headers["Content-Disposition"]
        assert "filename*=UTF-8''" in disposition
        return unquote(disposition.split("filename*=UTF-8''", 1)[1])

    assert name(f"/reports/units/{a}/period.xlsx?p=2026-Q4") == "第一党支部-2026年第四季度-报表.xlsx"
    assert name(f"/reports/units/{a}/mastery.xlsx?p=2026-11") == "第一党支部-2026年11月-知识点掌握.xlsx"
    activity = name(f"/reports/units/{g}/activities/{org['test']}.xlsx")
    assert activity.endswith("-报表.xlsx") and str(g) not in activity.split("-")[0]
    with app.app_context():
        title = db.session.get(Activity, org["test"]).title
        unit_name = db.session.get(Unit, g).name
    assert activity.startswith(f"{unit_name}-") and title.replace(" ", "_") in activity
