"""Concepts → questions: stems, options, answers, explanations. Seeded, so the same input gives the same bank.

Every question stands on one key point (its source sentence): the questions of one point are
variants, and a paper takes at most one of them. Stems are whole sentences with their subject
(`stems.frame`); a 单选 has four options; distractors are of the key's own kind (`pools`).
"""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from . import lists, roles, segment, theses
from .concepts import DOCUMENT_ENDINGS
from .distractors import Chooser
from .figures import changed_figures
from .knowledge import Formula, Knowledge
from .lists_ask import ListAsker
from .numbers import cn_to_int, int_to_cn
from .pools import ORDINAL_HEAD_RE, Pools, is_fragment
from .stems import frame
from .types import Concept, Kind, Origin, QType, Question, Speech
from .wording import BLANK, cited, in_quote_chain, numbered, options_of, q, typeable

SINGLE_WRONG = 3  # a 单选 has four options
# A standing many things hold (一项重要的政治任务, 优秀品质, 珍贵资源, 重要前提): a blank on the
# subject has other right answers (艰苦奋斗 is an 优秀品质 too).
# …or a standing party writing gives many things (传家宝, 法宝, 必修课, 公仆, 永远在路上: 作风建设,
# 全面从严治党 and 自我革命 all are).
SHARED_STANDING_RE = re.compile(r"重要|重大|一项|一个|一种|之一|优秀|珍贵|宝贵|良好|传家宝|法宝|必修课|公仆|永远在路上|基础$")
# A standing of the first rank, unique or not (压舱石, 主心骨, 命脉 …).
UNIQUE_OR_WEIGHTY_RE = re.compile(r"首要|第一|根本|最|唯一|核心|统领|首位|主线|关键|重中之重|灵魂|基石|命脉|生命线|"
                                  r"压舱石|主心骨|定海神针|定盘星|根基|前提")
# A thesis's standing that only one thing can hold: its subject's siblings are wrong beside it.
UNIQUE_RE = re.compile(r"首要|第一|根本|最|唯一|核心|统领|首位|主线|关键|重中之重|灵魂|基石|命脉|生命线|总基调|总要求|精髓")
LOWER_RANK_RE = re.compile(r"重大|长期|重要|主要|基本|一项")
MAX_THESIS_BLANK = 10  # characters of a thesis term a blank may stand for
MAX_JUDGE_TRUE = 60  # characters of speech a true 判断 may read back


@dataclass
class Draft:
    """A question before the quality gate: what it is about and what must be checked."""

    question: Question
    # Texts that must stand verbatim in the speech (or the data file, for knowledge questions).
    must_quote: tuple[str, ...]
    need_distractors: int = 0
    got_distractors: int = 0
    # What the builder knows of its own work, for the quality rank (see quality.py).
    cut: bool = False
    weak_distractors: bool = False


def question_id(speech: str, term: str, qtype: QType, variant: str) -> str:
    """Stable id: the same speech, concept, type and variant always give the same id."""
    # A stable identifier, not a secret: SHA-1 is fine here (the flag keeps FIPS builds and bandit happy).
    digest = hashlib.sha1("\x1f".join((speech, term, qtype.value, variant)).encode("utf-8"),
                          usedforsecurity=False).hexdigest()
    return f"{_stem_of(speech)}-{digest[:12]}"


def point_id(speech: str, paragraph: int, sentence: str) -> str:
    """The key point of a question: its speech and source sentence (stable across rebuilds)."""
    digest = hashlib.sha1(f"{speech}\x1f{paragraph}\x1f{sentence}".encode("utf-8"),
                          usedforsecurity=False).hexdigest()
    return f"{_stem_of(speech)}-p{digest[:10]}"


