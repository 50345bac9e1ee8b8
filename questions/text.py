"""Speeches from files or text, and splitting paragraphs into sentences and clauses."""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .reading import SpeechError, file_lines
from .types import Speech

__all__ = ["SpeechError", "read_speech", "speech_from_bytes", "speech_from_text", "sentences", "sentence_at"]

SENTENCE_END = "。！？!?"
CLAUSE_END = SENTENCE_END + "；;，,：:"
CLOSING = "”’」』)）"
# Masked names in published speeches: XX, **, ＊＊.
MASK_RE = re.compile(r"XX|\*\*|＊|××|(?<![A-Za-z+＋])X(?![A-Za-z])")
# The builder's work on a paragraph grows faster than its length (every concept of a sentence
# looks at the whole sentence), so a longer paragraph is cut into pieces of at most this many
# characters. The longest paragraph of the shared speeches has 961.
MAX_PARAGRAPH = 2000
# A file read from disk larger than this is not a speech (uploads have their own, lower limit).
MAX_FILE_BYTES = 50 * 1024 * 1024


CONNECTIVE_RE = re.compile(r"(?:以及|并且|并|而且|而|但|就|还|也|又|再|从而|进而|同时|其中|特别是|尤其是|使之|使|都|才|即|和|及|与)")


def read_speech(path: str | Path) -> Speech:
    """Read a speech file: text (UTF-8, UTF-16 or GBK; one paragraph a line), .docx or .pdf."""
    path = Path(path)
    if not path.is_file():
        raise SpeechError("文件不存在或不是普通文件")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise SpeechError(f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，不是讲话稿")
    return speech_from_bytes(path.name, path.read_bytes())


def speech_from_bytes(name: str, data: bytes) -> Speech:
    """Build a speech from a file's bytes, read by the kind its `name` says (uploads)."""
    return _speech(name, file_lines(name, data))


def speech_from_text(name: str, text: str) -> Speech:
    """Build a speech from text already in memory (one paragraph a line)."""
    return _speech(name, text.splitlines())


def _speech(name: str, lines: list[str]) -> Speech:
    paragraphs = tuple(piece for line in lines for piece in split_long(line.strip()))
    if not any(paragraphs):
        raise SpeechError("文件为空，没有可读的正文")
    return Speech(name=name, paragraphs=paragraphs, title=_title(paragraphs))


def split_long(paragraph: str, limit: int = MAX_PARAGRAPH) -> list[str]:
    """`paragraph` in pieces of at most `limit` characters: cut after the last sentence end
    (with its closing quote) in reach, else after the last clause mark or 、, else at `limit`."""
    pieces = []
    while len(paragraph) > limit:
        cut = _last_cut(paragraph, limit)
        pieces.append(paragraph[:cut].rstrip())
        paragraph = paragraph[cut:].lstrip()
    pieces.append(paragraph)
    return pieces


def _last_cut(paragraph: str, limit: int) -> int:
    for marks in (SENTENCE_END, CLAUSE_END + "、"):
        end = max(paragraph.rfind(mark, 0, limit) for mark in marks) + 1
        while 0 < end < limit and paragraph[end] in CLOSING:
            end += 1
        if end > limit // 2:
            return end
    return limit


MEETING_RE = re.compile(r"(?:召开|举行|参加)了?(?:这次|今天的|本次)?([^，。；：、“”]{4,40}?(?:会议|大会|座谈会|推进会))")


def _title(paragraphs: tuple[str, ...]) -> str:
    """The speech's title: its first line when that reads as one (short, no sentence punctuation),
    else "在…会议上的讲话" when an opening paragraph names the meeting it was given at, else ""."""
    lines = [p for p in paragraphs if p]
    first = lines[0] if lines else ""
    if first and len(first) <= 30 and not any(ch in first for ch in SENTENCE_END + "，：:"):
        return first
    for paragraph in lines[:3]:
        match = MEETING_RE.search(paragraph)
        if match:
            return f"在{match.group(1)}上的讲话"
    return ""


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph with its offsets."""

    text: str
    start: int
    end: int


def sentences(paragraph: str) -> list[Span]:
    """Split a paragraph into sentences, each keeping its closing mark (and a closing quote)."""
    return list(_sentences(paragraph))


@functools.lru_cache(maxsize=512)
def _sentences(paragraph: str) -> tuple[Span, ...]:
    # Cached: the builder asks for the sentence of each concept of a paragraph.
    spans: list[Span] = []
    start = 0
    i = 0
    n = len(paragraph)
    while i < n:
        ch = paragraph[i]
        if ch in SENTENCE_END:
            end = i + 1
            while end < n and paragraph[end] in CLOSING:
                end += 1
            _add(spans, paragraph, start, end)
            start = i = end
            continue
        i += 1
    _add(spans, paragraph, start, n)
    return tuple(spans)


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + piece.index(stripped)
        spans.append(Span(stripped, offset, offset + len(stripped)))


@functools.lru_cache(maxsize=512)
def _sentence_ends(paragraph: str) -> tuple[int, ...]:
    return tuple(span.end for span in _sentences(paragraph))


def sentence_at(paragraph: str, position: int) -> Span:
    """The sentence of `paragraph` that holds character `position`."""
    spans = _sentences(paragraph)
    # The first sentence ending after `position`: the one that holds it, if it starts by then.
    index = bisect.bisect_right(_sentence_ends(paragraph), position)
    if index < len(spans) and spans[index].start <= position:
        return spans[index]
    return spans[-1] if spans else Span(paragraph, 0, len(paragraph))


def clause_around(sentence: str, start: int, end: int, min_len: int = 12, max_len: int = 60) -> str:
    """The clause(s) of `sentence` around [start, end), never split inside quotes or 《》.

    Grown by whole clauses to `min_len`; when longer than `max_len`, trimmed at 、 outside
    quotes and marked with …… where text was left out.
    """
    inside = quoted_positions(sentence)
    n = len(sentence)

    def is_break(i: int) -> bool:
        return sentence[i] in CLAUSE_END and not inside[i]

    left = start
    while left > 0 and not is_break(left - 1):
        left -= 1
    right = end
    while right < n and not is_break(right):
        right += 1
    while right - left < min_len and (left > 0 or right < n):
        if right < n:
            right += 1
            while right < n and not is_break(right):
                right += 1
        else:
            left -= 1
            while left > 0 and not is_break(left - 1):
                left -= 1
    # A clause that opens with a connective (以及…, 就有…, 使之…) leans on the one before it.
    while left > 0 and CONNECTIVE_RE.match(sentence[left:right]):
        left -= 1
        while left > 0 and not is_break(left - 1):
            left -= 1
    head = tail = ""
    if right - left > max_len:
        cuts = [i for i in range(left + 1, start) if sentence[i - 1] == "、" and not inside[i - 1]]
        while cuts and right - left > max_len:
            left, head = cuts.pop(0), "……"
        cuts = [i for i in range(right - 1, end, -1) if sentence[i] == "、" and not inside[i]]
        while cuts and right - left > max_len:
            right, tail = cuts.pop(0), "……"
    return head + sentence[left:right].strip("，,；;：: ") + tail


def quoted_positions(text: str) -> list[bool]:
    """For each character, whether it stands inside “…” or 《…》."""
    inside, depth = [], 0
    for ch in text:
        if ch in "“《":
            depth += 1
        inside.append(depth > 0)
        if ch in "”》" and depth > 0:
            depth -= 1
    return inside


def is_masked(text: str) -> bool:
    return bool(MASK_RE.search(text))
