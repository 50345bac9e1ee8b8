"""Finding the key concepts of a speech: enumerations, formulas, slogans, policies and facts."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import facts, lists, parallel, segment, theses
from .knowledge import Knowledge, load_knowledge
from .meta import is_meta, is_title_line
from .stems import STRICT_DEMAND_RE
from .numbers import cn_to_int, head_count, is_all_number, starts_with_number
from .text import is_masked, sentence_at, sentences
from .types import Concept, Kind, Source, Speech

QUOTE_RE = re.compile(r"[“\"「]([^“”\"「」\n]{1,40})[”\"」]")
POLICY_RE = re.compile(r"《([^《》\n]{2,60})》")
COUNT_PHRASE_RE = re.compile(
    r"([一二三四五六七八九十两]{1,3}|[1-9][0-9]?)(个方面|方面|点|条|项|大|种|件|类|个)(的)?([\u4e00-\u9fff]{0,4})"
)
TRAILING_COUNT_RE = re.compile(r"([一二三四五六七八九十两])(个|项|大|种|条)([\u4e00-\u9fff]{1,4}?)(?=[，,。；;：:、）)]|$)")
# After a quoted formula, words that say the list which follows defines it: “四个意识”：… / 即… / 包括…
DEFINES_RE = re.compile(r"^[\u4e00-\u9fff]{0,3}?(?:，|,)?(?:即|就是|是指|指的是|主要是|具体是|具体来说|包括|主要包括|分别是|是)?[：:，,]?\s*$")
DEFINITION_RE = re.compile(r"^[\u4e00-\u9fff]{0,4}?(?:，)?(?:即|就是|是指|指的是|包括|：|:)")
# A list sits under a heading only if it starts within this many paragraphs of it; further on,
# the text between has moved to something else (a summary, a new subject).
PARENT_REACH = 2
SPLIT_BACK = "，,。；;：:！？!?“”\"（）()《》 　"
# The shared speeches have at most 228 key concepts. Choosing distractors among a speech's
# concepts grows with the square of their number, so a text with more than this many (a pasted
# list, a book) is read only up to the paragraph where they reach it.
MAX_CONCEPTS = 1000


@dataclass
class _Found:
    concept: Concept
    position: tuple[int, int]


class _Collector:
    """Keeps one concept per term; an enumeration replaces a formula or slogan of the same term."""

    def __init__(self, speech: Speech, knowledge: Knowledge) -> None:
        self.speech = speech
        self.knowledge = knowledge
        self.by_term: dict[str, _Found] = {}
        self.member_sets: set[tuple[str, ...]] = set()

    def add(self, term: str, kind: Kind, paragraph: int, pos: int, members: tuple[str, ...] = (),
            paragraphs: tuple[int, ...] = (), figures: tuple[str, ...] = (), context: str = "",
            sentence: str | None = None, named_by: str = "", key_word: str = "") -> None:
        if kind == Kind.ENUMERATION and members and not self._fits_lexicon(term, members):
            return  # a list beside a known formula that is not its members: no false definition
        key = term
        if kind == Kind.THESIS and (held := self.by_term.get(term)) is not None and held.concept.kind != Kind.THESIS:
            key = f"{term}\x1fthesis"  # “红色根脉” a slogan first, later stated as a thesis: both asked
        existing = self.by_term.get(key)
        if existing is not None:
            # A meeting is asked where the speech asks something of it (学习贯彻党的二十大精神),
            # not where it is first told of (在党的二十大上，…提出).
            better_event = (kind == Kind.EVENT and existing.concept.kind == Kind.EVENT and sentence is not None
                            and STRICT_DEMAND_RE.search(sentence)
                            and not STRICT_DEMAND_RE.search(existing.concept.source.sentence))
            if not (kind == Kind.ENUMERATION and existing.concept.kind != Kind.ENUMERATION) and not better_event:
                return
        if kind in (Kind.ENUMERATION, Kind.SLOGAN) and members:
            if existing is None and any(set(members) <= set(seen) for seen in self.member_sets):
                return  # the same list (or a part of it) is already a concept
            self.member_sets.add(members)
        text = self.speech.paragraph(paragraph)
        if sentence is None:
            sentence = sentence_at(text, pos).text
        concept = Concept(
            term=term, kind=kind, members=members,
            source=Source(self.speech.name, paragraph, sentence,
                          paragraphs if len(paragraphs) > 1 else ()),
            paragraphs=paragraphs or (paragraph,), figures=figures, context=context, named_by=named_by,
            key=key_word,
        )
        self.by_term[key] = _Found(concept, (paragraph, pos))

    def _fits_lexicon(self, term: str, members: tuple[str, ...]) -> bool:
        entry = self.knowledge.formula(term)
        if entry is None:
            return True
        known = set(entry.members)
        # An item holds a member only when it is about as long (做实监督责任 is a heading that names
        # 监督责任, not the member itself: “两个责任”包括推动主体责任落实落地 would define it falsely).
        hits = sum(1 for m in members if any((m in k or k in m) and abs(len(m) - len(k)) <= 2 for k in known))
        return len(members) == len(known) and hits * 4 >= len(members) * 3

    def concepts(self) -> list[Concept]:
        """The concepts in order; a term already introduced as a member of an earlier list is dropped."""
        found = sorted(self.by_term.values(), key=lambda f: f.position)
        first_as_member: dict[str, int] = {}
        for f in found:
            if f.concept.kind in (Kind.ENUMERATION, Kind.SLOGAN):
                for member in f.concept.members:
                    first_as_member.setdefault(member, f.concept.source.paragraph)
        return [
            f.concept for f in found
            if f.concept.kind not in (Kind.FORMULA, Kind.SLOGAN) or f.concept.members
            or first_as_member.get(f.concept.term, 10**9) >= f.concept.source.paragraph
        ]


def find_concepts(speech: Speech, knowledge: Knowledge | None = None) -> list[Concept]:
    """All key concepts of a speech, in the order they first appear. Source, byline and date lines
    are not content; a list is attached to a formula only where the text defines it (and, for a
    formula of the lexicon, only when its members are the lexicon's)."""
    knowledge = knowledge or load_knowledge()
    out = _Collector(speech, knowledge)
    full = "\n".join(speech.paragraphs)
    _numbered(speech, out)
    for number, text in enumerate(speech.paragraphs, start=1):
        if len(out.by_term) >= MAX_CONCEPTS:
            break
        if not text or is_meta(text) or is_title_line(text, number):
            continue
        _theses(text, number, out)
        _inline_enumerations(text, number, out)
        _trailing_counts(text, number, out)
        _quoted(text, number, out, full)
        _parallel_sets(text, number, out)
        _lexicon_sets(text, number, out)
        _lexicon_names(text, number, out)
        _policies(text, number, out)
        _facts(text, number, out)
    _paragraph_frames(speech, out)
    return out.concepts()[:MAX_CONCEPTS]


# The standing a paragraph's opening sentence ends on: …的政治品格。 / …的长远战略眼光。
FRAME_TAIL_RE = re.compile(r"的([\u4e00-\u9fff]{2,6})[。！]$")


def _paragraph_frames(speech: Speech, out: _Collector) -> None:
    """Paragraphs in a row that open on one frame and end it on a standing of their own
    (我们纪念X同志，就是要学习他…的政治品格。…的革命精神。…的公仆情怀。…的高尚品德。): the standings
    are one list, each asked in its own opening sentence among the others."""
    openings = []
    for number, text in enumerate(speech.paragraphs, start=1):
        spans = sentences(text) if text and not is_meta(text) else []
        openings.append((number, spans[0].text if spans else ""))
    i = 0
    while i < len(openings) - 2:
        j, head = i + 1, openings[i][1]
        while j < len(openings):
            shared = lists.common_prefix([head, openings[j][1]])
            if len(shared) < 6:
                break
            head, j = shared, j + 1
        run = openings[i:j]
        tails = [FRAME_TAIL_RE.search(sentence) for _, sentence in run]
        if len(run) >= 3 and all(tails) and len({t.group(1) for t in tails}) == len(run) \
                and all(t.start() - len(head) >= 2 for t in tails):
            members = tuple(t.group(1) for t in tails)
            number, sentence = run[0]
            out.add(head.rstrip("，,：:") + "…", Kind.ENUMERATION, number, 0, members,
                    paragraphs=tuple(n for n, _ in run), sentence=sentence, named_by="paragraphs",
                    context=head)
            i = j
        else:
            i += 1


# ---- numbered lists ---------------------------------------------------------------------

def _numbered(speech: Speech, out: _Collector) -> None:
    for found in lists.numbered_lists(speech.paragraphs):
        first = found.items[0]
        members = tuple(item.head for item in found.items)
        if any(len(m) < 2 for m in members):
            continue
        term, context, named_by = _list_term(speech, found)
        paragraphs = tuple(sorted({item.paragraph for item in found.items}))
        text = speech.paragraph(first.paragraph)
        out.add(term, Kind.ENUMERATION, first.paragraph, first.start, members, paragraphs,
                context=context, sentence=sentence_at(text, first.head_start).text, named_by=named_by)


def _list_term(speech: Speech, found: lists.NumberedList) -> tuple[str, str, str]:
    """The name of a numbered list, its heading and how it was named (see Concept.named_by)."""
    first = found.items[0]
    count = len(found.items)
    lead = _lead_in(speech, first)
    for match in QUOTE_RE.finditer(lead):
        if head_count(match.group(1)) == count and DEFINES_RE.match(lead[match.end():]):
            return match.group(1), "", "quote"
    best = ""
    for match in COUNT_PHRASE_RE.finditer(lead):
        if cn_to_int(match.group(1)) == count:
            best = match.group(0)
    if best:
        return best, "", "count"
    parent = found.parent
    if parent is not None and first.paragraph - parent.paragraph <= PARENT_REACH:
        heading = parent.head.split("，")[0]
        return heading, parent.head, "heading"
    if found.rank == 0:
        title = speech.title if speech.title and not is_masked(speech.title) else "讲话的主要部分"
        return title, "", "title"
    clause = re.split(r"[，,：:]", lead.rstrip("：:，,。"))[-1].strip()
    if 2 <= len(clause) <= 24 and not is_meta(clause):
        return clause, "", "lead"
    # No name the text gives: the list is still a concept, named by its first item, and asked
    # about only through its items (see lists_ask: "title" lists get no question of their own).
    return found.items[0].head[:16], "", "title"


def _lead_in(speech: Speech, first: lists.Item) -> str:
    """The sentence that leads into a list: before its first marker, or the paragraph before."""
    text = speech.paragraph(first.paragraph)
    before = text[:first.start].strip()
    if before:
        return sentence_at(text, len(before) - 1).text
    for number in range(first.paragraph - 1, 0, -1):
        prev = speech.paragraph(number)
        if prev:
            return sentence_at(prev, len(prev) - 1).text
    return ""


# ---- enumerations written inline --------------------------------------------------------

def _inline_enumerations(text: str, number: int, out: _Collector) -> None:
    for match in QUOTE_RE.finditer(text):
        inner = match.group(1)
        count = head_count(inner)
        if "、" in inner:
            _quoted_list(text, match, number, out)
            continue
        if not starts_with_number(inner):
            continue
        members = _list_in_parens(text, match.end())
        if not members and count and count >= 2:
            members = _list_before(text, match.start(), count) or _list_defined(text, match.end(), count)
        if members:
            out.add(inner, Kind.ENUMERATION, number, match.start(), members)


def _quoted_list(text: str, match: re.Match[str], number: int, out: _Collector) -> None:
    """“部署、检查、整改、落实”四位一体: a quoted list named by the count that follows it."""
    members = tuple(m.strip() for m in lists.split_items(match.group(1)))
    rest = text[match.end():]
    after = re.match(r"([一二三四五六七八九十两])(位一体|个[\u4e00-\u9fff]{1,3}|项[\u4e00-\u9fff]{1,3})", rest)
    # …or a quoted count name after 的: “清单化、项目化、责任化、时限化”的“四化”
    named = after or re.match(r"的?“([一二三四五六七八九十两])([\u4e00-\u9fff]{1,4})”", rest)
    if named and cn_to_int(named.group(1)) == len(members) and all(members):
        out.add(named.group(1) + named.group(2), Kind.ENUMERATION, number, match.start(), members)


def _list_before(text: str, end: int, count: int) -> tuple[str, ...]:
    """'政治功能强、…、作用发挥强的“四强”': the count's members written just before it."""
    start = end
    while start > 0 and text[start - 1] not in SPLIT_BACK:
        start -= 1
    segment_text = text[start:end]
    if segment_text.endswith("的"):
        segment_text = segment_text[:-1]
    items = lists.split_items(segment_text)
    if len(items) != count or any(not item for item in items):
        return ()
    return _trim_first(items)


def _list_in_parens(text: str, end: int) -> tuple[str, ...]:
    match = re.match(r"[\u4e00-\u9fff]{0,4}?[（(]([^（）()]{3,60})[）)]", text[end:])
    if not match or "、" not in match.group(1):
        return ()
    items = [item.strip() for item in lists.split_items(match.group(1))]
    return tuple(items) if all(items) else ()


def _list_defined(text: str, end: int, count: int) -> tuple[str, ...]:
    rest = text[end:]
    match = DEFINITION_RE.match(rest)
    if not match:
        return ()
    body = re.split(r"[。；;！？，,]", rest[match.end():])[0]
    items = [item.strip() for item in lists.split_items(body)]
    if len(items) != count or not all(items):
        # After a colon, clauses that share their opening (坚决反对形式主义，坚决反对官僚主义，…)
        clauses = re.split(r"[，,；;]", re.split(r"[。！？]", rest[match.end():])[0])
        if match.group(0)[-1:] in "：:" and len(clauses) == count and len(lists.common_prefix(clauses)) >= 2:
            return tuple(c.strip() for c in clauses)
        return ()
    return tuple(_trim_last(items))


def _trailing_counts(text: str, number: int, out: _Collector) -> None:
    """'抓党建、党风廉政建设和意识形态工作三个责任': an unquoted count after its list."""
    for match in TRAILING_COUNT_RE.finditer(text):
        count = cn_to_int(match.group(1))
        if not count or count < 2 or match.start() == 0 or text[match.start() - 1] in SPLIT_BACK:
            continue
        members = _list_before(text, match.start(), count)
        if members:
            out.add(match.group(0), Kind.ENUMERATION, number, match.start(), members)


def _trim_first(items: list[str]) -> tuple[str, ...]:
    """Cut the words leading into a list off its first item, using the shape of the others."""
    rest = items[1:]
    prefix = lists.common_prefix(rest) if len(rest) >= 2 else ""
    suffix = lists.common_suffix(rest) if len(rest) >= 2 else ""
    first = items[0]
    target = sorted(len(i) for i in rest)[len(rest) // 2]
    if prefix and prefix in first:
        first = first[first.rfind(prefix):]
    else:
        first = segment.strip_leading(first, keep=max(3, len(suffix) + 1))
        if len(first) > max(len(i) for i in rest) + 1:
            first = segment.tail_near(first, target)
    return tuple([first, *rest])


def _trim_last(items: list[str]) -> list[str]:
    head = items[:-1]
    suffix = lists.common_suffix(head) if len(head) >= 2 else ""
    last = items[-1]
    target = sorted(len(i) for i in head)[len(head) // 2]
    if suffix and suffix in last:
        last = last[:last.find(suffix) + len(suffix)]
    elif len(last) > target + 1:
        last = segment.head_near(last, target)
    return [*head, last]


# ---- quoted formulas and slogans ----------------------------------------------------------

def _quoted(text: str, number: int, out: _Collector, full: str) -> None:
    for match in QUOTE_RE.finditer(text):
        inner = match.group(1).strip()
        if not _is_term(inner, text, match.start()):
            continue
        if not _names_formulation(inner, text, match.end(), full, out.knowledge):
            continue
        if "、" in inner:
            parts = re.split(r"[，,]", inner)
            members = tuple(m.strip() for part in parts for m in lists.split_items(part) if m.strip())
            out.add(inner, Kind.SLOGAN, number, match.start(), members)
        elif starts_with_number(inner):
            out.add(inner, Kind.FORMULA, number, match.start())
        else:
            out.add(inner, Kind.SLOGAN, number, match.start())


def _is_term(inner: str, text: str, start: int) -> bool:
    """A quoted text that names something, rather than a quotation, a date or a fragment."""
    if len(inner) < 2 or is_masked(inner) or is_all_number(inner):
        return False
    if any(ch in inner for ch in "。！？!?"):
        return False
    before = text[:start].rstrip()
    if ("，" in inner or "," in inner) and before.endswith(("：", ":")):
        return False
    return len(inner) <= (32 if "、" in inner else 24)


# A quoted phrase that is a name or a proposition by its own shape: an ordinal (“第二个答案”), a year's
# theme (“升级提质年”), a stated judgement (“抓好党建是最大政绩”).
OWN_NAME_RE = re.compile(r"^第[一二三四五六七八九十0-9]|[^年]年$|[\u4e00-\u9fff]{2}是[\u4e00-\u9fff]{2}|^以.{2,}为")
# How the title of a document ends (《中国共产党支部工作条例（试行）》 ends in its parenthesis).
DOCUMENT_ENDINGS = ("条例", "意见", "办法", "方案", "通知", "规定", "规划", "要点", "细则", "准则", "决定", "决议",
                    "章程", "制度", "措施", "报告", "纲要", "计划", "清单", "守则", "党章", "规则", "法", "（试行）",
                    "(试行)", "论", "论述", "选集", "文选", "讲话", "宪法", "书", "公约", "纪要")
# After a quoted phrase, words that say what it is (“红色根脉”是…, “两个先行”即…).
DEFINED_AFTER_RE = re.compile(r"^[\u4e00-\u9fff]{0,4}?(?:是|即|就是|指|包括|这个|这一|：|:|（|\()")


def _names_formulation(inner: str, text: str, end: int, full: str, knowledge: Knowledge) -> bool:
    """Whether a quoted phrase names a formulation worth asking, rather than a figure of speech
    (“甩手掌柜”, “施工队长”) used once: a count-named formula or a list, one the lexicon knows, one the
    speech uses again, or one the text goes on to define. A figure with one word (“30强”) is a rank."""
    if re.fullmatch(r"[0-9]+[\u4e00-\u9fff]?", inner):
        return False
    if starts_with_number(inner) or "、" in inner or "，" in inner or OWN_NAME_RE.search(inner):
        return True
    if knowledge.formula(inner) is not None or inner in _known_members(knowledge):
        return True
    # Said again: quoted again, or (a name of four characters or more) said again at all; a short
    # word recurs inside others (“陷阱” in 中等收入陷阱).
    if full.count(f"“{inner}”") >= 2 or (len(inner) >= 4 and full.count(inner) >= 2):
        return True
    return bool(DEFINED_AFTER_RE.match(text[end:end + 8]))


@functools.lru_cache(maxsize=4)
def _known_members(knowledge: Knowledge) -> frozenset[str]:
    """Every member of a lexicon formula (忠诚干净担当's 忠诚, 学史明理 …)."""
    return frozenset(m for f in knowledge.formulas for m in f.members)


# ---- unquoted parallel sets, documents and facts ----------------------------------------

def _parallel_sets(text: str, number: int, out: _Collector) -> None:
    quoted = [m.span() for m in QUOTE_RE.finditer(text)]
    for start, term, members in parallel.parallel_sets(text, quoted):
        if not _figure_of_speech(members):
            out.add(term, Kind.SLOGAN, number, start, members)


# Between the members of a lexicon formula said in a row: a list's separators and nothing else.
LEXICON_GAP_RE = re.compile(r"[、，,]?(?:和|与|及|以及)?")


def _lexicon_sets(text: str, number: int, out: _Collector) -> None:
    """A lexicon formula's members said in a row without quotes or its name (围绕中心、建设队伍、
    服务群众; 让党中央放心、让人民群众满意): the set is a formulation even where no other set
    shares its words. Quoted text is left to _quoted."""
    quoted = [m.span() for m in QUOTE_RE.finditer(text)]
    for formula in out.knowledge.formulas:
        members = formula.members
        if len(members) < 2 or members[0] not in text:
            continue
        for start in (m.start() for m in re.finditer(re.escape(members[0]), text)):
            end = start + len(members[0])
            for member in members[1:]:
                gap = LEXICON_GAP_RE.match(text, end)
                if not text.startswith(member, gap.end()):
                    break
                end = gap.end() + len(member)
            else:
                if not any(a <= start < b for a, b in quoted):
                    out.add(text[start:end], Kind.SLOGAN, number, start, members)
                break


COUNT_CHARS = "一二三四五六七八九十两0123456789第"  # 十八项规定 is not 八项规定


def _lexicon_names(text: str, number: int, out: _Collector) -> None:
    """A count-named formula of the lexicon said without quotes (落实中央八项规定精神, 增强四个意识):
    a formula all the same. Quoted ones are left to _quoted."""
    quoted = [m.span() for m in QUOTE_RE.finditer(text)]
    for formula in out.knowledge.formulas:
        term = formula.term
        if len(term) < 4 or not starts_with_number(term) or term not in text:
            continue
        for match in re.finditer(re.escape(term), text):
            before = text[match.start() - 1] if match.start() else ""
            # “部署、检查、整改、落实”四位一体: a quoted list names it here in the speech's own sense,
            # not the lexicon's (no false definition).
            if not any(a <= match.start() < b for a, b in quoted) and not (before and before in COUNT_CHARS + "”"):
                out.add(term, Kind.FORMULA, number, match.start())
                break


# Items that say where or to whom (各地、各部门), or tell what happened (更大了、更严了).
SCOPE_OR_NARRATIVE_RE = re.compile(r"^各|了$")


def _figure_of_speech(members: tuple[str, ...]) -> bool:
    """Whether an unquoted parallel set is a turn of phrase rather than a formulation: items that
    name the scope (各地各部门、各个领域、各个岗位) or tell what happened (更大了、更高了), or a
    pair of short colloquial items (等一等、看一看; 老手势、老办法; 怕问责、怕丢官)."""
    if all(SCOPE_OR_NARRATIVE_RE.search(m) for m in members):
        return True
    return len(members) == 2 and all(len(m) <= 3 for m in members)


def _theses(text: str, number: int, out: _Collector) -> None:
    for found in theses.find(text):
        if found.kind == "thesis":
            out.add(found.term, Kind.THESIS, number, found.start, found.members, sentence=found.sentence,
                    key_word=found.key)
        elif found.kind == "frame":
            out.add(found.term, Kind.ENUMERATION, number, found.start, found.members,
                    sentence=found.sentence, named_by="frame", context=found.term)
        else:
            out.add(found.term, Kind.EVENT, number, found.start, sentence=found.sentence)


def _policies(text: str, number: int, out: _Collector) -> None:
    """《…》 titles of documents: one with a document's ending (条例, 意见, 决定 …) or one the lexicon
    knows; a book, a film or a column (《庄子》, 《复兴之路》) is no policy to ask about."""
    for match in POLICY_RE.finditer(text):
        title = match.group(1)
        if title.endswith(DOCUMENT_ENDINGS) or title in out.knowledge.policies or "讲话" in title:
            out.add(title, Kind.POLICY, number, match.start())


def _facts(text: str, number: int, out: _Collector) -> None:
    for fact in facts.find_facts(text):
        out.add(fact.clause, Kind.FACT, number, fact.start, figures=fact.figures, sentence=fact.sentence)
