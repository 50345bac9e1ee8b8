"""Uploading a speech from the browser, bad files, re-import, and the readable full text."""

from __future__ import annotations

import io
import re

import docx
import pytest
from bank_helpers import (  # noqa: F401 - fixtures
    V1_BUILT,
    ORGANIZER_A,
    V1,
    V2,
    bank_import_dir,
    bank_org,
    import_text,
    speech_a,
    upload,
)
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import BankQuestion, Speech


def _docx(lines):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _speech_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Speech))


def test_upload_a_txt_speech(app, client, bank_org, login):
    login(client, ORGANIZER_A)
    form = client.get("/organize/speeches/new").get_data(as_text=True)
    assert "第一党总支 / 第一党支部" in form and "第二党总支" not in form
    response = upload(client, "/organize/speeches/new", V1.encode(), "会议讲话.txt",
                      unit=bank_org["units"]["a"].id, title="", delivered_on="2024-03-01", occasion="党建工作会议")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"已导入《在机关党建工作会议上的讲话》：新增 {V1_BUILT} 道" in html
    assert f"题目 {V1_BUILT} 道" in html  # the builder's report
    with app.app_context():
        speech = db.session.scalars(select(Speech)).one()
        assert speech.file_name == "会议讲话.txt" and speech.delivered_on.isoformat() == "2024-03-01"
        assert speech.occasion == "党建工作会议"
        assert speech.imported_by_id == bank_org["people"]["organizer_a"].id


def test_upload_a_docx_speech_with_a_title(app, client, bank_org, login):
    login(client, ORGANIZER_A)
    response = upload(client, "/organize/speeches/new", _docx(V1.split("\n")), "讲话.docx",
                      unit=bank_org["units"]["a1"].id, title="支部学习材料")
    assert f"已导入《支部学习材料》：新增 {V1_BUILT} 道" in response.get_data(as_text=True)
    with app.app_context():
        speech = db.session.scalars(select(Speech)).one()
        assert speech.unit_id == bank_org["units"]["a1"].id and speech.text == V1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "文件为空"),
        (b"   \n\n", "blank.txt", "文件为空"),
        (b"\x00\x01\x02binary" * 50, "data.txt", "二进制文件"),
        (b"\x80\x80\x80\xff\xff", "unknown.txt", "无法识别文件的编码"),
        (b"PK\x03\x04 not really a zip", "broken.docx", "不是有效的 .docx 文件"),
        ("同志们。".encode() * 200_000, "big.txt", "文件超过 2 MB"),
        (b"%PDF-1.4", "speech.pdf", "PDF 文件已损坏"),
        (b"{\\rtf1 speech}", "speech.rtf", "只支持 .txt、.docx 或 .pdf"),
    ],
)
def test_bad_files_give_the_reason_on_the_page(app, client, bank_org, login, data, name, message):
    login(client, ORGANIZER_A)
    response = upload(client, "/organize/speeches/new", data, name, unit=bank_org["units"]["a"].id)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _speech_count(app) == 0


def test_uploading_a_unit_outside_the_subtree_is_refused(app, client, bank_org, login):
    login(client, ORGANIZER_A)
    response = upload(client, "/organize/speeches/new", V1.encode(), "x.txt", unit=bank_org["units"]["b"].id)
    assert response.status_code == 200 and "只能导入到您负责的组织" in response.get_data(as_text=True)
    assert _speech_count(app) == 0


def test_uploading_without_a_file_asks_for_one(app, client, bank_org, login):
    login(client, ORGANIZER_A)
    response = client.post("/organize/speeches/new", data={"unit": bank_org["units"]["a"].id},
                           content_type="multipart/form-data")
    assert "请选择讲话稿文件" in response.get_data(as_text=True)


