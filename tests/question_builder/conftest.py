"""Fixtures for the builder tests: the shared speeches and small texts written for the tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from questions.text import speech_from_text

SPEECHES = Path(__file__).resolve().parents[3] / "shared" / "speeches"


@pytest.fixture(scope="session")
def speech_paths() -> list[Path]:
    paths = sorted(SPEECHES.glob("*.txt"))
    if not paths:
        pytest.skip("../shared/speeches is not beside the checkout")
    return paths


@pytest.fixture
def make_speech():
    """A speech from lines of text written for a test."""

    def make(*lines: str, name: str = "test.txt"):
        return speech_from_text(name, "\n".join(lines))

    return make
