"""Building banks: concepts → drafts → the quality gate → questions and a report per speech."""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

from .concepts import find_concepts
from .distractors import same_words
from .generate import Draft, Maker
from .knowledge import Knowledge, load_knowledge
from .meta import HEADING_MARK_RE
from .pools import is_fragment
from .quality import FLOOR, rank
from .stems import LEAD_RE, REVIEW_DEMAND_RE, as_review, review_paragraphs, title_line
from .text import is_masked
from .types import Concept, Kind, Origin, QType, Question, Speech
from .wording import BLANK

MAX_STEM = 220
# Terms a question never carries, as a key or as filler (QUESTIONS.md: never a sensitive historical term).
SENSITIVE_RE = re.compile(r"文化大革命|文革|四人帮|林彪|反革命|右派|二十一条|大跃进|反右")
# A quotation, saying or figure of speech introduced as such: “俗话说：‘…’”, 所谓“…”.
SAYING_RE = re.compile(r"(?:俗话说|俗语说|常言道|古人云|古语说|有句话|所谓|说过|说：|讲：|比喻为|称为|叫做|形象地说)[：:，,]?“$")
# The vocabulary of party life, governance and ideology: a sentence with none of it is a detail of
# the economy, the environment or a city's plans (海洋强省, 美丽城镇, 亚残运会), not party knowledge.
PARTY_RE = re.compile(r"党|政治|思想|组织|纪律|作风|四风|廉|腐|干部|理论|学习|初心|使命|人民|群众|制度|监督|主义|民主|"
                      r"法治|意识|自信|维护|担当|精神|信念|理想|宗旨|责任|核心|领导|规矩|官僚|教育|文化|价值|斗争|革命|"
                      r"历史|红色|伟大|奋斗|忠诚|改革|创新|新时代|现代化|复兴|政策|形势|一把手|班子|效能")
# A year's anniversaries (今年是改革开放40周年、…实施15周年): the occasion, not a point to remember.
ANNIVERSARY_RE = re.compile(r"^(?:今年|明年|去年|今天|明天)(?:是|恰逢|正值).{0,40}周年")
# The meeting's own business (刚才…, 今天召开这次会议，主要任务是…, 会上…).
AGENDA_RE = re.compile(r"^(?:刚才|刚刚|会上|今天(?:召开|我们召开|的会议|这次会议)|这次会议|本次会议)")
# A figure of speech (作风问题就像“温水煮青蛙”): the image is no point to remember.
SIMILE_RE = re.compile(r"就像|好比|犹如|如同|打个比方|比作|好像")
# The speaker telling of himself (我就强调…, 我当时…): an anecdote, not a point.
FIRST_PERSON_RE = re.compile(r"(?<![自忘无])我(?![们国省市区县党军校局部委厅办院所])")
# A person's words quoted whole (邓小平同志说：“…”): read back as true, a 判断 tests recitation.
QUOTED_WORDS_RE = re.compile(r"^(?![^，。；“”]{0,16}总书记)[^，。；“”]{1,16}?(?:说|讲|写道)[：:]“")
MAX_OPTION = 30
PER_SENTENCE = 6


@dataclass
class Bank:
    """One speech's bank with what the quality gate did to it."""

    speech: Speech
    concepts: list[Concept]
    questions: list[Question] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (reason, stem)
    duplicates: int = 0


def build_bank(speeches: list[Speech], knowledge: Knowledge | None = None) -> list[Bank]:
    """A bank per speech. Deterministic: the same speeches give the same questions and ids."""
    knowledge = knowledge or load_knowledge()
    return [_build_one(speech, knowledge) for speech in speeches]


