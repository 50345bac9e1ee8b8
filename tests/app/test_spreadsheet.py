"""The cells every workbook of the site writes (``quizapp.spreadsheet``): names typed by users
come back as the same text, never as a formula or an error value."""

from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO

from openpyxl import load_workbook

from quizapp.reports.excel import Table, workbook
from quizapp.roster.template import build_template

NAMES = ("=1+1", "@SUM(A1)", "-2+3", "#N/A", "#DIV/0!", "#REF!", "第一党支部")


def _cells(data: bytes) -> dict[str, tuple[str, bool]]:
    sheet = load_workbook(BytesIO(data)).active
    return {cell.value: (cell.data_type, bool(cell.quotePrefix))
            for row in sheet.iter_rows() for cell in row if cell.value in NAMES}


def test_a_report_keeps_every_name_as_text():
    data = workbook("报表", "#N/A", "2026年11月", datetime(2026, 11, 30, tzinfo=timezone.utc),
                    [Table("各单位", ("单位",), [(name,) for name in NAMES])])
    cells = _cells(data)
    assert set(cells) == set(NAMES)
    assert all(kind == "s" for kind, _ in cells.values()), cells
    assert {name for name, (_, quoted) in cells.items() if quoted} == {"=1+1", "@SUM(A1)", "-2+3"}


def test_the_roster_template_keeps_error_like_unit_names_as_text():
    """(Formula-like ones: test_roster_import.)"""
    cells = _cells(build_template("#N/A", "#REF!"))
    assert cells == {"#N/A": ("s", False), "#REF!": ("s", False)}
