"""Frozen dataclasses that flow out of the builder."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What sort of key concept a term is."""

    ENUMERATION = "enumeration"
    FORMULA = "formula"
    SLOGAN = "slogan"
    POLICY = "policy"
    FACT = "fact"
    # A judgement the speech wants remembered: X是…的首要任务, 以X为统领, 只有A才能B, 处理好A与B的关系.
    THESIS = "thesis"
    # A named meeting, congress or plenum the speech refers to (党的二十大, 十九届六中全会).
    EVENT = "event"


class QType(StrEnum):
    """Question types: 单选, 多选, 判断, 填空."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    JUDGE = "judge"
    FILL = "fill"


class Origin(StrEnum):
    SPEECH = "speech"
    KNOWLEDGE = "knowledge"


@dataclass(frozen=True)
class Speech:
    """A speech as read from disk: its file name and its paragraphs (one per line)."""

    name: str
    paragraphs: tuple[str, ...]
    title: str = ""

    def paragraph(self, number: int) -> str:
        """The text of paragraph `number` (1-based line number)."""
        return self.paragraphs[number - 1]


@dataclass(frozen=True)
class Source:
    """Where a concept or question stands: the speech, the paragraph (1-based line) and sentence.

    `paragraphs` lists every paragraph a list of headings spans, when it spans more than one.
    """

    speech: str
    paragraph: int
    sentence: str
    paragraphs: tuple[int, ...] = ()

    def to_json(self, with_speech: bool = True) -> dict:
        data = {"speech": self.speech} if with_speech else {}
        data.update(paragraph=self.paragraph, sentence=self.sentence)
        if self.paragraphs:
            data["paragraphs"] = list(self.paragraphs)
        return data


@dataclass(frozen=True)
class Concept:
    """A key concept: a term, its kind, its members as written, and where it stands."""

    term: str
    kind: Kind
    members: tuple[str, ...]
    source: Source
    # Paragraphs that the members span (a list of headings runs over several lines).
    paragraphs: tuple[int, ...] = ()
    # Facts: the figures in the sentence, as written.
    figures: tuple[str, ...] = ()
    # The heading a numbered list sits under, used to phrase questions about it.
    context: str = ""
    # How a numbered list got its name: "count" (五点意见), "quote" (“五个全面”), "heading",
    # "lead" (the clause that leads into it), "frame" (在…上作表率: the words its clauses share)
    # or "title" (the speech's title); "" otherwise.
    named_by: str = ""
    # Theses: the predicate the term is stated with (首要任务, 统领, 才能…, 关系).
    key: str = ""

    def to_json(self) -> dict:
        return {
            "speech": self.source.speech,
            "term": self.term,
            "kind": self.kind.value,
            "members": list(self.members if self.kind != Kind.FACT else self.figures),
            "source": self.source.to_json(with_speech=False),
            **({"key": self.key} if self.key else {}),
        }


@dataclass(frozen=True)
class Question:
    """One quiz question with its answer key, explanation and source."""

    id: str
    type: QType
    stem: str
    options: tuple[str, ...]
    answer: object  # tuple[int, ...] | bool | tuple[str, ...]
    explanation: str
    concept: str
    kind: Kind
    difficulty: int
    origin: Origin
    source: Source
    tags: tuple[str, ...] = field(default=())
    # The key point the question tests: questions with one point are variants, and a paper
    # takes at most one of them (one would give another away).
    point: str = ""
    # How good the builder judges the question, 0-1, from its own checks (the review list's order).
    quality: float = 0.0

    def to_json(self) -> dict:
        answer = self.answer
        if isinstance(answer, tuple):
            answer = list(answer)
        return {
            "id": self.id,
            "type": self.type.value,
            "stem": self.stem,
            "options": list(self.options),
            "answer": answer,
            "explanation": self.explanation,
            "concept": self.concept,
            "kind": self.kind.value,
            "difficulty": self.difficulty,
            "origin": self.origin.value,
            "source": self.source.to_json(),
            "point": self.point,
            "quality": self.quality,
        }
