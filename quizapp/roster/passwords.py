"""The initial passwords of an import as an Excel sheet, to print or hand out one by one."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from quizapp.roster.plan import IssuedPassword
from quizapp.spreadsheet import set_cell

HEADER = ("姓名", "所属单位", "登录账号", "初始密码")


def passwords_workbook(issued: tuple[IssuedPassword, ...] | list[IssuedPassword], unit_name: str) -> bytes:
    """One row a person: name, unit, login and initial password (to change at first login)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "初始密码"
    set_cell(sheet.cell(row=1, column=1), f"{unit_name} 新增人员初始密码（首次登录后须修改；请分别告知本人，用后销毁）")
    sheet.cell(row=1, column=1).font = Font(bold=True)
    for column, title in enumerate(HEADER, start=1):
        set_cell(sheet.cell(row=2, column=column), title)
        sheet.cell(row=2, column=column).font = Font(bold=True)
    for row, person in enumerate(issued, start=3):
        for column, value in enumerate((person.name, person.unit_label, person.account, person.password), start=1):
            set_cell(sheet.cell(row=row, column=column), value)
    for letter, width in zip("ABCD", (12, 36, 16, 16)):
        sheet.column_dimensions[letter].width = width
    output = BytesIO()
    book.save(output)
    return output.getvalue()