def _stem_of(speech: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "", speech.rsplit(".", 1)[0])[:12] or "speech"


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
        self.lists = ListAsker(self, concepts)
        # What the speech itself holds first or foremost (政治上过硬 is its 压舱石): never a false
        # swap for another thesis's subject, a member could defend it.
        self.foremost = {c.term for c in concepts if c.kind == Kind.THESIS and UNIQUE_OR_WEIGHTY_RE.search(c.key)}

    def add(self, concept: Concept, qtype: QType, variant: str, stem: str, options=(), answer=None,
            explanation: str = "", must_quote=(), need: int = 0, got: int = 0,
            origin: Origin = Origin.SPEECH, cut: bool = False, weak: bool = False, point: str = "") -> None:
        """`point`: a lexicon question's own (kb-四个意识), one for every speech that names the
        formula, so that a paper drawn from several speeches asks it once; else the sentence's."""
        answer_len = max((len(a) for a in answer), default=0) if qtype == QType.FILL else 0
        source = concept.source
        point = point or point_id(self.speech, source.paragraph, source.sentence)
        question = Question(
            id=question_id(self.speech, concept.term, qtype, variant),
            type=qtype, stem=stem, options=tuple(options), answer=answer,
            explanation=explanation, concept=concept.term, kind=concept.kind,
            difficulty=_difficulty(qtype, len(options), answer_len), origin=origin, source=source,
            point=point,
        )
        self.drafts.append(Draft(question, tuple(must_quote), need, got, cut, weak))

    def rng(self, concept: Concept, variant: str) -> random.Random:
        digest = hashlib.sha256("\x1f".join((self.speech, concept.term, variant)).encode("utf-8")).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def make(self, concept: Concept) -> None:
        if concept.kind == Kind.FACT:
            self.fact(concept)
        elif concept.kind == Kind.ENUMERATION and concept.members:
            self.lists.enumeration(concept)
        elif concept.kind == Kind.THESIS:
            self.thesis(concept)
        elif concept.kind == Kind.EVENT:
            self.event(concept)
        elif concept.members:
            self.lists.parallel(concept)
        else:
            self.term(concept)
        entry = self.knowledge.formula(concept.term)
        if entry is not None and not concept.members and len(entry.members) >= 2:
            self.knowledge_questions(concept, entry)
        elif concept.kind == Kind.SLOGAN and (entry := self.knowledge.set_of(concept.members)) is not None:
            # The speech lists a formula's members without its name: what the formula is, asked by name.
            self.knowledge_questions(concept, entry)

    # -- terms, theses, events and facts ---------------------------------------------------
    def term(self, c: Concept) -> None:
        """A formula, slogan or document named in a sentence: 单选 (which fills the blank), 填空, 判断."""
        weak = False
        swaps: list[str] | None = None
        if c.kind == Kind.FORMULA:
            if self.knowledge.formula(c.term) is None:
                # A speech's own brand (“两个健康”, “四个最严”, “八八战略”): the lexicon's formulas of
                # the same count are of another field (“两个维护”), so no option and no swap is fair.
                self.in_context(c, c.term, [], "哪个提法", judge_true=False)
                return
            pool = self.pools.family_of(c.term)
            if ORDINAL_HEAD_RE.match(c.term):  # 第一种形态: another 形态, never 第一责任
                pool = [f for f in pool if f[-2:] == c.term[-2:]]
            what = "哪个提法"
            family = self.knowledge.family(c.term)
            # A 判断 says the swapped formula as a fact: only one of the same family reads as a
            # real claim (两个确立 for 两个维护; never 坚决做到“两个先锋队”). Not among the norms of
            # work style: 严格执行三严三实 for 八项规定 is a sound demand too (two blind reviews).
            swaps = [f for f in pool if family and family != "作风" and self.knowledge.family(f) == family
                     and f[:1] == c.term[:1]]  # …of its own count: 梳理“四个服从”事项清单 for 三重一大 reads as nonsense
        elif c.kind == Kind.POLICY:
            ending = next((e for e in DOCUMENT_ENDINGS if c.term.endswith(e)), "")
            # Documents of its own ending (条例 for a 条例), and only for a document the lexicon
            # knows: beside a local plan (《2021-2025年…规划》) national titles give the key away.
            known = c.term in self.knowledge.policies
            pool = [p for p in self.pools.policies if known and ending and p.endswith(ending)]
            what = "哪份文件" if ending else "哪一项"
            weak = not ending
        else:
            siblings = self.pools.slogan_siblings(c.term)
            pool = siblings + self.chooser.pattern_words(c.term, c.term[:2], c.term[-2:])
            what = "哪一项"
        wrong = self.chooser.choose(pool, {c.term}, SINGLE_WRONG, c.term, c.source.sentence)
        if c.kind == Kind.SLOGAN:
            weak = any(w not in siblings for w in wrong)
        if swaps is not None:
            swaps = [w for w in wrong if w in swaps]
        self.in_context(c, c.term, wrong, what, weak=weak, swaps=swaps)

    def thesis(self, c: Concept) -> None:
        """A judgement: the term it is stated of, asked in its sentence; 关系 pairs as a whole.
        A long term (a whole condition, 只有……才能) is too much to blank: only a 判断 as said.
        Where the judgement's own word has a family (首要政治任务, 根本宗旨), that word is asked too."""
        self.thesis_role(c)
        if len(c.term) > MAX_THESIS_BLANK or _others_fit(c):
            framed = frame(c.source.sentence, c.term)
            if framed is not None and len(framed.text) <= MAX_JUDGE_TRUE:
                self.add(c, QType.JUDGE, "true", f"判断：{framed.lead}，{framed.text}", (), True,
                         f"正确。讲话原文（第{c.source.paragraph}段）：{cited(c.source.sentence, c.term)}",
                         must_quote=(c.term,), cut=framed.cut)
            return
        # Siblings only from the lexicon or the speech's own theses of the same head or tail:
        # a phrase of the speech that merely shares two characters is no sibling of a thesis.
        # …and one that differs from the term in a word only (促进 for 实现全体人民共同富裕) says the same.
        # A shared ordinal head (第一种形态, 第一责任) makes no kin: only a shared tail does then.
        ordinal = bool(ORDINAL_HEAD_RE.match(c.term))
        # A tail every other phrase ends on (…建设, …工作) makes no kin alone: 清廉单元建设 is no
        # sibling of 党的政治建设 (the lexicon's 思想建设, 组织建设 come from its family below).
        kin = [t for t in self.pools.theses if t != c.term
               and ((t[:2] == c.term[:2] and not ordinal)
                    or (t[-2:] == c.term[-2:] and c.term[-2:] not in GENERIC_TAILS))
               and _shared_ends(t, c.term) * 2 <= len(c.term)]
        kin = [t for t in kin if t not in self.foremost]
        kin += self.pools.family_of(c.term)
        wrong = self.chooser.choose(kin, {c.term}, SINGLE_WRONG, c.term, c.source.sentence)
        if not UNIQUE_RE.search(c.key):
            # 实现高质量发展 is “一个长期的历史过程” as well as 共同富裕: only a standing that one thing
            # can hold (首要, 根本, 核心…) makes the other subjects wrong.
            wrong = []
        verb = VERB_LEAD_RE.match(c.term)
        if not wrong and verb and len(c.term) - verb.end() >= 4:
            # 实现高质量发展是…的主题: 推动高质量发展 would fill the blank as well; the verb stays in
            # the stem and the blank asks what the speech names.
            self.in_context(c, c.term[verb.end():], [], "哪一项")
            return
        self.in_context(c, c.term, wrong, "哪一项")

    def thesis_role(self, c: Concept) -> None:
        """把学习贯彻……作为____: the standing the thesis gives its subject, among the other words
        of its family (roles.FAMILIES), once the word stands in the sentence once, after the term."""
        word, family = roles.role_of(c.key)
        if not word and len(c.term) > MAX_THESIS_BLANK and 2 <= len(c.key) <= 8:
            # A long term (全体人民全面发展、社会全面进步) is not blanked: the standing the speech
            # gives it (价值取向, 基本治理方式) is, completed only: its word has no family to choose from.
            word = c.key
        if not word and 2 <= len(c.key) <= 8 and f"{c.term}首先是{c.key}" in c.source.sentence:
            word = c.key  # 机关首先是政治机关: what a thing is first of all, completed only
        sentence = c.source.sentence
        at = sentence.find(c.term)
        if not word or at < 0 or sentence.count(word) != 1 or sentence.find(word) < at + len(c.term):
            return
        where = sentence.find(word)
        if not (theses.word_edge(sentence, where) and theses.word_edge(sentence, where + len(word))) \
                or sentence[where + len(word):where + len(word) + 1] in ("性", "型", "化"):
            return  # 基础性, 基础工程: the word is part of a longer one
        if sentence[where + len(word):where + len(word) + 1] in ("和", "与") or sentence[where - 1:where] in ("和", "与"):
            return  # 作为前提和底线: one of a pair of standings, which a blank would split
        if ((not UNIQUE_RE.search(word) and len(word) <= 3 and (sentence[where - 1:where] == "为"
                                                                 or sentence[where - 2:where] == "重要"))
                or word in ("重中之重", "头等大事")):
            # 以落实责任制为____, 重要____ (抓手): 重点, 保障 or 载体 would be as right; 作为____
            # (重中之重): so would 首要任务
            return
        wrong = self.chooser.choose(list(family), {word}, SINGLE_WRONG, word, sentence)
        if not UNIQUE_RE.search(word) or SHARED_STANDING_RE.search(sentence[max(0, where - 4):where]):
            wrong = []  # 重要抓手 beside 重要保障, 重要基础: each is true of it too
        # A false 判断 only by another standing of the first rank (总基调 for 总要求): a 首要政治任务
        # is a 重大 and a 长期 one as well.
        # Never one of the same noun (首要任务 for 根本任务): a member could hold either true.
        swaps = [w for w in wrong if UNIQUE_RE.search(w) and w[-2:] != word[-2:]]
        # …and the same standing of a lower rank is no wrong option beside it either (a blind
        # review: 学习贯彻全会精神 is called a 重大政治任务 as well as the 首要 one).
        first = UNIQUE_RE.match(word)
        if first:
            wrong = [w for w in wrong if not (w.endswith(word[first.end():]) and LOWER_RANK_RE.match(w))]
        self.in_context(c, word, wrong, "哪一项", variant="-role", swaps=swaps)

    def event(self, c: Concept) -> None:
        """A named congress or plenum: the ordinal changed gives its siblings. Not where the meeting
        only says who proposed what follows (市第八次党代会提出，…): asking who said it is trivia."""
        at = c.source.sentence.find(c.term)
        if at >= 0 and re.match(r"(?:上|中)?(?:提出|指出|强调|要求|明确|作出|部署)", c.source.sentence[at + len(c.term):]):
            return
        if at >= 0 and any(m.start() < at < m.end() for m in re.finditer(r"出席[^，。；]*?代表", c.source.sentence)):
            return  # 做好出席党的二十大和市第十二次党代会代表推选工作: the meeting's business
        wrong = [w for w in _changed_ordinals(c.term) if w not in c.source.sentence][:SINGLE_WRONG]
        self.in_context(c, c.term, wrong, "哪次会议")

    def fact(self, c: Concept) -> None:
        """A figure or frequency: 填空, 单选 among changed figures, 判断 true and changed."""
        figure = c.figures[0]
        if re.search(r"\d(?:多|余)|^(?:近|约)|左右$", figure):
            return  # 70多年, 近万人: an approximate figure tells the background, not a requirement
        if re.fullmatch(r"1(?:次|篇|个|件|项|名|天|人|期|场|份)", figure) or figure.endswith("周年"):
            return  # 形成1篇调研报告: anyone guesses it; 建党105周年: the occasion
        at = c.source.sentence.find(figure)
        if at >= 0 and re.search(r"\d(?:到|至|-|—|～)$", c.source.sentence[:at]):
            return  # 确定1到2件实事: one end of a range (a changed one reads 1到1件)
        wrong = [w for w in changed_figures(figure, self.rng(c, "fact"))
                 if w not in c.source.sentence][:SINGLE_WRONG]
        self.in_context(c, figure, wrong, "哪一项")

    def in_context(self, c: Concept, right: str, wrong: list[str], what: str, variant: str = "",
                   weak: bool = False, judge_true: bool = True, swaps: list[str] | None = None) -> None:
        """单选 (which fills the blank), 填空 and 判断 (as said, and with `right` changed), all on the
        sentence around `right` from its start, with who says it. `swaps`: the distractors a false
        判断 may say in place of `right` (all of `wrong` by default); `judge_true`: whether reading
        the sentence back as true tests anything."""
        framed = frame(c.source.sentence, right)
        if framed is None:
            return
        wrong = [w for w in wrong if not is_fragment(w)]
        lead, said, context = framed.lead, framed.text, framed.blanked(BLANK)
        explain = f"讲话原文（第{c.source.paragraph}段）：{cited(c.source.sentence, right)}"
        options, answer = options_of(self.rng(c, "options" + variant), [right], list(wrong))
        # Options of another kind beside the key (weak siblings) make a giveaway: the gate drops it.
        self.add(c, QType.SINGLE, "cloze" + variant, f"{lead}，{context}\n横线处应填入{what}？", options,
                 answer, f"答案：{right}。" + explain, must_quote=(right,), need=SINGLE_WRONG,
                 got=0 if weak else len(wrong),
                 cut=framed.cut, weak=weak)
        if typeable(right) and not in_quote_chain(context):
            self.add(c, QType.FILL, "fill" + variant, f"{lead}，{context}", (), (right,),
                     f"答案：{right}。" + explain, must_quote=(right,), cut=framed.cut)
        if judge_true and len(said) <= MAX_JUDGE_TRUE:  # a long sentence read back as true tests nothing
            self.add(c, QType.JUDGE, "true" + variant, f"判断：{lead}，{said}", (), True,
                     f"正确。{explain}", must_quote=(right,), cut=framed.cut)
        swaps = wrong if swaps is None else swaps
        # …never where the sentence says the right one again (三严三实 swapped in, 八项规定 still said).
        if swaps and not weak and not (c.kind == Kind.FACT and right.endswith("年")) and right not in framed.replaced(""):
            self.add(c, QType.JUDGE, "false" + variant, f"判断：{lead}，{framed.replaced(swaps[0])}", (), False,
                     f"错误。原文是{q(right)}，不是{q(swaps[0])}。{explain}", must_quote=(right,),
                     cut=framed.cut, weak=weak)

    def member_siblings(self, entry: Formula) -> list[str]:
        """Wrong members for a formula of the lexicon: members (of its kin first, then of any formula
        or list of the speech) that share the head and tail its own members share (看齐意识 →
        忧患意识, never 尊重知识) and are about as long (经得起各种风浪考验 is no sibling of 执政考验);
        none when its members share nothing."""
        members = list(entry.members)
        prefix, suffix = lists.common_prefix(members), lists.common_suffix(members)
        kin = self.knowledge.kin(entry.term)
        if len(prefix) >= 2 or len(suffix) >= 2:
            everyone = [m for f in kin for m in f.members] + [m for f in self.knowledge.formulas for m in f.members]
            everyone += self.pools.items
            low, high = min(map(len, members)) - 1, max(map(len, members)) + 1
            if low + 2 == high:  # members of one length (政治判断力…): siblings of that length
                low, high = low + 1, high - 1
            return [m for m in dict.fromkeys(everyone)
                    if m.startswith(prefix) and m.endswith(suffix) and low <= len(m) <= high]
        return []  # members of nothing in common (形式主义, 奢靡之风): no sibling is fair

    def knowledge_questions(self, c: Concept, entry: Formula) -> None:
        """Questions on the members of a well-known formula the speech names, from the lexicon."""
        members = list(entry.members)
        wrong = self.chooser.choose(self.member_siblings(entry), set(members), 2, members[-1])
        rng = self.rng(c, "kb")
        options, answer = options_of(rng, members, wrong)
        explain = f"{q(entry.term)}是指：{numbered(members)}。出处：{entry.note}。"
        # No fair sibling (四大考验: nothing else is a …考验 of its length): its four or five members
        # are asked all right, as organizers ask a count-named list.
        all_right = not wrong and 4 <= len(members) <= 5
        self.add(c, QType.MULTIPLE, "kb-members", f"{q(entry.term)}是指下列哪些内容？（多选）",
                 options, answer, f"答案：{'、'.join(members)}。" + explain, need=0 if all_right else 2,
                 got=len(wrong), origin=Origin.KNOWLEDGE, point=f"kb-{entry.term}")
        # A false 判断 swaps in a member of another formula of the lexicon only: a phrase of the speech
        # that shares a head (全面走在前列 beside 全面从严治党) is no formulation at all.
        lexicon = {m for f in self.knowledge.formulas for m in f.members}
        swap = next((w for w in wrong if w in lexicon), "")
        if swap:
            changed = members[:-1] + [swap]
            self.add(c, QType.JUDGE, "kb-false", f"判断：{q(entry.term)}是指{'、'.join(changed)}。", (), False,
                     f"错误。不是{q(swap)}，而是{q(members[-1])}。" + explain, origin=Origin.KNOWLEDGE,
                     point=f"kb-{entry.term}")


