"""Concepts → questions: stems, options, answers, explanations. Seeded, so the same input gives the same bank."""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

from .knowledge import Knowledge
from .numbers import head_count, int_to_cn
from .text import clause_around
from .types import Concept, Kind, Origin, QType, Question, Source

BLANK = "____"
FREQUENCIES = ["每周", "每半个月", "每月", "每季度", "每半年", "每年"]


@dataclass
class Draft:
    """A question before the quality gate: what it is about and what must be checked."""

    question: Question
    # Texts that must stand verbatim in the speech (or the data file, for knowledge questions).
    must_quote: tuple[str, ...]
    need_distractors: int = 0
    got_distractors: int = 0


@dataclass
class Pools:
    """Sibling material for distractors, from one speech and the knowledge file."""

    lists: list[tuple[str, ...]] = field(default_factory=list)
    own_lists: int = 0  # how many of `lists` come from the speech (the rest from the data file)
    formulas: list[str] = field(default_factory=list)
    slogans: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, concepts: list[Concept], knowledge: Knowledge) -> "Pools":
        pools = cls()
        for c in concepts:
            if c.members and c.kind in (Kind.ENUMERATION, Kind.SLOGAN):
                pools.lists.append(c.members)
            if c.kind == Kind.FORMULA or (c.kind == Kind.ENUMERATION and head_count(c.term)):
                pools.formulas.append(c.term)
            elif c.kind == Kind.SLOGAN and not c.members:
                pools.slogans.append(c.term)
            elif c.kind == Kind.POLICY:
                pools.policies.append(c.term)
        pools.own_lists = len(pools.lists)
        for entry in knowledge.formulas:
            pools.formulas.append(entry.term)
            pools.lists.append(entry.members)
        pools.policies.extend(knowledge.policies)
        for name in ("formulas", "slogans", "policies"):
            setattr(pools, name, list(dict.fromkeys(getattr(pools, name))))
        return pools


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def question_id(speech: str, term: str, qtype: QType, variant: str) -> str:
    """Stable id: the same speech, concept, type and variant always give the same id."""
    digest = hashlib.sha1("\x1f".join((speech, term, qtype.value, variant)).encode("utf-8")).hexdigest()
    stem = re.sub(r"[^0-9A-Za-z]+", "", speech.rsplit(".", 1)[0])[:12] or "speech"
    return f"{stem}-{digest[:12]}"


def _pick(rng: random.Random, pool: list[str], exclude: set[str], want: int, like: str,
          avoid: str = "", own: int | None = None) -> list[str]:
    """Up to `want` distractors from `pool`: never the answer, never repeated, never a text that
    stands in the source sentence `avoid`. Preferred: a similar length, a shared head or tail with
    `like`, the speech's own material (the first `own` items of `pool`), then the closest length."""
    own = len(pool) if own is None else own
    seen = set()
    candidates = []
    for item in pool:
        if item in exclude or item in seen or (avoid and item in avoid):
            continue
        if any(item in e or e in item for e in exclude if len(e) >= 2):
            continue
        seen.add(item)
        candidates.append(item)
    rng.shuffle(candidates)
    order = {item: rank for rank, item in enumerate(pool)}
    candidates.sort(key=lambda item: (not _similar_length(item, like), -_affinity(item, like),
                                      order[item] >= own, abs(len(item) - len(like))))
    return candidates[:want]


def _similar_length(item: str, like: str) -> bool:
    return len(like) / 2 <= len(item) <= len(like) * 2


def _affinity(item: str, like: str) -> int:
    """How many leading and trailing characters two phrases share (政治方向 ~ 政治站位: 2)."""
    head = 0
    while head < min(len(item), len(like)) and item[head] == like[head]:
        head += 1
    tail = 0
    while tail < min(len(item), len(like)) - head and item[-1 - tail] == like[-1 - tail]:
        tail += 1
    return min(head + tail, 3)


