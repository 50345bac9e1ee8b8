"""The Word (.docx) files of a printed test: the paper with its answer sheet, and the key.

A4, 2 cm margins, 宋体 for Chinese text (a printer without it substitutes a Song face), page
numbers in the footer. The paper: a header (the test's name and version, the unit, the time
allowed and the window), a line for the member's name, branch and score, the questions by
section numbered 1..n with options A, B, …, then on a page of its own the answer sheet (答题卡)
in the same numbering. The key (参考答案与解析) follows the same version: each number's answer,
its 解析 and the source sentence with its speech.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.document import Document as DocumentType

from quizapp.models import Activity, Paper, QuestionType
from quizapp.paper.papers import LETTERS, PaperQuestion, Section
from quizapp.quiz.responses import BLANK_RE
from quizapp.results.clock import local_time

FONT = "宋体"
CHINESE_NUMBERS = "一二三四五六七八九十"
SHEET_COLUMNS = 10  # answer boxes a row on the answer sheet
ONE_LINE_CHARS = 24  # options this short in all go on one line


def _new_document() -> DocumentType:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(2)
    _page_numbers(section.footer.paragraphs[0])
    return document


def _page_numbers(paragraph) -> None:  # type: ignore[no-untyped-def]
    """"第 N 页 共 M 页", centred, as fields Word and LibreOffice fill in."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("第 ", "PAGE"), (" 页 共 ", "NUMPAGES"), (" 页", None)):
        paragraph.add_run(text)
        if field:
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), field)
            run = OxmlElement("w:r")
            shown = OxmlElement("w:t")
            shown.text = "1"
            run.append(shown)
            simple.append(run)
            paragraph._p.append(simple)


def _line(document: DocumentType, text: str, *, size: float | None = None, bold: bool = False,
          center: bool = False, before: float = 0):  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if before:
        paragraph.paragraph_format.space_before = Pt(before)
    return paragraph


def _header(document: DocumentType, activity: Activity, paper: Paper, subtitle: str,
            max_score: int, count: int) -> None:
    _line(document, activity.title, size=16, bold=True, center=True)
    _line(document, f"{subtitle}（{paper.label}卷）", size=13, bold=True, center=True)
    limit = f"{activity.time_limit_minutes} 分钟" if activity.time_limit_minutes else "不限时"
    _line(document, f"单位：{activity.unit.name}　　答题时间：{limit}　　共 {count} 题，满分 {max_score} 分",
          center=True)
    window = f"{local_time(activity.opens_at, '%Y年%m月%d日 %H:%M')} 至 {local_time(activity.closes_at, '%Y年%m月%d日 %H:%M')}"
    _line(document, f"测试期间：{window}（北京时间）", size=10, center=True)


def _stem(question: PaperQuestion) -> str:
    stem = BLANK_RE.sub("________", question.question.stem)
    if question.question.type is not QuestionType.FILL:
        stem = f"{stem}（    ）"
    return f"{question.number}. {stem}"


def _section_title(n: int, section: Section) -> str:
    each = {q.points for q in section.questions}
    rule = f"每题 {each.pop()} 分" if len(each) == 1 else "分值见题后"
    return (f"{CHINESE_NUMBERS[n]}、{section.title}（共 {len(section.questions)} 题，{rule}，"
            f"共 {section.points} 分）")


def paper_docx(activity: Activity, paper: Paper, sections: list[Section]) -> bytes:
    """The paper of one version, its answer sheet on the last page, as .docx bytes."""
    document = _new_document()
    questions = [q for s in sections for q in s.questions]
    total = sum(q.points for q in questions)
    _header(document, activity, paper, "试卷", total, len(questions))
    _line(document, "姓名：____________　　所在支部：____________________　　得分：________",
          before=6)
    _line(document, "说明：请将答案填写在最后一页的答题卡上；判断题对的填“√”，错的填“×”。",
          size=10)
    for n, section in enumerate(sections):
        _line(document, _section_title(n, section), bold=True, before=8)
        for question in section.questions:
            paragraph = _line(document, _stem(question), before=3)
            paragraph.paragraph_format.keep_with_next = bool(question.option_order)
            _options(document, question)
    _answer_sheet(document, activity, paper, sections)
    return _bytes(document)


def _options(document: DocumentType, question: PaperQuestion) -> None:
    """Short options on one line (as a printed paper sets them), long ones a line each; kept
    on the page of their stem."""
    labelled = [f"{LETTERS[position]}. {option}" for position, option in enumerate(question.options)]
    if not labelled:
        return
    rows = ["　　".join(labelled)] if sum(len(o) for o in question.options) <= ONE_LINE_CHARS else labelled
    for n, text in enumerate(rows):
        option_line = _line(document, text)
        option_line.paragraph_format.left_indent = Mm(7)
        option_line.paragraph_format.keep_with_next = n < len(rows) - 1


def _answer_sheet(document: DocumentType, activity: Activity, paper: Paper,
                  sections: list[Section]) -> None:
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    _line(document, f"{activity.title}", size=14, bold=True, center=True)
    _line(document, f"答题卡（{paper.label}卷）", size=13, bold=True, center=True)
    _line(document, "姓名：____________　　党员编号：____________　　所在支部：________________",
          before=6)
    for n, section in enumerate(sections):
        _line(document, f"{CHINESE_NUMBERS[n]}、{section.title}", bold=True, before=8)
        if section.type is QuestionType.FILL:
            for question in section.questions:
                cells = "　".join(["____________________"] * question.blanks)
                _line(document, f"{question.number}. {cells}", before=4)
            continue
        numbers = [q.number for q in section.questions]
        columns = min(SHEET_COLUMNS, len(numbers))
        for start in range(0, len(numbers), SHEET_COLUMNS):
            row_numbers = numbers[start:start + SHEET_COLUMNS]
            table = document.add_table(rows=2, cols=columns)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for column, number in enumerate(row_numbers):
                cell = table.cell(0, column)
                cell.text = str(number)
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for column in range(columns):
                table.rows[1].cells[column].paragraphs[0].paragraph_format.space_before = Pt(9)
                table.rows[1].cells[column].paragraphs[0].paragraph_format.space_after = Pt(9)
            document.add_paragraph()


def key_docx(activity: Activity, paper: Paper, sections: list[Section]) -> bytes:
    """The key of one version: each number's answer, 解析 and source, as .docx bytes."""
    document = _new_document()
    questions = [q for s in sections for q in s.questions]
    _header(document, activity, paper, "参考答案与解析", sum(q.points for q in questions),
            len(questions))
    _line(document, "本页供阅卷和录入使用，请勿随试卷发放。", size=10, bold=True, center=True)
    for n, section in enumerate(sections):
        _line(document, f"{CHINESE_NUMBERS[n]}、{section.title}", bold=True, before=8)
        summary = "　".join(f"{q.number}. {q.key_letters()}" for q in section.questions)
        _line(document, f"答案速查：{summary}", size=10)
        for question in section.questions:
            _line(document, f"{question.number}. 答案：{question.key_letters()}", bold=True, before=4)
            if question.question.explanation:
                _line(document, f"解析：{question.question.explanation.removeprefix('解析：')}",
                      size=10)
            source = question.question.sentence
            if source:
                _line(document, f"出处：《{question.question.speech.title}》：{source}", size=10)
    return _bytes(document)


def _bytes(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
