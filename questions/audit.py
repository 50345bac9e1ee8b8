"""An independent audit of built questions, from their JSON form and the speeches they cite.

It re-checks what the issue promises of every bank, without trusting the generator's own gate:
answers verbatim in their source, no duplicate stems, no repeated options, types spread.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .knowledge import Knowledge
from .text import sentences
from .types import Speech

NOT_STEM = re.compile(r"哪一?项不(?:属于|是|包括)")
# Questions whose wrong options are meant to stand in the speech too: order within a list.
ORDER_STEM = re.compile(r"排在第[一二三四五六七八九十]+位")


@dataclass
class Audit:
    questions: int = 0
    by_type: Counter = field(default_factory=Counter)
    quoted: int = 0  # answers that must stand verbatim somewhere
    quoted_ok: int = 0
    duplicate_stems: int = 0
    repeated_options: int = 0
    # Wrong options that the speech says in one sentence with a right one: they may be right too.
    said_with_answer: int = 0
    problems: list[str] = field(default_factory=list)


def _cited(row: dict, speech: Speech) -> str:
    source = row["source"]
    numbers = source.get("paragraphs") or [source["paragraph"]]
    return "\n".join([source["sentence"], *(speech.paragraph(n) for n in numbers)])


def must_stand(row: dict) -> list[str]:
    """The texts of a question that must stand verbatim in its source (or in the data file)."""
    if row["type"] == "fill":
        return list(row["answer"])
    if row["type"] in ("single", "multiple"):
        right = set(row["answer"])
        if NOT_STEM.search(row["stem"]):
            return [o for i, o in enumerate(row["options"]) if i not in right]
        if ORDER_STEM.search(row["stem"]):
            return list(row["options"])
        return [row["options"][i] for i in sorted(right)]
    return []


def audit(rows: list[dict], speech: Speech, knowledge: Knowledge) -> Audit:
    """Check one speech's questions (as JSON rows) against the speech and the knowledge file."""
    result = Audit(questions=len(rows))
    kb_text = knowledge.text()
    said = [s.text for p in speech.paragraphs if p for s in sentences(p)]
    stems = Counter(re.sub(r"\s", "", row["stem"]) for row in rows)
    result.duplicate_stems = sum(n - 1 for n in stems.values() if n > 1)
    for row in rows:
        result.by_type[row["type"]] += 1
        options = row["options"]
        if len(set(options)) != len(options):
            result.repeated_options += 1
            result.problems.append(f"选项重复：{row['id']}")
        if row["type"] == "single" and len(row["answer"]) != 1:
            result.problems.append(f"单选题答案不唯一：{row['id']}")
        if (row["type"] in ("single", "multiple") and row["origin"] == "speech" and row["kind"] != "fact"
                and not NOT_STEM.search(row["stem"]) and not ORDER_STEM.search(row["stem"])):
            right = [options[i] for i in row["answer"]]
            wrong = [o for i, o in enumerate(options) if i not in row["answer"]]
            for option in wrong:
                if any(option in s and any(r in s for r in right) for s in said):
                    result.said_with_answer += 1
                    result.problems.append(f"错误选项与正确答案同句出现：{row['id']}：{option}")
        where = kb_text if row["origin"] == "knowledge" else _cited(row, speech)
        for text in must_stand(row):
            result.quoted += 1
            if text in where:
                result.quoted_ok += 1
            else:
                result.problems.append(f"答案不在出处中：{row['id']}：{text}")
    return result
