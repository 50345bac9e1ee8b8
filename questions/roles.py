"""The standing a thesis gives its subject (首要政治任务, 根本宗旨, 统领, 第一资源), grouped into
families of words of one kind that are not synonyms: a thesis can be asked by blanking its word,
with the other words of its family as distractors.

Words that mean the same (首位 and 第一位, 统领 and 引领, 必然要求 and 内在要求) are never in one
family: one of them as a distractor would also be right.
"""
from __future__ import annotations

FAMILIES: tuple[tuple[str, ...], ...] = (
    ("首要政治任务", "长期政治任务", "重大政治任务", "根本政治任务"),
    ("首要任务", "根本任务", "中心任务", "长期任务"),
    ("第一要务", "第一资源", "第一动力", "第一生产力", "第一责任"),
    ("根本宗旨", "根本立场", "根本目的", "根本方法", "根本遵循"),
    ("根本保证", "根本方向", "根本动力", "根本目标"),
    ("总要求", "总目标", "总基调", "总任务", "总布局"),
    ("统领", "保障", "基础", "抓手"),
    ("压舱石", "主心骨", "定盘星", "风向标", "试金石", "金钥匙", "传家宝", "生命线"),
    ("最高政治原则", "根本组织原则", "根本工作路线", "基本政治制度"),
    ("首位战略", "基础战略", "长远战略", "配套战略"),
)


def role_of(key: str) -> tuple[str, tuple[str, ...]]:
    """The family word `key` (a thesis's predicate) ends with, and the other words of its family;
    ("", ()) when it ends with none. The longest word wins (首要政治任务 over 政治任务)."""
    best, others = "", ()
    for family in FAMILIES:
        for word in family:
            if key.endswith(word) and len(word) > len(best):
                best, others = word, tuple(w for w in family if w != word)
    return best, others
