"""The builder's own rank of a question, 0-1: what it knows of the point, the form and the options.

Not a verdict: the organizer reviews every question. The rank orders the review list (best first)
and lets the demo approve only what clears a threshold. What counts, from QUESTIONS.md's checks:
- worth asking: theses, named lists and formulas rank above slogans, formulas the lexicon knows
  above a speech's local brands, lists named by a count above the points under a heading; counts from a review of past
  work rank low; frequencies and requirements rank high;
- well-formed: a stem cut short of its sentence, a long stem, options of unequal length cost;
- plausible distractors: options from a weak family cost; a 判断 true twin ranks below a 单选.
"""
from __future__ import annotations

import re

from .types import Concept, Kind, Origin, QType, Question

THRESHOLD = 0.7  # what the demo approves without a person (see quizapp's demo)
# Below this the builder does not propose a question at all. In a blind review of 96 questions
# on the development speeches (round 4), 4 of 19 ranked below 0.6 passed, against 42 of 63 at 0.7
# or more: what ranks that low needs rewriting, and an organizer is better served without it.
FLOOR = 0.6
BASE = {Kind.THESIS: 0.9, Kind.ENUMERATION: 0.85, Kind.FORMULA: 0.85, Kind.POLICY: 0.75,
        Kind.SLOGAN: 0.65, Kind.FACT: 0.7, Kind.EVENT: 0.55}
BY_TYPE = {QType.SINGLE: 0.05, QType.MULTIPLE: 0.05, QType.FILL: 0.0, QType.JUDGE: -0.05}
FREQUENCY_RE = re.compile(r"^每")


def rank(question: Question, concept: Concept | None, cut: bool, weak: bool, known: bool = False,
         repeated: bool = False) -> float:
    """The quality of one question, rounded to two decimals. `known`: its concept is a formula of
    the lexicon (四个意识), not a local brand of one speech (“一县一策”); `repeated`: the speech
    names it more than once (a brand it builds on, not a programme it mentions in passing)."""
    score = BASE.get(question.kind, 0.7) + BY_TYPE[question.type]
    if question.kind == Kind.FORMULA:
        score += 0.05 if known else -0.2 if repeated else -0.3
    elif question.kind == Kind.SLOGAN and known:
        score += 0.15  # the members of a formula the lexicon knows (政治判断力、政治领悟力、政治执行力)
    if concept is not None:
        if concept.kind == Kind.ENUMERATION and concept.named_by in ("count", "quote"):
            score += 0.05
        if concept.kind == Kind.ENUMERATION and concept.named_by == "frame":
            score -= 0.05
        if concept.kind == Kind.ENUMERATION and concept.named_by in ("lead", "heading"):
            score -= 0.2  # the points under a heading of the speech: near its structure
        if concept.kind == Kind.FACT:
            figure = concept.figures[0] if concept.figures else ""
            score += 0.15 if FREQUENCY_RE.match(figure) else -0.1
    if question.type == QType.JUDGE and question.answer is True:
        score -= 0.05
    if question.origin == Origin.KNOWLEDGE:
        score -= 0.05
    if "讲话回顾" in question.stem:
        score -= 0.15
    elif "讲话要求" in question.stem:
        score += 0.05
    if cut:
        score -= 0.2
    if weak:
        score -= 0.15
    if len(question.stem) > 90:
        score -= 0.05
    if question.options:
        lengths = [len(o) for o in question.options]
        if max(lengths) > 2 * max(1, min(lengths)) + 2:
            score -= 0.1
    return round(min(1.0, max(0.0, score)), 2)