def _build_one(speech: Speech, knowledge: Knowledge) -> Bank:
    concepts = find_concepts(speech, knowledge)
    by_term = {c.term: c for c in concepts}
    maker = Maker(speech, concepts, knowledge)
    for concept in concepts:
        maker.make(concept)
    bank = Bank(speech=speech, concepts=concepts)
    seen_stems: set[str] = set()
    seen_ids: set[str] = set()
    kb_text = knowledge.text()
    passed: list[Draft] = []
    reviewing = review_paragraphs(speech.paragraphs)
    for draft in maker.drafts:
        q = draft.question
        if q.source.paragraph in reviewing and not REVIEW_DEMAND_RE.search(q.source.sentence):
            draft.question = dataclasses.replace(q, stem=as_review(q.stem))
            text = speech.paragraph(q.source.paragraph)
            concept = by_term.get(q.concept)
            if (q.kind == Kind.ENUMERATION and concept is not None and concept.named_by in ("count", "heading", "lead")
                    and not knowledge.formula(q.concept) and not knowledge.listing(concept.members)):
                bank.dropped.append(("回顾以往工作的细节", q.stem))  # “6件民生实事”包括…: what was done
                continue
            # The heading of a part of a review (（三）以全面从严治党为主线，…) tells how the work was
            # organised, not a rule: a formula of the lexicon in it is still asked.
            if (q.kind == Kind.THESIS and HEADING_MARK_RE.match(text) and not knowledge.formula(q.concept)
                    and text[HEADING_MARK_RE.match(text).end():].startswith(q.source.sentence[:6])):
                bank.dropped.append(("回顾部分的小标题，不是规定", q.stem))
                continue
        reason = _problem(draft, speech, knowledge, kb_text) or _given_away(draft.question, by_term.get(draft.question.concept))
        if reason:
            bank.dropped.append((reason, draft.question.stem))
            continue
        key = re.sub(r"\s", "", draft.question.stem)
        if key in seen_stems or draft.question.id in seen_ids:
            bank.duplicates += 1
            continue
        seen_stems.add(key)
        seen_ids.add(draft.question.id)
        passed.append(draft)
    kept = _spread(passed)
    full_text = "\n".join(speech.paragraphs)
    for draft in passed:
        if id(draft) in kept:
            q = draft.question
            concept = by_term.get(q.concept)
            known = knowledge.formula(q.concept) or (concept and (knowledge.set_of(concept.members)
                                                                  or knowledge.listing(concept.members)))
            quality = rank(q, concept, draft.cut, draft.weak_distractors, known=bool(known),
                           repeated=full_text.count(q.concept) >= 2)
            if quality < FLOOR:
                bank.dropped.append((f"质量分低于 {FLOOR}", q.stem))
                continue
            bank.questions.append(dataclasses.replace(q, quality=quality))
        else:
            bank.dropped.append(("同一句话出题过多", draft.question.stem))
    bank.questions = as_document(bank.questions, speech)
    return bank


# What a text that is no speech is called, by its title (…述职报告, …工作总结, …对照检查材料, …工作要点).
DOCUMENT_WORDS = ((re.compile(r"(?:述职报告|述职|工作报告|汇报)$"), "报告"), (re.compile(r"总结(?:报告)?$"), "总结"),
                  (re.compile(r"材料$"), "材料"), (re.compile(r"(?:要点|实施方案|工作方案|实施意见|工作计划|通知)$"), "文件"))
LEAD_WORD_RE = re.compile(r"^(判断：)?讲话(?=中|指出|要求|强调|回顾|提出|，)")


def as_document(questions: list[Question], speech: Speech) -> list[Question]:
    """The questions of a text that is no speech, called what it is: 报告指出，… for 讲话指出，…
    (a blind review: an organizer would reword 讲话 before a work plan's or a report's lines)."""
    word = document_word(speech)
    if not word:
        return questions
    return [dataclasses.replace(q, stem=LEAD_WORD_RE.sub(lambda m: f"{m.group(1) or ''}{word}", q.stem, count=1),
                                explanation=q.explanation.replace("讲话原文", f"{word}原文")) for q in questions]


def document_word(speech: Speech) -> str:
    """报告, 总结, 材料 or 文件 for a text whose title names it so; "" for a speech."""
    title = title_line(speech.paragraphs)
    if not title or title.endswith(("讲话", "讲话提纲")):
        return ""
    return next((word for pattern, word in DOCUMENT_WORDS if pattern.search(title)), "")


