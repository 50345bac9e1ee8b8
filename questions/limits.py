"""Building within limits: a speech's length, and the time and memory a child process may take.

The web app reads and builds each imported speech, and proposes questions on a phrase of one
(`propose_on`), in a child process (`run_limited`), so that a file too slow or too big to build
stops the child, with a clear message, never the web worker; and the web worker never loads
jieba's dictionaries (a second of CPU and some 130 MB in each worker).
Children are forked from multiprocessing's fork server, which has the builder and jieba's
dictionary loaded (see `questions.warm`), so each starts in milliseconds.
"""
from __future__ import annotations

import multiprocessing
import pickle
import resource
from collections.abc import Callable
from typing import Any

from .authoring import propose
from .build import Bank, build_bank
from .text import SpeechError, speech_from_bytes, speech_from_text
from .types import Question, Speech

# About five times the longest of the shared speeches (21,095 characters).
MAX_SPEECH_CHARS = 100_000
_CONTEXT = multiprocessing.get_context("forkserver")


class LimitExceeded(Exception):
    """A child process went over its time or memory limit, or died."""


class TimeLimitExceeded(LimitExceeded):
    pass


class MemoryLimitExceeded(LimitExceeded):
    pass


def check_length(text: str) -> None:
    """Refuse a speech longer than MAX_SPEECH_CHARS characters (spaces and line breaks aside)."""
    length = sum(1 for ch in text if not ch.isspace())
    if length > MAX_SPEECH_CHARS:
        raise SpeechError(f"讲话过长：共 {length:,} 字，超过 {MAX_SPEECH_CHARS:,} 字的上限。"
                          "请删去附件、表格等非讲话内容，或分成几篇分别导入")


def read_and_build(file_name: str, data: bytes, read_as: str | None = None) -> tuple[Speech, Bank]:
    """Read a speech file (of the kind `read_as` names, by default `file_name`), check its
    length and build its bank under `file_name` (the name the question ids are made from)."""
    text = "\n".join(speech_from_bytes(read_as or file_name, data).paragraphs)
    return build_text(file_name, text)


def build_text(file_name: str, text: str) -> tuple[Speech, Bank]:
    """Check a speech's length and build its bank."""
    check_length(text)
    speech = speech_from_text(file_name, text)
    return speech, build_bank([speech])[0]


def propose_on(file_name: str, text: str, paragraph: int, phrase: str) -> list[Question]:
    """The builder's proposals on `phrase` in paragraph `paragraph` (1-based) of a speech's text
    (`questions.authoring.propose`); raises AuthoringError or SpeechError with a message."""
    return propose(speech_from_text(file_name, text), paragraph, phrase)


def run_limited(func: Callable[..., Any], args: tuple, seconds: float, memory: int) -> Any:
    """`func(*args)` run in a child process, which may take `seconds`, and `memory` bytes of
    address space beyond what it starts with (the fork server's builder and dictionaries).
    Returns what it returns and raises what it raises (SpeechError, say);
    raises TimeLimitExceeded or MemoryLimitExceeded when the child goes over a limit or dies.
    `func` must live in a module the child can import without the web app (questions/)."""
    _CONTEXT.set_forkserver_preload(["questions.warm"])  # read once, when the server starts
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=_child, args=(sender, func, args, memory), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TimeLimitExceeded(f"over {seconds} s")
        ok, value = receiver.recv()
    except EOFError:
        raise MemoryLimitExceeded("the child died without an answer") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if ok:
        return value
    if isinstance(value, MemoryError):
        raise MemoryLimitExceeded(f"over {memory} bytes")
    raise value


def _child(sender: Any, func: Callable[..., Any], args: tuple, memory: int) -> None:
    limit = _address_space() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        answer: tuple[bool, Any] = (True, func(*args))
    except MemoryError:
        answer = (False, MemoryError())
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            # An exception may pickle and yet not unpickle: try the round trip on our own bytes
            # (made just above in this process, never input from anywhere else).
            pickle.loads(pickle.dumps(exc))  # nosec B301
            answer = (False, exc)
        except Exception:  # noqa: BLE001 - an exception that cannot travel is described instead
            answer = (False, RuntimeError(f"{type(exc).__name__}: {exc}"))
    try:
        sender.send(answer)
    except MemoryError:
        pass  # the parent sees the pipe close: over the memory limit
    finally:
        sender.close()


def _address_space() -> int:
    """The bytes of address space this process has now (Linux; 0 where it cannot tell)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0
