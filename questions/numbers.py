"""Chinese number words: reading the count at the head of a term (“四强” → 4)."""
from __future__ import annotations

import functools
import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "双": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
NUMBER_CHARS = "".join(DIGITS) + "十百千万0123456789"
CN_NUMERAL = "一二三四五六七八九十"
# A count at the head of a term: 四, 十二, 两, 12.
HEAD_COUNT_RE = re.compile(r"^(?:[0-9]{1,2}|[一二三四五六七八九十两双]{1,3})")


def cn_to_int(word: str) -> int | None:
    """Value of a small number written in Chinese or Arabic digits (一 → 1, 十二 → 12, 6 → 6)."""
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if any(ch not in DIGITS and ch != "十" for ch in word):
        return None
    if "十" in word:
        tens, _, ones = word.partition("十")
        t = DIGITS.get(tens, 1) if tens else 1
        o = DIGITS.get(ones, 0) if ones else 0
        if (tens and tens not in DIGITS) or (ones and ones not in DIGITS) or len(ones) > 1:
            return None
        return t * 10 + o
    if len(word) == 1:
        return DIGITS[word]
    return None


def int_to_cn(value: int) -> str:
    """1 → 一, 12 → 十二 (for ordinals in question stems)."""
    names = "零一二三四五六七八九"
    if value < 10:
        return names[value]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else names[tens]) + "十" + (names[ones] if ones else "")


@functools.lru_cache(maxsize=8192)  # asked of every formula of the pools for each question
def head_count(term: str) -> int | None:
    """The count a term starts with, if any: 四个意识 → 4, 三会一课 → 3, 两个维护 → 2."""
    match = HEAD_COUNT_RE.match(term)
    if not match or term.startswith(NOT_COUNTS):
        return None
    word = match.group(0)
    # 十 alone or a run like 十四五 (a period name) is not a count of members.
    value = cn_to_int(word)
    if value is None:
        # Take the longest readable prefix: “三会一课” → 三.
        value = cn_to_int(word[0])
    return value


# Words that open with a number character but count nothing: 一切工作到支部, 一些单位.
NOT_COUNTS = ("一切", "一些", "一般", "一直", "一定", "一起", "一样", "一流", "一线", "一致", "一道", "一贯",
              "一律", "一体", "十分", "万众", "千方百计", "百姓")


def starts_with_number(term: str) -> bool:
    return bool(term) and term[0] in NUMBER_CHARS and not term.startswith(NOT_COUNTS)


def is_all_number(term: str) -> bool:
    """Dates and periods in quotes (“七一”, “十四五”, “2021”) are written only with number characters.

    A run of Arabic digits that is not a year (“360”) names a brand, so it is not a date.
    """
    if term.isdigit() and not (len(term) == 4 and term[:2] in ("19", "20")):
        return False
    if any(ch in "百千万" for ch in term):
        return False  # “百千万” names a programme
    return all(ch in NUMBER_CHARS + "-—.·" for ch in term)
