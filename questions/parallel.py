"""Unquoted parallel sets: 政治判断力、政治领悟力、政治执行力 — items that share a head or a tail."""
from __future__ import annotations

import re

from . import lists, segment
from .numbers import NUMBER_CHARS
from .text import is_masked


def parallel_sets(text: str, quoted: list[tuple[int, int]]) -> list[tuple[int, str, tuple[str, ...]]]:
    """(offset, term, members) of each run of parallel phrases in `text`, outside the `quoted` spans."""
    found = []
    for match in re.finditer(r"[^，,。；;：:！？!?“”\"（）()《》\s]+", text):
        if any(a <= match.start() < b for a, b in quoted):
            continue  # a quoted list is a slogan of its own (see _quoted)
        clause = match.group(0)
        items = lists.split_items(clause)
        if len(items) < 3:
            continue
        members = _best_run(items) or _infix_run(items) or formula_run(items)
        if not members:
            continue
        first_at = clause.find(members[0])
        last_at = clause.find(members[-1], first_at + len(members[0]))
        if first_at < 0 or last_at < 0:
            continue
        term = clause[first_at:last_at + len(members[-1])]
        if is_masked(term):
            continue
        found.append((match.start() + first_at, term, members))
    # …and short clauses of one sentence that share an inner character (廉，重在自觉，贵在持久，难在彻底)
    for match in re.finditer(r"[^。；;！？!?“”]+", text):
        if any(a <= match.start() < b for a, b in quoted):
            continue
        clauses = [c.strip() for c in re.split(r"[，,]", match.group(0))]
        if len(clauses) < 3 or any(len(c) > 12 for c in clauses):
            continue
        members = _infix_run(clauses)
        if len(members) < 3 or any(m not in clauses for m in members):
            continue
        sentence = match.group(0)
        first_at = sentence.find(members[0])
        last_at = sentence.find(members[-1], first_at)
        term = sentence[first_at:last_at + len(members[-1])]
        if first_at >= 0 and last_at > first_at and not is_masked(term) and not any(t == term for _, t, _ in found):
            found.append((match.start() + first_at, term, members))
    return found


# The longest run looked for: the longest parallel set of the shared speeches has 11 members.
# Looking at every window of a clause of n items costs n³ (a pasted list of thousands of items
# took minutes); windows of at most MAX_RUN items, tried only where `_may_fit` allows, keep the
# work in proportion to n.
MAX_RUN = 30


def _best_run(items: list[str]) -> tuple[str, ...]:
    """The longest run of three or more items (at most MAX_RUN) that share a head or a tail."""
    n = len(items)
    may_fit = _may_fit(items)
    for size in range(min(n, MAX_RUN), 2, -1):
        for start in range(0, n - size + 1):
            if not may_fit(start, size):
                continue
            members = _shape(items[start:start + size])
            if members:
                return members
    return ()


def _infix_run(items: list[str]) -> tuple[str, ...]:
    """Three or more items of one length (3 to 6) that share the same inner characters at the same
    places (重在自觉、贵在持久、难在彻底; 内容上全涵盖、对象上全覆盖、责任上全链条), the first item
    freed of the words leading into it."""
    best: tuple[str, ...] = ()
    for start in range(len(items) - 2):
        size = len(items[start + 1])
        if not 3 <= size <= 6 and not (size <= 8 and items[start + 1][-3:-2] == "的"):
            continue  # …or 居安思危的意识、刀刃向内的勇气、攻坚克难的决心 (的 before a two-character noun)
        first = segment.strip_leading(items[start], keep=size)
        run = [first[len(first) - size:]] if len(first) >= size else []
        for item in items[start + 1:start + 1 + MAX_RUN]:  # bounded: a pasted run stays linear
            if len(item) != size:
                break
            run.append(item)
        if len(run) < 3 or len(set(run)) != len(run) or any(m[0] in NUMBER_CHARS for m in run):
            continue
        inner = [i for i in range(1, size - 1) if len({m[i] for m in run}) == 1]
        if inner and len({m[0] for m in run}) == len(run) and len(run) > len(best):
            best = tuple(run)
    return best


# Common surnames: four three-character items opening on them are people (王建国、李红梅…).
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
               "沈姚卢姜崔钟谭陆汪范金廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱覃武戴莫孔汤")


def formula_run(items: list[str]) -> tuple[str, ...]:
    """Four or more items of three characters that share no character (讲政治、守纪律、负责任、有效率;
    把方向、谋大局、定政策、促改革; 明方向、立规矩、正风气、强免疫): the party's terse way of stating
    a standard, a formulation though no word recurs. The first item is freed of the words leading
    into it, the last of the 的… it qualifies (有效率的模范机关). Not names of people or offices."""
    for start in range(len(items) - 3):
        run = [items[start][-3:]] if len(items[start]) >= 3 else []
        for item in items[start + 1:start + MAX_RUN]:
            whole = len(item) == 3
            run.append(item if whole else item[:3] if item[3:4] == "的" else "")
            if not whole:
                break
        run = [m for m in run if m]
        if len(run) < 4 or any(not all("\u4e00" <= ch <= "\u9fff" for ch in m) for m in run):
            continue
        if any(len({m[i] for m in run}) == 1 for i in range(3)) or len({m[0] for m in run}) < len(run):
            continue  # a shared character is another finder's (同谋划、同部署…; 重在自觉、贵在持久…)
        if sum(m[0] in SURNAMES for m in run) * 2 > len(run) or sum(m[-1] in NAME_TAILS for m in run) * 2 > len(run):
            continue
        if any(m[0] in NUMBER_CHARS for m in run):
            continue
        return tuple(run)
    return ()


