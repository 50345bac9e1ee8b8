"""Concepts → questions: stems, options, answers, explanations. Seeded, so the same input gives the same bank."""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

from . import lists
from .distractors import Chooser
from .figures import changed_figures
from .knowledge import Formula, Knowledge
from .numbers import head_count, int_to_cn
from .text import clause_around
from .types import Concept, Kind, Origin, QType, Question, Speech

BLANK = "____"
MAX_FILL = 8  # characters a member types on a phone for one blank
DOCUMENT_ENDINGS = ("条例", "意见", "办法", "方案", "通知", "规定", "规划", "要点", "细则", "准则", "决定",
                    "决议", "章程", "制度", "措施", "报告", "纲要", "计划", "清单", "守则", "党章", "规则")


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

    heads: list[str] = field(default_factory=list)  # head clauses of numbered lists
    items: list[str] = field(default_factory=list)  # short members of lists and parallel sets
    formulas: list[str] = field(default_factory=list)
    slogans: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, concepts: list[Concept], knowledge: Knowledge) -> "Pools":
        pools = cls()
        for c in concepts:
            if c.kind == Kind.ENUMERATION and c.named_by:
                pools.heads.extend(_short(m) for m in c.members)
            elif c.members:
                pools.items.extend(c.members)
            if c.kind == Kind.FORMULA or (c.kind == Kind.ENUMERATION and head_count(c.term)):
                pools.formulas.append(c.term)
            elif c.kind == Kind.SLOGAN and not c.members:
                pools.slogans.append(c.term)
            elif c.kind == Kind.POLICY:
                pools.policies.append(c.term)
        pools.formulas.extend(f.term for f in knowledge.formulas)
        pools.policies.extend(knowledge.policies)
        for name in ("heads", "items", "formulas", "slogans", "policies"):
            setattr(pools, name, list(dict.fromkeys(getattr(pools, name))))
        return pools


def question_id(speech: str, term: str, qtype: QType, variant: str) -> str:
    """Stable id: the same speech, concept, type and variant always give the same id."""
    # A stable identifier, not a secret: SHA-1 is fine here (the flag keeps FIPS builds and bandit happy).
    digest = hashlib.sha1("\x1f".join((speech, term, qtype.value, variant)).encode("utf-8"),
                          usedforsecurity=False).hexdigest()
    stem = re.sub(r"[^0-9A-Za-z]+", "", speech.rsplit(".", 1)[0])[:12] or "speech"
    return f"{stem}-{digest[:12]}"


