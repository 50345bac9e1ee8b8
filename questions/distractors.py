"""Choosing distractors: plausible (the same shape as the answer) and wrong (never said with it)."""
from __future__ import annotations

import bisect
import functools
import itertools
import re

from . import segment
from .text import is_masked, sentences
from .types import Speech

WORD_RE = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
ENDS_AFTER = set("、，,。；;：:！？”」和与及的等")


# A phrase that opens with a verb of doing names an action, not a thing of the key's kind.
VERB_HEAD_RE = re.compile(r"^(?:推进|推动|加强|加快|塑造|打造|深化|实现|坚持|提升|提高|促进|完善|健全|构建|落实|开展|强化|"
                          r"建立|形成|增强|做好|抓(?!手)|搞好)")

class Chooser:
    """Distractor choice for one speech: knows its sentences (to avoid texts said together with
    the answer, which may be right too) and its words (to find siblings of the same pattern)."""

    def __init__(self, speech: Speech) -> None:
        self.sentences = [s.text for p in speech.paragraphs if p for s in sentences(p)]
        self.text = "\n".join(speech.paragraphs)
        # The sentences in one string, to find a text's sentences with one search of it.
        self._joined = "\x00".join(self.sentences)
        self._starts = list(itertools.accumulate((len(s) + 1 for s in self.sentences[:-1]), initial=0))

    @functools.lru_cache(maxsize=16)
    def _phrases(self, n: int) -> list[tuple[str, str, bool]]:
        """Every phrase of `n` Chinese characters that starts and ends on a word boundary, with the
        character after it and whether a one-character word stands right before it (筑 in
        筑法治之基: the phrase is the object of that verb), in the order they first appear."""
        found: dict[str, tuple[str, bool]] = {}
        for paragraph in self.text.splitlines():
            if not paragraph:
                continue
            bounds = segment.boundaries(paragraph)
            ends = set(bounds) | {len(paragraph)}
            previous = 0
            for i in bounds:
                phrase = paragraph[i:i + n]
                if len(phrase) == n and i + n in ends and WORD_RE.match(phrase) and not is_masked(phrase):
                    governed = i - previous == 1 and "\u4e00" <= paragraph[i - 1] <= "\u9fff"
                    found.setdefault(phrase, (paragraph[i + n:i + n + 1], governed))
                previous = i
        return [(phrase, after, governed) for phrase, (after, governed) in found.items()]

    def pattern_words(self, like: str, prefix: str, suffix: str) -> list[str]:
        """Phrases of the speech as long as `like` that share its head or its tail (抓学习 → 抓落实,
        抓党建; 新气象 → 新局面): the most plausible siblings of an item in a parallel set. A phrase
        with the head must end where a list item or an object would (为精神补钙, not 为破解经济…);
        one with the tail already ends on a word."""
        found = []
        for phrase, after, governed in self._phrases(len(like)):
            if phrase == like:
                continue
            if prefix and phrase.startswith(prefix) and (not after or after in ENDS_AFTER) and not governed:
                found.append(phrase)
            elif suffix and phrase.endswith(suffix):
                found.append(phrase)
        return found

    def listed_words(self, like: str, prefix: str, suffix: str) -> list[str]:
        """Pattern words (see `pattern_words`) that the speech itself lists beside others
        (队伍强、业绩强): with a one-character head or tail, a phrase is a sibling only then."""
        return [w for w in self.pattern_words(like, prefix, suffix)
                if re.search(rf"[、和与及]{re.escape(w)}|{re.escape(w)}[、和与及]", self.text)]

    def said_with(self, candidate: str, answers: set[str]) -> bool:
        """Whether the speech says `candidate` in a sentence with one of `answers`."""
        where = self._sentences_with(candidate)
        return bool(where) and any(where & self._sentences_with(a) for a in answers)

    @functools.lru_cache(maxsize=8192)
    def _sentences_with(self, text: str) -> frozenset[int]:
        if not text or "\x00" in text:
            return frozenset(i for i, s in enumerate(self.sentences) if text in s)
        found, at = [], self._joined.find(text)
        while at >= 0:
            index = bisect.bisect_right(self._starts, at) - 1
            found.append(index)
            if index + 1 >= len(self._starts):
                break
            at = self._joined.find(text, self._starts[index + 1])
        return frozenset(found)

    def choose(self, candidates: list[str], answers: set[str], want: int, like: str,
               avoid: str = "", affix: tuple[str, str] = ("", "")) -> list[str]:
        """Up to `want` distractors: never an answer, never part of one or containing one, never in
        the source sentence `avoid`, never said together with an answer, of a length like `like`;
        those sharing most with `like` first, then in the order given (the speech's own first).
        With an `affix` (head, tail) shared by a set's items, only candidates that share it too."""
        prefix, suffix = affix
        answers = {a for a in answers if a}
        # One search instead of one an answer: an answer holds `item` if this string does.
        joined = "\x00".join(answers)
        answer_sentences = frozenset().union(*(self._sentences_with(a) for a in answers))
        like_chars = set(like)
        verb_answer = any(VERB_HEAD_RE.match(a) for a in answers)
        # The cheap tests rank every candidate; the dear ones (substrings, added words, the speech's
        # sentences) are asked only of the best, in rank order, until `want` pass: a speech of
        # thousands of list items would otherwise cost each question thousands of them.
        ranked: dict[str, tuple] = {}
        for index, item in enumerate(candidates):
            if item in ranked or item in answers or not item.strip() or not similar_length(item, like):
                continue
            if avoid and item in avoid:
                continue
            # Both the head and the tail a set shares (政治判断力、政治执行力 → 政治…力, never 政治能力).
            if (prefix and not item.startswith(prefix)) or (suffix and not item.endswith(suffix)):
                continue
            if VERB_HEAD_RE.match(item) and not verb_answer:
                continue  # 推进现代化建设 beside 经济建设, 政治建设: an action among things
            ranked[item] = (-affinity(item, like), -overlap(item, like, like_chars), index)
        picked: list[str] = []
        for item in sorted(ranked, key=ranked.__getitem__):
            if len(picked) >= want:
                break
            if _masked(item) or _affix_inside_word(item, prefix, suffix):
                continue
            inside = item in joined if "\x00" not in item else any(item in a for a in answers)
            if inside or any(a in item for a in answers) or any(same_words(item, a) for a in answers):
                continue
            where = self._sentences_with(item)
            if where and where & answer_sentences:  # said together with an answer
                continue
            picked.append(item)
        return picked


