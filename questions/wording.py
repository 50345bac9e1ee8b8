"""Wording shared by the question makers: quoting, numbering, option order, what a member can type."""
from __future__ import annotations

import random
import re

BLANK = "____"
MAX_FILL = 8  # characters a member types on a phone for one blank


def options_of(rng: random.Random, right: list[str], wrong: list[str]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    options = right + wrong
    rng.shuffle(options)
    return tuple(options), tuple(sorted(options.index(r) for r in right))


def q(text: str) -> str:
    """Quote `text`, turning quotes inside it into single quotes: “抓好‘两个维护’”."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def numbered(items: list[str]) -> str:
    marks = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
    return " ".join(f"{marks[i]}{item}" if i < len(marks) else item for i, item in enumerate(items))


def typeable(answer: str) -> bool:
    """Short enough to type on a phone, and nothing in it to get wrong but the words."""
    return len(answer) <= MAX_FILL and not re.search(r"[\s，,、。；;：:“”\"]", answer)


def in_quote_chain(context: str) -> bool:
    """“过硬支部建设”“____”“党建+”: several quoted names in a row, so more than one would fit."""
    return bool(re.search(rf"”“{BLANK}”|“{BLANK}”“", context))


LONG_CITATION = 150  # characters of a source sentence an explanation quotes whole


def cited(sentence: str, focus: str) -> str:
    """The part of a long source sentence an explanation quotes: its ；-statements that hold
    `focus`, with …… where statements are left out (a paragraph of eight 必须把…作为… lessons is
    one sentence). A sentence of LONG_CITATION characters or fewer is quoted whole."""
    if len(sentence) <= LONG_CITATION or not focus:
        return sentence
    parts = re.split(r"(?<=；)", sentence)
    holding = [i for i, part in enumerate(parts) if focus in part]
    if not holding or len(parts) < 2:
        return sentence
    first, last = holding[0], holding[-1]
    quoted = "".join(parts[first:last + 1])
    return ("……" if first > 0 else "") + quoted + ("……" if last < len(parts) - 1 else "")
