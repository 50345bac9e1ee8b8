"""A question's content as an organizer writes it, checked by the rules of its type.

The edit form and the Excel import both go through :func:`parse_content`, so a question is
valid by the same rules wherever it was written. Answers are written the way organizers write
them on paper: letters for choices (``B``, ``ACD``), 对/错 for a judgement, the words for each
blank of a fill (one per line, or separated by 、 when the stem has several blanks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from quizapp.models import QuestionType

LETTERS = "ABCDEFGH"
MAX_STEM = 1000
MAX_OPTION = 200
MAX_EXPLANATION = 2000
BLANK_RE = re.compile(r"_{3,}")
_LETTER_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_TRUE = {"对", "正确", "√", "是", "T", "TRUE", "Y"}
_FALSE = {"错", "错误", "×", "否", "F", "FALSE", "N"}
TYPE_BY_LABEL = {t.label: t for t in QuestionType} | {t.label + "题": t for t in QuestionType}


class ContentError(ValueError):
    """The content breaks its type's rules; ``errors`` maps a field name to a Chinese message.

    Field names: stem, options, answer, explanation, difficulty, accepted_variants.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Content:
    """Checked content in the stored format (see ``BankQuestion``)."""

    stem: str
    options: list[str]
    answer: Any
    explanation: str
    difficulty: int
    accepted_variants: list[list[str]] = field(default_factory=list)


def blank_count(stem: str) -> int:
    """Blanks in a fill stem: runs of three or more underscores (the builder writes four)."""
    return len(BLANK_RE.findall(stem))


def parse_content(
    qtype: QuestionType,
    stem: str,
    options_text: str,
    answer_text: str,
    explanation: str = "",
    difficulty: int | str | None = 2,
    variants_text: str = "",
) -> Content:
    """Check what an organizer wrote for a question of ``qtype``; raise ContentError if wrong.

    single: two or more options and exactly one answer letter; multiple: three or more options
    and at least two answer letters; judge: 对 or 错, no options; fill: as many answers (and
    accepted variants) as the stem has blanks.
    """
    errors: dict[str, str] = {}
    stem = (stem or "").strip()
    if not stem:
        errors["stem"] = "请填写题干"
    elif len(stem) > MAX_STEM:
        errors["stem"] = f"题干不能超过 {MAX_STEM} 字"
    explanation = (explanation or "").strip()
    if len(explanation) > MAX_EXPLANATION:
        errors["explanation"] = f"解析不能超过 {MAX_EXPLANATION} 字"
    level = _difficulty(difficulty, errors)
    options: list[str] = []
    answer: Any = None
    variants: list[list[str]] = []
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        options = _options(qtype, options_text, errors)
        if options:
            answer = _letters(qtype, answer_text, len(options), errors)
    elif qtype is QuestionType.JUDGE:
        answer = _judgement(answer_text, errors)
    else:
        blanks = blank_count(stem)
        if stem and blanks == 0:
            errors["stem"] = "填空题的题干中没有空，请用 ____（四个下划线）标出要填的位置"
        answer = split_fill(answer_text, blanks)
        if not answer:
            errors["answer"] = "请填写答案"
        elif blanks and len(answer) != blanks:
            errors["answer"] = f"答案有 {len(answer)} 个，题干中有 {blanks} 个空，两者须一致"
        variants = _variants(variants_text, blanks, errors)
    if errors:
        raise ContentError(errors)
    return Content(stem, options, answer, explanation, level, variants)


def _difficulty(value: int | str | None, errors: dict[str, str]) -> int:
    if value is None or str(value).strip() == "":
        return 2
    try:
        level = int(float(str(value).strip()))
    except ValueError:
        level = 0
    if level not in (1, 2, 3):
        errors["difficulty"] = "难度只能是 1、2 或 3"
        return 2
    return level