def _affix_inside_word(item: str, prefix: str, suffix: str) -> bool:
    """Whether a one-character head or tail a set shares is, in `item`, part of a two-character
    word: 好典型 ends in 型 only as 典型 does (学习型、服务型 share 型 as a suffix)."""
    words = segment.words(item)
    if len(suffix) == 1 and len(words) > 1 and len(words[-1]) == 2 and words[-1].endswith(suffix):
        return True
    return len(prefix) == 1 and len(words) > 1 and len(words[0]) == 2 and words[0].startswith(prefix)


def same_words(item: str, answer: str) -> bool:
    """Whether one of two terms is the other with a word added (两个维护 and 两个坚决维护, 全面从严治党 and
    从严治党): the two name the same thing, so the distractor would be right too."""
    shorter, longer = (item, answer) if len(item) <= len(answer) else (answer, item)
    if len(longer) - len(shorter) > 3 or len(shorter) < 3:
        return False
    # At most three characters added: the first and last of `shorter` sit near the ends of `longer`.
    if shorter[0] not in longer[:4] or shorter[-1] not in longer[-4:]:
        return False
    rest = iter(longer)
    return all(ch in rest for ch in shorter)  # `shorter` is a subsequence of `longer`


@functools.lru_cache(maxsize=16384)
def _masked(item: str) -> bool:
    return is_masked(item)  # asked of every candidate of every question


def similar_length(item: str, like: str) -> bool:
    if len(like) <= 4:
        return abs(len(item) - len(like)) <= 1
    return 0.6 <= len(item) / len(like) <= 1.67


def affinity(item: str, like: str) -> int:
    """How many leading and trailing characters two phrases share (政治方向 ~ 政治站位: 2), at most 3."""
    shorter = min(len(item), len(like))
    head = 0
    while head < shorter and item[head] == like[head] and head < 3:
        head += 1
    tail = 0
    while tail < shorter - head and item[-1 - tail] == like[-1 - tail] and head + tail < 3:
        tail += 1
    return min(head + tail, 3)


def overlap(item: str, like: str, chars: set[str] | None = None) -> int:
    """Characters in common, in fifths of `like`'s distinct characters (a coarse bucket);
    `chars` may give those characters when they are already at hand."""
    chars = set(like) if chars is None else chars
    return round(5 * len(set(item) & chars) / len(chars)) if chars else 0