# ---- wording --------------------------------------------------------------------------

ORDINAL_RE = re.compile(r"([一二三四五六七八九十]{1,3})(届|大|次|中全会)")


def _shared_ends(a: str, b: str) -> int:
    """How many characters two terms share at their heads and tails together."""
    head = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    tail = next((i for i, (x, y) in enumerate(zip(reversed(a), reversed(b))) if x != y), min(len(a), len(b)))
    return head + tail


def _changed_ordinals(term: str) -> list[str]:
    """党的二十大 → 党的十九大, 党的十八大 …; 十九届六中全会 → 十九届五中全会 …: the same kind of meeting."""
    matches = list(ORDINAL_RE.finditer(term))
    if not matches:
        return []
    match = matches[-1]  # the meeting's own ordinal (十九届六中全会: 六)
    value = cn_to_int(match.group(1))
    if not value:
        return []
    out = []
    for delta in (-1, -2, -3, -4):  # earlier ones only: a later one may not have met yet (二十一大)
        v = value + delta
        if v >= 1 and not (match.group(2) == "中全会" and v > 9):
            out.append(term[:match.start(1)] + int_to_cn(v) + term[match.end(1):])
    return out


# Verbs a thesis's subject may open on that another of them would replace without changing the
# point (实现 / 推动 / 推进高质量发展).
VERB_LEAD_RE = re.compile(r"^(?:实现|推动|推进|促进|加强|加快|坚持|做好|抓好)")
GENERIC_TAILS = {"建设", "工作", "发展", "问题", "能力", "水平", "体系", "机制", "制度", "任务", "精神"}


def _others_fit(c: Concept) -> bool:
    """Whether things besides the thesis's subject would fill a blank on it as rightly: a standing
    many things share (see SHARED_STANDING_RE), or one of the subject's own kind (我国现代化 is
    “…相协调的现代化”: 中国式现代化 fits as well)."""
    if f"{c.term}首先是" in c.source.sentence:
        return True  # 党员首先是义务的承担者: what X is first of all is asked, not X (机关, 干部 fit too)
    if UNIQUE_RE.search(c.key):
        return False
    words = segment.words(c.term)
    head = words[-1] if words else ""
    if len(head) < 2 or head == c.term:
        head = c.term[-2:] if len(c.term) >= 4 else ""  # 市直机关 is one word: its kind is 机关
    return bool(SHARED_STANDING_RE.search(c.key)) or (len(head) >= 2 and c.key.endswith(head))
