"""Word boundaries from jieba, used to cut a list item out of the words that lead into it."""
from __future__ import annotations

import functools
import logging


@functools.lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@functools.lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """jieba's segmentation of `text` (precise mode, no HMM for new words)."""
    return tuple(_jieba().lcut(text, HMM=False))


def boundaries(text: str) -> list[int]:
    """Offsets in `text` where a word starts (0 included)."""
    offsets, total = [], 0
    for token in words(text):
        offsets.append(total)
        total += len(token)
    return offsets


def tail_near(text: str, target: int) -> str:
    """The word-aligned tail of `text` whose length is closest to `target` (ties: the shorter)."""
    return _closest(_cuts(reversed(words(text))), target, lambda n: text[len(text) - n:])


def head_near(text: str, target: int) -> str:
    """The word-aligned head of `text` whose length is closest to `target` (ties: the shorter)."""
    return _closest(_cuts(words(text)), target, lambda n: text[:n])


def _cuts(tokens) -> list[int]:
    lengths, total = [], 0
    for token in tokens:
        total += len(token)
        lengths.append(total)
    return lengths


def _closest(lengths: list[int], target: int, take) -> str:
    if not lengths:
        return ""
    best = min(lengths, key=lambda n: (abs(n - target), n))
    return take(best)


@functools.lru_cache(maxsize=1)
def _posseg():
    _jieba()
    import jieba.posseg

    return jieba.posseg


# Parts of speech that lead into a list rather than belong to its first item:
# verbs, adverbs, prepositions, particles, conjunctions.
LEADING_FLAGS = ("v", "d", "p", "u", "c", "ad", "z")


def strip_leading(text: str, keep: int = 2) -> str:
    """Drop the verbs, adverbs and particles that lead into `text`, keeping at least `keep` chars."""
    pairs = list(_posseg().cut(text, HMM=False))
    start = 0
    for index, pair in enumerate(pairs):
        leading = pair.flag.startswith(LEADING_FLAGS) and pair.flag != "vn"
        # The complement of a verb just dropped goes with it (唱好杭州: 唱 and 好, not 好杭州).
        complement = index > 0 and start and pair.word in COMPLEMENTS
        if (leading and len(text) - start - len(pair.word) >= keep
                or complement and len(text) - start - len(pair.word) >= 2):
            start += len(pair.word)
        else:
            break
    return text[start:]


COMPLEMENTS = {"好", "到", "出", "起", "实", "牢", "住", "上", "下", "成"}


def ends_with_content_word(text: str) -> bool:
    """Whether `text` ends with a noun, verb or adjective rather than a numeral, measure word,
    particle or preposition (树立旗帜: yes; 树立一个: no)."""
    pairs = list(_posseg().cut(text, HMM=False))
    return bool(pairs) and pairs[-1].flag[:1] in ("n", "v", "a", "j", "l", "i")


@functools.lru_cache(maxsize=4096)
def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words of `text` with their part-of-speech flags (no HMM for new words)."""
    return tuple((pair.word, pair.flag) for pair in _posseg().cut(text, HMM=False))