BARE_STANDING_RE = re.compile(r"^[^，；。是]{2,12}?(?:就|都|也)?是(?:我们的|我们党的)?[\u4e00-\u9fff]{1,3}$")


ORDINALS = "一二三四五六七八九十"
# A shortcoming found in oneself (学习不够深入, 党性修养有所放松): not a point to remember.
SHORTCOMING_RE = re.compile(r"不够(?:主动|深入|扎实|到位|严格|经常|有力|及时|自觉|全面|重视)|有所(?:放松|淡化|弱化|松懈|减退)|"
                            r"有差距|还有差距|存在差距|打折扣|不到位")
# A count of what was done (32次, 23人次, 6个问题, 4300余名).
TALLY_RE = re.compile(r"\d+(?:\.\d+)?(?:余)?(?:万|亿)?(?:次|人次|场|名|个|项|件|起|篇|期|家|元|[%％])")


def _cut_in_run(stem: str, paragraph: str) -> bool:
    """Whether a stem holds part of a numbered run (一是…二是…; 第一，…第二，…) with an item cut
    away: the one after its last (五大工作导向：一是…, 二是… and 三是 left out) or its first
    (…；第二，… without 第一)."""
    for mark in ("{}是", "第{}，", "第{}、"):
        held = [i for i, n in enumerate(ORDINALS) if mark.format(n) in stem]
        if not held:
            continue
        if held[0] > 0 or (held[-1] + 1 < len(ORDINALS) and mark.format(ORDINALS[held[-1] + 1]) in paragraph):
            return True
    return False


def _stem_core(stem: str) -> str:
    """What a stem says besides its attribution, its punctuation, the blank and the line asking
    for the answer: how much context it gives."""
    return re.sub(r"^[^，]{2,12}(?:指出|要求|强调|回顾)，|[，。、；：“”_]|\n.*", "", stem)


def _bare_standings(sentence: str) -> bool:
    """Whether a sentence only gives things bare standings (党建引领是根本，群众主体是关键): out of
    its frame (the lessons of 基层治理) it says nothing of what they are the root or key of."""
    lead = LEAD_RE.match(sentence)
    body = (sentence[lead.end():] if lead else sentence).rstrip("。！；;")
    clauses = [c for c in re.split(r"[，,；;]", body) if c]
    return bool(clauses) and all(BARE_STANDING_RE.match(c) for c in clauses)


def _spread(drafts: list[Draft]) -> set[int]:
    """At most PER_SENTENCE questions on one sentence, taken in turn from each concept it holds
    (one question of each concept before a second of any), so a rich sentence gives variety."""
    by_sentence: dict[tuple[int, str], dict[str, list[Draft]]] = {}
    for draft in drafts:
        q = draft.question
        if q.origin == Origin.KNOWLEDGE:
            continue
        key = (q.source.paragraph, q.source.sentence)
        by_sentence.setdefault(key, {}).setdefault(q.concept, []).append(draft)
    kept = {id(d) for d in drafts if d.question.origin == Origin.KNOWLEDGE}
    for (_, sentence), concepts in by_sentence.items():
        queues = list(concepts.values())
        taken = 0
        # A sentence of many statements (五年…：必须把A作为…；必须把B作为…；…) says as many points:
        # one more question for each statement after the first, up to twice the cap.
        cap = min(2 * PER_SENTENCE, PER_SENTENCE + len(re.findall(r"[；;]", sentence)))
        while taken < cap and any(queues):
            for queue in queues:
                if queue and taken < cap:
                    kept.add(id(queue.pop(0)))
                    taken += 1
    return kept


