"""Questions on lists: a named list (多选 which belong, 单选 which does not, 判断, 填空) and a set of
parallel phrases (多选 which stand with one, 单选 and 填空 on one item in its sentence).

Never the order of a list (排在第一位) or the speech's own structure: a list named only by the
speech's title is its outline, and gets no question.
"""
from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from . import lists, parallel, segment
from .pools import is_fragment, short
from .stems import frame
from .types import Concept, Kind, QType
from .text import sentences
from .wording import BLANK, cited, numbered, options_of, q, typeable

if TYPE_CHECKING:  # the maker passes itself in; no import cycle at run time
    from .generate import Maker

MAX_JUDGE_ITEM = 12
STRUCTURE_RE = re.compile(r"^[一二三四五六七八九十两\d]+(?:点|个方面|方面|部分|个问题|项|条|件|个)的?(?:意见|要求|体会|建议|看法|想法|工作)?$")


class ListAsker:
    def __init__(self, maker: "Maker", concepts: list[Concept]) -> None:
        self.maker = maker
        # A list's heading and the list it belongs to are never its own distractors.
        self.list_of: dict[str, tuple[str, ...]] = {m: c.members for c in concepts if c.kind == Kind.ENUMERATION
                                                    for m in c.members}

    def enumeration(self, c: Concept) -> None:
        """A named list: 多选 (which belong), 单选 (which does not), 判断 (as said, one item
        swapped for a sibling), 填空 (one item blanked in its sentence)."""
        if c.named_by == "title" or (c.named_by == "count" and STRUCTURE_RE.match(c.term)):
            return  # the speech's outline (三点意见, 四个方面): its structure, not its content
        if c.named_by in ("heading", "lead") and REVIEW_HEADING_RE.search(c.term):
            return  # the parts of a review (主要做法和成效, 存在的不足): the report's structure
        if c.named_by == "paragraphs":  # 学习他…的政治品格 / …的革命精神, a paragraph each
            self.paragraph_frame(c)
            return
        if c.named_by == "frame":  # 在…上作表率: asked in its sentence, one item blanked
            self.parallel(c, together=False)
            return
        m = self.maker
        members = [short(x) for x in c.members]
        if any(is_fragment(x) for x in members) or all(_place(x) for x in members):
            return  # 双城记: 杭州、宁波 is geography, not party knowledge
        head = lists.common_prefix(members)
        if len(head) >= 2 and sum(x.startswith(head + "的") for x in members) == 1 and len(members) >= 3:
            return  # 着力破除的应付思想 among 着力破除依赖思想…: a slip of the speech, not to be set as an option
        if 2 * sum(bool(SHORTCOMING_RE.search(x)) for x in members) >= len(members):
            return  # the speaker's own shortcomings (调查研究还不够深入): a self-review, not a point
        name, where = _list_name(c)
        answers = set(members) | set(c.members)
        excluded = answers | {c.term, c.context} | set(self.list_of.get(c.context, ()))
        if c.named_by in ("count", "quote", "heading", "lead"):
            # Other lists' items, sharing the head or tail these share (带头… for 带头…); items
            # that share nothing get no distractor at all (a heading of another part is no sibling).
            affix = (lists.common_prefix(members), lists.common_suffix(members))
            pool = m.pools.heads + m.pools.items if any(affix) else []
        else:
            pool, affix = self.pattern_pool(members)
            if not any(affix):
                pool = []  # items that share nothing (杭州、宁波): any other item is of another kind
        explain = f"{where}，{name}是：{numbered(members)}。"
        spanned = "\n".join(m.speech_text[p - 1] for p in (c.source.paragraphs or (c.source.paragraph,)))

        def pick(want: int, like: str) -> list[str]:
            return [w for w in m.chooser.choose(pool, excluded, want + 2, like, spanned, affix)
                    if not is_fragment(w)][:want]

        rng = m.rng(c, "multiple")
        shown = members if len(members) <= 4 else sorted(rng.sample(members, 4), key=members.index)
        wrong = pick(2 if len(shown) <= 3 else 1, shown[0])
        # A list the speech names by its count or a quoted name ("": a quoted count-named formula
        # with its members beside it), with no fair sibling to add:
        # all four items shown are right (QUESTIONS.md: 多选 often all correct).
        all_right = not wrong and len(shown) == 4 and c.named_by in ("count", "quote", "")
        options, answer = options_of(rng, list(shown), wrong)
        m.add(c, QType.MULTIPLE, "members", f"{where}，{name}包括下列哪些？（多选）", options, answer,
              f"答案：{'、'.join(shown)}。" + explain, must_quote=shown, need=0 if all_right else 1,
              got=len(wrong))
        if len(members) >= 3:
            rng = m.rng(c, "not")
            kept = sorted(rng.sample(members, 3), key=members.index)
            wrong = pick(1, kept[0])
            options, answer = options_of(rng, wrong, kept)
            m.add(c, QType.SINGLE, "not-member", f"{where}，下列哪一项不属于{name}？", options, answer,
                  f"答案：{wrong[0] if wrong else ''}。" + explain, must_quote=kept, need=1, got=len(wrong))
        n = len(members)
        if max(len(x) for x in members) <= MAX_JUDGE_ITEM and n <= 6:
            m.add(c, QType.JUDGE, "true", f"判断：{where}，{name}包括{'、'.join(members)}。", (), True,
                  "正确。" + explain, must_quote=members)
            swap = pick(1, members[-1])
            if swap:
                k = m.rng(c, "judge-false").randrange(n)
                changed = members[:k] + swap + members[k + 1:]
                m.add(c, QType.JUDGE, "false", f"判断：{where}，{name}包括{'、'.join(changed)}。", (), False,
                      f"错误。其中没有{q(swap[0])}，应为{q(members[k])}。" + explain, must_quote=members)
        blank = next((x for x in members[1:] + members[:1] if typeable(x)), None)
        framed = frame(c.source.sentence, blank) if blank else None
        if framed is not None:
            m.add(c, QType.FILL, f"fill-{blank}", f"{framed.lead}，{framed.blanked('____')}", (), (blank,),
                  f"答案：{blank}。" + explain, must_quote=(blank,), cut=framed.cut)

    def parallel(self, c: Concept, together: bool = True) -> None:
        """A set of parallel phrases (政治判断力、政治领悟力、政治执行力): asked in its sentence. Which
        stand together (多选) only for a formulation the lexicon knows: for an unnamed set, a sibling
        the speech did not say here may be true all the same (纪律建设 beside 政治建设)."""
        m = self.maker
        members = list(c.members)
        head = lists.common_prefix(members)
        if any(is_fragment(x, head) for x in members) or not self.fixed_wording(c):
            return
        pool, affix = self.pattern_pool(members)
        answers = set(members)
        fixed = self.maker.knowledge.formula(c.term) is not None or self.maker.knowledge.set_of(members) is not None
        # …and items that share a word: for 科技是第一生产力、人才是第一资源 any phrase of another list
        # would be of another kind.
        if together and fixed and len(members) >= 3 and any(affix):  # a 多选 needs two right answers besides the one in the stem
            wrong = [w for w in m.chooser.choose(pool, answers, 4, members[1], c.source.sentence, affix)
                     if not is_fragment(w)][:2]
            options, answer = options_of(m.rng(c, "together"), members[1:4], wrong)
            explain = f"讲话原文（第{c.source.paragraph}段）：{cited(c.source.sentence, members[0])}"
            m.add(c, QType.MULTIPLE, "together", f"讲话中，与{q(members[0])}并列提出的有哪些？（多选）",
                  options, answer, f"答案：{'、'.join(members[1:4])}。" + explain, must_quote=members[1:4],
                  need=2, got=len(wrong))
        blank = members[len(members) // 2]
        wrong = [w for w in m.chooser.choose(pool, answers, 5, blank, c.source.sentence, affix)
                 if not is_fragment(w)][:3] if any(affix) else []  # 重在自觉、贵在持久: no sibling is fair
        if len({len(x) for x in members}) == 1:  # 政治判断力、政治领悟力: a sibling of their length
            wrong = [w for w in wrong if len(w) == len(blank)]
        else:  # about as long as the items (经得起各种风浪考验 is no sibling of 执政考验)
            wrong = [w for w in wrong if min(map(len, members)) - 1 <= len(w) <= max(map(len, members)) + 1]
        # A phrase of the speech that only shares a head or tail (社会号召力 beside 社会治理) is a weak
        # sibling: no false 判断 on it, and a lower rank.
        listed = set(m.pools.items) | set(m.pools.lexicon_items)
        m.in_context(c, blank, wrong, "哪一项", variant=f"-{blank}", weak=any(w not in listed for w in wrong))

    def paragraph_frame(self, c: Concept) -> None:
        """Standings that paragraphs in a row end their shared opening on (学习他…的政治品格,
        …的革命精神): each asked in its own opening sentence (单选), the others its wrong options;
        no 填空 (情怀 or 精神 would do as well) and no false 判断 (a member could defend a swap)."""
        m = self.maker
        if len(c.members) < 4:
            return
        for number, right in zip(c.paragraphs, c.members):
            text = m.speech_text[number - 1]
            spans = sentences(text)
            if not spans or not spans[0].text.endswith(("的" + right + "。", "的" + right + "！")):
                continue
            sentence = spans[0].text
            framed = frame(sentence, right)
            if framed is None:
                continue
            own = dataclasses.replace(c, source=dataclasses.replace(c.source, paragraph=number, sentence=sentence))
            others = [x for x in c.members if x != right]
            wrong = [others[k] for k in sorted(m.rng(own, f"frame-{right}").sample(range(len(others)), 3))]
            options, answer = options_of(m.rng(own, f"options-{right}"), [right], wrong)
            m.add(own, QType.SINGLE, f"frame-{right}", f"{framed.lead}，{framed.blanked(BLANK)}\n横线处应填入哪一项？",
                  options, answer, f"答案：{right}。讲话原文（第{number}段）：{sentence}", must_quote=(right,),
                  need=3, got=len(wrong), cut=framed.cut, weak=True)  # ranked lower: in a blind review 2 of 5
            # read two standings as near kin (敢于担当、攻坚克难的____: 奋斗精神 or 实干作风)

    def fixed_wording(self, c: Concept) -> bool:
        """Whether a parallel set is a fixed formulation worth completing (政治判断力、政治领悟力、
        政治执行力; a frame 在…上作表率; a set of the lexicon), not an ad hoc run of words where
        another word would fit as well (荣誉感、责任感和获得感)."""
        known = self.maker.knowledge
        if (c.named_by == "frame" or known.formula(c.term) is not None or known.set_of(c.members) is not None
                or known.listing(c.members) is not None):
            return True
        members = list(c.members)
        if parallel.formula_run(members) == c.members:  # 讲政治、守纪律、负责任、有效率
            return True
        # A count shared (说一件、干一件、成一件) is rhythm, not a word the items have in common.
        shared = max((len(a) for a in (lists.common_prefix(members), lists.common_suffix(members))
                      if not re.match(r"[一二三四五六七八九十两几\d]", a)), default=0)
        # Items that share only an inner word (说一件、干一件、成一件; 站得高、看得远、谋得深) are a
        # figure of speech: in the dev reviews every blank on one failed as not worth asking.
        return len(members) >= 3 and shared >= 2

    def pattern_pool(self, members: list[str]) -> tuple[list[str], tuple[str, str]]:
        """Siblings for list items, and the head and tail the items share (a distractor must share
        it too): items of other lists and of the lexicon first, then phrases of the speech with that
        head or tail when it is two characters or more (抓学习 → 抓落实; not 行动上 → 会议上)."""
        m = self.maker
        prefix = lists.common_prefix(members)
        suffix = lists.common_suffix(members)
        like = members[len(members) // 2]
        pool = list(m.pools.items)
        if len(prefix) >= 2 or len(suffix) >= 2:
            pool += m.chooser.pattern_words(like, prefix if len(prefix) >= 2 else "",
                                            suffix if len(suffix) >= 2 else "")
            pool += m.pools.lexicon_items
        elif prefix or suffix:  # one shared character (…强): only what the speech itself lists
            pool += m.chooser.listed_words(like, prefix, suffix)
        return pool, (prefix, suffix)


def _list_name(c: Concept) -> tuple[str, str]:
    """How a question names a list and where the speech says it: ('“五点意见”', '讲话中')."""
    term = c.term.replace("“", "‘").replace("”", "’")
    if c.named_by == "heading":
        return "提出的几个方面", f"讲话在谈到{q(term)}时"
    if c.named_by == "lead":
        return "提出的几个方面", f"讲话谈到{q(term)}时"
    if c.named_by == "frame":
        return "其中", f"讲话提出{q(term)}"
    return q(term), "讲话中"


REVIEW_HEADING_RE = re.compile(r"做法|成效|成绩|回顾|不足|存在的问题|主要问题|突出问题|问题主要|工作情况|履职情况|问题$")
SHORTCOMING_RE = re.compile(r"不够|不足|不强|不高|不到位|还需|有待|欠缺|薄弱|差距")


def _place(item: str) -> bool:
    """Whether a list item is a place's name alone (杭州, 宁波舟山)."""
    words = segment.tagged(item)
    return bool(words) and all(flag == "ns" for _, flag in words)
