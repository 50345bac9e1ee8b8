"""Reading the lines an organizer or secretary types for paper members (plain parsing, no
database).

One line a member, fields separated by a tab (a row pasted from Excel) or by spaces::

    成员  卷别  单选  多选  判断  填空

* 成员: the 党员编号, the 手机号 or the name.
* 卷别: A or B, the version the member sat.
* then one field for each section the paper has, in the paper's order:
  单选 one letter a question (``ABDCA``); 多选 one group of letters a question, separated by
  commas (``AB,ACD,BD``); 判断 one mark a question: T/F, 对/错, √/×, Y/N (``TFFT``);
  填空 one answer a question separated by ``;`` (a question of several blanks separates them
  with ``/``). ``-`` marks a question left blank (in 填空, an empty answer too).

Or just the total: ``成员  卷别  =85`` (the score the member's paper was marked with).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from quizapp.models import QuestionType
from quizapp.paper.papers import LETTERS, Section

BLANK_MARKS = set("-_－—")
TRUE_MARKS = set("TY对√✓✔") | {"t", "y"}
FALSE_MARKS = set("FNX错×✗✘") | {"f", "n", "x"}
MAX_LINES = 500
_TOTAL_RE = re.compile(r"^[=＝](\d{1,4})$")
_GROUP_SEPARATORS = re.compile(r"[,，、]")
_FILL_SEPARATORS = re.compile(r"[;；]")
_BLANK_SEPARATORS = re.compile(r"[/／|]")


class LineError(ValueError):
    """A line that cannot be read; the message says what is wrong with it, in Chinese."""


@dataclass(frozen=True)
class Line:
    """One typed line: who, which version, and either every answer or a total."""

    number: int  # the line's number in the box (1-based), for messages
    member: str
    label: str
    fields: list[str]
    total: int | None


def split_lines(text: str) -> list[Line]:
    """The non-empty lines of the box, split into fields. Raises LineError (whose message
    names the line) for a line with too few fields, a bad version or a bad total."""
    rows = [(n, raw) for n, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1)
            if raw.strip()]
    if len(rows) > MAX_LINES:
        raise LineError(f"一次最多录入 {MAX_LINES} 行，请分批录入")
    return [_split(n, raw) for n, raw in rows]


def _split(number: int, raw: str) -> Line:
    fields = [f.strip() for f in (raw.split("\t") if "\t" in raw else raw.split())]
    fields = [f for f in fields if f]
    if len(fields) < 3:
        raise LineError(f"第 {number} 行：至少要有“成员 卷别 答案”三项（或“成员 卷别 =总分”）")
    member, label, rest = fields[0], fields[1].upper(), fields[2:]
    if label not in ("A", "B"):
        raise LineError(f"第 {number} 行：第二项是卷别，应为 A 或 B，不是“{fields[1]}”")
    total = _TOTAL_RE.match(rest[0]) if len(rest) == 1 else None
    return Line(number, member, label, [] if total else rest, int(total.group(1)) if total else None)


def read_answers(sections: list[Section], fields: list[str]) -> list[Any]:
    """The display-form responses (as ``quiz.responses`` takes them) of every question of the
    paper, in printed order, from one field per section. Raises LineError saying which
    section is wrong and how."""
    if len(fields) != len(sections):
        names = "、".join(s.title.removesuffix("题") for s in sections)
        raise LineError(f"答案应有 {len(sections)} 项（{names}），实际 {len(fields)} 项")
    shown: list[Any] = []
    for section, field in zip(sections, fields):
        reader = {QuestionType.SINGLE: _singles, QuestionType.MULTIPLE: _multiples,
                  QuestionType.JUDGE: _judges, QuestionType.FILL: _fills}[section.type]
        shown.extend(reader(section, field))
    return shown


def _count_error(section: Section, unit: str, got: int) -> LineError:
    first, last = section.questions[0].number, section.questions[-1].number
    return LineError(f"{section.title}（第 {first}–{last} 题）应有 {len(section.questions)} 个"
                     f"{unit}，实际 {got} 个")


def _letter(section: Section, index: int, letter: str) -> int:
    question = section.questions[index]
    position = LETTERS.find(letter.upper())
    if position < 0 or position >= len(question.option_order):
        choices = LETTERS[:len(question.option_order)]
        raise LineError(f"第 {question.number} 题只有选项 {'、'.join(choices)}，不能填“{letter}”")
    return position


def _singles(section: Section, field: str) -> list[Any]:
    marks = [ch for ch in field if not ch.isspace()]
    if len(marks) != len(section.questions):
        raise _count_error(section, "字母", len(marks))
    return [None if mark in BLANK_MARKS else _letter(section, i, mark)
            for i, mark in enumerate(marks)]


def _multiples(section: Section, field: str) -> list[Any]:
    groups = [g.strip() for g in _GROUP_SEPARATORS.split(field)]
    if len(groups) != len(section.questions):
        raise _count_error(section, "答案（用逗号分隔）", len(groups))
    shown: list[Any] = []
    for i, group in enumerate(groups):
        if not group or group in BLANK_MARKS:
            shown.append(None)
            continue
        positions = [_letter(section, i, letter) for letter in group if not letter.isspace()]
        if len(set(positions)) != len(positions):
            raise LineError(f"第 {section.questions[i].number} 题的答案“{group}”有重复的字母")
        shown.append(sorted(positions))
    return shown


def _judges(section: Section, field: str) -> list[Any]:
    marks = [ch for ch in field if not ch.isspace()]
    if len(marks) != len(section.questions):
        raise _count_error(section, "判断（T/F 或 对/错）", len(marks))
    shown: list[Any] = []
    for i, mark in enumerate(marks):
        if mark in BLANK_MARKS:
            shown.append(None)
        elif mark in TRUE_MARKS or mark.upper() in TRUE_MARKS:
            shown.append(True)
        elif mark in FALSE_MARKS or mark.upper() in FALSE_MARKS:
            shown.append(False)
        else:
            raise LineError(f"第 {section.questions[i].number} 题是判断题，应填 T/F 或 对/错，"
                            f"不能填“{mark}”")
    return shown


def _fills(section: Section, field: str) -> list[Any]:
    answers = [a.strip() for a in _FILL_SEPARATORS.split(field)]
    if len(answers) != len(section.questions):
        raise _count_error(section, "答案（用分号分隔）", len(answers))
    shown: list[Any] = []
    for question, answer in zip(section.questions, answers):
        if not answer or answer in BLANK_MARKS:
            shown.append(None)
            continue
        blanks = [b.strip() for b in _BLANK_SEPARATORS.split(answer)]
        if len(blanks) != question.blanks:
            raise LineError(f"第 {question.number} 题有 {question.blanks} 个空，答案“{answer}”"
                            f"有 {len(blanks)} 个（空与空之间用 / 分隔）")
        shown.append(blanks)
    return shown
