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

from quizapp.reports.pages import TOTAL, Mastery, Report, generated_at
from quizapp.reports.queries import BIN_LABELS, Figures
from quizapp.spreadsheet import set_cell

def figure_headers(slots: bool) -> tuple[str, ...]:
    """The figures' headers: people for one activity, 人次 (member × activity) over a period."""
    word = "人次" if slots else "人数"
    return (f"应参加{word}", f"参加{word}", "参与率(%)", "平均得分率(%)", "及格率(%)", "优秀率(%)",
            *(f"{label}分" for label in BIN_LABELS))


FIGURE_HEADERS = figure_headers(False)


@dataclass(frozen=True)
class Table:
    """A heading, a header row and data rows."""

    heading: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def figure_cells(figures: Figures) -> tuple[Any, ...]:
    """A Figures as spreadsheet cells (blank where a rate has no participants)."""
    return (figures.due, figures.participants, figures.participation, figures.average,
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
    headers = figure_headers(slots=report.activity is None)
    open_ids = {a.id for a in report.in_progress}
    tables = [Table("总体情况", ("单位", *headers, "同级排名", "评定", "进行中（只计已交卷）"),
                    [(report.unit.name, *figure_cells(report.total),
                      report.rank.text if report.rank else "", report.rating.text,
                      report.in_progress_text)]),
              Table("下级单位汇总", ("单位", *headers),
                    [(row.name, *figure_cells(row.figures)) for row in report.rows])]
    if report.activity is None:
        tables.append(Table("各项活动", ("活动", "类别", *FIGURE_HEADERS),
                            [(a.title + ("（进行中）" if a.id in open_ids else ""), a.kind.label,
                              *figure_cells(f)) for a, f in report.per_activity]))
    tables.append(Table("薄弱知识点（答对率最低）", ("知识点", "答题次数", "答对次数", "答对率(%)"),
                        [(name, s.answers, s.correct, s.percent) for name, s in report.weakest]))
    if report.members:
        tables.append(Table("党员参加情况", ("姓名", "所在单位（发布时）", "状态", "得分率(%)", "评定"),
                            [(m.name, m.unit_name, _status(m), _percent(m.percent), m.verdict or "")
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
    """The mastery tables as .xlsx, one row a key point (or speech), the weakest first: the
    share correct (%) and the answers as numbers, overall and per unit; weak units named."""
    units = [(bucket, name) for bucket, name in mastery.rows if bucket != TOTAL]

    def table(heading: str, names: list[str], cells: dict, weak: set) -> Table:
        headers = ("知识点", "合计答对率(%)", "合计答题次数",
                   *(f"{unit}答对率(%)" for _b, unit in units), "薄弱单位")
        rows = []
        for name in names:  # ``pages.mastery`` orders them weakest first
            total = cells.get((TOTAL, name))
            rows.append((name, total.percent if total else None, total.answers if total else 0,
                         *(_share(cells.get((bucket, name))) for bucket, _u in units),
                         "、".join(unit for bucket, unit in units if (bucket, name) in weak)))
        return Table(heading, headers, rows)

    tables = [table("按知识点（答对率最低的在前）", mastery.concepts, mastery.cells, mastery.weak),
              table("按讲话", mastery.speeches, mastery.speech_cells, mastery.speech_weak)]
    return workbook(f"{mastery.unit.name}知识点掌握情况", mastery.unit.name, mastery.period.label,
                    now, tables)


def _share(share: Any) -> float | None:
    return None if share is None else share.percent
