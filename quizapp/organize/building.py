"""Speeches read and built within limits (issue 19, finding 2): an upload and `flask questions
import` read the file and build its bank in a child process that may take BUILD_SECONDS and
BUILD_MEMORY. Too long a text, too slow or too big a build is a SpeechError in Chinese: never a
500, and never a web worker killed by gunicorn's timeout (30 s, deploy/gunicorn.conf.py).
The speech reader's proposals on a phrase are made in such a child too (PROPOSE_SECONDS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from questions.authoring import AuthoringError
from questions.build import Bank
from questions.limits import (
    LimitExceeded,
    MemoryLimitExceeded,
    TimeLimitExceeded,
    build_text,
    propose_on,
    read_and_build,
    run_limited,
)
from questions.text import SpeechError
from questions.types import Question
from questions.types import Speech as BuiltSpeech

BUILD_SECONDS = 20.0
BUILD_MEMORY = 2 * 1024**3
# One paragraph (at most questions.text.MAX_PARAGRAPH characters) takes milliseconds.
PROPOSE_SECONDS = 5.0


@dataclass(frozen=True)
class Built:
    """A speech as the builder read it, and its bank."""

    speech: BuiltSpeech
    bank: Bank


def build_file(file_name: str, data: bytes, read_as: str | None = None) -> Built:
    """Read a speech file (of the kind `read_as` names, by default `file_name`) and build its
    bank under `file_name`, in a child process within the limits."""
    return _limited(read_and_build, (file_name, data, read_as))


def build_here(file_name: str, text: str) -> Built:
    """Build a text in this process: for texts the app made itself (the demo, tests)."""
    return Built(*build_text(file_name, text))


def _limited(func: Callable[..., Any], args: tuple) -> Built:
    try:
        return Built(*run_limited(func, args, BUILD_SECONDS, BUILD_MEMORY))
    except TimeLimitExceeded:
        raise SpeechError(f"讲话过长或过于复杂：生成题目超过 {BUILD_SECONDS:g} 秒，已停止。"
                          "请删去附件、表格等非讲话内容，或分成几篇分别导入") from None
    except MemoryLimitExceeded:
        raise SpeechError("讲话过大：读取或生成题目所需的内存超过上限，已停止。"
                          "请删去图片、附件等非讲话内容，或分成几篇分别导入") from None


def propose(file_name: str, text: str, paragraph: int, phrase: str) -> list[Question]:
    """The builder's proposals on `phrase` in paragraph `paragraph` of a stored speech's text, in
    a child process within the limits. Raises AuthoringError (or SpeechError) in Chinese."""
    try:
        return run_limited(propose_on, (file_name, text, paragraph, phrase), PROPOSE_SECONDS, BUILD_MEMORY)
    except LimitExceeded:
        raise AuthoringError("出题超时或所需内存超过上限，已停止。请换一个词语再试") from None
