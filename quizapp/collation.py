"""Ordering names as people read them: 第二党支部 before 第十党支部, 第一, 第二, 第三 … then by name."""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+|\d+")


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105 (digits as they are)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _DIGITS[ch] if current else _DIGITS[ch]
    return total + current


def natural_key(name: str) -> tuple[tuple[int, tuple[tuple[int, int | str], ...]], ...]:
    """A sort key that reads the numbers in a name (Chinese or Arabic) as numbers, part by part
    of a path ("党总支 / 第二党支部"): in each part, 第一, 第二, 第三 … first, then by name."""
    return tuple((0 if _ORDINAL.match(part) else 1, _part_key(part)) for part in name.split(" / "))


_ORDINAL = re.compile(r"第(?:[零〇一二两三四五六七八九十百]+|\d+)")


def _part_key(name: str) -> tuple[tuple[int, int | str], ...]:
    parts: list[tuple[int, int | str]] = []
    position = 0
    for match in _NUMBER.finditer(name):
        if match.start() > position:
            parts.append((1, name[position:match.start()]))
        parts.append((0, chinese_number(match.group())))
        position = match.end()
    if position < len(name):
        parts.append((1, name[position:]))
    return tuple(parts)