def _options(rng: random.Random, right: list[str], wrong: list[str]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    options = right + wrong
    rng.shuffle(options)
    return tuple(options), tuple(sorted(options.index(r) for r in right))


def _difficulty(qtype: QType, n_options: int = 0, answer_len: int = 0) -> int:
    if qtype == QType.JUDGE:
        return 1
    if qtype == QType.MULTIPLE:
        return 3 if n_options > 4 else 2
    if qtype == QType.FILL:
        return 3 if answer_len > 5 else 2
    return 2


class Maker:
    """Builds the drafts for the concepts of one speech."""

    def __init__(self, speech: Speech, concepts: list[Concept], knowledge: Knowledge) -> None:
        self.speech = speech.name
        self.pools = Pools.of(concepts, knowledge)
        self.knowledge = knowledge
        self.chooser = Chooser(speech)
        self.speech_text = speech.paragraphs
        self.drafts: list[Draft] = []
        # A numbered list's heading and the list it belongs to are never its own distractors.
        self.list_of: dict[str, tuple[str, ...]] = {m: c.members for c in concepts if c.kind == Kind.ENUMERATION
                                                    for m in c.members}

    def add(self, concept: Concept, qtype: QType, variant: str, stem: str, options=(), answer=None,
            explanation: str = "", must_quote=(), need: int = 0, got: int = 0,
            origin: Origin = Origin.SPEECH) -> None:
        answer_len = max((len(a) for a in answer), default=0) if qtype == QType.FILL else 0
        question = Question(
            id=question_id(self.speech, concept.term, qtype, variant),
            type=qtype, stem=stem, options=tuple(options), answer=answer,
            explanation=explanation, concept=concept.term, kind=concept.kind,
            difficulty=_difficulty(qtype, len(options), answer_len), origin=origin, source=concept.source,
        )
        self.drafts.append(Draft(question, tuple(must_quote), need, got))

    def rng(self, concept: Concept, variant: str) -> random.Random:
        digest = hashlib.sha256("\x1f".join((self.speech, concept.term, variant)).encode("utf-8")).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def make(self, concept: Concept) -> None:
        if concept.kind == Kind.FACT:
            self.fact(concept)
        elif concept.kind == Kind.ENUMERATION and concept.members:
            self.enumeration(concept)
        elif concept.members:
            self.parallel(concept)
        else:
            self.term(concept)
        entry = self.knowledge.formula(concept.term)
        if entry is not None and not concept.members:
            self.knowledge_questions(concept, entry)

    # -- lists ---------------------------------------------------------------------------
    def enumeration(self, c: Concept) -> None:
        """A named list: 多选 (which belong), 单选 (which does not; which comes first), 判断, 填空."""
        members = [_short(m) for m in c.members]
        name, where = _list_name(c)
        answers = set(members) | set(c.members)
        excluded = answers | {c.term, c.context} | set(self.list_of.get(c.context, ()))
        pool, affix = (self.pools.heads, ("", "")) if c.named_by else self._pattern_pool(members)
        explain = f"{where}，{name}依次是：{_numbered(members)}。"
        # Nothing from the paragraphs the list stands in: its own heading is there.
        spanned = "\n".join(self.speech_text[p - 1] for p in (c.source.paragraphs or (c.source.paragraph,)))

        def pick(want: int, like: str) -> list[str]:
            return self.chooser.choose(pool, excluded, want, like, spanned, affix)

        rng = self.rng(c, "multiple")
        shown = members if len(members) <= 3 else sorted(rng.sample(members, 3), key=members.index)
        wrong = pick(2, shown[0])
        options, answer = _options(rng, list(shown), wrong)
        self.add(c, QType.MULTIPLE, "members", f"{where}，{name}包括下列哪些内容？（多选）", options, answer,
                 f"答案：{'、'.join(shown)}。" + explain, must_quote=shown, need=2, got=len(wrong))
        if len(members) >= 3:
            rng = self.rng(c, "not")
            kept = sorted(rng.sample(members, 3), key=members.index)
            wrong = pick(1, kept[0])
            options, answer = _options(rng, wrong, kept)
            self.add(c, QType.SINGLE, "not-member", f"{where}，下列哪一项不属于{name}？", options, answer,
                     f"答案：{wrong[0] if wrong else ''}。" + explain, must_quote=kept, need=1, got=len(wrong))
            rest = rng.sample(members[1:], min(3, len(members) - 1))
            options, answer = _options(rng, [members[0]], rest)
            self.add(c, QType.SINGLE, "first", f"{where}，{name}中排在第一位的是哪一项？", options, answer,
                     f"答案：{members[0]}。" + explain, must_quote=options)
        n = len(members)
        if max(len(m) for m in members) <= 12 and n <= 6:
            self.add(c, QType.JUDGE, "true", f"判断：{where}，{name}包括{'、'.join(members)}。", (), True,
                     "正确。" + explain, must_quote=members)
            swap = pick(1, members[-1])
            if swap:
                k = self.rng(c, "judge-false").randrange(n)
                changed = members[:k] + swap + members[k + 1:]
                self.add(c, QType.JUDGE, "false", f"判断：{where}，{name}包括{'、'.join(changed)}。", (), False,
                         f"错误。其中没有{_q(swap[0])}，应为{_q(members[k])}。" + explain, must_quote=members)
        else:
            self.add(c, QType.JUDGE, "true", f"判断：{where}，{name}共{int_to_cn(n)}项，第一项是{_q(members[0])}。",
                     (), True, "正确。" + explain, must_quote=(members[0],))
            self.add(c, QType.JUDGE, "false", f"判断：{where}，{name}共{int_to_cn(n)}项，第一项是{_q(members[1])}。",
                     (), False, f"错误。第一项是{_q(members[0])}，{_q(members[1])}是第二项。" + explain,
                     must_quote=(members[0], members[1]))
        blank = next((m for m in members[1:] + members[:1] if _typeable(m)), None)
        context = _cloze(c.source.sentence, blank) if blank else ""
        if context:
            self.add(c, QType.FILL, f"fill-{blank}", f"根据讲话原文填空：{context}", (), (blank,),
                     f"答案：{blank}。" + explain, must_quote=(blank,))

    def parallel(self, c: Concept) -> None:
        """A set of parallel phrases (政治判断力、政治领悟力、政治执行力): asked in its sentence."""
        members = list(c.members)
        pool, affix = self._pattern_pool(members)
        answers = set(members)
        if len(members) >= 3:  # a 多选 needs two right answers besides the one named in the stem
            wrong = self.chooser.choose(pool, answers, 2, members[1], c.source.sentence, affix)
            options, answer = _options(self.rng(c, "together"), members[1:4], wrong)
            explain = f"讲话原文（第{c.source.paragraph}段）：{_excerpt(c.source.sentence, members[0])}"
            self.add(c, QType.MULTIPLE, "together", f"讲话中，与{_q(members[0])}并列提出的有哪些？（多选）",
                     options, answer, f"答案：{'、'.join(members[1:4])}。" + explain, must_quote=members[1:4],
                     need=2, got=len(wrong))
        blank = members[len(members) // 2]
        wrong = self.chooser.choose(pool, answers, 3, blank, c.source.sentence, affix)
        self.in_context(c, blank, wrong, "哪一项", variant=f"-{blank}")

    def _pattern_pool(self, members: list[str]) -> tuple[list[str], tuple[str, str]]:
        """Siblings for list items, and the head and tail the items share (a distractor must share
        it too): phrases of the speech with that head or tail, then the items of its other lists."""
        prefix = lists.common_prefix(members)
        suffix = lists.common_suffix(members)
        like = members[len(members) // 2]
        return self.chooser.pattern_words(like, prefix, suffix) + self.pools.items, (prefix, suffix)

    # -- terms and facts -----------------------------------------------------------------
    def term(self, c: Concept) -> None:
        """A formula, slogan or document named in a sentence: 选择填空, 判断, 填空."""
        if c.kind == Kind.FORMULA:
            count = head_count(c.term)
            pool = [f for f in self.pools.formulas if head_count(f) == count]
            pool += [f for f in self.pools.formulas if head_count(f) != count]
            what = "哪个提法"
        elif c.kind == Kind.POLICY:
            pool = self.pools.policies
            what = "哪份文件" if c.term.endswith(DOCUMENT_ENDINGS) else "哪一项"
        else:
            pool = self.pools.slogans
            what = "哪个提法"
        wrong = self.chooser.choose(pool, {c.term}, 3, c.term, c.source.sentence)
        self.in_context(c, c.term, wrong, what)

    def fact(self, c: Concept) -> None:
        """A figure or frequency: 填空, 单选 among changed figures, 判断 true and changed."""
        figure = c.figures[0]
        wrong = changed_figures(figure, self.rng(c, "fact"))[:3]
        self.in_context(c, figure, wrong, "哪一项")

    def in_context(self, c: Concept, right: str, wrong: list[str], what: str, variant: str = "") -> None:
        """单选 (which fills the blank), 填空 and 判断 (as said, and with `right` changed), all in the
        clause of the source sentence around `right`."""
        context = _cloze(c.source.sentence, right)
        if not context:
            return
        said = context.replace(BLANK, right, 1)
        explain = f"讲话原文（第{c.source.paragraph}段）：{said}"
        options, answer = _options(self.rng(c, "options" + variant), [right], list(wrong))
        self.add(c, QType.SINGLE, "cloze" + variant, f"根据讲话，下面横线处应填入{what}？\n{context}", options,
                 answer, f"答案：{right}。" + explain, must_quote=(right,), need=2, got=len(wrong))
        if _typeable(right) and not _in_quote_chain(context):
            self.add(c, QType.FILL, "fill" + variant, f"根据讲话原文填空：{context}", (), (right,),
                     f"答案：{right}。" + explain, must_quote=(right,))
        self.add(c, QType.JUDGE, "true" + variant, f"判断：讲话提出，{said}", (), True,
                 f"正确。{explain}", must_quote=(right,))
        if wrong:
            self.add(c, QType.JUDGE, "false" + variant, f"判断：讲话提出，{context.replace(BLANK, wrong[0], 1)}",
                     (), False, f"错误。原文是{_q(right)}，不是{_q(wrong[0])}。{explain}", must_quote=(right,))

    def knowledge_questions(self, c: Concept, entry: Formula) -> None:
        """Questions on the members of a well-known formula the speech names, from the data file."""
        members = list(entry.members)
        others = [m for f in self.knowledge.formulas if f.term != entry.term for m in f.members]
        wrong = self.chooser.choose(others, set(members), 2, members[-1])
        rng = self.rng(c, "kb")
        options, answer = _options(rng, members, wrong)
        explain = f"{_q(entry.term)}是指：{_numbered(members)}。出处：{entry.note}。"
        self.add(c, QType.MULTIPLE, "kb-members", f"讲话提到{_q(entry.term)}，它是指下列哪些内容？（多选）",
                 options, answer, f"答案：{'、'.join(members)}。" + explain, need=2, got=len(wrong),
                 origin=Origin.KNOWLEDGE)
        if wrong:
            changed = members[:-1] + wrong[:1]
            self.add(c, QType.JUDGE, "kb-false", f"判断：{_q(entry.term)}是指{'、'.join(changed)}。", (), False,
                     f"错误。不是{_q(wrong[0])}，而是{_q(members[-1])}。" + explain, origin=Origin.KNOWLEDGE)


# ---- wording --------------------------------------------------------------------------

def _q(text: str) -> str:
    """Quote `text`, turning quotes inside it into single quotes: “抓好‘两个维护’”."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def _numbered(items: list[str]) -> str:
    marks = "①②③④⑤⑥⑦⑧⑨⑩"
    return " ".join(f"{marks[i]}{item}" if i < len(marks) else item for i, item in enumerate(items))


def _short(member: str) -> str:
    """A long head clause as an option: its first clause when that says enough on its own."""
    if len(member) <= 20:
        return member
    first = re.split(r"[，,]", member)[0]
    return first if len(first) >= 4 else member


def _list_name(c: Concept) -> tuple[str, str]:
    """How a question names a list and where the speech says it: ('“五点意见”', '讲话中')."""
    term = c.term.replace("“", "‘").replace("”", "’")
    if c.named_by == "heading":
        return "列举的几个方面", f"讲话在{_q(term)}部分"
    if c.named_by == "lead":
        return "列举的几个方面", f"讲话谈到{_q(term)}时"
    if c.named_by == "title":
        return "几个部分的标题", "讲话的结构中"
    return _q(term), "讲话中"


def _typeable(answer: str) -> bool:
    """Short enough to type on a phone, and nothing in it to get wrong but the words."""
    return len(answer) <= MAX_FILL and not re.search(r"[\s，,、。；;：:“”\"]", answer)


def _in_quote_chain(context: str) -> bool:
    """“过硬支部建设”“____”“党建+”: several quoted names in a row, so more than one would fit."""
    return bool(re.search(rf"”“{BLANK}”|“{BLANK}”“", context))


QUESTION_RE = re.compile(r"[？?]|吗[。！]?$|难道|什么")


def _cloze(sentence: str, answer: str) -> str:
    """The clause of `sentence` around `answer`, with `answer` blanked; '' if it is not there or the
    sentence is a question rather than a statement."""
    if not answer or QUESTION_RE.search(sentence):
        return ""
    at = -1
    for wrapped in (f"“{answer}”", f"《{answer}》"):
        if wrapped in sentence:
            at = sentence.find(wrapped) + 1
            break
    if at < 0:
        at = sentence.find(answer)
    if at < 0:
        return ""
    context = clause_around(sentence, at, at + len(answer), min_len=len(answer) + 10,
                            max_len=max(70, len(answer) + 40))
    offset = context.find(f"“{answer}”") + 1 or context.find(f"《{answer}》") + 1 or context.find(answer)
    if offset < 0:
        return ""
    blanked = context[:offset] + BLANK + context[offset + len(answer):]
    return blanked if blanked.endswith(("。", "！", "……")) else blanked + "。"


def _excerpt(sentence: str, answer: str) -> str:
    at = sentence.find(answer)
    if at < 0:
        return sentence
    return clause_around(sentence, at, at + len(answer), min_len=len(answer) + 10, max_len=90)