def _may_fit(items: list[str]):
    """A test, in constant time, of what `_shape` needs of a window: its middle items (kept as
    they are) of 2 to 12 characters and all different, and its items after the first sharing a
    first character or its items before the last sharing a last one."""
    n = len(items)
    short = [0] * (n + 1)
    head = [0] * (n + 1)
    tail = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        item = items[i]
        short[i] = short[i + 1] + 1 if 2 <= len(item) <= 12 else 0
        if item:
            nxt = items[i + 1] if i + 1 < n else ""
            head[i] = head[i + 1] + 1 if nxt[:1] == item[0] else 1
            tail[i] = tail[i + 1] + 1 if nxt[-1:] == item[-1] else 1
    distinct_to = [0] * n  # items[i:distinct_to[i]] are all different
    seen: dict[str, int] = {}
    end = 0
    for i in range(n):
        while end < n and items[end] not in seen:
            seen[items[end]] = end
            end += 1
        distinct_to[i] = end
        del seen[items[i]]

    def may_fit(start: int, size: int) -> bool:
        first_middle, middle = start + 1, size - 2
        return (short[first_middle] >= middle and distinct_to[first_middle] >= first_middle + middle
                and (head[first_middle] >= size - 1 or tail[start] >= size - 1))

    return may_fit


def _shape(items: list[str]) -> tuple[str, ...]:
    """Items that share a head or a tail, trimmed at both ends of the run; () if they do not."""
    prefix = lists.common_prefix(items[1:])
    suffix = lists.common_suffix(items[:-1])
    whole = lists.common_suffix(items)
    if suffix not in items[-1] and not _weak(whole):
        suffix = whole  # 科教兴国战略、人才强国战略、创新驱动发展战略 share 战略, not 国战略
    if _weak(prefix) and _weak(suffix):
        return ()
    first, last, middle = items[0], items[-1], items[1:-1]
    target = sorted(len(i) for i in middle)[len(middle) // 2]
    longest = max(len(i) for i in middle)
    if not _weak(prefix):
        first = _cut_at_prefix(first, prefix, target)
    else:
        own = first[:len(first) - len(suffix)] if not _weak(suffix) and first.endswith(suffix) else first[:-1]
        if "的" in own:  # …的X, but never inside the shared tail (党的故事、革命的故事)
            first = first[own.rindex("的") + 1:]
        if first[:1] in PREPOSITIONS and not middle[0].startswith(first[:1]):
            first = first[1:]
        first = segment.strip_leading(first, keep=max(2, len(suffix) + 1))
        if len(first) > longest + 2:
            first = segment.tail_near(first, target)
        if first[:1] in COMPLEMENTS and len(first) > 3 and not middle[0].startswith(first[:1]):
            first = first[1:]  # 经受住执政考验: 住 completes the verb cut away
    if not _weak(suffix) and not last.endswith(suffix):  # 在党为党 ends on its tail: whole, not 在党
        last = last[:last.find(suffix) + len(suffix)] if suffix in last else ""
    elif len(last) > longest + 2:
        last = segment.head_near(last, target)
        if not segment.ends_with_content_word(last):
            last = ""  # 树立一个…: the cut would leave a fragment
    members = (first, *middle, last)
    lengths = [len(m) for m in members]
    if min(lengths) < 2 or max(lengths) > 12 or max(lengths) - min(lengths) > 4:
        return ()
    if min(lengths) < target - 2 or len(set(members)) != len(members):
        return ()
    if all(m[0] in NUMBER_CHARS for m in members):
        return ()  # ordinals such as 二中、三中、四中 (全会)
    return members


def _cut_at_prefix(first: str, prefix: str, target: int) -> str:
    """Start the first item at the shared head, choosing the cut whose length fits the others."""
    while prefix and prefix not in first:
        prefix = prefix[:-1]
    if _weak(prefix):
        return ""
    bounds = set(segment.boundaries(first)) | {i for i in range(1, len(first)) if first[i - 1] in "的之"}
    starts = [i for i in range(len(first)) if first.startswith(prefix, i) and i in bounds]
    if not starts:
        return ""  # the shared head falls inside a word (办|公用房): not a parallel set
    best = min(starts, key=lambda i: (abs(len(first) - i - target), i))
    return first[best:]


PREPOSITIONS = set("在对把从向于以为与同")
# One-character results of a verb (经受住, 抓好, 扛起): never the start of a set's first item.
COMPLEMENTS = set("住好牢起到")
# One-character heads that make lists of names rather than parallel phrases: 市委、市政府…
NAME_HEADS = set("市省县区")
# …and one-character tails that make lists of offices: 市人社局、市体育局、市水利局.
NAME_TAILS = set("局委办部厅处室院所")
WEAK_AFFIXES = set("的了和与及等之")


def _weak(affix: str) -> bool:
    return not affix or (len(affix) == 1 and (affix in WEAK_AFFIXES or affix in NAME_HEADS or affix in NAME_TAILS))


