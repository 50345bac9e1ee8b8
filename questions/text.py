"""Reading speeches (.txt, .docx), and splitting paragraphs into sentences and clauses."""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .types import Speech

SENTENCE_END = "。！？!?"
CLAUSE_END = SENTENCE_END + "；;，,：:"
# Masked names in published speeches: XX, **, ＊＊.
MASK_RE = re.compile(r"XX|\*\*|＊|××|(?<![A-Za-z+＋])X(?![A-Za-z])")


CONNECTIVE_RE = re.compile(r"(?:以及|并且|并|而且|而|但|就|还|也|又|再|从而|进而|同时|其中|特别是|尤其是|使之|使|都|才|即|和|及|与)")


class SpeechError(Exception):
    """A speech file that cannot be read; the message is for the person who gave it."""


def read_speech(path: str | Path) -> Speech:
    """Read a UTF-8 .txt speech (one paragraph a line) or a .docx speech."""
    path = Path(path)
    if not path.is_file():
        raise SpeechError("文件不存在或不是普通文件")
    if path.suffix.lower() == ".docx":
        lines = _docx_lines(path)
    else:
        lines = _txt_lines(path)
    paragraphs = tuple(line.strip() for line in lines)
    if not any(paragraphs):
        raise SpeechError("文件为空，没有可读的正文")
    return Speech(name=path.name, paragraphs=paragraphs, title=_title(paragraphs))


def speech_from_text(name: str, text: str) -> Speech:
    """Build a speech from text already in memory (uploads, tests)."""
    paragraphs = tuple(line.strip() for line in text.splitlines())
    if not any(paragraphs):
        raise SpeechError("文件为空，没有可读的正文")
    return Speech(name=name, paragraphs=paragraphs, title=_title(paragraphs))


def _txt_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    if not data.strip():
        raise SpeechError("文件为空，没有可读的正文")
    if b"\x00" in data[:4096]:
        raise SpeechError("这是二进制文件，不是文本讲话稿")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpeechError(f"不是 UTF-8 编码的文本（第 {exc.start} 字节处无法解码），请另存为 UTF-8") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > max(8, len(text) // 100):
        raise SpeechError("这是二进制文件，不是文本讲话稿")
    return text.splitlines()


def _docx_lines(path: Path) -> list[str]:
    import docx  # python-docx; imported here so that .txt-only use does not pay for lxml
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SpeechError(f"不是有效的 .docx 文件（{type(exc).__name__}）") from None
    return [p.text for p in document.paragraphs]


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
    spans: list[Span] = []
    start = 0
    i = 0
    n = len(paragraph)
    while i < n:
        ch = paragraph[i]
        if ch in SENTENCE_END:
            end = i + 1
            while end < n and paragraph[end] in "”’」』)）":
                end += 1
            _add(spans, paragraph, start, end)
            start = i = end
            continue
        i += 1
    _add(spans, paragraph, start, n)
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + piece.index(stripped)
        spans.append(Span(stripped, offset, offset + len(stripped)))


def sentence_at(paragraph: str, position: int) -> Span:
    """The sentence of `paragraph` that holds character `position`."""
    spans = sentences(paragraph)
    for span in spans:
        if span.start <= position < span.end:
            return span
    return spans[-1] if spans else Span(paragraph, 0, len(paragraph))


def clause_around(sentence: str, start: int, end: int, min_len: int = 12, max_len: int = 60) -> str:
    """The clause(s) of `sentence` around [start, end), never split inside quotes or 《》.

    Grown by whole clauses to `min_len`; when longer than `max_len`, trimmed at 、 outside
    quotes and marked with …… where text was left out.
    """
    inside = _quoted_positions(sentence)
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


def _quoted_positions(text: str) -> list[bool]:
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