def test_uploading_another_file_under_a_used_name_changes_nothing(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    with app.app_context():
        before = db.session.get(Speech, speech_a).text
    html = upload(client, "/organize/speeches/new", V2.encode(), "讲话.txt",
                  unit=bank_org["units"]["a"].id).get_data(as_text=True)
    assert "该组织已有同名讲话稿《在机关党建工作会议上的讲话》" in html
    assert f"/organize/speeches/{speech_a}/reimport" in html  # the way to update it on purpose
    assert _speech_count(app) == 1
    with app.app_context():
        assert db.session.get(Speech, speech_a).text == before


def test_reimport_from_the_speech_page_keeps_the_builder_ids(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    with app.app_context():
        ids_before = set(db.session.scalars(select(BankQuestion.external_id)))
    html = upload(client, f"/organize/speeches/{speech_a}/reimport", V1.encode(), "修订版.txt").get_data(as_text=True)
    assert "已重新导入" in html and f"未变 {V1_BUILT} 道" in html
    with app.app_context():
        assert set(db.session.scalars(select(BankQuestion.external_id))) == ids_before
        assert db.session.get(Speech, speech_a).file_name == "讲话.txt"
    bad = upload(client, f"/organize/speeches/{speech_a}/reimport", b"\xff\xfe\x00\x00", "x.txt")
    assert bad.status_code == 200 and "二进制文件" in bad.get_data(as_text=True)


def test_speech_page_numbers_paragraphs_and_highlights_a_sentence(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    sentence = "每周开展一次集中学习，每半年进行一次述职评议。"
    html = client.get(f"/organize/speeches/{speech_a}", query_string={"p": 5, "s": sentence}).get_data(as_text=True)
    assert 'id="p5"' in html and 'id="p1"' in html
    assert f"<mark>{sentence}</mark>" in html
    assert html.count("<mark>") == 1
    # The same sentence asked of another paragraph highlights nothing.
    other = client.get(f"/organize/speeches/{speech_a}", query_string={"p": 4, "s": sentence})
    assert "<mark>" not in other.get_data(as_text=True)
    # Nonsense parameters are ignored.
    assert client.get(f"/organize/speeches/{speech_a}?p=abc&s=").status_code == 200


def test_speech_text_and_highlight_are_escaped(app, client, bank_org, login):
    text = "同志们：\n要防止<script>alert(1)</script>这样的“两面人”。"
    speech_id = import_text(app, bank_org["units"]["a"].id, text, "x.txt", title="讲话")["speech_id"]
    login(client, ORGANIZER_A)
    html = client.get(f"/organize/speeches/{speech_id}",
                      query_string={"p": 2, "s": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in html


def test_edit_speech_information(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    response = client.post(f"/organize/speeches/{speech_a}/edit",
                           data={"title": "新标题", "delivered_on": "2023-07-01", "occasion": "七一表彰大会"})
    assert response.status_code == 302
    with app.app_context():
        speech = db.session.get(Speech, speech_a)
        assert (speech.title, speech.delivered_on.isoformat(), speech.occasion) == ("新标题", "2023-07-01", "七一表彰大会")
    blank = client.post(f"/organize/speeches/{speech_a}/edit", data={"title": " "})
    assert "请填写标题" in blank.get_data(as_text=True)


def test_speech_list_shows_counts(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    html = client.get("/organize/").get_data(as_text=True)
    assert "在机关党建工作会议上的讲话" in html and f"共 {V1_BUILT} 道" in html and f"待审核 {V1_BUILT}" in html


def test_a_bad_date_is_explained(app, client, bank_org, login):
    login(client, ORGANIZER_A)
    response = upload(client, "/organize/speeches/new", V1.encode(), "x.txt",
                      unit=bank_org["units"]["a"].id, delivered_on="2024-13-45")
    assert "日期格式应为 2024-07-01" in response.get_data(as_text=True)
    assert _speech_count(app) == 0


def test_reimport_reads_a_docx_for_a_speech_first_imported_as_txt(app, client, bank_org, login, speech_a):
    login(client, ORGANIZER_A)
    document = docx.Document()
    for line in V1.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    html = upload(client, f"/organize/speeches/{speech_a}/reimport", buffer.getvalue(), "修订版.docx").get_data(as_text=True)
    assert "已重新导入" in html and f"未变 {V1_BUILT} 道" in html
    with app.app_context():
        assert db.session.get(Speech, speech_a).file_name == "讲话.txt"


def test_a_speech_without_a_title_asks_for_one_and_keeps_nothing(app, client, bank_org, login):
    login(client, ORGANIZER_A)
    text = "同志们：\n要建设学习型、服务型、创新型的“三型”党支部。".encode()
    response = upload(client, "/organize/speeches/new", text, "0001_abc.txt", unit=bank_org["units"]["a"].id)
    html = response.get_data(as_text=True)
    assert "没有找到标题" in html and "请填写标题" in html
    assert _speech_count(app) == 0
    response = upload(client, "/organize/speeches/new", text, "0001_abc.txt", unit=bank_org["units"]["a"].id,
                      title="七一党课讲稿")
    assert "已导入《七一党课讲稿》" in response.get_data(as_text=True)


def test_a_zip_that_is_no_word_document_is_explained_without_exception_names(app, client, bank_org, login):
    from openpyxl import Workbook

    book, output = Workbook(), io.BytesIO()
    book.save(output)  # a real zip, but a workbook: python-docx raises PackageNotFoundError
    login(client, ORGANIZER_A)
    html = upload(client, "/organize/speeches/new", output.getvalue(), "讲话.docx",
                  unit=bank_org["units"]["a"].id).get_data(as_text=True)
    assert "不是有效的 .docx 文件" in html and "另存为 .docx" in html
    assert not re.search(r"[A-Z][a-z]+(?:[A-Z][a-z]+)*Error", html)
    assert _speech_count(app) == 0
