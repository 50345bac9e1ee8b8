"""Every upload checked before it is parsed (issue 19, finding 3): a .docx or .pdf speech, the
bank's Excel import and the roster, each with a small bomb, a lying zip header and broken XML.
A clear Chinese error each time, in a few seconds, never a 500."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from bank_helpers import (  # noqa: F401 - fixtures
    ORGANIZER_A,
    bank_import_dir,
    bank_org,
    speech_a,
    upload,
    xlsx_bytes,
)
from roster_helpers import build_org, preview, use_upload_dir
from roster_helpers import ORGANIZER_A as ROSTER_ORGANIZER
from roster_helpers import xlsx_bytes as roster_xlsx
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import BankQuestion, Speech
from quizapp.organize import excel
from quizapp.roster import reader
from tests.question_builder.speech_files import MB, make_docx, make_pdf, pdf_bomb, rezip, understate, zeros_xml

SHEET = "xl/worksheets/sheet1.xml"


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _docx_bomb():
    return rezip(make_docx(["同志们："]), replace={"word/document.xml": zeros_xml(50 * MB)})


def _sheet_bomb(data: bytes) -> bytes:
    """A workbook whose sheet is one row with a 60 MB cell (zeros: it compresses to ~60 KB)."""
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
    tail = b"</t></is></c></row></sheetData></worksheet>"
    return rezip(data, replace={SHEET: head + b"0" * (60 * MB) + tail})


def _cut_sheet(data: bytes) -> bytes:
    """A workbook whose sheet's XML stops in the middle of its second row."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read(SHEET)
    return rezip(data, replace={SHEET: sheet[:sheet.index(b'<row r="2"') + 40]})


# -- speeches ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, make, message", [
    ("炸弹.docx", _docx_bomb, "压缩炸弹"),
    ("谎报.docx", lambda: understate(_docx_bomb(), "word/document.xml", 3000), "校验失败"),
    ("损坏.docx", lambda: rezip(make_docx(["同志们："]), replace={"word/document.xml": b"<w:document><w:body"}),
     "XML 格式错误"),
    ("炸弹.pdf", lambda: pdf_bomb(60 * MB), "解压后过大"),
    ("扫描件.pdf", lambda: make_pdf([[], []]), "该PDF没有文字层（可能是扫描件）"),
    ("损坏.pdf", lambda: make_pdf([["同志们："]])[:400], "PDF 文件已损坏"),
], ids=["docx-bomb", "docx-lying-header", "docx-bad-xml", "pdf-bomb", "pdf-scan", "pdf-broken"])
def test_a_bad_speech_file_is_refused_with_its_reason(app, client, bank_org, login, name, make, message):
    data = make()
    assert len(data) < 2 * MB
    login(client, ORGANIZER_A)
    started = time.perf_counter()
    response = upload(client, "/organize/speeches/new", data, name, unit=bank_org["units"]["a"].id)
    assert time.perf_counter() - started < 10
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(app, Speech) == 0


def test_a_bomb_is_refused_on_reimport_too(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    response = upload(client, f"/organize/speeches/{speech_a}/reimport", _docx_bomb(), "修订版.docx")
    assert response.status_code == 200 and "压缩炸弹" in response.get_data(as_text=True)


# -- the bank's Excel import -------------------------------------------------------------------

def _workbook():
    return xlsx_bytes([["", "判断", "每周开展一次集中学习。", "", "对", "", "", "", ""]])


@pytest.mark.parametrize("make, message", [
    (lambda: _sheet_bomb(_workbook()), "压缩炸弹"),
    (lambda: understate(rezip(_workbook(), replace={SHEET: zeros_xml(4 * MB)}), SHEET, 2000), "校验失败"),
    (lambda: _cut_sheet(_workbook()), "表格内容已损坏"),
    (lambda: rezip(_workbook(), add={"xl/media/big.bin": b"\0" * (30 * MB)}), "压缩炸弹"),
], ids=["cell-bomb", "lying-header", "bad-xml", "extra-member"])
def test_a_bad_bank_workbook_is_refused_with_its_reason(app, client, bank_org, login, speech_a, make, message):
    data = make()
    assert len(data) < excel.MAX_WORKBOOK_BYTES
    before = _count(app, BankQuestion)
    login(client, ORGANIZER_A)
    started = time.perf_counter()
    response = upload(client, f"/organize/speeches/{speech_a}/import", data, "题库.xlsx")
    assert time.perf_counter() - started < 10
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(app, BankQuestion) == before


def test_a_good_bank_workbook_still_reads(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    response = upload(client, f"/organize/speeches/{speech_a}/import", _workbook(), "题库.xlsx")
    assert response.status_code == 200 and "新增" in response.get_data(as_text=True)


# -- the roster --------------------------------------------------------------------------------

ROW = ["甲", "13800000000", "DY1", "第一党支部", "", "党员"]


@pytest.mark.parametrize("make, message", [
    (lambda: _sheet_bomb(roster_xlsx([ROW])), "压缩炸弹"),
    (lambda: understate(rezip(roster_xlsx([ROW]), replace={SHEET: zeros_xml(4 * MB)}), SHEET, 2000), "校验失败"),
    (lambda: rezip(roster_xlsx([ROW]), replace={SHEET: b"<worksheet><sheetData><row><c"}), "文件已损坏"),
], ids=["cell-bomb", "lying-header", "bad-xml"])
def test_a_bad_roster_is_refused_with_its_reason(make, message):
    started = time.perf_counter()
    with pytest.raises(reader.RosterFileError, match=message):
        reader.read_roster(make(), "名单.xlsx")
    assert time.perf_counter() - started < 5


@pytest.fixture
def roster_org(app, tmp_path, make_unit, make_person):
    use_upload_dir(app, tmp_path)
    return build_org(make_unit, make_person)


def test_a_roster_bomb_through_the_web_is_a_message(app, client, login, roster_org):
    login(client, ROSTER_ORGANIZER)
    response = preview(client, roster_org["units"]["a"].id, _sheet_bomb(roster_xlsx([ROW])))
    assert response.status_code == 200
    assert "压缩炸弹" in response.get_data(as_text=True)


def test_a_good_roster_still_reads():
    assert reader.read_roster(roster_xlsx([ROW]), "名单.xlsx").rows[0].get("name") == "甲"
