"""Sibling material for distractors, by kind: a distractor is of the key's own kind and family."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lists
from .knowledge import COUNT_HEAD, Knowledge
from .numbers import head_count
from .types import Concept, Kind

# Characters a real phrase never starts or ends with (上的创新, 党建工作取得 are fragments).
BAD_START = set("的了和与及或之上中下里等是在对把被将为以而并且也都就才还又")
BAD_END = set("的了和与及或之在对把被将为以而并且也都就才还又取不")
# Every question looks through a pool for its distractors: more than this many siblings of a
# kind (the shared speeches have at most 256, the lexicon's formulas included) only slow it.
MAX_POOL = 1000
# …but these are whole phrases (担当作为, 有所作为).
WHOLE_ENDINGS = ("担当作为", "有所作为", "大有作为", "积极作为", "主动作为", "履职作为")
FRAGMENT_END = ("取得", "实现", "推进", "加强", "坚持", "做到", "开展", "进行", "成为", "作为", "通过")

# A name opening on an ordinal (第一种形态): the ordinal makes no kin, only a shared tail does.
ORDINAL_HEAD_RE = re.compile(r"^第[一二三四五六七八九十]")


def is_fragment(text: str, head: str = "") -> bool:
    """Whether an option reads as a broken piece of a sentence rather than a whole item. `head`:
    the two or more characters a whole set of items opens on (在党言党、在党忧党; 以学铸魂、以学增智),
    which makes its opening word the set's pattern rather than a cut."""
    text = text.strip()
    if not text or (text[0] in BAD_START and not (len(head) >= 2 and text.startswith(head))):
        return True
    if (text[-1] in BAD_END or text.endswith(FRAGMENT_END)) and not text.endswith(WHOLE_ENDINGS):
        return True
    return text.count("“") != text.count("”") or text.count("《") != text.count("》")


@dataclass
class Pools:
    """Sibling material from one speech and the lexicon."""

    heads: list[str] = field(default_factory=list)  # head clauses of numbered lists
    items: list[str] = field(default_factory=list)  # short members of lists and parallel sets
    formulas: list[str] = field(default_factory=list)
    slogans: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    theses: list[str] = field(default_factory=list)
    lexicon_items: list[str] = field(default_factory=list)  # members of the lexicon's formulas
    lexicon: Knowledge | None = None

    @classmethod
    def of(cls, concepts: list[Concept], knowledge: Knowledge) -> "Pools":
        pools = cls(lexicon=knowledge)
        for c in concepts:
            if c.kind == Kind.ENUMERATION and c.named_by and c.named_by != "frame":
                pools.heads.extend(short(m) for m in c.members)
            elif c.members and (lists.common_prefix(list(c.members)) or lists.common_suffix(list(c.members))):
                # …not the items of a set that shares no head or tail (重在自觉、贵在持久; 讲政治、守纪律):
                # each is its own kind, no sibling of 思想自觉 beside 政治自觉.
                pools.items.extend(c.members)
            if c.kind == Kind.FORMULA or (c.kind == Kind.ENUMERATION and head_count(c.term)):
                pools.formulas.append(c.term)
            elif c.kind == Kind.SLOGAN and not c.members:
                pools.slogans.append(c.term)
            elif c.kind == Kind.POLICY:
                pools.policies.append(c.term)
            elif c.kind == Kind.THESIS and not c.members:
                pools.theses.append(c.term)
        pools.formulas.extend(f.term for f in knowledge.formulas)
        pools.lexicon_items = [m for f in knowledge.formulas for m in f.members if len(m) <= 12]
        pools.policies.extend(knowledge.policies)
        for name in ("heads", "items", "formulas", "slogans", "policies", "theses"):
            kept = [x for x in dict.fromkeys(getattr(pools, name)) if not is_fragment(x)]
            setattr(pools, name, kept[:MAX_POOL])
        return pools

    def family_of(self, term: str) -> list[str]:
        """Formulas of the lexicon's kin of `term` (四个意识 ~ 四个自信), then the speech's formulas
        of the same count word and shape (四个意识 ~ 四个全面, never 两张皮 ~ 两个维护)."""
        same = [f.term for f in self.lexicon.kin(term)] if self.lexicon is not None else []
        count = head_count(term)
        shape = re.match(r"^(?:[0-9]{1,2}|[一二三四五六七八九十两双]{1,3})个", term)
        if count:
            same += [f for f in self.formulas if head_count(f) == count and len(f) == len(term)
                     and ((shape and f.startswith(shape.group(0))) or f[-2:] == term[-2:])]
        # A name that differs only by its count (三个务必 beside 两个务必) is the same formula grown:
        # much of what one says the other says too, so it is no wrong option.
        rest = COUNT_HEAD.sub("", term)
        return [f for f in dict.fromkeys(same) if f != term and not (rest and COUNT_HEAD.sub("", f) == rest)]

    def slogan_siblings(self, term: str) -> list[str]:
        """Quoted names sharing two characters of head or tail with `term` (枫桥经验 ~ 后陈经验)."""
        ordinal = ORDINAL_HEAD_RE.match(term) is not None  # 第一种形态 ~ 第一责任: no kin
        return [s for s in self.slogans + self.theses
                if s != term and (s[-2:] == term[-2:] or (s[:2] == term[:2] and not ordinal))]


def short(member: str) -> str:
    """A long head clause as an option: its first clause when that says enough on its own; a
    leading 要 or 必须 (一是要加强…) is the speech's voice, not the item's."""
    member = re.sub(r"^(?:要|必须|务必)(?=[\u4e00-\u9fff]{4})", "", member)
    if len(member) <= 20:
        return member
    first = re.split(r"[，,]", member)[0]
    return first if len(first) >= 4 else member