def _given_away(q: Question, concept: Concept | None) -> str:
    """Why a blank is answered by the stem itself: the clause after it spells out every character
    of a thesis or slogan (“____”就是要始终立在时代大潮的潮头…要做到“勇” for 勇立潮头). Not for an
    item of a parallel set (政治自觉、____、行动自觉: its own words recur as a matter of course)."""
    if q.type not in (QType.FILL, QType.SINGLE) or q.kind not in (Kind.THESIS, Kind.SLOGAN):
        return ""
    if concept is not None and concept.members:
        return ""
    answer = q.answer[0] if q.type == QType.FILL else q.options[q.answer[0]]
    stem = q.stem.split("\n")[0]
    at = stem.find(BLANK)
    after = stem[at + len(BLANK):].split("。")[0] if at >= 0 else ""
    if len(answer) >= 3 and set(answer) <= set(after):
        return "题干后文已说出答案"
    # A thesis subject whose own name the stem says elsewhere (把____作为…，成立主题教育领导小组 for
    # 开展主题教育; 把____作为…，用好周砚池故居 for 周砚池同志的事迹).
    rest = stem.replace(BLANK, "\n")
    if q.kind == Kind.THESIS and any(answer[i:i + 3] in rest for i in range(len(answer) - 2)
                                     if "的" not in answer[i:i + 3]):
        return "题干别处已说出答案的词"
    return ""


def _claim(stem: str) -> str:
    """What a 判断 says besides its attribution and the names it quotes."""
    body = re.sub(r"^判断：(?:[^，：]{0,12}(?:指出|强调|要求|回顾|提出)[，：])?", "", stem)
    return re.sub(r"“[^”]*”|[，、。；：！]", "", body)


def _set_pattern(answer: str, sentence: str) -> bool:
    """Whether a blank opening on a preposition is one of a run of items that all open on its
    first two characters (在党言党、在党忧党、在党为党): the opening is the set's pattern, not a cut."""
    head = answer[:2]
    return (len(answer) >= 4 and sentence.count(head) >= 3
            and (f"、{answer}" in sentence or f"{answer}、" in sentence))


def _lexicon_set(term: str, knowledge: Knowledge) -> bool:
    """Whether a slogan is a lexicon formula's members said in a row (围绕中心、建设队伍、服务群众):
    a formulation that stands apart from the review of work it is told in."""
    return knowledge.listing([m for m in re.split(r"[、，,]|以及|和|与|及", term) if m]) is not None


def _variant_of_known(answer: str, sentence: str, knowledge: Knowledge) -> bool:
    """Whether a blanked name is a lexicon formula's name with a word added or dropped that the
    sentence does not also say (两个坚决维护 for 两个维护): the formula's own name fits the blank too."""
    if knowledge.formula(answer) is not None or f"“{answer}”" not in sentence:
        return False
    return any(f.term != answer and f.term not in sentence and same_words(answer, f.term)
               for f in knowledge.formulas)


