"""Reading a roster file (.xlsx or .csv) into numbered rows of text.

Framework-free: takes bytes and a file name, returns a ``RosterTable`` or
raises ``RosterFileError`` with a message in Chinese for the organizer. It
knows nothing of units or people; ``services`` checks the rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import load_workbook

from questions.archive import ArchiveError, Limits, NotAZipError, check_zip

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
# A 2 MB .xlsx may unzip to far more: its zip is checked (sizes declared and read, ratio) first.
ZIP_LIMITS = Limits(total=64 * 1024 * 1024)
MAX_COLUMNS = 50
HEADER_SEARCH_ROWS = 10
# Stop reading after this many blank rows in a row (formatted but empty rows).
MAX_BLANK_RUN = 1000

# Canonical column key -> (label shown to people, header spellings accepted).
COLUMNS: dict[str, tuple[str, frozenset[str]]] = {
    "name": ("姓名", frozenset({"姓名", "名字"})),
    "phone": ("手机号", frozenset({"手机号", "手机号码", "手机"})),
    "member_no": ("党员编号", frozenset({"党员编号", "编号"})),
    "branch": ("所属支部", frozenset({"所属支部", "所属党支部", "支部", "党支部"})),
    "group": ("党小组", frozenset({"党小组", "所属党小组", "小组"})),
    "roles": ("角色", frozenset({"角色"})),
}
REQUIRED_COLUMNS = ("name", "branch")
LOGIN_COLUMNS = ("phone", "member_no")

_HEADER_NOTE = re.compile(r"[（(][^（()）]*[)）]$")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class RosterFileError(Exception):
    """The file as a whole cannot be read; ``str(error)`` is shown as is."""


@dataclass(frozen=True)
class RawRow:
    """One non-blank data row: its number as the spreadsheet shows it, and its cells."""

    number: int
    cells: dict[str, str]

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass(frozen=True)
class RosterTable:
    """The data rows of a roster file, keyed by canonical column."""

    rows: list[RawRow]
    columns: frozenset[str]
    ignored_headers: tuple[str, ...]
    source: str


def column_label(key: str) -> str:
    return COLUMNS[key][0]


def read_roster(data: bytes, filename: str) -> RosterTable:
    """Read an .xlsx or .csv roster; raise RosterFileError when it cannot be used."""
    if not data:
        raise RosterFileError("文件是空的，请选择填好的名单文件。")
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError("文件超过 2 MB，请删除多余内容或分批导入。")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        sheets = _xlsx_sheets(data)
    elif extension == "csv":
        sheets = [_csv_sheet(data)]
    elif extension in {"xls", "et", "wps"} or data.startswith(_OLE_MAGIC):
        raise RosterFileError(
            "不支持旧版 Excel（.xls）或 WPS 格式，请在 Excel/WPS 中“另存为” .xlsx 后再上传。"
        )
    else:
        raise RosterFileError("只支持 Excel（.xlsx）或 CSV（.csv）文件。")
    for source, grid in sheets:
        table = _table_from_grid(source, grid)
        if table is not None:
            return table
    raise RosterFileError(
        "找不到表头：前 10 行中应有一行列名，包括“姓名”“手机号”“党员编号”“所属支部”等。"
        "建议下载模板填写。"
    )


def cell_text(value: object) -> str:
    """A cell's value as trimmed text; whole numbers lose their “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip().strip("\u200b\ufeff").strip()


def _xlsx_sheets(data: bytes) -> list[tuple[str, list[tuple[int, list[str]]]]]:
    corrupt = "文件已损坏或不是有效的 .xlsx 文件（如设置了打开密码，请先取消密码）。"
    if data.startswith(_OLE_MAGIC):
        raise RosterFileError(corrupt)
    try:
        check_zip(data, ZIP_LIMITS)
    except NotAZipError as exc:
        raise RosterFileError(corrupt) from exc
    except ArchiveError as exc:
        raise RosterFileError(f"{exc}。") from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ordered = [workbook.active] + [
                ws for ws in workbook.worksheets if ws is not workbook.active
            ]
            return [
                (f"工作表“{ws.title}”", _numbered(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)))
                for ws in ordered
                if ws is not None and hasattr(ws, "iter_rows")
            ]
        finally:
            workbook.close()
    except RosterFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail anywhere in the parser
        raise RosterFileError(corrupt) from exc


def _csv_sheet(data: bytes) -> tuple[str, list[tuple[int, list[str]]]]:
    text, encoding = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return f"CSV（{encoding} 编码）", _numbered(reader)
    except csv.Error as exc:
        raise RosterFileError("CSV 文件格式有误，无法读取，请用 Excel 另存为 .xlsx 后再上传。") from exc


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GBK as Excel saves it in China."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312.
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            "无法识别 CSV 文件的编码，请另存为“CSV UTF-8”或 .xlsx 后再上传。"
        ) from exc


def _numbered(rows: Iterable[Iterable[object]]) -> list[tuple[int, list[str]]]:
    """Non-blank rows as (row number, cell texts), at most one more than MAX_ROWS of data."""
    result: list[tuple[int, list[str]]] = []
    blank_run = 0
    for number, row in enumerate(rows, start=1):
        cells = [cell_text(value) for value in list(row)[:MAX_COLUMNS]]
        if not any(cells):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        result.append((number, cells))
        if len(result) > MAX_ROWS + HEADER_SEARCH_ROWS:
            break
    return result


def _header_key(text: str) -> str | None:
    cleaned = re.sub(r"\s", "", text).strip("*＊")
    cleaned = _HEADER_NOTE.sub("", cleaned)
    for key, (_label, spellings) in COLUMNS.items():
        if cleaned in spellings:
            return key
    return None


def _table_from_grid(source: str, grid: list[tuple[int, list[str]]]) -> RosterTable | None:
    """Find the header row and map the rows under it; None if no header is found."""
    for index, (header_number, header) in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if header_number > HEADER_SEARCH_ROWS:
            break
        keys = [_header_key(cell) for cell in header]
        if "name" not in keys:
            continue
        positions = _column_positions(header, keys)
        rows = [
            RawRow(number, {key: cells[i] if i < len(cells) else "" for key, i in positions.items()})
            for number, cells in grid[index + 1:]
        ]
        rows = [row for row in rows if any(row.cells.values())]
        if not rows:
            raise RosterFileError("文件中只有表头，没有人员数据。")
        if len(rows) > MAX_ROWS:
            raise RosterFileError(f"一次最多导入 {MAX_ROWS} 人，请分成几个文件导入。")
        ignored = tuple(cell for cell, key in zip(header, keys) if cell and key is None)
        return RosterTable(rows, frozenset(positions), ignored, source)
    return None


def _column_positions(header: list[str], keys: list[str | None]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key is None:
            continue
        if key in positions:
            raise RosterFileError(f"表头中“{column_label(key)}”列出现了多次，请只保留一列。")
        positions[key] = i
    missing = [column_label(key) for key in REQUIRED_COLUMNS if key not in positions]
    if missing:
        raise RosterFileError(f"缺少必需的列：{'、'.join(missing)}。请对照模板检查表头。")
    if not any(key in positions for key in LOGIN_COLUMNS):
        raise RosterFileError("缺少“手机号”或“党员编号”列：至少要有其中一列，用于登录。")
    return positions
