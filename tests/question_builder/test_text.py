"""Reading speeches: .txt and .docx, and every kind of bad input."""
from __future__ import annotations

import docx
import pytest

from questions.text import SpeechError, clause_around, read_speech, sentences


def test_txt_paragraphs_are_lines(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("同志们：\n第一句。第二句！\n\n结尾", encoding="utf-8")
    speech = read_speech(path)
    assert speech.name == "s.txt"
    assert speech.paragraphs == ("同志们：", "第一句。第二句！", "", "结尾")


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff开展“基层党建推进年”活动。".encode("utf-8"))
    assert read_speech(path).paragraphs[0].startswith("开展")


def test_docx_is_read_paragraph_by_paragraph(tmp_path):
    document = docx.Document()
    document.add_paragraph("着力打造“四强”党支部。")
    document.add_paragraph("每月开展党建知识选学。")
    path = tmp_path / "s.docx"
    document.save(path)
    assert read_speech(path).paragraphs == ("着力打造“四强”党支部。", "每月开展党建知识选学。")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "为空"),
        (b"  \n\n ", "为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "二进制"),
        (b"\x80\x80\x80\xff\xff", "无法识别文件的编码"),
    ],
    ids=["empty", "blank", "binary", "unknown-encoding"],
)
def test_bad_txt_is_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SpeechError, match=message):
        read_speech(path)


def test_corrupt_docx_is_refused(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(SpeechError, match="docx"):
        read_speech(path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(SpeechError, match="不存在"):
        read_speech(tmp_path / "none.txt")


def test_sentences_keep_closing_quote():
    spans = sentences("他说：“要抓落实。”然后散会。")
    assert [s.text for s in spans] == ["他说：“要抓落实。”", "然后散会。"]


def test_clause_around_grows_to_whole_clauses():
    sentence = "围绕学习贯彻党的二十大精神，每月开展党规党纪选学，每季度进行应知应会测试。"
    at = sentence.index("每月")
    clause = clause_around(sentence, at, at + 2, min_len=12)
    assert clause.startswith("每月开展党规党纪选学")
    assert "每季度" in clause


def test_a_docx_speech_gives_the_same_concepts_as_its_text(tmp_path, speech_paths):
    from questions.concepts import find_concepts

    source = speech_paths[0]
    document = docx.Document()
    for line in source.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "speech.docx"
    document.save(path)
    as_text = [c.to_json() for c in find_concepts(read_speech(source))]
    as_docx = [c.to_json() for c in find_concepts(read_speech(path))]
    for row in as_text + as_docx:
        row.pop("speech")
    assert as_docx == as_text and len(as_text) > 20


def test_title_is_the_first_line_or_the_meeting_named_at_the_start():
    from questions.text import speech_from_text

    assert speech_from_text("a.txt", "努力开创机关党建新局面\n同志们：").title == "努力开创机关党建新局面"
    opening = "同志们：\n今天，我们召开2026年全区机关党建工作会议，主要任务是总结工作。"
    assert speech_from_text("b.txt", opening).title == "在2026年全区机关党建工作会议上的讲话"
    assert speech_from_text("c.txt", "同志们：\n大家辛苦了。").title == ""
