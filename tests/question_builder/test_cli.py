"""`python -m questions`: the JSON interface, the report, and bad files among good ones."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = "第一，提高认识。牢固树立“四个意识”。\n第二，狠抓落实。每月开展党规党纪选学，每季度进行应知应会测试。\n"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "questions", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_concepts_prints_one_json_object_a_line(good):
    result = run("concepts", str(good))
    assert result.returncode == 0, result.stderr
    concepts = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"speech", "term", "kind", "members", "source"} <= set(concepts[0])
    formula = next(c for c in concepts if c["term"] == "四个意识")
    assert formula == {"speech": "good.txt", "term": "四个意识", "kind": "formula", "members": [],
                       "source": {"paragraph": 1, "sentence": "牢固树立“四个意识”。"}}


def test_build_writes_questions_to_a_file(good, tmp_path):
    out = tmp_path / "bank.jsonl"
    result = run("build", str(good), "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and all(r["source"]["speech"] == "good.txt" for r in rows)
    keys = {"id", "type", "stem", "options", "answer", "explanation", "concept", "kind", "difficulty",
            "origin", "source"}
    assert all(keys <= set(r) for r in rows)
    assert run("build", str(good)).stdout == out.read_text(encoding="utf-8")


def test_report_is_human_readable(good):
    result = run("report", str(good))
    assert result.returncode == 0
    assert "good.txt" in result.stdout and "题目" in result.stdout and "判断" in result.stdout


@pytest.mark.parametrize("name, content", [
    ("empty.txt", b""),
    ("binary.txt", bytes(range(256)) * 4),
    ("unknown.txt", b"\x80\x80\x80\xff\xff"),
    ("broken.docx", b"PK\x03\x04broken"),
])
def test_bad_file_is_named_with_exit_2_and_the_others_still_built(good, tmp_path, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    result = run("build", str(bad), str(good))
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and name in errors[0] and errors[0].startswith("错误")
    assert any(json.loads(line)["source"]["speech"] == "good.txt" for line in result.stdout.splitlines())


def test_a_speech_without_a_question_is_a_warning_and_exit_2(good, tmp_path):
    empty = tmp_path / "致辞.txt"
    empty.write_text("大家好。\n谢谢大家。\n", encoding="utf-8")
    result = run("build", str(empty), str(good))
    assert result.returncode == 2
    assert result.stderr.strip() == f"警告：{empty}：没有生成任何题目（未找到可出题的关键概念）"
    assert any(json.loads(line)["source"]["speech"] == "good.txt" for line in result.stdout.splitlines())


def test_a_gbk_speech_builds_like_its_utf8_text(good, tmp_path):
    gbk = tmp_path / "gbk" / "good.txt"  # the same name: the builder's choices are seeded by it
    gbk.parent.mkdir()
    gbk.write_bytes(GOOD.encode("gbk"))
    built = run("build", str(gbk)).stdout
    assert built == run("build", str(good)).stdout and built
