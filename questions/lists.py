"""Lists in a speech: numbered lists (第一… / 一是… / （一）… / 一、…) and 、-separated item runs."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .numbers import CN_NUMERAL, cn_to_int

HEAD_END = "。；;！？!?"
STARTERS = "。；;：:！？!?，,"

# Marker kinds with their rank: a marker of a lower rank closes the open lists of higher ranks.
MARKERS: list[tuple[str, int, re.Pattern[str], bool]] = [
    # (kind, rank, pattern, only at paragraph start)
    ("heading", 0, re.compile(rf"([{CN_NUMERAL}]{{1,3}})、"), True),
    ("ordinal", 0, re.compile(rf"第([{CN_NUMERAL}]{{1,3}})[，,、：:]"), False),
    ("paren", 1, re.compile(rf"[（(]([{CN_NUMERAL}]{{1,3}})[）)]"), False),
    ("arabic", 2, re.compile(r"([1-9][0-9]?)[.．、](?![0-9])"), True),
    ("shi", 3, re.compile(rf"([{CN_NUMERAL}]{{1,3}})是"), False),
    ("yao", 3, re.compile(rf"([{CN_NUMERAL}]{{1,3}})要"), False),
]


@dataclass
class Item:
    """One numbered item: where its marker stands and its head clause."""

    kind: str
    rank: int
    number: int
    paragraph: int
    start: int  # offset of the marker in the paragraph
    head_start: int
    head: str


@dataclass
class NumberedList:
    kind: str
    rank: int
    items: list[Item] = field(default_factory=list)
    parent: Item | None = None  # the open item of a lower rank this list sits under


def find_items(paragraphs: tuple[str, ...]) -> list[Item]:
    """Every numbered-list marker at a sentence start, with its head clause."""
    found: list[Item] = []
    for number, text in enumerate(paragraphs, start=1):
        raw: list[Item] = []
        for kind, rank, pattern, para_only in MARKERS:
            for match in pattern.finditer(text):
                pos = match.start()
                if para_only and text[:pos].strip():
                    continue
                if not _at_sentence_start(text, pos):
                    continue
                value = cn_to_int(match.group(1))
                if value is None:
                    continue
                raw.append(Item(kind, rank, value, number, pos, match.end(), ""))
        raw.sort(key=lambda item: item.start)
        for i, item in enumerate(raw):
            limit = raw[i + 1].start if i + 1 < len(raw) else len(text)
            item.head = _head(text, item.head_start, limit)
        found.extend(item for item in raw if item.head)
    return found


def _at_sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in STARTERS


def _head(text: str, start: int, limit: int) -> str:
    end = start
    while end < limit and text[end] not in HEAD_END:
        end += 1
    head = text[start:end].strip().rstrip("，,：:")
    return head


def numbered_lists(paragraphs: tuple[str, ...]) -> list[NumberedList]:
    """Group markers into lists: same kind, numbered 1, 2, 3…; a lower-rank marker closes them."""
    done: list[NumberedList] = []
    open_lists: dict[str, NumberedList] = {}

    def close(kind: str) -> None:
        current = open_lists.pop(kind, None)
        if current and len(current.items) >= 2:
            done.append(current)

    for item in find_items(paragraphs):
        for kind in [k for k, lst in open_lists.items() if lst.rank > item.rank]:
            close(kind)
        current = open_lists.get(item.kind)
        if item.number == 1:
            close(item.kind)
            parent = _innermost(open_lists, item.rank)
            open_lists[item.kind] = NumberedList(item.kind, item.rank, [item], parent)
        elif current and item.number == current.items[-1].number + 1:
            current.items.append(item)
        else:
            close(item.kind)
    for kind in list(open_lists):
        close(kind)
    done.sort(key=lambda lst: (lst.items[0].paragraph, lst.items[0].start))
    return done


def _innermost(open_lists: dict[str, NumberedList], rank: int) -> Item | None:
    candidates = [lst for lst in open_lists.values() if lst.rank < rank]
    if not candidates:
        return None
    best = max(candidates, key=lambda lst: (lst.rank, lst.items[-1].paragraph, lst.items[-1].start))
    return best.items[-1]


# ---- runs of items separated by 、 -------------------------------------------------------

RUN_BREAK = "，,。；;：:！？!?“”\"（）()《》【】 　"


def split_items(segment: str) -> list[str]:
    """Split 'A、B、C和D' into items; the last 和/及/与 joins the final pair."""
    parts = segment.split("、")
    if len(parts) >= 2:
        last = parts[-1]
        for joiner in ("和", "及", "与"):
            if joiner in last:
                left, _, right = last.rpartition(joiner)
                if left and right:
                    parts[-1:] = [left, right]
                break
    return parts


def common_prefix(items: list[str]) -> str:
    prefix = items[0]
    for item in items[1:]:
        while not item.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def common_suffix(items: list[str]) -> str:
    suffix = items[0]
    for item in items[1:]:
        while suffix and not item.endswith(suffix):
            suffix = suffix[1:]
    return suffix
