"""The lexicon of official formulations (questions/data/knowledge.json): well-known formulas and
slogans with their members, their family (…意识, …自信, 两个…) and a public source note each,
and well-known documents."""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "knowledge.json"
COUNT_HEAD = re.compile(r"^(?:[0-9]{1,2}|[一二三四五六七八九十两双]{1,3})个?")


@dataclass(frozen=True)
class Formula:
    term: str
    members: tuple[str, ...]
    note: str
    family: str = ""


def inferred_family(term: str) -> str:
    """The family a count-named formula belongs to by its wording: 四个意识 → 意识, 两个维护 → 维护."""
    rest = COUNT_HEAD.sub("", term)
    return rest if rest != term and 1 <= len(rest) <= 4 else ""


def _plain(member: str) -> str:
    """A member as a set compares it: 精神懈怠的危险 and 精神懈怠危险 are one."""
    return member.replace("的", "")


@dataclass(frozen=True)
class Knowledge:
    formulas: tuple[Formula, ...]
    policies: tuple[str, ...]
    _by_term: dict[str, Formula] = field(init=False, repr=False, compare=False, hash=False)
    _kin: dict[str, tuple[Formula, ...]] = field(init=False, repr=False, compare=False, hash=False)
    _by_members: dict[frozenset, Formula] = field(init=False, repr=False, compare=False, hash=False)
    _by_listing: dict[tuple[str, ...], Formula] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_term", {f.term: f for f in self.formulas})
        object.__setattr__(self, "_kin", {})
        # Only formulas known by a counted name (四大考验, 政治三力, 三不腐): a set the lexicon
        # merely describes (积极性、主动性、创造性) is a stock phrase, not a formulation to ask by name.
        object.__setattr__(self, "_by_members", {frozenset(_plain(m) for m in f.members): f
                                                 for f in self.formulas
                                                 if len(f.members) >= 2 and re.search(r"[一二三四五六七八九十两\d]", f.term)})

        listing: dict[tuple[str, ...], Formula] = {}
        for f in self.formulas:
            if len(f.members) >= 2 and f.family != "性":
                listing.setdefault(tuple(_plain(m) for m in f.members), f)
        object.__setattr__(self, "_by_listing", listing)

    def formula(self, term: str) -> Formula | None:
        return self._by_term.get(term)

    def set_of(self, members: tuple[str, ...] | list[str]) -> Formula | None:
        """The formula known by a counted name whose members a speech lists without naming it
        (执政考验、改革开放考验、市场经济考验、外部环境考验 are the 四大考验), 的 aside; None for any
        other set."""
        if len(members) < 2:
            return None
        return self._by_members.get(frozenset(_plain(m) for m in members))

    def listing(self, members: tuple[str, ...] | list[str]) -> Formula | None:
        """The formula whose members these are, named by a count or not (让党中央放心、让人民群众满意
        are the 模范机关's); None when the lexicon has no such set. Sets of …性 words (积极性、主动性、
        创造性) read as stock phrases where a speech says them unnamed: not these."""
        return self._by_listing.get(tuple(_plain(m) for m in members))

    def family(self, term: str) -> str:
        """The lexicon's family of `term`, else the one its wording implies."""
        entry = self.formula(term)
        return (entry.family if entry and entry.family else "") or inferred_family(term)

    def kin(self, term: str) -> list[Formula]:
        """Formulas a distractor for `term` may come from: the same family in the lexicon, then
        the same count word (四个意识 ~ 四个自信 ~ 四个全面; 两个维护 ~ 两个确立)."""
        if term not in self._kin:
            family = self.family(term)
            count = COUNT_HEAD.match(term)
            same = [f for f in self.formulas if f.term != term and family and self.family(f.term) == family]
            if count and count.group(0).endswith("个"):
                same += [f for f in self.formulas if f.term != term and f.term.startswith(count.group(0))]
            self._kin[term] = tuple(dict.fromkeys(same))
        return list(self._kin[term])

    def text(self) -> str:
        """Everything the file states, for checking that a knowledge answer comes from it."""
        return "\n".join([*(m for f in self.formulas for m in f.members), *self.policies])


@functools.lru_cache(maxsize=4)
def load_knowledge(path: Path = DATA_FILE) -> Knowledge:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    formulas = tuple(Formula(f["term"], tuple(f["members"]), f["note"], f.get("family", ""))
                     for f in data["formulas"])
    return Knowledge(formulas=formulas, policies=tuple(data["policies"]))
