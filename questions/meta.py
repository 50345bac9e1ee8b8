"""Lines that are about a speech rather than part of it: source, byline, date, editor, captions."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

META_RE = re.compile(
    r"^(?:——|--|─)"  # ——在…上的讲话
    r"|^[（(]?(?:19|20)\d\d\s*[年.．/-]\s*\d{1,2}\s*[月.．/-]\s*\d{1,2}\s*日?[）)]?$"  # 2022.10.23, （2019年1月21日）
    r"|^[（(]?(?:19|20)\d\d年\d{1,2}月\d{1,2}日[）)]?$"
    r"|^[（(【\[]?(?:来源|出处|作者|编辑|责任编辑|责编|审核|校对|记者|通讯员|供稿|摄影|图片|图|发布时间|发布日期|"
    r"原标题|转载|稿件来源|本文来源|文章来源|点击|阅读)\s*[：:]"
)
BYLINE_RE = re.compile(r"^[\u4e00-\u9fff·]{2,12}\s*[（(][^）)]{1,20}[）)]$|^(?:本报|新华社)[^。]{0,20}电")


def is_meta(line: str) -> bool:
    """Whether a line is a source, byline, date, editor or caption line rather than content."""
    text = line.strip()
    if not text:
        return False
    if META_RE.search(text) or BYLINE_RE.search(text):
        return True
    # A short line ending in no sentence mark with "讲话"/"报告" in it is a subtitle (在…会上的讲话).
    return len(text) <= 40 and text.startswith("在") and text.endswith(("讲话", "致辞", "报告", "发言"))


# The numbering a heading or a list item opens on: 三、, （二）, 1.
HEADING_MARK_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、])\s*")


def is_title_line(line: str, number: int) -> bool:
    """Whether paragraph `number` (from 1) is a line of the title before the text begins: one of
    the first three, short, with no mark that ends or joins a sentence and no numbering
    (奋力建设模范机关 / 坚决做到“两个维护”)."""
    text = line.strip()
    return (number <= 3 and 0 < len(text) <= 30 and not re.search(r"[。！？!?；;：:，,]", text)
            and not HEADING_MARK_RE.match(text))


# A line that names the occasion: ——在全市机关党的工作会议上的报告, 在…座谈会上的讲话.
OCCASION_RE = re.compile(r"^(?:——|--|─)*\s*(在[^。！？]{2,60}上的(?:讲话|致辞|报告|发言|讲话提纲|工作报告))$")
DATE_RE = re.compile(r"((?:19|20)\d\d)\s*[年.．/-]\s*(\d{1,2})\s*[月.．/-]\s*(\d{1,2})")
# An opening that names its meeting: 召开2022年机关党的建设工作会议, 举行…推进会.
MEETING_RE = re.compile(r"(?:召开|举行)了?(?:这次|今天的|本次)?([^，。；：、“”]{4,40}?(?:会议|大会|座谈会|推进会|全会))")
# An opening that names a celebration: 隆重庆祝中国共产党成立102周年并进行“七一”表彰.
CELEBRATION_RE = re.compile(r"庆祝([^，。；：]{4,30}?周年)(?:并进行|暨)?([^，。；：]{0,12}?表彰)?")
# An opening that says what the meeting reviews: 这次会议的主要任务是，全面总结2021年市编办机关党建工作.
REVIEW_RE = re.compile(r"(?:这次|今天的|本次)会议[^。]{0,12}?总结(?:(?:19|20)\d\d年)?([^，。；、]{2,20}?工作)")
YEAR_RE = re.compile(r"((?:19|20)\d\d)年")
TITLE_MARKS = "。！？!?，,：:；;"
MAX_TITLE_LINE = 40


@dataclass(frozen=True)
class Heading:
    """What a speech says about itself: its title ("" when none is found), the occasion it was
    given at (在…上的讲话, "" when not said) and its date (None when no full date is given)."""

    title: str
    occasion: str = ""
    delivered: date | None = None


def find_heading(paragraphs: Iterable[str]) -> Heading:
    """A speech's title, occasion and date from its opening lines.

    The title is the run of title lines it opens with (short, no sentence or clause marks; a
    title on two or three lines is joined with a space); else the occasion line; else what the
    first paragraphs say the meeting is (召开…会议, 庆祝…周年, 这次会议…总结…工作 with the
    latest year named), as 在…上的讲话. Never a file name: "" when nothing reads as a title.
    """
    lines = [re.sub(r"\s+", " ", p).strip() for p in list(paragraphs)[:12]]
    lines = [line for line in lines if line]
    title_lines: list[str] = []
    occasion = ""
    delivered = None
    for line in lines[:6]:
        bare = line.strip("（）() ")
        found_date = DATE_RE.search(bare)
        if found_date and len(bare) <= 24 and delivered is None:
            delivered = _date(found_date)
            continue
        matched = OCCASION_RE.match(line)
        if matched and not occasion:
            occasion = matched.group(1)
            continue
        if occasion or delivered or not _title_like(line) or is_meta(line):
            break
        title_lines.append(line)
        if len(title_lines) == 3:
            break
    title = " ".join(title_lines) or occasion or _meeting(lines[:3])
    if title == occasion:
        occasion = ""
    return Heading(title=title[:200], occasion=occasion[:200], delivered=delivered)


def find_title(paragraphs: Iterable[str]) -> str:
    """A speech's title from its text ("" when none is found); see `find_heading`."""
    return find_heading(paragraphs).title


def _title_like(line: str) -> bool:
    return len(line) <= MAX_TITLE_LINE and not any(mark in line for mark in TITLE_MARKS) and line != "同志们"


def _meeting(opening: list[str]) -> str:
    for paragraph in opening:
        if match := MEETING_RE.search(paragraph):
            return f"在{match.group(1)}上的讲话"
        if match := CELEBRATION_RE.search(paragraph):
            honours = f"暨{match.group(2)}" if match.group(2) else ""
            return f"在庆祝{match.group(1)}{honours}大会上的讲话"
        if match := REVIEW_RE.search(paragraph):
            years = YEAR_RE.findall(paragraph)
            year = f"{max(years)}年" if years else ""
            return f"在{year}{match.group(1)}会议上的讲话"
    return ""


def _date(match: re.Match[str]) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