def _options(rng: random.Random, right: list[str], wrong: list[str]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    options = right + wrong
    rng.shuffle(options)
    answer = tuple(sorted(options.index(r) for r in right))
    return tuple(options), answer


def _difficulty(qtype: QType, n_options: int = 0, answer_len: int = 0) -> int:
    if qtype == QType.JUDGE:
        return 1
    if qtype == QType.MULTIPLE:
        return 3 if n_options > 5 else 2
    if qtype == QType.FILL:
        return 3 if answer_len > 6 else 2
    return 2


class Maker:
    """Builds the drafts for the concepts of one speech."""

    def __init__(self, speech_name: str, pools: Pools, knowledge: Knowledge) -> None:
        self.speech = speech_name
        self.pools = pools
        self.knowledge = knowledge
        self.drafts: list[Draft] = []

    # -- plumbing ------------------------------------------------------------------------
    def add(self, concept: Concept, qtype: QType, variant: str, stem: str, options=(), answer=None,
            explanation: str = "", must_quote=(), need: int = 0, got: int = 0,
            origin: Origin = Origin.SPEECH, source: Source | None = None) -> None:
        answer_len = max((len(a) for a in answer), default=0) if qtype == QType.FILL else 0
        question = Question(
            id=question_id(self.speech, concept.term, qtype, variant),
            type=qtype, stem=stem, options=tuple(options), answer=answer,
            explanation=explanation, concept=concept.term, kind=concept.kind,
            difficulty=_difficulty(qtype, len(options), answer_len), origin=origin,
            source=source or concept.source,
        )
        self.drafts.append(Draft(question, tuple(must_quote), need, got))

    def rng(self, concept: Concept, variant: str) -> random.Random:
        return _rng(self.speech, concept.term, variant)

    def member_pool(self, c: Concept) -> tuple[list[str], int]:
        """Members of the other lists, the speech's own first; and how many are the speech's own."""
        others, own = [], 0
        for index, group in enumerate(self.pools.lists):
            if group == c.members:
                continue
            others.extend(group)
            if index < self.pools.own_lists:
                own = len(others)
        return others, own

    # -- per kind ------------------------------------------------------------------------
    def make(self, concept: Concept) -> None:
        if concept.kind == Kind.FACT:
            self.fact(concept)
        elif concept.members:
            self.listing(concept)
        else:
            self.term(concept)
        entry = self.knowledge.formula(concept.term)
        if entry is not None and not concept.members:
            self.knowledge_questions(concept, entry)

    def listing(self, c: Concept) -> None:
        """A named list (enumeration): 多选, 不属于, 排第一, 判断, 填空."""
        if c.kind != Kind.ENUMERATION:
            self.parallel(c)
            return
        members = list(c.members)
        name, where = _list_name(c)
        sentence = c.source.sentence
        others, own = self.member_pool(c)
        rng = self.rng(c, "multiple")
        shown = members if len(members) <= 5 else sorted(rng.sample(members, 4), key=members.index)
        wrong = _pick(rng, others, set(members), 2 if len(shown) <= 4 else 1, shown[0], sentence, own)
        options, answer = _options(rng, list(shown), wrong)
        explain = f"{where}，{name}包括：{'、'.join(members)}。"
        self.add(c, QType.MULTIPLE, "members", f"{where}，{name}包括下列哪些内容？（多选）", options, answer,
                 explain, must_quote=shown, need=1, got=len(wrong))
        if len(members) >= 3:
            rng = self.rng(c, "not")
            kept = sorted(rng.sample(members, 3), key=members.index)
            wrong = _pick(rng, others, set(members), 1, kept[0], sentence, own)
            options, answer = _options(rng, wrong, kept)
            self.add(c, QType.SINGLE, "not-member", f"{where}，下列哪一项不属于{name}？", options, answer,
                     explain, must_quote=kept, need=1, got=len(wrong))
            rng = self.rng(c, "first")
            rest = rng.sample(members[1:], min(3, len(members) - 1))
            options, answer = _options(rng, [members[0]], rest)
            self.add(c, QType.SINGLE, "first", f"{where}，{name}中排在第一位的是哪一项？", options, answer,
                     explain + f"排在第一位的是{_q(members[0])}。", must_quote=options)
        n = len(members)
        if max(len(m) for m in members) <= 12 and n <= 6:
            self.add(c, QType.JUDGE, "true", f"判断：{where}，{name}包括{'、'.join(members)}。", (), True,
                     explain, must_quote=members)
            rng = self.rng(c, "judge-false")
            swap = _pick(rng, others, set(members), 1, members[-1], sentence, own)
            if swap:
                k = rng.randrange(n)
                changed = members[:k] + swap + members[k + 1:]
                self.add(c, QType.JUDGE, "false", f"判断：{where}，{name}包括{'、'.join(changed)}。", (), False,
                         explain + f"其中没有{_q(swap[0])}，应为{_q(members[k])}。", must_quote=members)
        else:
            self.add(c, QType.JUDGE, "true", f"判断：{where}，{name}共{int_to_cn(n)}项，第一项是{_q(members[0])}。",
                     (), True, explain, must_quote=(members[0],))
            self.add(c, QType.JUDGE, "false", f"判断：{where}，{name}共{int_to_cn(n)}项，第一项是{_q(members[1])}。",
                     (), False, explain + f"第一项是{_q(members[0])}，{_q(members[1])}是第二项。",
                     must_quote=(members[0], members[1]))
        short = [m for m in members if len(m) <= 12]
        if short:
            blank = short[min(1, len(short) - 1)]
            if max(len(m) for m in members) > 12:
                k = members.index(blank) + 1
                stem = f"{where}，{name}中的第{int_to_cn(k)}项是什么？（填写原文）"
            else:
                context = _cloze(sentence, blank)
                stem = f"根据讲话原文填空：{context}" if context else ""
            if stem:
                self.add(c, QType.FILL, f"fill-{blank}", stem, (), (blank,), explain, must_quote=(blank,))

    def parallel(self, c: Concept) -> None:
        """A set of parallel phrases (政治判断力、政治领悟力、政治执行力): asked in its sentence."""
        members = list(c.members)
        others, own = self.member_pool(c)
        rng = self.rng(c, "together")
        wrong = _pick(rng, others, set(members), 2, members[1], c.source.sentence, own)
        options, answer = _options(rng, members[1:], wrong)
        self.add(c, QType.MULTIPLE, "together", f"讲话中，与{_q(members[0])}并列提出的有哪些？（多选）", options,
                 answer, _quote_source(c), must_quote=members[1:], need=1, got=len(wrong))
        blank = members[len(members) // 2]
        wrong = _pick(self.rng(c, "cloze"), others, set(members), 3, blank, c.source.sentence, own)
        self.in_context(c, blank, wrong, "哪一项", variant=f"-{blank}")

    def term(self, c: Concept) -> None:
        """A formula, slogan or document named in a sentence: 选择填空, 判断, 填空."""
        pool = {Kind.FORMULA: self.pools.formulas, Kind.SLOGAN: self.pools.slogans,
                Kind.POLICY: self.pools.policies, Kind.ENUMERATION: self.pools.formulas}[c.kind]
        siblings = _siblings(c.term, pool) if c.kind == Kind.FORMULA else pool
        wrong = _pick(self.rng(c, "single"), siblings, {c.term}, 3, c.term, c.source.sentence)
        what = "哪个文件" if c.kind == Kind.POLICY else "哪个提法"
        self.in_context(c, c.term, wrong, what, fill=len(c.term) <= 16)

    def fact(self, c: Concept) -> None:
        """A figure or frequency: 填空, 单选 among changed figures, 判断 true and changed."""
        figure = c.figures[0]
        wrong = _changed_figures(figure, self.rng(c, "fact"))[:3]
        self.in_context(c, figure, wrong, "哪一项")

    def in_context(self, c: Concept, right: str, wrong: list[str], what: str, fill: bool = True,
                   variant: str = "") -> None:
        """单选 (which fills the blank), 判断 (as said, and with `right` changed) and 填空, all in
        the clause of the source sentence around `right`."""
        context = _cloze(c.source.sentence, right)
        if not context:
            return
        explain = _quote_source(c)
        options, answer = _options(self.rng(c, "options" + variant), [right], list(wrong))
        self.add(c, QType.SINGLE, "cloze" + variant, f"根据讲话，下面横线处应填入{what}？\n{context}", options,
                 answer, explain, must_quote=(right,), need=2, got=len(wrong))
        if fill:
            self.add(c, QType.FILL, "fill" + variant, f"根据讲话原文填空：{context}", (), (right,), explain,
                     must_quote=(right,))
        if context.rstrip("。……").endswith(("吗", "？", "?")):
            return  # a rhetorical question does not make a statement to judge
        self.add(c, QType.JUDGE, "true" + variant, f"判断：讲话提出，{context.replace(BLANK, right, 1)}", (), True,
                 explain, must_quote=(right,))
        if wrong:
            self.add(c, QType.JUDGE, "false" + variant, f"判断：讲话提出，{context.replace(BLANK, wrong[0], 1)}",
                     (), False, explain + f"（原文是{_q(right)}，不是{_q(wrong[0])}）", must_quote=(right,))

    def knowledge_questions(self, c: Concept, entry) -> None:
        """Questions on the members of a well-known formula the speech names, from the data file."""
        members = list(entry.members)
        others = [m for e in self.knowledge.formulas if e.term != entry.term for m in e.members]
        rng = self.rng(c, "kb")
        wrong = _pick(rng, others, set(members), 2, members[-1], c.source.sentence)
        options, answer = _options(rng, members, wrong)
        explain = f"{_q(entry.term)}是指：{'、'.join(members)}。出处：{entry.note}。"
        self.add(c, QType.MULTIPLE, "kb-members", f"讲话提到{_q(entry.term)}，它是指下列哪些内容？（多选）",
                 options, answer, explain, must_quote=(), need=1, got=len(wrong), origin=Origin.KNOWLEDGE)
        if wrong:
            changed = members[:-1] + wrong[:1]
            self.add(c, QType.JUDGE, "kb-false", f"判断：{_q(entry.term)}是指{'、'.join(changed)}。", (), False,
                     explain, origin=Origin.KNOWLEDGE)


def _quote_source(c: Concept) -> str:
    return f"讲话原文（第{c.source.paragraph}段）：{c.source.sentence}"


def _q(text: str) -> str:
    """Quote `text`, turning quotes inside it into single quotes: “抓好‘两个维护’”."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def _list_name(c: Concept) -> tuple[str, str]:
    """How a question names a list and where the speech says it: ('“五点意见”', '讲话中')."""
    term = c.term.replace("“", "‘").replace("”", "’")
    if c.named_by == "heading":
        return "列举的几个方面", f"讲话在{_q(term)}部分"
    if c.named_by == "lead":
        return "列举的几个方面", f"讲话谈到{_q(term)}时"
    if c.named_by == "title":
        return "几个部分的标题", "讲话的结构中"
    return f"{_q(term)}", "讲话中"


def _siblings(term: str, pool: list[str]) -> list[str]:
    """Formulas that open with the same count first (四个意识 / 四个自信 / 四风), then the rest."""
    count = head_count(term)
    same = [p for p in pool if head_count(p) == count and p != term]
    rest = [p for p in pool if p not in same and p != term]
    return same + rest if len(same) >= 3 else same + rest


def _cloze(sentence: str, answer: str) -> str:
    """The clause of `sentence` around `answer`, with `answer` blanked; '' if it is not there."""
    at = -1
    for wrapped in (f"{_q(answer)}", f"《{answer}》"):
        if wrapped in sentence:
            at = sentence.find(wrapped) + 1
            break
    if at < 0:
        at = sentence.find(answer)
    if at < 0:
        return ""
    context = clause_around(sentence, at, at + len(answer), min_len=len(answer) + 10, max_len=max(70, len(answer) + 40))
    if answer not in context:
        return ""
    offset = context.find(f"{_q(answer)}") + 1 or context.find(f"《{answer}》") + 1 or context.find(answer)
    if offset < 0:
        return ""
    blanked = context[:offset] + BLANK + context[offset + len(answer):]
    return blanked if blanked.endswith(("。", "！", "？")) else blanked + "。"


FIGURE_RE = re.compile(r"^(\D*?)(\d+(?:\.\d+)?)(.*)$")


def _changed_figures(figure: str, rng: random.Random) -> list[str]:
    """Plausible wrong figures: another frequency, or the number changed."""
    for freq in sorted(FREQUENCIES, key=len, reverse=True):
        if figure.startswith(freq):
            rest = figure[len(freq):]
            others = [f + rest for f in FREQUENCIES if f != freq]
            rng.shuffle(others)
            return others
    match = FIGURE_RE.match(figure)
    if not match:
        return []
    head, number, tail = match.groups()
    if "/" in tail:
        return []
    value = float(number)
    if re.fullmatch(r"(?:19|20)\d\d", number) and tail.startswith("年"):
        years = [str(int(value) + d) + tail for d in (-2, -1, 1, 2)]
        rng.shuffle(years)
        return years
    decimals = len(number.split(".")[1]) if "." in number else 0
    if value <= 10 and decimals == 0:
        candidates = [value + 1, value + 2, value - 1, value * 2]
    else:
        candidates = [value * 2, value / 2, value * 1.5, value + value / 4]
    out = []
    for v in candidates:
        if v <= 0:
            continue
        text = f"{v:.{decimals}f}" if decimals else str(int(round(v)))
        if text != number and head + text + tail not in out:
            out.append(head + text + tail)
    rng.shuffle(out)
    return out
