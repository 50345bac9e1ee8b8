"""Grading one stored response against its key: the only grader (submits, the close job and
regrading all call ``grade``)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from quizapp.models import QuestionType

# After NFKC: Chinese punctuation with an ASCII twin, and quotes and 书名号 that a blank may
# or may not repeat.
_PUNCTUATION = str.maketrans({"。": ".", "、": ",", "·": ".", "－": "-", "—": "-"})
_IGNORED = set("\"'“”‘’《》〈〉「」『』")
_EDGE_PUNCTUATION = ".,;:!?"


def normalize_fill(text: str) -> str:
    """A fill answer reduced for comparison: NFKC (full-width letters, digits and
    punctuation to half-width), case folded, no whitespace, no quotes or 书名号,
    and no punctuation at either end."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_PUNCTUATION)
    text = "".join(ch for ch in text if not ch.isspace() and ch not in _IGNORED)
    return text.strip(_EDGE_PUNCTUATION)


@dataclass(frozen=True)
class Grade:
    correct: bool
    points: int


def grade(qtype: QuestionType, answer: Any, accepted_variants: list[Any], response: Any,
          max_points: int = 1, partial_multiple: bool = False) -> Grade:
    """Grade one stored response against the key.

    Single: the one right option. Multiple: all and only the right options
    (all-or-nothing); with ``partial_multiple`` a choice of right options only
    earns its share. Judge: the right bool. Fill: every blank equal to the
    answer, or to one accepted variant, after ``normalize_fill``.
    """
    if response is None:
        return Grade(False, 0)
    if qtype is QuestionType.JUDGE:
        return _all_or_nothing(isinstance(response, bool) and response is bool(answer), max_points)
    if qtype is QuestionType.FILL:
        keys = [answer, *accepted_variants]
        given = [normalize_fill(value) for value in response]
        right = any(
            len(key) == len(given) and all(normalize_fill(k) == g for k, g in zip(key, given))
            for key in ([k] if isinstance(k, str) else k for k in keys)
        )
        return _all_or_nothing(right, max_points)
    chosen, expected = set(response), set(answer)
    if chosen == expected:
        return Grade(True, max_points)
    if qtype is QuestionType.MULTIPLE and partial_multiple and chosen < expected:
        return Grade(False, max_points * len(chosen) // len(expected))
    return Grade(False, 0)


def _all_or_nothing(right: bool, max_points: int) -> Grade:
    return Grade(right, max_points if right else 0)
