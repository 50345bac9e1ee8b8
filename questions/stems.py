"""Stems that carry their subject: a whole sentence (or its leading clauses), with who says it.

A stem is taken from the start of its sentence, never from mid-clause: list markers and linking
words that open the sentence are dropped (一是, （二）, 同时，), and a sentence that still opens
without its subject (是…, 它…, 对…) gives no stem. A long sentence is cut after the clause that
holds the answer, at a ；or ，outside quotes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import quoted_positions

MAX_BODY = 96  # characters of speech text in a stem: a phone screen's worth
LEAD_RE = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]\s*|[一二三四五六七八九十]{1,3}[是要、]\s*|"
    r"第[一二三四五六七八九十]{1,3}[，,、：:]\s*|\d{1,2}[.．、]\s*|"
    r"(?:同志们|各位|同学们|老师们)[，,！!]\s*|(?:同时|此外|另外|总之|因此|所以|当然|首先|其次|再次|最后|其中|总的来看|总的说来|特别是|尤其是)[，,]\s*)+"
)
SUBJECTLESS_RE = re.compile(
    r"^(?:是|它|其|这|那|该|此|对(?!党忠诚)|并|而|但|也|又|还|就|才|都|即|和|与|及|以及|从而|进而|使|为此|"
    r"如|比如|例如|等|的|上述|以上|这些|那些|他|她|我们?说|特别是|尤其是|其中|"
    # …or a time told before it (从那时起, 此后, 同年): the stem does not say when that was
    r"从那时起|从此|此后|之后|同年|当年|那时|当时|"
    # Reporting someone's words whose name stands in the sentence before (明确要求浙江，…).
    r"(?:明确|深刻|反复|多次)(?:要求|强调|指出|提出)|强调|指出)"
)
REVIEW_RE = re.compile(r"(?<![为除到])[\u4e00-\u9fff]了(?![解如])|一年来|过去|去年|近年来|多年来|年来|以来|先后|累计|共计|已经|取得了|完成了|开展了|实现了|"
                       r"郑重提出|我们在[^，。；]{2,30}领导下|闭幕后|\d+(?:\.\d+)?万?余(?:个|场|次|人|件|篇|项|家)|"
                       r"举办了|召开了|组织了|建立了|出台了|印发了|制定了|了[，。；、]|"
                       # a year's tally (全年共处理126人次, 覆盖党员4300余名, 查处…问题14起)
                       r"全年共|全年累计|\d+人次|\d+余名|查处[^，。；]{0,16}\d+起")
REVIEW_OPENING_RE = re.compile(r"^(?:[一二三四五六七八九十]是)?(?:一年来|过去一年|过去五年|五年来|近年来|多年来|去年|今年以来|"
                               r"[0-9一二三四五六七八九十]+年来|(?:19|20)\d\d年[，,]?(?!是|起|底前|前|内|要))")
# A demand in so many words (要…, 必须…), not 要 inside 重要, 主要, 要求.
_SAID_DEMAND = r"(?<![重主需必首纲只卡])要(?![求点素害紧])|必须|务必|应当"
STRICT_DEMAND_RE = re.compile(_SAID_DEMAND + "|坚决")
# Under a heading that reviews past work 坚决 tells how it was done (这五年，我们坚决扛起…责任): only
# a demand said in so many words (要, 必须, 务必, 应当) is the speech's demand there.
REVIEW_DEMAND_RE = re.compile(_SAID_DEMAND)
DEMAND_RE = re.compile(r"要|必须|务必|应当|坚决|切实|着力|进一步|坚持|不断|持续|始终")
CLAUSE_CUT = "；;，,"
DEMAND_CLAUSE_RE = re.compile(r"(?:要|必须|坚持|深入|不断|持续|切实|着力|加强|强化|推进|推动|提升|提高|建立|健全|完善|"
                              r"落实|贯彻|开展|扎实|全面|大力|积极|认真|严格|进一步|始终|牢固|努力|坚决|自觉)")
# A sentence that opens by quoting a leader: the quote's speaker is the stem's attribution.
# …or a document (党的二十大报告指出：“…”, 《准则》规定：…): the stem names it once, not 讲话指出 before it.
SPEAKER_RE = re.compile(r"^((?:习近平)?总书记(?:在[^，。；]{2,30}?)?(?:强调|指出|要求|明确提出|深刻指出)|"
                        r"(?:党的[^，。；：“”]{1,12}?报告|党章|《[^》]{2,30}》)中?(?:强调|指出|明确提出|规定|要求))[，：,:]")


@dataclass(frozen=True)
class Framed:
    """A sentence made into a stem: its text (from the sentence start), where the answer stands
    in it, whether it was cut short, and who says it (讲话要求 / 讲话回顾 / 讲话指出)."""

    text: str
    start: int
    end: int
    cut: bool
    lead: str

    def blanked(self, blank: str) -> str:
        return self.text[:self.start] + blank + self.text[self.end:]

    def replaced(self, other: str) -> str:
        """The stem text with `other` said in place of the answer (a false 判断)."""
        return self.blanked(other)


SECTION_RE = re.compile(r"^[一二三四五六七八九十]{1,3}、")
REVIEW_HEADING_RE = re.compile(r"回顾|成绩|成效|总结|过去|去年|一年来|五年来|取得|工作情况|主要做法|履职|履行职责|"
                               r"存在的问题|问题和不足|不足之处")
# A report of one's own work (a title such as …述职报告, …工作总结): all of it tells what was done, but for the parts
# that look ahead or draw lessons (三、下一步工作打算; 五、几点体会).
REPORT_TITLE_RE = re.compile(r"述职报告|述职$|工作总结$|总结报告$|工作汇报$|对照检查材料$|检视剖析材料$|剖析材料$")
AHEAD_HEADING_RE = re.compile(r"下一步|今后|明年|打算|计划|思路|努力方向|目标任务|重点任务|体会|启示|经验|要求|整改措施")


def title_line(paragraphs: tuple[str, ...]) -> str:
    """The first line when it reads as a title (60 characters at most, no sentence end): what
    names the text's kind (…述职报告, …工作要点, 在…上的讲话); "" otherwise."""
    first = paragraphs[0].strip() if paragraphs else ""
    return first if len(first) <= 60 and not re.search(r"[。！？!?]$", first) else ""