def _problem(draft: Draft, speech: Speech, knowledge: Knowledge, kb_text: str) -> str:
    """Why a draft may not go into the bank, or '' when it passes."""
    q = draft.question
    if draft.got_distractors < draft.need_distractors:
        return "干扰项不足"
    if re.search(r"排在第[一二三四五六七八九十]+位|讲话的结构|第[一二三四五六七八九十]+部分", q.stem):
        return "考查列举顺序或讲话结构"
    if "讲话回顾" in q.stem and len(TALLY_RE.findall(q.source.sentence)) >= 2:
        return "回顾以往工作的细节"  # 全年主持召开党委会32次，…学习11次，围绕…“____”…: the year's tally
    if "讲话回顾" in q.stem and (q.kind in (Kind.FACT, Kind.EVENT, Kind.POLICY)
                                or (q.kind == Kind.SLOGAN and not _lexicon_set(q.concept, knowledge))
                                or f"“{q.concept}”等" in q.source.sentence):
        return "回顾以往工作的细节"  # …and a formula listed among what was used (“两微一端”等线上学习)
    # A rule's figure is said in its own clause (每季度…一次); 与每名党员谈话 beside a count of the
    # past year does not make the count a rule.
    if q.kind == Kind.FACT and not re.search(r"每|至少|不少于|不超过|以内|前完成", q.concept):
        # …and demanded in so many words before the figure (坚持…，为11名干部澄清正名 tells a tally)
        digit = re.search(r"\d", q.concept)
        before = q.source.sentence.split(q.concept)[0] + q.concept[:digit.start() if digit else len(q.concept)]
        if "讲话要求" not in q.stem or not REVIEW_DEMAND_RE.search(before):
            return "不是要求的数字（回顾或背景）"
    if _cut_in_run(q.stem, speech.paragraph(q.source.paragraph)):
        return "题干截断在列举之中"  # 一是… with 二是 cut away; 第二，… without its 第一
    if SENSITIVE_RE.search(q.source.sentence) or SENSITIVE_RE.search(" ".join(q.options)):
        return "含敏感历史名词"
    if q.kind in (Kind.SLOGAN, Kind.FORMULA) and SAYING_RE.search(q.source.sentence.split(q.concept)[0][-8:] + "“"):
        return "引语、俗语或比喻，不是要点"
    if (q.kind != Kind.ENUMERATION and _is_heading(speech.paragraph(q.source.paragraph))
            and not (q.kind == Kind.THESIS and "是" in q.source.sentence)):  # 二、对党忠诚是…首要政治品质
        return "小标题的措辞，不是要点"
    if q.type == QType.JUDGE and q.answer is True and QUOTED_WORDS_RE.match(q.stem.split("，", 1)[-1]):
        return "读回他人原话的判断，只考背诵"
    if (q.kind == Kind.THESIS and q.type in (QType.FILL, QType.SINGLE) and re.search(r"放在|摆在|置于", q.stem)
            and len(_stem_core(q.stem)) <= 10):
        return "题干太短：什么都可以“放在首位”"  # 讲话要求，坚持把____放在首位。
    if q.kind == Kind.THESIS and _bare_standings(q.source.sentence):
        return "脱离语境的短句（X是根本），说不清是什么的根本"
    if q.type == QType.SINGLE and "中央____精神" in q.stem:
        return "选项按类别即可排除（中央____精神只容中央的规定）"  # 中央三严三实精神 is no such thing
    if SHORTCOMING_RE.search(q.source.sentence) and "讲话要求" not in q.stem and q.origin != Origin.KNOWLEDGE:
        return "检视出的问题（不足），不是要点"  # 运用“四种形态”特别是第一种形态不够主动
    if (q.type in (QType.FILL, QType.SINGLE) and not knowledge.formula(q.concept) and "“____”" in q.stem
            and len(_stem_core(q.stem)) <= 8):
        return "题干太短，缺少语境"  # 讲话指出，推进机关党建“____”。: a brand of its own, said bare
    if AGENDA_RE.match(q.source.sentence):
        return "会议程序（刚才……），不是要点"
    if SIMILE_RE.search(q.source.sentence):
        return "比喻，不是要点"
    if q.type == QType.JUDGE and q.answer is True and q.kind == Kind.FORMULA and len(_claim(q.stem)) <= 10:
        return "判断题只复述提法，没有可判断的内容"  # 判断：…坚定拥护“两个确立”、坚决做到“两个维护”。
    if FIRST_PERSON_RE.search(q.stem):
        return "第一人称的叙述（讲话人自己的经历）"
    if q.kind == Kind.EVENT and not re.search(r"讲话(?:要求|强调)", q.stem):
        return "会议名出现在叙述中，不是要求"
    if q.source.paragraph == 1 and speech.title and q.source.sentence.startswith(speech.title):
        return "标题行不是正文"
    if len(set(q.options)) != len(q.options):
        return "选项重复"
    if any(not o.strip() for o in q.options):
        return "选项为空"
    if len(q.stem) > MAX_STEM:
        return "题干过长"
    if any(len(o) > MAX_OPTION for o in q.options):
        return "选项过长"
    if is_masked(q.stem) or is_masked(q.concept) or any(is_masked(o) for o in q.options):
        return "含脱敏字符（XX、**）"
    if q.type in (QType.SINGLE, QType.MULTIPLE):
        if not q.answer or len(set(q.answer)) != len(q.answer):
            return "答案为空或重复"
        if q.type == QType.SINGLE and len(q.answer) != 1:
            return "单选题答案不唯一"
        if q.type == QType.MULTIPLE and len(q.answer) < 2:
            return "多选题少于两个正确选项"
        if q.type == QType.SINGLE and len(q.options) != 4:
            return "单选题不是四个选项"
        if len(q.options) < 4:
            return "选项少于四个"
        if any(is_fragment(o) for o in q.options):
            return "选项是残缺的词句"
    if q.type == QType.FILL and any(is_fragment(a) and not _set_pattern(a, q.source.sentence) for a in q.answer):
        return "填空答案是残缺的词句"
    if q.type == QType.FILL and (not q.answer or q.stem.count("____") not in (0, len(q.answer))):
        return "填空数与答案数不符"
    if "____" in q.stem:
        keys = list(q.answer) if q.type == QType.FILL else [q.options[i] for i in q.answer or ()]
        if any(k and k in q.stem for k in keys):
            return "题干里已出现答案"
    if q.origin == Origin.SPEECH and ANNIVERSARY_RE.match(q.source.sentence):
        return "纪念年份的背景，不是要点"
    # …unless it names a formula or a list: a named formula and its members are asked (QUESTIONS.md).
    if (q.origin == Origin.SPEECH and not PARTY_RE.search(q.source.sentence)
            and q.kind not in (Kind.ENUMERATION, Kind.FORMULA) and knowledge.formula(q.concept) is None):
        return "经济、城建等业务细节，不是党建要点"
    if q.type == QType.FILL and _variant_of_known(q.answer[0], q.source.sentence, knowledge):
        return "答案是规范提法的另一种说法，规范提法同样可填"
    if q.origin == Origin.KNOWLEDGE:
        right = [q.options[i] for i in q.answer] if q.type == QType.MULTIPLE else []
        if any(r not in kb_text for r in right):
            return "答案不在知识库中"
    else:
        cited = _cited_text(draft, speech)
        if any(text not in cited for text in draft.must_quote):
            return "答案不在原文中"
    return ""


