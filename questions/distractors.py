"""Choosing distractors: plausible (the same shape as the answer) and wrong (never said with it)."""
from __future__ import annotations

import functools
import re

from . import segment
from .text import is_masked, sentences
from .types import Speech

WORD_RE = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
ENDS_AFTER = set("、，,。；;：:！？”」和与及的等")


class Chooser:
    """Distractor choice for one speech: knows its sentences (to avoid texts said together with
    the answer, which may be right too) and its words (to find siblings of the same pattern)."""

    def __init__(self, speech: Speech) -> None:
        self.sentences = [s.text for p in speech.paragraphs if p for s in sentences(p)]
        self.text = "\n".join(speech.paragraphs)

    @functools.cached_property
    def _tokens(self) -> list[tuple[str, list[int]]]:
        """Each paragraph with the offsets where its words start (and its length at the end)."""
        out = []
        for paragraph in self.text.splitlines():
            if paragraph:
                out.append((paragraph, [*segment.boundaries(paragraph), len(paragraph)]))
        return out

    def said_with(self, candidate: str, answers: set[str]) -> bool:
        """Whether the speech says `candidate` in a sentence with one of `answers`."""
        return any(candidate in s and any(a in s for a in answers) for s in self.sentences)

    def pattern_words(self, like: str, prefix: str, suffix: str) -> list[str]:
        """Phrases of the speech as long as `like` that share its head or its tail and start and
        end on word boundaries (抓学习 → 抓落实, 抓党建; 新气象 → 新局面): the most plausible
        siblings of an item in a parallel set, in the order they appear."""
        n = len(like)
        found: dict[str, None] = {}
        for paragraph, bounds in self._tokens:
            starts = set(bounds)
            for i in bounds:
                phrase = paragraph[i:i + n]
                if len(phrase) != n or i + n not in starts or phrase == like or not WORD_RE.match(phrase):
                    continue
                if is_masked(phrase):
                    continue
                after = paragraph[i + n:i + n + 1]
                # A phrase with the items' head must end where a list item or an object would
                # (为精神补钙, not 为破解经济…); one with their tail already ends on a word.
                if prefix and phrase.startswith(prefix) and (not after or after in ENDS_AFTER):
                    found.setdefault(phrase, None)
                elif suffix and phrase.endswith(suffix):
                    found.setdefault(phrase, None)
        return list(found)

    def choose(self, candidates: list[str], answers: set[str], want: int, like: str,
               avoid: str = "", affix: tuple[str, str] = ("", "")) -> list[str]:
        """Up to `want` distractors: never an answer, never part of one or containing one, never in
        the source sentence `avoid`, never said together with an answer, of a length like `like`;
        those sharing most with `like` first, then in the order given (the speech's own first).
        With an `affix` (head, tail) shared by a set's items, only candidates that share it too."""
        prefix, suffix = affix
        answers = {a for a in answers if a}
        picked: dict[str, tuple] = {}
        for index, item in enumerate(candidates):
            if item in picked or item in answers or not item.strip() or is_masked(item):
                continue
            if any(item in a or a in item for a in answers):
                continue
            if (avoid and item in avoid) or not similar_length(item, like):
                continue
            if (prefix or suffix) and not ((prefix and item.startswith(prefix)) or (suffix and item.endswith(suffix))):
                continue
            if self.said_with(item, answers):
                continue
            picked[item] = (-affinity(item, like), -overlap(item, like), index)
        return sorted(picked, key=picked.__getitem__)[:want]


def similar_length(item: str, like: str) -> bool:
    if len(like) <= 4:
        return abs(len(item) - len(like)) <= 1
    return 0.6 <= len(item) / len(like) <= 1.67


def affinity(item: str, like: str) -> int:
    """How many leading and trailing characters two phrases share (政治方向 ~ 政治站位: 2), at most 3."""
    head = 0
    while head < min(len(item), len(like)) and item[head] == like[head]:
        head += 1
    tail = 0
    while tail < min(len(item), len(like)) - head and item[-1 - tail] == like[-1 - tail]:
        tail += 1
    return min(head + tail, 3)


def overlap(item: str, like: str) -> int:
    """Characters in common, in fifths of `like`'s distinct characters (a coarse bucket)."""
    chars = set(like)
    return round(5 * len(set(item) & chars) / len(chars)) if chars else 0
