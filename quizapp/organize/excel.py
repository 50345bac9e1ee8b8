"""A speech's bank as an Excel workbook: export, and import with a dry run.

Columns: 题号 (the builder's id, or the database id of a hand-written question), 题型, 题干,
选项 (one per line), 答案 (letters for choices, 对/错, the words of a fill, 、 between blanks),
解析, 难度, 状态, 概念, 要点 (the key point), 质量分 (the builder's rank). An import checks every
row first and changes nothing if any row is wrong; rows without 题号 become hand-written drafts
(each its own key point), rows with one update that question (an organizer's edit). 状态, 要点
and 质量分 are for reading only: approving stays a decision made on the bank page, and the
points and ranks are the builder's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import select
from sqlalchemy.orm import Session

from questions.archive import ArchiveError, NotAZipError, check_zip
from quizapp.models import BankQuestion, QuestionType, Speech
from quizapp.organize.content import (
    TYPE_BY_LABEL,
    ContentError,
    format_answer,
    format_options,
    format_variants,
    parse_content,
)
from quizapp.organize.review import add_manual_question, apply_content
from quizapp.spreadsheet import set_cell

HEADERS = ("题号", "题型", "题干", "选项", "答案", "解析", "难度", "状态", "概念", "要点", "质量分")
REQUIRED = ("题型", "题干", "答案")
WIDTHS = (18, 6, 50, 30, 12, 40, 6, 8, 20, 20, 8)
SHEET = "题库"
MAX_ROWS = 3000
MAX_WORKBOOK_BYTES = 2 * 1024 * 1024
UNREADABLE = "无法读取该文件：请上传 Excel 2007 及以上版本的 .xlsx 文件"
_FIELD_COLUMNS = {"stem": "题干", "options": "选项", "answer": "答案", "explanation": "解析", "difficulty": "难度"}
_GUIDE = (
    "题号：生成的题目为生成器编号，手写题目为数字编号；新增题目请留空。",
    "题型：单选、多选、判断、填空。题型不能修改。",
    "选项：每行一个（单元格内换行：Windows 按 Alt+Enter，Mac 按 Option+Enter）。判断题、填空题不填。",
    "答案：单选填一个字母（如 B），多选填两个及以上字母（如 ACD），判断填“对”或“错”，"
    "填空按空的顺序填写，多个空用“、”分隔。",
    "难度：1（易）、2（中）、3（难），不填为 2。",
    "状态：仅供参考，导入不改变题目状态；新增题目一律为“待审核”，请在题库页面审核通过。",
    "要点、质量分：仅供参考，导入不改变。要点相同的题目是同一句原文的变体，一份试卷只抽其中一道；"
    "质量分（0–1）是生成器的评分，手写题目没有质量分；新增题目各自成为一个要点。",
    "导入前会先检查每一行；只要有一行有错，整个文件都不会导入。",
)


# -- export ------------------------------------------------------------------------------------

def export_bank(session: Session, speech: Speech) -> bytes:
    """The speech's whole bank (every status) as an .xlsx file."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
        header = sheet.cell(1, column)
        header.font = Font(bold=True, color="FFFFFF")
        header.fill = PatternFill("solid", fgColor="C0392B")
    sheet.freeze_panes = "A2"
    questions = session.scalars(
        select(BankQuestion).where(BankQuestion.speech_id == speech.id).order_by(BankQuestion.id)
    )
    for number, question in enumerate(questions, start=2):
        values = (
            question.external_id or question.id,
            question.type.label,
            question.stem,
            format_options(question.options),
            format_answer(question.type, question.answer),
            question.explanation,
            question.difficulty,
            question.status.label,
            question.concept,
            question.point,
            question.quality,
        )
        for column, value in enumerate(values, start=1):
            _write(sheet.cell(number, column), value)
    guide = book.create_sheet("说明")
    guide.column_dimensions["A"].width = 100
    for line in (f"讲话：{speech.title}", *_GUIDE):
        guide.append([line])
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def _write(cell: Any, value: Any) -> None:
    """Write a value; text that a spreadsheet would run as a formula is stored as text."""
    set_cell(cell, value)
    cell.alignment = Alignment(wrap_text=True, vertical="top")


# -- import ------------------------------------------------------------------------------------

