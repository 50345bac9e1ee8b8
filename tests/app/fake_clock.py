"""A clock the login-limit tests move by hand, put in place of ``time`` where counters read it."""

from __future__ import annotations

import types
from typing import Any

import pytest


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now


def install(monkeypatch: pytest.MonkeyPatch, *modules: Any) -> FakeClock:
    """One FakeClock as ``time`` in each of ``modules`` (the login throttle)."""
    fake = FakeClock()
    for module in modules:
        monkeypatch.setattr(module, "time", types.SimpleNamespace(time=fake.time))
    return fake
