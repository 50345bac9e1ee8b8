"""Reading roster files and writing the template, without the web app."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from roster_helpers import HEADER, csv_bytes, xlsx_bytes

from questions.archive import Limits
from quizapp.models import Role
from quizapp.roster import reader
from quizapp.roster.checks import parse_roles
from quizapp.roster.template import build_template

ROW = ["甲", "13800000000", "DY1", "第一党支部", "", "党员"]


def test_csv_delimiters_and_encodings():
    for data in (
        csv_bytes([ROW]),
        csv_bytes([ROW], "utf-8-sig"),
        csv_bytes([ROW], "gb18030"),
        "\r\n".join("\t".join(r) for r in [HEADER, ROW]).encode("utf-16"),
        "\n".join(";".join(r) for r in [HEADER, ROW]).encode(),
    ):
        table = reader.read_roster(data, "名单.CSV")
        assert [(row.number, row.cells) for row in table.rows] == [
            (2, dict(zip(["name", "phone", "member_no", "branch", "group", "roles"], ROW)))
        ]


def test_row_numbers_are_the_spreadsheets_own():
    data = xlsx_bytes([["标题"], [], HEADER, ROW, [], [None, None], ROW], header=None)
    assert [row.number for row in reader.read_roster(data, "a.xlsx").rows] == [4, 7]


def test_cells_become_trimmed_text():
    assert reader.cell_text(13800000000.0) == "13800000000"
    assert reader.cell_text(12) == "12"
    assert reader.cell_text(1.5) == "1.5"
    assert reader.cell_text(" \u3000张三\u200b ") == "张三"
    assert reader.cell_text(None) == ""


def test_the_sheet_with_the_header_is_used():
    workbook = load_workbook(io.BytesIO(xlsx_bytes([ROW])))
    cover = workbook.create_sheet("封面", 0)
    cover["A1"] = "说明"
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = reader.read_roster(buffer.getvalue(), "a.xlsx")
    assert len(table.rows) == 1 and table.source == "工作表“Sheet”"


def test_an_archive_that_unzips_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "ZIP_LIMITS", Limits(total=1000))
    with pytest.raises(reader.RosterFileError, match="文件解压后共约 .* KB，超过 1 KB 的上限"):
        reader.read_roster(xlsx_bytes([ROW]), "a.xlsx")


def test_a_long_run_of_empty_rows_ends_the_sheet(monkeypatch):
    monkeypatch.setattr(reader, "MAX_BLANK_RUN", 3)
    data = xlsx_bytes([ROW, [], [], [], ROW], header=HEADER)
    assert len(reader.read_roster(data, "a.xlsx").rows) == 1


@pytest.mark.parametrize(
    ("text", "roles", "unknown"),
    [
        ("", [], []),
        ("党员", [Role.MEMBER], []),
        ("支部书记、组织员", [Role.SECRETARY, Role.ORGANIZER], []),
        ("组织员,管理员，组织员 ", [Role.ORGANIZER, Role.ADMIN], []),
        ("党员 班长", [Role.MEMBER], ["班长"]),
    ],
)
def test_parse_roles(text, roles, unknown):
    assert parse_roles(text) == (roles, unknown)


def test_template_writes_formula_like_text_as_text():
    data = build_template("=HYPERLINK(\"http://x\")", "+第一党小组")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["D2"].data_type == "s" and sheet["D2"].value == "=HYPERLINK(\"http://x\")"
    assert sheet["B2"].value == "13800138000" and sheet["B2"].number_format == "@"
    assert load_workbook(io.BytesIO(data)).sheetnames == ["人员名单", "填写说明"]
