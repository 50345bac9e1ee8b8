"""The downloadable .xlsx roster template: a header row, one example row, instructions."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from quizapp.roster.reader import COLUMNS
from quizapp.spreadsheet import set_cell

TEMPLATE_FILENAME = "党员名单导入模板.xlsx"
_WIDTHS = {"name": 12, "phone": 16, "member_no": 16, "branch": 22, "group": 16, "roles": 20}
INSTRUCTIONS = (
    "每行一人，第 1 行是表头，列的顺序可以调整，多余的列会被忽略。",
    "姓名、所属支部必填；手机号和党员编号至少填一项，用于登录。",
    "手机号为 11 位大陆手机号码；党员编号只能包含字母、数字和连字符。",
    "所属支部、党小组须与系统中的名称一致；党小组须在所属支部之下，可不填。",
    "角色可填：党员、支部书记、组织员、管理员，多个用“、”或“,”隔开；不填即为党员。",
    "角色授予在“所属支部”这一级；只有管理员可以授予“管理员”。",
    "再次导入时，按党员编号（其次手机号）找到已有人员并更新，不会重复创建；空白的手机号或党员编号不会清除已有信息。",
    "导入前会先预览；只要有一行有错，整个文件都不会导入，请改正后重新上传。",
    "第 2 行是示例，请改成真实人员或删除后再导入。",
)


def _set_text(sheet: Worksheet, row: int, column: int, value: str) -> None:
    set_cell(sheet.cell(row=row, column=column), value)


def build_template(example_branch: str, example_group: str) -> bytes:
    """The template workbook; the example row uses a real 所属支部 and 党小组."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员名单"
    example = {
        "name": "张三", "phone": "13800138000", "member_no": "DY0001",
        "branch": example_branch, "group": example_group, "roles": "党员",
    }
    header_fill = PatternFill("solid", fgColor="F8D7DA")
    for column, (key, (label, _spellings)) in enumerate(COLUMNS.items(), start=1):
        letter = sheet.cell(row=1, column=column).column_letter
        # Typed phone and member numbers stay text (no 1.38E+10, no lost zeros).
        sheet.column_dimensions[letter].width = _WIDTHS[key]
        sheet.column_dimensions[letter].number_format = "@"
        _set_text(sheet, 1, column, label)
        header = sheet.cell(row=1, column=column)
        header.font = Font(bold=True)
        header.fill = header_fill
        _set_text(sheet, 2, column, example[key])
        sheet.cell(row=2, column=column).number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    _set_text(notes, 1, 1, "党员名单填写说明")
    notes.cell(row=1, column=1).font = Font(bold=True, size=14)
    for row, line in enumerate(INSTRUCTIONS, start=2):
        _set_text(notes, row, 1, f"{row - 1}. {line}")
        notes.cell(row=row, column=1).alignment = Alignment(wrap_text=True)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