def review_paragraphs(paragraphs: tuple[str, ...]) -> set[int]:
    """Paragraph numbers (from 1) under a top-level heading that reviews past work
    (一、2021年工作回顾; 一、充分肯定成绩…), or in a report of one's own work (a 述职报告 or a
    总结 by its title) outside its parts that look ahead: what they tell is a 讲话回顾 unless they
    demand."""
    out: set[int] = set()
    report = bool(REPORT_TITLE_RE.search(title_line(paragraphs)))
    reviewing = report
    for number, text in enumerate(paragraphs, start=1):
        if number <= 2 and report:
            continue  # the title and its occasion line
        if SECTION_RE.match(text) and len(text) <= 60 and not text.endswith("。"):
            reviewing = bool(REVIEW_HEADING_RE.search(text)) or (report and not AHEAD_HEADING_RE.search(text))
            continue
        if reviewing:
            out.add(number)
    return out


def as_review(stem: str) -> str:
    """A stem said of past work: 讲话回顾 in place of the lead it was framed with."""
    return re.sub(r"^(判断：)?讲话(?:要求|指出|强调)，", lambda m: f"{m.group(1) or ''}讲话回顾，", stem, count=1)


def attribution(sentence: str) -> str:
    """讲话回顾 for a report of what was done, 讲话要求 for a demand, else 讲话指出."""
    if REVIEW_OPENING_RE.match(sentence) or (REVIEW_RE.search(sentence) and not STRICT_DEMAND_RE.search(sentence)):
        return "讲话回顾"
    if STRICT_DEMAND_RE.search(sentence) or DEMAND_RE.match(sentence):
        return "讲话要求"
    return "讲话指出"


