"""Theses (X是…的首要任务, 以X为统领, 把X放在首位, 只有A才能B, 处理好A与B的关系), lists that
share a frame (在A上作表率，在B上作表率) and named meetings (党的二十大, 十九届六中全会)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import segment
from .meta import HEADING_MARK_RE
from .text import is_masked, sentences

THESIS_WORDS = (
    "首要任务|根本任务|第一要务|首要政治任务|首要政治责任|第一责任|政治责任|根本保证|根本遵循|行动指南|根本方向|"
    "根本性建设|根本宗旨|根本立场|根本目的|根本要求|根本原则|总要求|总目标|总基调|主线|主题|灵魂|生命线|"
    "基石|根基|根本|关键|核心|重中之重|第一位|首位|统领|引领|基础|前提|保障|抓手|突破口|着力点|落脚点|出发点|试金石|"
    "必由之路|必然要求|内在要求|重要保证|重要法宝|传家宝|定盘星|压舱石|主心骨|最大优势|本质特征|最高政治原则|"
    "关键一招|总基调|根本宗旨|鲜明品格|一条红线|价值取向|主攻方向|首位战略|底色|鲜明特征|独特优势|强大支撑|"
    "重要支撑|必修课|金钥匙|指路明灯|定海神针|风向标|永恒课题|重大政治任务|历史责任|历史使命|命脉|支撑|重点|第一属性|精髓|活的灵魂|政治品质|政治品格|精神支柱|政治本色"
)
# V X的Y where Y names X's standing (坚持稳中求进工作总基调, 践行全心全意为人民服务的根本宗旨).
APPOSITION_RE = re.compile(r"(?:坚持|践行|忠实践行|实施|全面实施|深入实施|发挥好?|贯彻|落实|遵循|坚守)"
                           r"([^，。；：、“”]{2,20}?)的?((?:工作)?总基调|根本宗旨|首位战略|根本方针|基本方略|基本国策|"
                           r"基本方针|根本制度|根本政治制度|基本政治制度|专门协商机构|根本原则|根本方法|根本任务)"
                           r"(?=[，。；！、和]|作用|$)")  # 发挥好人民政协专门协商机构作用
# 以X为统领 / 把X作为…的首要任务 / 将X作为…
AS_RE = re.compile(rf"(?:以|把|将)((?:把握|[^，。；：以把将]){{2,30}}?)(?:作为|为|当作)([^，。；]{{0,16}}?(?:{THESIS_WORDS}))")
# 把X作为Y in general, Y a noun phrase (把学习贯彻党章作为贯彻党的二十大精神的重要内容)
AS_ANY_RE = re.compile(r"(?:把|将)([^，。；：以把将]{2,30}?)(?:作为|当作)([^，。；！？]{3,24}?)(?=[，。；！]|$)")
# 用好X这个Y / 聚焦X这个主题
THIS_RE = re.compile(r"(?:用好|抓住|抓好|抓[深严实牢紧细]|聚焦|牵住|扭住|守住|把握|坚持)([^，。；：这]{2,14}?)这个([^，。；！？]{2,10}?)(?=[，。；！]|$)")
# X是…的首要任务 (X opens its clause)
IS_RE = re.compile(rf"(?:^|[，；：。])([^，。；：]{{2,24}}?)(?:始终|就|都|更|也)?是(?!是)([^，。；]{{0,20}}?(?:{THESIS_WORDS}))"
                   r"(?:[的之]?(?:问题|所在|工程|任务|建设|保证|要求))?(?=[，。；！]|$)")
# X是Y in general: a clause that opens with its subject and states what it is (解放思想是…思想路线)
GENERAL_IS_RE = re.compile(r"(?:^|[，；：。])([^，。；：“”]{2,18}?)(?:始终|就|都|更|也|首先|仍然|依然|永远|才)?是(?!是)"
                           r"([^，。；！？]{3,24}?)(?=[，。；！]|$)")
# X，是Y: the subject as a clause of its own (解放思想，始终是…)
CLAUSE_IS_RE = re.compile(r"(?:^|[。；]|(?:强调|指出|表明|证明|认为|明确)，)([^，。；：]{2,16})，(?:始终|就|更|也|首先|仍然|依然|永远)?是"
                          r"([^，。；！？]{3,24}?)(?=[，。；！]|$)")
# X，是…的一条红线: a long subject clause of its own (不断谱写…新篇章，是…的庄严历史责任), told by
# the standing it is given; a subject clause opening on a preposition is no subject (为实现…而奋斗，是…).
LONG_CLAUSE_IS_RE = re.compile(rf"(?:^|[。；])([^，。；：为对在从把以向于通]{{1}}[^，。；：]{{16,31}})，(?:始终|就|更|也|首先)?是"
                               rf"([^，。；！？]{{0,24}}?(?:{THESIS_WORDS}))(?=[，。；！]|$)")
# X，关键在Y / 关键在于Y
KEY_IN_RE = re.compile(r"关键(?:在于|在)([^，。；！？]{1,16})(?=[，。；！]|$)")
# The standing first, then what holds it (第一属性是政治性, 第一责任是抓党的建设)
INVERTED_RE = re.compile(r"(?:^|[，；：。])(第一属性|第一身份|第一责任|首要任务|首要职责|根本任务|根本职责|核心任务|第一要务|最大政绩)"
                         r"(?:就|始终)?是([^，。；：“”]{2,12})(?=[，。；！]|$)")
# X永远在路上 (全面从严治党永远在路上): a standing the party gives a few causes only
ROAD_RE = re.compile(r"(?:^|[，；：。])(?:牢记|坚持)?([^，。；：]{2,12}?)永远在路上")
# 没有X，就没有Y
NO_RE = re.compile(r"没有([^，。；]{2,16})，就没有([^，。；]{2,20})")
# 把X放在首位 / 摆在突出位置
PLACE_RE = re.compile(r"(?:把|将)([^，。；：]{2,24}?)(?:放在|摆在|置于)((?:更加)?(?:首位|第一位|首要位置|突出的?位置|重要位置|"
                      r"突出地位|首要))")
# What a general X是Y may not be: a reason, a time, a list of steps, a question.
PREDICATE_JUNK = re.compile(r"^(?:因为|为了|由于|在|从|对|把|要|不是|否|也是|就是说|指|说|什么|怎样|如何|\d)|[？?吗]$|^(?:标志|载体|开端|例子|一部分)$")

# 只有A，才能B; 只有A，C才能B (只有把…做深入，难题才能迎刃而解): the key is all from the 才能 clause on.
ONLY_RE = re.compile(r"(?:只有|唯有)([^，。；！]{2,30})，?((?:[^，。；！才]{2,12})?(?:才能|才会|才可能|方能)[^，。；！]{2,30})")
# X不在于A，而在于B (我们党的伟大不在于不犯错误，而在于…): what X rests on.
NOT_IN_RE = re.compile(r"(?:^|[，；：。])([^，。；：]{2,16}?)不在于[^，。；]{2,24}，而?在于([^。；]{2,40}?)(?=[。；]|$)")
# 没有比X更大的危险: X stated as the greatest of its kind.
NO_MORE_RE = re.compile(r"没有比([^，。；]{2,24}?)更([\u4e00-\u9fff]{1,3})的([\u4e00-\u9fff]{1,6})(?=[，。；！]|$)")
RELATION_RE = re.compile(r"处理好([^，。；、]{2,16}?)(?:与|和|同)([^，。；、]{2,16}?)的关系")
SUBJECT_JUNK = re.compile(r"^(?:没有|自己|本人|这|那|它|其|此|该|我们|大家|同志们|他们|这些|那些|也|就|都|还|又|而|并|但|这是|这就|在座|每一|某种|"
                          r"[0-9一二三四五六七八九十]+[、.．是]|[（(])|要|不仅|应该|应当|必须|能否|是否|怎样|如何|什么")
# Words that make a clause a reference or an event rather than a term (做到了这一点, 解决了这个问题之后).
TERM_JUNK = re.compile(r"了|(?<![沿本顺朝随向为味显执])着(?![力眼重手])|过(?![上好硬])|这|那|之后|以后|之前|时候|的话|起来|下去|今天|目前|当前|[的地得]$")
CONGRESS_RE = re.compile(r"(?:党的)?(?:第?[一二三四五六七八九十]{1,3}次全国代表大会|[一二三四五六七八九十]{2,3}大)"
                         r"|(?:党的)?[一二三四五六七八九十]{2,3}届[一二三四五六七八九十]中全会"
                         r"|(?:省|市|区|县)?第[一二三四五六七八九十]{1,3}次党代会")


@dataclass(frozen=True)
class Found:
    """A thesis, frame list or meeting in a paragraph: its term (the part a question blanks),
    the key it is stated with, members (frame lists), the offset of the term and its sentence."""

    kind: str  # "thesis", "frame" or "event"
    term: str
    key: str
    members: tuple[str, ...]
    start: int
    sentence: str


THESIS_PATTERNS = ((AS_RE, False, False), (PLACE_RE, False, False), (IS_RE, False, False),
                   (LONG_CLAUSE_IS_RE, False, False),
                   (AS_ANY_RE, True, False), (THIS_RE, True, False),
                   (GENERAL_IS_RE, True, True), (CLAUSE_IS_RE, True, True))


def find(text: str) -> list[Found]:
    """Every thesis, frame list and named meeting in one paragraph."""
    found: list[Found] = []
    marker = HEADING_MARK_RE.match(text)
    if marker:  # 三、为民服务是共产党人的根本宗旨: a heading that states a thesis (offsets kept)
        text = "。" * marker.end() + text[marker.end():]
    for span in sentences(text):
        s = span.text
        # (pattern, whether its predicate must be checked, whether its subject must be): the
        # keyword patterns first, so that their theses win over the general ones of the same term.
        for pattern, check_predicate, check_subject in THESIS_PATTERNS:
            for match in pattern.finditer(s):
                predicate = match.group(2)
                if pattern is AS_RE:  # 一以贯之的主题主线: the standing is the whole compound
                    more = re.match(rf"(?:{THESIS_WORDS})+", s[match.end(2):])
                    predicate += more.group(0) if more else ""
                if pattern is AS_RE and s[match.end(2):match.end(2) + 1] == "的" and s[match.start():match.start() + 1] == "以":
                    continue  # 以集体经济为核心的…改革: a description of the reform, not a judgement
                if check_predicate and (not _nominal(predicate) or PREDICATE_JUNK.search(predicate)):
                    continue
                term, at = match.group(1), match.start(1)
                if check_predicate and OBJECT_OF_RE.match(term) and ATMOSPHERE_RE.search(predicate):
                    continue  # 推动形成幸福生活都是奋斗出来的…的社会风尚: X是Y says what the 风尚 holds
                held = HELD_RE.match(term)
                # 我们要牢记机关首先是政治机关: the subject is 机关 (but 牢记和践行… is a subject whole)
                if held and len(term) - held.end() >= 2 and term[held.end()] not in "和与、并及":
                    term, at = term[held.end():], at + held.end()
                if check_subject and not _subject(term):
                    continue
                if check_predicate and (predicate[:1] in "：:“" or not word_edge(s, match.end(2))):
                    continue
                _thesis(found, s, span.start, term, at, predicate)
        for match in APPOSITION_RE.finditer(s):
            _thesis(found, s, span.start, match.group(1), match.start(1), match.group(2))
        for match in KEY_IN_RE.finditer(s):
            _thesis(found, s, span.start, match.group(1), match.start(1), "关键", shortest=1)
        for match in INVERTED_RE.finditer(s):
            _thesis(found, s, span.start, match.group(2), match.start(2), match.group(1))
        for match in ROAD_RE.finditer(s):
            _thesis(found, s, span.start, match.group(1), match.start(1), "永远在路上")
        for match in NO_RE.finditer(s):
            _thesis(found, s, span.start, match.group(1), match.start(1), "没有……就没有" + match.group(2))
        for match in NOT_IN_RE.finditer(s):
            _thesis(found, s, span.start, match.group(1), match.start(1), "在于" + match.group(2))
        for match in NO_MORE_RE.finditer(s):
            _thesis(found, s, span.start, match.group(1), match.start(1), f"没有比……更{match.group(2)}的{match.group(3)}")
        for match in ONLY_RE.finditer(s):
            _thesis(found, s, span.start, match.group(1), match.start(1), match.group(2))
        for match in RELATION_RE.finditer(s):
            term = f"{match.group(1)}与{match.group(2)}"
            found.append(Found("thesis", term, "关系", (match.group(1), match.group(2)),
                               span.start + match.start(1), s))
        found.extend(_frames(s, span.start))
        for match in CONGRESS_RE.finditer(s):
            found.append(Found("event", match.group(0), "", (), span.start + match.start(), s))
    return [f for f in found if not is_masked(f.term)]


def _thesis(found: list[Found], sentence: str, offset: int, term: str, at: int, key: str,
            shortest: int = 2) -> None:
    if term.startswith("“") and term.endswith("”") and term.count("“") == 1:
        term, at = term[1:-1], at + 1
    tail = TRAILING_ADVERB_RE.search(term)
    if tail:  # 作风问题归根到底是…: the subject is 作风问题
        term = term[:tail.start()]
    lead = LEAD_VERB_RE.match(term)
    if lead and len(term) - lead.end() == 2:  # 坚持科技是第一生产力: the subject is 科技
        term, at = term[lead.end():], at + lead.end()
    if (SUBJECT_JUNK.match(term) or TERM_JUNK.search(term) or len(term) < shortest
            or term in GENERIC_SUBJECTS or any(f.term == term for f in found)):
        return
    if not (word_edge(sentence, at) and word_edge(sentence, at + len(term))):
        return  # cut inside a word: 握“两个确立”… (把握), 党建和业务不 (不是)
    words = segment.tagged(term)
    if words and (words[-1][1] in ("d", "p", "c", "u", "ul", "uj", "r") or words[-1][0] in END_JUNK):
        return  # 担当作为一直, 加强企业家特别, 自身锻造成
    if term.count("“") != term.count("”") or term.count("《") != term.count("》"):
        return
    if term.endswith(("同志", "先生")) or any(w == "是" for w, _ in words):
        return  # a person's life (某某同志是坚定的马克思主义者), or a clause that states its own X是Y
    found.append(Found("thesis", term, key.lstrip("的"), (), offset + at, sentence))


CLAUSE_RE = re.compile(r"[^，；。！？]+")
# A subject that only points elsewhere (主要就是看…, 内容是…): no term to ask.
GENERIC_SUBJECTS = {"主要", "主要任务", "内容", "关键", "重点", "目的", "原因", "问题", "方面", "其中", "首先", "其次", "根本",
                    "核心", "一方面", "另一方面", "结果", "事实", "实践", "历史",
                    "习近平同志", "全会精神", "会议精神", "讲话精神", "文件精神"}  # 以习近平同志为核心的党中央: a set phrase, nothing to ask
END_JUNK = {"成", "人人", "可能", "一直", "特别", "不", "也", "都", "就", "还", "又"}
# Words that hold a whole X是Y clause in mind (我们要牢记…, 必须清醒认识到…): the subject follows them.
HELD_RE = re.compile(r"^(?:我们|大家|全体党员|党员干部)?(?:要|必须|应当|更要|一定要|始终|时刻)*"
                     r"(?:牢记|铭记|谨记|深刻认识到|清醒认识到|充分认识到|认识到)")
# An X是Y clause that is the content of what a verb makes (推动形成X都是Y的社会风尚, 营造X是Y的浓厚氛围):
# no thesis of its own.
OBJECT_OF_RE = re.compile(r"^(?:推动|加快|努力|着力)?(?:形成|营造|树立|倡导|弘扬|培育|凝聚)")
ATMOSPHERE_RE = re.compile(r"的[^，。；]{0,6}(?:风尚|氛围|风气|共识|导向|理念|局面)$")
# What a subject may carry after it before 是 (作风问题归根到底是人的问题): not part of the subject.
TRAILING_ADVERB_RE = re.compile(r"(?:归根到底|归根结底|说到底|从根本上说|从本质上说|本质上|实质上|说白了)$")
# Verbs that govern a whole X是Y clause (坚持科技是第一生产力, 认识到…是…).
LEAD_VERB_RE = re.compile(r"^(?:坚持|牢固树立|树立|深刻认识到|认识到|坚信|相信|懂得|明白)")


def word_edge(sentence: str, at: int) -> bool:
    """Whether offset `at` of `sentence` falls between two words (or at either end)."""
    if at <= 0 or at >= len(sentence) or not sentence[at - 1].isalnum() or not sentence[at].isalnum():
        return True
    return at in segment.boundaries(sentence)


def _nominal(predicate: str) -> bool:
    """Whether a predicate names something (…的思想路线, 关键一招) rather than tells an action."""
    if predicate.endswith(tuple(THESIS_WORDS.split("|"))):
        return True
    words = segment.tagged(predicate.rstrip("”’」"))
    return len(words) >= 2 and (words[-1][1][:1] in ("n", "l", "j") or words[-1][1] in ("vn", "an"))


def _subject(term: str) -> bool:
    """Whether a clause opening reads as a subject (not an adverb, pronoun, preposition or link)."""
    words = segment.tagged(term)
    return bool(words) and words[0][1][:1] not in ("d", "c", "p", "u", "m", "q", "f", "t")


def _frames(sentence: str, offset: int) -> list[Found]:
    """Runs of two or more clauses that share their head and tail, differing in the middle:
    在政治上作表率，在思想上作表率 → members 政治, 思想 under the frame 在…上作表率."""
    clauses = []
    for m in CLAUSE_RE.finditer(sentence):
        clause, start = m.group(0), m.start()
        while clause and clause[0] in LEADING and len(clause) > 4:
            clause, start = clause[1:], start + 1
        clauses.append((clause, start))
    out: list[Found] = []
    i = 0
    while i < len(clauses) - 1:
        j = i + 1
        head = tail = ""
        while j < len(clauses):
            group = [c for c, _ in clauses[i:j + 1]]
            h, t = _common_head(group), _common_tail(group)
            if len(h) + len(t) < 2 or any(len(c) - len(h) - len(t) < 2 for c in group):
                break
            head, tail = h, t
            j += 1
        if j - i >= 2 and head + tail:
            group = [c for c, _ in clauses[i:j]]
            head, tail = _word_aligned(group, head, tail)
            if len(head) + len(tail) < 5:
                i = j
                continue
            members = tuple(c[len(head):len(c) - len(tail)] for c in group)
            # Members that say something (成长都是关怀备至) are clauses of a sentence, not items.
            if (all(2 <= len(m) <= 14 for m in members) and len(set(members)) == len(members)
                    and not any(re.search(r"是|都|也", m) for m in members)):
                out.append(Found("frame", f"{head}…{tail}", "", members, offset + clauses[i][1], sentence))
            i = j
        else:
            i += 1
    return out


LEADING = "要并还更也都和及与"


def _word_aligned(group: list[str], head: str, tail: str) -> tuple[str, str]:
    """Give the members back the whole words the shared head or tail cut off: 在政治建设上作表率
    and 在思想建设上作表率 share 建设上作表率, but the members are 政治建设 and 思想建设."""
    first = group[0]
    bounds = set(segment.boundaries(first)) | {len(first)}
    cut = len(first) - len(tail)
    while tail and cut not in bounds:
        cut += 1
    # A noun the tail starts with belongs to the members (建设 in 政治建设上).
    rest = first[cut:]
    words = segment.words(rest) if rest else ()
    if words and len(words) > 1 and words[0] in NOUN_TAILS:
        cut += len(words[0])
    tail = first[cut:]
    return head, tail


NOUN_TAILS = {"建设", "工作", "方面", "能力", "水平", "意识", "作风", "纪律", "思想", "责任", "问题", "领域", "体系"}


def _common_head(items: list[str]) -> str:
    n = 0
    while all(len(x) > n for x in items) and len({x[n] for x in items}) == 1:
        n += 1
    return items[0][:n]


def _common_tail(items: list[str]) -> str:
    n = 0
    while all(len(x) > n for x in items) and len({x[-1 - n] for x in items}) == 1:
        n += 1
    return items[0][len(items[0]) - n:] if n else ""