class WorkbookError(Exception):
    """The file cannot be read as a bank at all; the message is for the organizer."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"「{self.column}」" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class RowPlan:
    """What importing one row would do."""

    row: int
    action: str  # "create", "update" or "unchanged"
    qtype: QuestionType
    stem: str
    question: BankQuestion | None = None
    content: Any = None
    concept: str | None = None

    @property
    def label(self) -> str:
        return {"create": "新增", "update": "更新", "unchanged": "无变化"}[self.action]


@dataclass
class BankImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def changes(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action != "unchanged"]


def plan_bank_import(session: Session, speech: Speech, data: bytes) -> BankImportPlan:
    """Check every row of an uploaded workbook against ``speech``'s bank; changes nothing.

    Raises WorkbookError when the file is not a readable .xlsx with the needed columns.
    """
    rows = _read_rows(data)
    header, body = rows[0], rows[1:]
    columns = {str(name).strip(): index for index, (name, _) in enumerate(header) if name is not None}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise WorkbookError("第一行缺少列：" + "、".join(missing) + "。请用“导出 Excel”得到的文件填写")
    questions = list(session.scalars(select(BankQuestion).where(BankQuestion.speech_id == speech.id)))
    by_external = {q.external_id: q for q in questions if q.external_id}
    by_id = {str(q.id): q for q in questions}
    plan = BankImportPlan()
    seen: dict[int, int] = {}
    for number, cells in enumerate(body, start=2):
        if all(_text(value) == "" for value, _ in cells):
            continue
        row = _Row(number, cells, columns, plan.errors)
        before = len(plan.errors)
        planned = _plan_row(row, by_external, by_id)
        if planned is None or len(plan.errors) > before:
            continue
        if planned.question is not None:
            first = seen.setdefault(planned.question.id, number)
            if first != number:
                plan.errors.append(RowError(number, "题号", f"与第 {first} 行是同一道题"))
                continue
        plan.rows.append(planned)
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(2, "", "表格中没有题目"))
    return plan


def apply_bank_import(session: Session, speech: Speech, plan: BankImportPlan) -> tuple[int, int]:
    """Carry out a plan without errors; returns (created, updated). Flushes; the caller commits."""
    if plan.errors:
        raise ValueError("a plan with errors is never applied")
    created = updated = 0
    for row in plan.rows:
        if row.action == "create":
            add_manual_question(session, speech, row.qtype, row.content, row.concept or "")
            created += 1
        elif row.action == "update" and row.question is not None:
            updated += apply_content(row.question, row.content, row.concept)
    session.flush()
    return created, updated


def _read_rows(data: bytes) -> list[list[tuple[Any, str]]]:
    """(value, data type) of every cell of the bank sheet, row by row. The workbook's zip is
    checked before openpyxl opens it (a 400 KB file may unzip to gigabytes)."""
    if len(data) > MAX_WORKBOOK_BYTES:
        raise WorkbookError("文件超过 2 MB")
    try:
        check_zip(data)
    except NotAZipError:
        raise WorkbookError(UNREADABLE) from None
    except ArchiveError as error:
        raise WorkbookError(str(error)) from None
    try:
        book = load_workbook(BytesIO(data), read_only=True)
    except Exception:  # noqa: BLE001 - any failure to open means the same thing to the organizer
        raise WorkbookError(UNREADABLE) from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = []
        for cells in sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=len(HEADERS) + 10):
            rows.append([(cell.value, getattr(cell, "data_type", "s")) for cell in cells])
    except Exception:  # noqa: BLE001 - read-only sheets are parsed here: broken XML fails here
        raise WorkbookError("表格内容已损坏（无法解析），请用 Excel 或 WPS 打开后另存为 .xlsx 再上传") from None
    finally:
        book.close()
    if not rows:
        raise WorkbookError("表格是空的")
    if len(rows) > MAX_ROWS + 1:
        raise WorkbookError(f"一次最多导入 {MAX_ROWS} 道题")
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "对" if value else "错"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


class _Row:
    """One spreadsheet row, read by column name; bad cells are recorded as errors."""

    def __init__(self, number: int, cells: list[tuple[Any, str]], columns: dict[str, int],
                 errors: list[RowError]) -> None:
        self.number, self.cells, self.columns, self.errors = number, cells, columns, errors

    def get(self, name: str) -> str | None:
        """The cell's text, or None when the sheet has no such column."""
        index = self.columns.get(name)
        if index is None:
            return None
        value, data_type = self.cells[index] if index < len(self.cells) else (None, "n")
        if data_type == "f":
            self.error(name, "单元格是公式，请改成文字（在开头加英文单引号 '）")
            return ""
        return _text(value)

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


def _plan_row(row: _Row, by_external: dict[str, BankQuestion], by_id: dict[str, BankQuestion]) -> RowPlan | None:
    key = row.get("题号") or ""
    question = None
    if key:
        question = by_external.get(key) or by_id.get(key)
        if question is None:
            row.error("题号", f"“{key}”不是本讲话题库中的题目（新增题目请留空）")
            return None
    type_text = row.get("题型") or ""
    qtype = TYPE_BY_LABEL.get(type_text)
    if qtype is None:
        row.error("题型", f"“{type_text}”不是单选、多选、判断或填空" if type_text else "请填写题型")
        return None
    if question is not None and qtype is not question.type:
        row.error("题型", f"题型不能修改（本题为{question.type.label}）")
        return None

    def value(name: str, current: str) -> str:
        text = row.get(name)
        return current if text is None else text

    existing = question
    stem = row.get("题干") or ""
    try:
        content = parse_content(
            qtype,
            stem,
            value("选项", format_options(existing.options) if existing else ""),
            row.get("答案") or "",
            value("解析", existing.explanation if existing else ""),
            value("难度", str(existing.difficulty) if existing else ""),
            format_variants(existing.accepted_variants) if existing else "",
        )
    except ContentError as error:
        for name, message in error.errors.items():
            row.error(_FIELD_COLUMNS.get(name, ""), message)
        return None
    concept = row.get("概念")
    if concept is not None and len(concept) > 200:
        row.error("概念", "概念不能超过 200 字")
        return None
    if existing is None:
        return RowPlan(row.number, "create", qtype, content.stem, None, content, concept or "")
    same = (
        content.stem == existing.stem and content.options == existing.options
        and content.answer == existing.answer and content.explanation == existing.explanation
        and content.difficulty == existing.difficulty and (concept is None or concept == existing.concept)
    )
    return RowPlan(row.number, "unchanged" if same else "update", qtype, content.stem, existing, content, concept)
