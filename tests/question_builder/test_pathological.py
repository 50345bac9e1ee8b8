"""The builder's work grows with the length of a speech, whatever its shape (issue 19, finding 2:
one line 政治判断力0、政治判断力1、… of 20 KB took 60 s, of 40 KB more than 300 s).

Each shape is about 200 KB, made here; the bound is CPU time, so a busy machine does not fail it.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questions import parallel
from questions.build import build_bank
from questions.text import MAX_PARAGRAPH, speech_from_text, split_long

SIZE = 200_000  # bytes of UTF-8
CPU_SECONDS = 20
ROOT = Path(__file__).resolve().parents[2]
NUMERALS = "一二三四五六七八九十"
CHARS = "党建工作要求全面从严治党组织建设思想政治基层"


def _fill(unit, end: str = "") -> str:
    parts, size, i = [], 0, 0
    while size < SIZE:
        part = unit(i)
        parts.append(part)
        size += len(part.encode())
        i += 1
    return "".join(parts) + end


SHAPES = {
    "run": lambda: _fill(lambda i: f"政治判断力{i}、", "。\n"),
    "no-punctuation": lambda: _fill(lambda i: CHARS[i * 7 % len(CHARS)], "\n"),
    "short-lines": lambda: _fill(lambda i: f"第{i}行党建。\n"),
    "quotes": lambda: _fill(lambda i: f"“四个意识{i}”"),
    "open-quotes": lambda: _fill(lambda i: "“"),
    "books": lambda: _fill(lambda i: f"《党章{i}》、", "。\n"),
    "yishi-markers": lambda: _fill(lambda i: f"{NUMERALS[i % 10]}是加强党建工作{i}；", "\n"),
    "paren-markers": lambda: _fill(lambda i: f"（{NUMERALS[i % 10]}）加强党建工作{i}。\n"),
    "frames": lambda: _fill(lambda i: f"在政治{i}上作表率，", "\n"),
    "theses": lambda: _fill(lambda i: f"把党建{i}作为首要任务，只有加强党建{i}才能取得胜利。"),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_200_kb_pathological_speech_builds_in_seconds(shape):
    text = SHAPES[shape]()
    assert len(text.encode()) >= SIZE
    speech = speech_from_text(f"{shape}.txt", text)
    assert max(len(p) for p in speech.paragraphs) <= MAX_PARAGRAPH
    started = time.process_time()
    build_bank([speech])
    assert time.process_time() - started < CPU_SECONDS


def test_the_command_line_builds_the_issues_speech(tmp_path):
    path = tmp_path / "run.txt"
    path.write_text(SHAPES["run"](), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "questions", "build", str(path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 2), result.stderr  # 2: it made no question (said on stderr)


def test_long_paragraphs_are_cut_after_a_sentence_or_a_clause():
    sentence = "加强党的建设，“提高质量。”"
    pieces = split_long(sentence * 400, 1000)
    assert all(len(p) <= 1000 for p in pieces) and "".join(pieces) == sentence * 400
    assert all(p.endswith("。”") for p in pieces[:-1])
    clauses = split_long("加强党的建设、提高质量" * 300, 1000)
    assert all(len(p) <= 1000 and p.endswith("、") for p in clauses[:-1])
    assert split_long("党" * 2500, 1000) == ["党" * 1000, "党" * 1000, "党" * 500]
    assert split_long("短段落。", 1000) == ["短段落。"]


def _cubic_best_run(items: list[str]) -> tuple[str, ...]:
    """The search as it was: every window, longest first."""
    n = len(items)
    for size in range(n, 2, -1):
        for start in range(0, n - size + 1):
            members = parallel._shape(items[start:start + size])
            if members:
                return members
    return ()


ITEM = st.text(alphabet="政治判断领悟执行力能的局", min_size=0, max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(ITEM, min_size=3, max_size=12))
def test_the_bounded_search_finds_what_every_window_found(items):
    assert parallel._best_run(items) == _cubic_best_run(items)


def test_real_runs_are_still_found():
    items = ["增强政治判断力", "政治领悟力", "政治执行力"]
    assert parallel._best_run(items) == ("政治判断力", "政治领悟力", "政治执行力")
