"""Reading typed paper answers (``quizapp.paper.entry``), without a database: every mark a
typist may use, and any text at all is read or refused with a Chinese LineError, never
anything else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.models import BankQuestion, QuestionType
from quizapp.paper.entry import LineError, read_answers, split_lines
from quizapp.paper.papers import PaperQuestion, Section


def _question(qtype: QuestionType, stem: str = "题干", answer=None, options=4) -> BankQuestion:
    return BankQuestion(type=qtype, stem=stem, options=[f"选项{i}" for i in range(options)]
                        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) else [],
                        answer=answer if answer is not None else [0])


def _paper() -> list[Section]:
    """2 single (4 and 3 options), 2 multiple, 3 judge, 2 fill (one of two blanks)."""
    specs = [(QuestionType.SINGLE, 4), (QuestionType.SINGLE, 3), (QuestionType.MULTIPLE, 4),
             (QuestionType.MULTIPLE, 4), (QuestionType.JUDGE, 0), (QuestionType.JUDGE, 0),
             (QuestionType.JUDGE, 0), (QuestionType.FILL, 0), (QuestionType.FILL, 0)]
    numbered = []
    for n, (qtype, options) in enumerate(specs, start=1):
        stem = "上好____和开好____" if n == 9 else "填空____" if qtype is QuestionType.FILL else "题干"
        answer = ["党课", "党小组会"] if n == 9 else ["党课"] if qtype is QuestionType.FILL else (
            True if qtype is QuestionType.JUDGE else [0])
        question = _question(qtype, stem, answer, options)
        numbered.append(PaperQuestion(n, question, list(range(options))[::-1], 1))
    return [Section(t, [q for q in numbered if q.question.type is t])
            for t in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.JUDGE, QuestionType.FILL)]


def test_every_mark_a_typist_may_use():
    shown = read_answers(_paper(), ["b-", "AC，-", "对×t", "党课;党课/党小组会"])
    # Display positions (A = 0); the option order is applied when the answer is stored.
    assert shown == [1, None, [0, 2], None, True, False, True, ["党课"], ["党课", "党小组会"]]
    assert read_answers(_paper(), ["AC", "ABCD,D", "FN√", "-;-"])[4:7] == [False, False, True]


def test_lines_split_on_tabs_or_spaces_and_read_a_total():
    lines = split_lines("DEMO1001\ta\tAB\tAC,D\n\n  13800000001  B  =85  \r\n")
    assert [(l.number, l.member, l.label, l.fields, l.total) for l in lines] == [
        (1, "DEMO1001", "A", ["AB", "AC,D"], None), (3, "13800000001", "B", [], 85)]


@pytest.mark.parametrize("fields, message", [
    (["AB", "AC,D", "TFT"], "答案应有 4 项"),
    (["ABC", "AC,D", "TFT", "a;b/c"], "单项选择题（第 1–2 题）应有 2 个字母，实际 3 个"),
    (["AD", "AC,D", "TFT", "a;b/c"], "第 2 题只有选项 A、B、C，不能填“D”"),
    (["AB", "AC", "TFT", "a;b/c"], "多项选择题（第 3–4 题）应有 2 个答案（用逗号分隔），实际 1 个"),
    (["AB", "AA,D", "TFT", "a;b/c"], "第 3 题的答案“AA”有重复的字母"),
    (["AB", "AC,D", "TF", "a;b/c"], "判断题（第 5–7 题）应有 3 个判断（T/F 或 对/错），实际 2 个"),
    (["AB", "AC,D", "TFA", "a;b/c"], "第 7 题是判断题，应填 T/F 或 对/错，不能填“A”"),
    (["AB", "AC,D", "TFT", "a;b"], "第 9 题有 2 个空，答案“b”有 1 个"),
    (["AB", "AC,D", "TFT", "a"], "填空题（第 8–9 题）应有 2 个答案（用分号分隔），实际 1 个"),
])
def test_a_bad_field_says_what_is_wrong(fields, message):
    with pytest.raises(LineError) as error:
        read_answers(_paper(), fields)
    assert message in str(error.value)


@pytest.mark.parametrize("text, message", [
    ("DEMO1001 A", "至少要有“成员 卷别 答案”三项"),
    ("DEMO1001 C AB", "第二项是卷别，应为 A 或 B，不是“C”"),
])
def test_a_bad_line_names_itself(text, message):
    with pytest.raises(LineError) as error:
        split_lines("\n" + text)
    assert message in str(error.value) and str(error.value).startswith("第 2 行")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ABCDEabT F对错√×-;；,，/\t\n=0123456789党课")),
               max_size=60))
def test_any_text_is_read_or_refused_with_a_line_error(text):
    try:
        lines = split_lines("DEMO1001 A " + text)
    except LineError as error:
        assert str(error).startswith("第 ")
        return
    for line in lines:
        try:
            shown = read_answers(_paper(), line.fields)
        except LineError:
            continue
        assert len(shown) == 9
