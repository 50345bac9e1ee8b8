"""Work in a child process within a time and a memory limit (questions.limits.run_limited)."""
from __future__ import annotations

import os
import time

import pytest

from questions.limits import (
    MAX_SPEECH_CHARS,
    MemoryLimitExceeded,
    TimeLimitExceeded,
    build_text,
    check_length,
    run_limited,
)
from questions.text import SpeechError

GB = 1024**3


def test_the_answer_comes_back():
    speech, bank = run_limited(build_text, ("a.txt", "同志们：\n牢固树立“四个意识”。"), 30, GB)
    assert speech.paragraphs == ("同志们：", "牢固树立“四个意识”。") and bank.speech == speech


def test_a_child_over_its_time_is_stopped():
    run_limited(len, ("warm",), 30, GB)  # the fork server is up
    started = time.perf_counter()
    with pytest.raises(TimeLimitExceeded):
        run_limited(time.sleep, (30,), 0.5, GB)
    assert time.perf_counter() - started < 5


def test_a_child_over_its_memory_is_stopped():
    with pytest.raises(MemoryLimitExceeded):
        run_limited(bytearray, (2 * GB,), 30, GB // 4)


def test_what_the_child_raises_is_raised():
    with pytest.raises(SpeechError, match="讲话过长"):
        run_limited(check_length, ("党" * (MAX_SPEECH_CHARS + 1),), 30, GB)


def test_a_child_that_dies_without_an_answer_is_a_limit_not_a_hang():
    """The pipe closes with no answer (the kernel's OOM killer, a crash in a C library)."""
    started = time.perf_counter()
    with pytest.raises(MemoryLimitExceeded, match="died without an answer"):
        run_limited(os._exit, (3,), 30, GB)
    assert time.perf_counter() - started < 5


class _TwoArguments(Exception):
    """An exception that pickles but cannot be unpickled (its __init__ wants two arguments)."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} {second}")


def _raise_two_arguments() -> None:
    raise _TwoArguments("读取", "失败")


def test_an_exception_that_cannot_travel_is_described():
    with pytest.raises(RuntimeError, match="_TwoArguments: 读取 失败"):
        run_limited(_raise_two_arguments, (), 30, GB)


def test_length_counts_characters_not_spaces():
    check_length("党 \n" * MAX_SPEECH_CHARS)
    with pytest.raises(SpeechError, match="100,001 字"):
        check_length("党" * (MAX_SPEECH_CHARS + 1))
