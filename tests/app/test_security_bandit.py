"""bandit over the app and the bank builder: no high-severity finding, and no medium one that
is not justified in the code (``# nosec <id>`` with a reason)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bandit(*flags: str) -> list[dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "quizapp", "questions", "-q", *flags, "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr  # 1 means "found something"
    report = json.loads(completed.stdout)
    assert report["errors"] == []
    assert report["metrics"]["_totals"]["loc"] > 5000  # it really scanned the code
    return report["results"]


def _where(results: list[dict[str, object]]) -> list[str]:
    return [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in results]


@pytest.mark.parametrize(("flag", "level"), [("-lll", "high"), ("-ll", "medium")])
def test_bandit_finds_nothing_at_or_above(flag, level):
    assert _where(bandit(flag)) == [], f"bandit {level}-severity findings"
