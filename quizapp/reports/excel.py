"""Reports as Excel workbooks, laid out the way a secretary files them.

One sheet: a merged title row, the unit, the period and the generation time (Beijing), then
each table with its heading and header row. Text that a spreadsheet would read as a formula
(starting with = + - @, or a tab / carriage return) is stored as a text cell with quotePrefix,
never a formula (``quizapp.spreadsheet``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from quizapp.reports.pages import Mastery, Report, generated_at
from quizapp.reports.queries import BIN_LABELS, Figures
from quizapp.spreadsheet import set_cell

FIGURE_HEADERS = ("应参加人数", "参加人数", "参与率(%)", "平均得分率(%)", "及格率(%)", "优秀率(%)",
                  *(f"{label}分" for label in BIN_LABELS))


@dataclass(frozen=True)
class Table:
    """A heading, a header row and data rows."""

    heading: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def figure_cells(figures: Figures) -> tuple[Any, ...]:
    """A Figures as spreadsheet cells (blank where a rate has no participants)."""
    return (figures.audience, figures.participants, figures.participation, figures.average,
            figures.pass_rate, figures.excellent_rate, *figures.bins)


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def workbook(title: str, unit_name: str, period_label: str, now: datetime,
             tables: list[Table]) -> bytes:
    """The workbook as .xlsx bytes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "报表"
    span = max([len(t.headers) for t in tables] + [4])
    set_cell(sheet.cell(1, 1), title)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
    sheet.cell(1, 1).font = Font(bold=True, size=16)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    for row, (label, value) in enumerate((("单位", unit_name), ("期间", period_label),
                                          ("生成时间", generated_at(now) + "（北京时间）")), start=2):
        sheet.cell(row, 1, label).font = Font(bold=True)
        set_cell(sheet.cell(row, 2), value)
    widths: dict[int, int] = {1: 10}
    row = 6
    for table in tables:
        set_cell(sheet.cell(row, 1), table.heading)
        sheet.cell(row, 1).font = Font(bold=True, size=13)
        row += 1
        for column, header in enumerate(table.headers, start=1):
            cell = sheet.cell(row, column)
            set_cell(cell, header)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="C0392B")
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            widths[column] = max(widths.get(column, 0), _width(header))
        for values in table.rows:
            row += 1
            for column, value in enumerate(values, start=1):
                set_cell(sheet.cell(row, column), value)
                widths[column] = max(widths.get(column, 0), _width(value))
        if not table.rows:
            row += 1
            sheet.cell(row, 1, "（无）")
        row += 2
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 50)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _percent(value: float | None) -> Any:
    return "" if value is None else value


def report_tables(report: Report) -> list[Table]:
    """The tables of an activity or period report."""
    tables = [Table("总体情况", ("单位", *FIGURE_HEADERS, "同级排名", "评定"),
                    [(report.unit.name, *figure_cells(report.total),
                      report.rank.text if report.rank else "", report.rating.text)]),
              Table("下级单位汇总", ("单位", *FIGURE_HEADERS),
                    [(row.name, *figure_cells(row.figures)) for row in report.rows])]
    if report.activity is None:
        tables.append(Table("各项活动", ("活动", "类别", *FIGURE_HEADERS),
                            [(a.title, a.kind.label, *figure_cells(f)) for a, f in report.per_activity]))
    tables.append(Table("薄弱知识点（答对率最低）", ("知识点", "答题次数", "答对次数", "答对率(%)"),
                        [(name, s.answers, s.correct, s.percent) for name, s in report.weakest]))
    if report.members:
        tables.append(Table("党员参加情况", ("姓名", "所在单位（发布时）", "状态", "得分率(%)"),
                            [(m.name, m.unit_name, _status(m), _percent(m.percent))
                             for m in report.members]))
    tables.append(Table("评定规则", ("规则",), [(report.rating.rule.text,)]))
    return tables


def _status(member: Any) -> str:
    if member.finished:
        return "已参加"
    return "已开始未完成" if member.started else "未参加"


def report_workbook(report: Report, now: datetime) -> bytes:
    """An activity or period report as .xlsx."""
    subject = f"《{report.activity.title}》" if report.activity else report.period.label
    return workbook(f"{report.unit.name}{subject}学习测试情况报表", report.unit.name,
                    report.period.label, now, report_tables(report))


def mastery_workbook(mastery: Mastery, now: datetime) -> bytes:
    """The mastery tables as .xlsx: each cell 'share% (answers)', weak cells flagged ▲."""
    def table(heading: str, names: list[str], cells: dict, weak: set) -> Table:
        rows = []
        for bucket, unit_name in mastery.rows:
            line: list[Any] = [unit_name]
            for name in names:
                share = cells.get((bucket, name))
                mark = "▲" if (bucket, name) in weak else ""
                line.append("" if share is None else f"{mark}{share.percent}%（{share.answers}）")
            rows.append(tuple(line))
        return Table(heading, ("单位", *names), rows)

    tables = [table("按知识点（答对率%，括号内为答题次数；▲为薄弱）", mastery.concepts, mastery.cells, mastery.weak),
              table("按讲话", mastery.speeches, mastery.speech_cells, mastery.speech_weak)]
    return workbook(f"{mastery.unit.name}知识点掌握情况", mastery.unit.name, mastery.period.label,
                    now, tables)

