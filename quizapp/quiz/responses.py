"""Answers as the member's screen shows them, and as they are stored.

The screen numbers options by their display position (the attempt item's
``option_order`` shuffles them); the database keeps a response in the
question's own terms (option indexes), so grading never depends on the order
shown. A response on the screen ("display form") is: single an int, multiple a
list of ints, judge a bool, fill a list of strings (one per blank); None when
unanswered. Nothing here knows the answer key.
"""

from __future__ import annotations

import re
from typing import Any

from quizapp.models import QuestionType

# A blank is a run of three or more underscores (the builder writes four), as organizers' forms count it.
BLANK_RE = re.compile(r"_{3,}")
MAX_FILL_LENGTH = 200


class BadResponse(ValueError):
    """The response does not fit the question (wrong type, option or number of blanks)."""

    def __init__(self, message: str = "答案格式不正确，请重新作答") -> None:
        super().__init__(message)


def blank_count(stem: str, answer_length: int) -> int:
    """How many inputs a fill question shows: its blanks, or its answers for a stem without one."""
    return len(BLANK_RE.findall(stem)) or max(answer_length, 1)


def to_stored(
    qtype: QuestionType, option_order: list[int], blanks: int, shown: Any
) -> Any:
    """Turn a display-form response into the stored form; raises BadResponse."""
    if shown is None:
        return None
    if qtype is QuestionType.SINGLE:
        return [_option(option_order, shown)]
    if qtype is QuestionType.MULTIPLE:
        if not isinstance(shown, list) or len(set(map(repr, shown))) != len(shown):
            raise BadResponse()
        chosen = sorted(_option(option_order, value) for value in shown)
        return chosen or None
    if qtype is QuestionType.JUDGE:
        if not isinstance(shown, bool):
            raise BadResponse()
        return shown
    if not isinstance(shown, list) or len(shown) != blanks:
        raise BadResponse()
    if not all(isinstance(value, str) and len(value) <= MAX_FILL_LENGTH for value in shown):
        raise BadResponse()
    values = [value.strip() for value in shown]
    return values if any(values) else None


def _option(option_order: list[int], shown: Any) -> int:
    if type(shown) is not int or not 0 <= shown < len(option_order):
        raise BadResponse()
    return option_order[shown]


def to_shown(qtype: QuestionType, option_order: list[int], stored: Any) -> Any:
    """The display form of a stored response (positions as the member saw them)."""
    if stored is None:
        return None
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        positions = {index: position for position, index in enumerate(option_order)}
        shown = sorted(positions[index] for index in stored if index in positions)
        return shown[0] if qtype is QuestionType.SINGLE and shown else shown
    return stored


def from_form(qtype: QuestionType, values: list[str]) -> Any:
    """The display form of a plain HTML form's values for one question; raises BadResponse."""
    if not values:
        return None
    if qtype is QuestionType.FILL:
        return values
    if qtype is QuestionType.JUDGE:
        if values != ["true"] and values != ["false"]:
            raise BadResponse()
        return values == ["true"]
    if not all(value.isascii() and value.isdigit() and len(value) < 4 for value in values):
        raise BadResponse()
    numbers = [int(value) for value in values]
    if qtype is QuestionType.SINGLE:
        if len(numbers) != 1:
            raise BadResponse()
        return numbers[0]
    return numbers
