"""The curated data file of well-known formulas and documents (questions/data/knowledge.json)."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "knowledge.json"


@dataclass(frozen=True)
class Formula:
    term: str
    members: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Knowledge:
    formulas: tuple[Formula, ...]
    policies: tuple[str, ...]

    def formula(self, term: str) -> Formula | None:
        return next((f for f in self.formulas if f.term == term), None)

    def text(self) -> str:
        """Everything the file states, for checking that a knowledge answer comes from it."""
        return "\n".join([*(m for f in self.formulas for m in f.members), *self.policies])


@functools.lru_cache(maxsize=4)
def load_knowledge(path: Path = DATA_FILE) -> Knowledge:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    formulas = tuple(Formula(f["term"], tuple(f["members"]), f["note"]) for f in data["formulas"])
    return Knowledge(formulas=formulas, policies=tuple(data["policies"]))
