"""Facts: frequencies (每季度), counts with their units (32项, 1.1万余场次) and designated years."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import is_masked, sentence_at

FREQUENCY = r"每(?:[一两三四五六七八九十\d]{1,2})?个?半?个?(?:季度|年度|年|季|月|周|星期|天|日|旬)"
FIGURE = (r"(?<![\d.第X\-+～~—])\d+(?:\.\d+)?(?:余|多)?[万亿千百]?(?:余|多)?"
          r"(?:场次|人次|周年|个月|个|项|起|宗|例|名|次|件|场|本|亩|家|所|篇|条|批|万元|亿元|元|人|户|年|天|%|％|倍|期)(?:以上)?"
          r"|\d+/\d+")
FACT_RE = re.compile(rf"{FREQUENCY}|{FIGURE}|(?<!\d)(?:19|20)\d\d年(?=(?:是|为|定为))")
LIST_MARKER = re.compile(r"^(?:[0-9]{1,2}[.．、]|[（(][0-9一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}[是要、])")
QUOTED_RE = re.compile(r"[“《][^”》]*[”》]")
YEAR_ONLY = re.compile(r"^(?:19|20)\d\d年$")


@dataclass(frozen=True)
class Fact:
    start: int
    clause: str
    figures: tuple[str, ...]
    sentence: str


def find_facts(text: str) -> list[Fact]:
    """Frequencies, counts with units and designated years in a paragraph, one fact per clause."""
    # Stop the search at the last closing mark: an unclosed “ after it would be tried from
    # every opening mark to the end of the text (quadratic on a text full of them).
    closes = max(text.rfind("”"), text.rfind("》")) + 1
    masked_spans = [m.span() for m in QUOTED_RE.finditer(text, 0, closes)]
    by_clause: dict[tuple[int, int], list[str]] = {}
    for match in FACT_RE.finditer(text):
        figure = match.group(0)
        if any(a <= match.start() < b for a, b in masked_spans):
            continue
        if YEAR_ONLY.match(figure) and not re.match(r"(?:是|为|定为)", text[match.end():]):
            continue
        if re.fullmatch(r"(?:19|20)\d\d年", figure) is None and re.fullmatch(r"\d{4}年", figure):
            continue
        left = match.start()
        while left > 0 and text[left - 1] not in "，,。；;！？!?":
            left -= 1
        right = match.end()
        while right < len(text) and text[right] not in "，,。；;！？!?":
            right += 1
        by_clause.setdefault((left, right), []).append(figure)
    found = []
    for (left, right), figures in by_clause.items():
        clause = LIST_MARKER.sub("", text[left:right].strip())
        if is_masked(clause) or len(clause) < 4:
            continue
        found.append(Fact(left, clause, tuple(figures), sentence_at(text, left).text))
    return found