def _is_heading(text: str) -> bool:
    """A heading of the speech (一、…, （二）…, 第三，…): short, numbered, no sentence end."""
    return (bool(re.match(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|第[一二三四五六七八九十]{1,3}[，,、])", text))
            and len(text) <= 60 and not text.rstrip().endswith(("。", "！", "？")))


def _cited_text(draft: Draft, speech: Speech) -> str:
    """The sentence a question cites, or all the paragraphs of a list that spans several."""
    source = draft.question.source
    numbers = source.paragraphs or (source.paragraph,)
    return "\n".join([source.sentence, *(speech.paragraph(p) for p in numbers)])


def format_report(bank: Bank) -> str:
    """The human-readable quality report of one bank."""
    kinds = Counter(c.kind.value for c in bank.concepts)
    types = Counter(q.type.value for q in bank.questions)
    origins = Counter(q.origin.value for q in bank.questions)
    reasons = Counter(reason for reason, _ in bank.dropped)
    names = {"single": "单选", "multiple": "多选", "judge": "判断", "fill": "填空"}
    kind_names = {"enumeration": "列举", "formula": "提法", "slogan": "口号/品牌", "policy": "文件",
                  "thesis": "论断", "fact": "事实/数据", "event": "会议"}
    lines = [f"== {bank.speech.name}" + (f"（{bank.speech.title}）" if bank.speech.title else ""),
             f"关键概念 {len(bank.concepts)} 个：" + "，".join(
                 f"{kind_names[k]} {kinds.get(k, 0)}" for k in kind_names),
             f"题目 {len(bank.questions)} 道：" + "，".join(f"{names[t]} {types.get(t, 0)}" for t in names)
             + f"（来自讲话 {origins.get('speech', 0)}，来自知识库 {origins.get('knowledge', 0)}）",
             f"判断题：正确 {sum(1 for q in bank.questions if q.type == QType.JUDGE and q.answer is True)}，"
             f"错误 {sum(1 for q in bank.questions if q.type == QType.JUDGE and q.answer is False)}",
             f"去除重复题 {bank.duplicates} 道",
             f"舍弃 {len(bank.dropped)} 道" + ("：" if bank.dropped else "")]
    for reason, count in reasons.most_common():
        example = next(stem for r, stem in bank.dropped if r == reason)
        lines.append(f"  - {reason}：{count} 道（例：{example[:40]}…）")
    return "\n".join(lines)
