"""quiz, reports, points, publish and organize never import the contest (it calls them, not
the other way round)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "quizapp"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("feature", ["quiz", "reports", "points", "publish", "organize"])
def test_feature_never_imports_contest(feature):
    files = sorted((PACKAGE / feature).rglob("*.py"))
    assert files
    offenders = [f"{path.name}: {name}" for path in files for name in _imports(path)
                 if name == "quizapp.contest" or name.startswith("quizapp.contest.")]
    assert offenders == []
