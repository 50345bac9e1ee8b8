"""Speech files as they arrive: text in UTF-8, UTF-16 or GBK, .docx and .pdf, and every kind of
bad or malicious file refused with a reason before a parser opens it."""
from __future__ import annotations

import time
import zipfile

import pytest

from questions.reading import NO_TEXT_LAYER, pdf_paragraphs
from questions.text import SpeechError, read_speech, speech_from_bytes

from .speech_files import MB, make_docx, make_pdf, pdf_bomb, rezip, understate, zeros_xml

LINES = ["在机关党建工作会议上的讲话", "同志们：", "着力打造“四强”党支部，每季度开展1次党建知识测试。"]
TEXT = "\r\n".join(LINES) + "\r\n"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    TEXT.encode("gbk"),
    TEXT.encode("gb18030"),
    b"\xff\xfe" + TEXT.encode("utf-16-le"),
    b"\xfe\xff" + TEXT.encode("utf-16-be"),
    TEXT.encode("utf-16-le"),
    TEXT.encode("utf-16-be"),
], ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be"])
def test_text_in_any_usual_encoding_reads_the_same(tmp_path, data):
    path = tmp_path / "讲话.txt"
    path.write_bytes(data)
    speech = read_speech(path)
    assert speech.paragraphs == tuple(LINES)
    assert speech.title == LINES[0]


def test_gb18030_beyond_gbk_is_read():
    text = "同志们：要学习𠀀字。"  # a character GBK does not have
    assert speech_from_bytes("a.txt", text.encode("gb18030")).paragraphs == (text,)


@pytest.mark.parametrize("data, message", [
    (b"\x80\x80\x80\xff\xff", "无法识别文件的编码"),
    (b"\xff\xfe" + b"\x00\xd8" * 10, "UTF-16 编码"),  # a lone surrogate after a UTF-16 mark
    (bytes(range(256)) * 4, "二进制"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "二进制"),
], ids=["unknown", "bad-utf16", "bytes", "png"])
def test_text_that_is_no_known_encoding_is_refused(data, message):
    with pytest.raises(SpeechError, match=message):
        speech_from_bytes("a.txt", data)


# -- PDF ---------------------------------------------------------------------------------------

PDF_PAGES = [
    ["在机关党建工作会议上的讲话", "同志们：", "今年机关党建工作以习近平新时代中国特色社会",
     "主义思想为指导，认真学习“两个确立”，扎实开展", "“清廉机关建设年”活动。", "第一，坚定理想信念；",
     "第二，压实工作责任。每周开展一次集中学习，每半年", "- 1 -"],
    ["进行一次述职评议，持续提升执行力、创新力、凝聚", "力。", "2"],
]


def test_a_pdf_is_read_as_paragraphs():
    speech = speech_from_bytes("讲话.pdf", make_pdf(PDF_PAGES))
    assert speech.paragraphs == (
        "在机关党建工作会议上的讲话",
        "同志们：",
        "今年机关党建工作以习近平新时代中国特色社会主义思想为指导，认真学习“两个确立”，"
        "扎实开展“清廉机关建设年”活动。",
        "第一，坚定理想信念；",
        "第二，压实工作责任。每周开展一次集中学习，每半年进行一次述职评议，持续提升执行力、创新力、凝聚力。",
    )
    assert speech.title == "在机关党建工作会议上的讲话"


def test_pdf_lines_join_into_paragraphs():
    pages = ["第一行很长很长很长很长很长很长很长\n接着写完。\n短标题\n另一段的第一行很长很长很长很长很",
             "跨页继续写完了！\nPolicy and\nparty work"]
    assert pdf_paragraphs(pages) == [
        "第一行很长很长很长很长很长很长很长接着写完。", "短标题",
        "另一段的第一行很长很长很长很长很跨页继续写完了！", "Policy and party work"]
    assert pdf_paragraphs(["加 强 党 建 工 作 ， 每 月 学 习 。"]) == ["加强党建工作，每月学习。"]


def test_a_scanned_pdf_says_it_has_no_text_layer():
    with pytest.raises(SpeechError) as caught:
        speech_from_bytes("扫描件.pdf", make_pdf([[], []]))
    assert str(caught.value) == NO_TEXT_LAYER and "该PDF没有文字层（可能是扫描件）" in NO_TEXT_LAYER


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "PDF 文件已损坏"),
    (make_pdf([["同志们："]])[:300], "PDF 文件已损坏"),
    (b"not a pdf at all", "不是有效的 PDF"),
], ids=["truncated", "cut", "not-pdf"])
def test_a_broken_pdf_is_refused(data, message):
    with pytest.raises(SpeechError, match=message):
        speech_from_bytes("a.pdf", data)


def test_a_pdf_bomb_is_refused_quickly():
    data = pdf_bomb(60 * MB)
    assert len(data) < 100_000
    started = time.perf_counter()
    with pytest.raises(SpeechError, match="解压后过大"):
        speech_from_bytes("bomb.pdf", data)
    assert time.perf_counter() - started < 5


# -- Word --------------------------------------------------------------------------------------

def test_a_docx_bomb_is_refused_before_it_is_parsed():
    data = rezip(make_docx(["同志们："]), replace={"word/document.xml": zeros_xml(50 * MB)})
    assert len(data) < 200_000
    started = time.perf_counter()
    with pytest.raises(SpeechError, match="压缩炸弹"):
        speech_from_bytes("bomb.docx", data)
    assert time.perf_counter() - started < 2


def test_a_docx_whose_header_understates_a_size_is_refused():
    bomb = rezip(make_docx(["同志们："]), replace={"word/document.xml": zeros_xml(50 * MB)})
    lying = understate(bomb, "word/document.xml", 4000)
    with zipfile.ZipFile(__import__("io").BytesIO(lying)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 4000  # the header lies
    with pytest.raises(SpeechError, match="校验失败"):
        speech_from_bytes("lying.docx", lying)


def test_a_docx_with_malformed_xml_says_so():
    data = rezip(make_docx(["同志们："]), replace={"word/document.xml": b"<w:document><w:body>"})
    with pytest.raises(SpeechError, match="XML 格式错误"):
        speech_from_bytes("broken.docx", data)


def test_a_docx_declaring_entities_is_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
              b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
              b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>")
    data = rezip(make_docx(["同志们："]), replace={"word/document.xml": laughs})
    with pytest.raises(SpeechError, match="DTD"):
        speech_from_bytes("laughs.docx", data)


def test_a_good_docx_still_reads():
    assert speech_from_bytes("a.docx", make_docx(LINES)).paragraphs == tuple(LINES)
