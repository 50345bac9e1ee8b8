"""The import contracts of ``.importlinter`` (also run by ``lint-imports`` in ``.ci/run``):
the feature blueprints never import each other, the domain layer ``quizapp.results`` sits
below them, and the question builder never imports ``quizapp``."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
FEATURES = {"quizapp.quiz", "quizapp.reports", "quizapp.points", "quizapp.publish", "quizapp.organize"}


def _contracts() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    return config


def test_the_contracts_name_the_features_and_the_builder() -> None:
    config = _contracts()
    independent = config["importlinter:contract:features-independent"]
    assert independent["type"] == "independence"
    assert set(independent["modules"].split()) == FEATURES
    builder = config["importlinter:contract:builder-independent"]
    assert builder["source_modules"].split() == ["questions"]
    assert "quizapp" in builder["forbidden_modules"].split()
    results = config["importlinter:contract:results-below-features"]
    assert FEATURES <= set(results["forbidden_modules"].split())


def test_the_code_keeps_the_contracts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True) == 0


def test_a_feature_importing_another_breaks_the_contract(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The same independence contract over a small package where one feature imports
    another: lint-imports fails, so the check in CI can fail."""
    package = tmp_path / "fakeapp"
    for name, body in {"__init__": "", "quiz": "from fakeapp import reports\n",
                       "reports": "", "points": ""}.items():
        package.mkdir(exist_ok=True)
        (package / f"{name}.py").write_text(body, encoding="utf-8")
    config = tmp_path / "contracts.ini"
    config.write_text("[importlinter]\nroot_package = fakeapp\n\n"
                      "[importlinter:contract:one]\nname = independent\ntype = independence\n"
                      "modules =\n    fakeapp.quiz\n    fakeapp.reports\n    fakeapp.points\n",
                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 1


# How a percent, a verdict or a best sitting would be computed by hand. Only quizapp/results/
# may do it: every page, export and report calls ``results.scores`` (or ``results.tally``).
HAND_MADE = re.compile(
    r"score\s*\*\s*100|100(\.0)?\s*\*\s*\(?\s*[\w.]*score|/\s*\(?[\w.]*max_score"
    r"|\bFraction\(|>=\s*[\w.]*(pass|excellent)_percent\b|(pass|excellent)_percent\s*<=\s*(?![\w.]*(pass|excellent)_percent)[\w.]*percent"
    r"|row_number\(\).*score")


def test_no_feature_computes_a_percent_verdict_or_best_sitting() -> None:
    found = []
    for path in sorted((ROOT / "quizapp").rglob("*")):
        relative = path.relative_to(ROOT).as_posix()
        if path.suffix not in {".py", ".html"} or relative.startswith("quizapp/results/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if HAND_MADE.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []
    assert HAND_MADE.search("percent = 100.0 * (attempt.score or 0) / (attempt.max_score or 1)")
    assert HAND_MADE.search("return percent >= self.activity.excellent_percent")