def _options(qtype: QuestionType, text: str, errors: dict[str, str]) -> list[str]:
    options = [line.strip() for line in (text or "").splitlines() if line.strip()]
    least = 2 if qtype is QuestionType.SINGLE else 3
    if len(options) < least:
        errors["options"] = f"{qtype.label}题至少要有 {least} 个选项，每行一个"
    elif len(options) > len(LETTERS):
        errors["options"] = f"选项最多 {len(LETTERS)} 个"
    elif any(len(option) > MAX_OPTION for option in options):
        errors["options"] = f"每个选项不能超过 {MAX_OPTION} 字"
    else:
        repeated = next((o for i, o in enumerate(options) if o in options[:i]), None)
        if repeated is not None:
            errors["options"] = f"选项“{repeated}”重复了"
    return [] if "options" in errors else options


def _letters(qtype: QuestionType, text: str, count: int, errors: dict[str, str]) -> list[int] | None:
    letters = _LETTER_SEPARATORS.sub("", (text or "").upper())
    allowed = LETTERS[:count]
    if not letters:
        errors["answer"] = "请填写答案（选项字母，如 B）"
    elif any(ch not in allowed for ch in letters):
        bad = next(ch for ch in letters if ch not in allowed)
        errors["answer"] = f"答案“{bad}”不是选项字母（本题为 A–{allowed[-1]}）"
    elif len(set(letters)) != len(letters):
        errors["answer"] = "答案字母重复了"
    elif qtype is QuestionType.SINGLE and len(letters) != 1:
        errors["answer"] = "单选题只能有一个答案"
    elif qtype is QuestionType.MULTIPLE and len(letters) < 2:
        errors["answer"] = "多选题至少要有两个答案"
    else:
        return sorted(LETTERS.index(ch) for ch in letters)
    return None


def _judgement(text: str, errors: dict[str, str]) -> bool | None:
    value = (text or "").strip().upper()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    errors["answer"] = "判断题的答案只能是“对”或“错”"
    return None


def split_fill(text: str, blanks: int) -> list[str]:
    """A fill's answers: one per line; a single line is split at 、 when there are several blanks."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) == 1 and blanks > 1:
        lines = [part.strip() for part in lines[0].split("、") if part.strip()]
    return lines


def _variants(text: str, blanks: int, errors: dict[str, str]) -> list[list[str]]:
    variants: list[list[str]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = split_fill(line, blanks)
        if blanks and len(parts) != blanks:
            errors["accepted_variants"] = (
                f"第 {number} 行有 {len(parts)} 个答案，题干中有 {blanks} 个空，两者须一致"
            )
            return []
        variants.append(parts)
    return variants


def format_options(options: list[str]) -> str:
    """Options one per line, as the form and the spreadsheet show them."""
    return "\n".join(options)


def format_answer(qtype: QuestionType, answer: Any) -> str:
    """The answer as an organizer writes it: ``ACD``, 对/错, or the blanks' words."""
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return "".join(LETTERS[i] for i in answer or [] if 0 <= i < len(LETTERS))
    if qtype is QuestionType.JUDGE:
        return "对" if answer else "错"
    return _join_fill(answer or [])


def format_variants(variants: list[list[str]]) -> str:
    return "\n".join(_join_fill(variant) for variant in variants or [])


def _join_fill(parts: list[str]) -> str:
    return "\n".join(parts) if any("、" in part for part in parts) else "、".join(parts)


def answer_key(qtype: QuestionType, options: list[str], answer: Any, variants: list[list[str]]) -> Any:
    """What grading depends on: when it changes, the question's version goes up.

    Choices: the options and the right letters (a reworded or reordered option changes what a
    stored choice means); fill: the answers and the accepted variants; judge: the answer.
    """
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return (tuple(options or []), tuple(answer or []))
    if qtype is QuestionType.FILL:
        return (tuple(answer or []), tuple(tuple(v) for v in variants or []))
    return bool(answer)