def frame(sentence: str, answer: str) -> Framed | None:
    """The stem text for `answer` in `sentence`, or None when no stem that carries its subject
    can be made (the answer is not there, the sentence opens mid-clause, or it is a question)."""
    if not answer or re.search(r"[？?]", sentence):
        return None
    lead = LEAD_RE.match(sentence)
    body = sentence[lead.end():] if lead else sentence
    body = body.strip()
    at = _find(body, answer)
    opening = SPEAKER_RE.match(body)
    if opening and 0 <= at < opening.end():  # 党 in 党的二十大报告指出：…关键在党: the one it says
        later = _find(body[opening.end():], answer)
        at = opening.end() + later if later >= 0 else at
    if at < 0:
        return None
    opener = ""
    while (circumstance := CIRCUMSTANCE_RE.match(body)) and at >= circumstance.end() + 8:
        opener += body[:circumstance.end()]  # 按照…部署，在…指导下，…以来，: the setting, not the statement
        body, at = body[circumstance.end():], at - circumstance.end()
    start = _clause_start(body, at)
    if start is None:
        return None
    opener += body[:start]  # what the stem leaves out before it still tells a review from a demand
    body, at = body[start:], at - start
    if SUBJECTLESS_RE.match(body) or len(body) < 8 or len(answer) * 5 > len(body) * 3:
        return None  # no subject, or nothing left around the blank to ask with
    cut = False
    if len(body) > MAX_BODY:
        inside = quoted_positions(body)
        end = at + len(answer)
        cuts = [i for i in range(end, len(body)) if body[i] in CLAUSE_CUT and not inside[i]]
        cuts = [i for i in cuts if i >= 12 and not _dangling(body, i)]
        if not cuts or cuts[0] > MAX_BODY:
            return None
        # The longest cut that fits, preferring a ； (a whole statement) to a ，.
        fitting = [i for i in cuts if i <= MAX_BODY]
        semis = [i for i in fitting if body[i] in "；;"]
        chosen = semis[-1] if semis else fitting[-1]
        body, cut = body[:chosen], True
    body = body.rstrip("，,；;：: ")
    if not body.endswith(("。", "！", "!", "……", "。”", "！”")):
        body += "。"
    elif body.endswith("！"):
        body = body[:-1] + "。"
    # Who says it, by what the stem shows: a demand in a clause the stem leaves out is not its.
    lead = attribution(opener + body if cut else sentence)
    speaker = SPEAKER_RE.match(body)
    if speaker and at >= speaker.end():
        # 习近平总书记强调，…: the stem says who said it, not 讲话要求 on top of it.
        lead, body, at = speaker.group(1), body[speaker.end():], at - speaker.end()
        if body.startswith("“") and body.endswith(("。”", "”。")) and body.count("“") == 1:
            body, at = body[1:].replace("”", ""), at - 1  # the quotation whole: its marks say nothing more
    elif lead == "讲话要求" and body.startswith(("要求", "明确要求")):
        lead = "讲话指出"
    if lead == "讲话要求" and body.startswith("要") and at > 0:
        lead = "讲话强调"  # 讲话要求，要… says the demand twice; 讲话强调，要… does not
    return Framed(body, at, at + len(answer), cut, lead)


# Opening clauses that only set the scene of a statement (按照市委部署，在…指导下，…以来，): a stem
# starts after them, so that it shows the statement rather than its setting.
CIRCUMSTANCE_RE = re.compile(r"(?:(?:按照|根据)[^，。；：“”]{2,30}[，,]|在[^，。；：“”]{2,40}(?:领导|指导|带领|关心|支持|帮助)下[，,]"
                             r"|[^，。；：“”]{2,60}以来[，,]|(?:一年来|近年来|多年来|今年以来|过去一年|这一年来)[，,])")


# A clause that only leads into the next (结合…等载体，组织…; 通过…，): a stem never ends on one.
LEADING_CLAUSE_RE = re.compile(r"^(?:结合|通过|依托|围绕|按照|根据|借助|利用|紧扣|立足|针对|对照|聚焦|随着|为了|面对)"
                               r"|(?:等载体|等形式|等方式|等平台|等途径|等渠道|为契机|为载体|为抓手|为依托)$")


def _dangling(body: str, end: int) -> bool:
    """Whether the clause of `body` that ends at `end` only leads into what follows."""
    start = max(body.rfind(mark, 0, end) for mark in "，,；;：:") + 1
    return bool(LEADING_CLAUSE_RE.search(body[start:end]))


def _find(body: str, answer: str) -> int:
    for wrapped in (f"“{answer}”", f"《{answer}》"):
        at = body.find(wrapped)
        if at >= 0:
            return at + 1
    return body.find(answer)


def _clause_start(body: str, at: int) -> int | None:
    """0, or for an answer past the first MAX_BODY characters, the start of the statement after
    the last ；before it (clauses after a ；are whole statements); None when there is none."""
    inside = quoted_positions(body)
    # An answer within the first MAX_BODY characters: the stem starts with the sentence (a start
    # at the demand holding it, tried on 8 Dec 2026, left its subject behind: two paired blind
    # reviews found twice the well-formed fails on the validation speeches).
    if at + 1 <= MAX_BODY - 10:
        return 0
    semis = [i + 1 for i in range(0, at) if body[i] in "；;" and not inside[i]]
    if not semis or at - semis[-1] > MAX_BODY - 10:
        # No statement of its own near the answer: a clause that opens with a verb of doing
        # (深入学习…, 不断提升…) is a whole demand without its subject, as Chinese writes one.
        commas = [i + 1 for i in range(0, at) if body[i] in "，," and not inside[i]
                  and at - i <= MAX_BODY - 10 and DEMAND_CLAUSE_RE.match(body[i + 1:])]
        return commas[0] if commas else None
    start = semis[-1]
    rest = body[start:]
    lead = LEAD_RE.match(rest)
    return start + (lead.end() if lead else 0)
