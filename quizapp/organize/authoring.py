"""Questions made from the text: an organizer selects a phrase in the speech reader, the builder
proposes a 填空, a 单选 and a 判断 on it (``questions.authoring.propose``), and those the organizer
keeps are added to the speech's bank as drafts, with the builder's key point and quality rank.

Proposals are not stored between the two requests: the builder is deterministic, so adding
proposes again from the same paragraph and phrase and keeps the questions that were ticked (by
the builder's id). An added question has no ``external_id``: a re-import never retires or
rewrites it, it only follows its sentence to the sentence's new paragraph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from questions.authoring import AuthoringError, propose
from questions.text import SpeechError, speech_from_text
from questions.types import Question
from quizapp.models import BankQuestion, QuestionStatus, QuestionType, Speech
from quizapp.organize.services import row_values

__all__ = ["AuthoringError", "Proposal", "ProposedQuestion", "add_drafts", "propose_for"]

MAX_PHRASE_INPUT = 200  # what is read of the field; the builder's own limit is lower


@dataclass(frozen=True)
class ProposedQuestion:
    """A proposed question as the reader shows it; ``in_bank`` when the speech already has it."""

    question: Question
    in_bank: bool

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def type(self) -> QuestionType:
        return QuestionType(self.question.type.value)

    @property
    def stem(self) -> str:
        return self.question.stem

    @property
    def options(self) -> tuple[str, ...]:
        return self.question.options

    @property
    def answer(self) -> Any:
        return self.question.answer

    @property
    def explanation(self) -> str:
        return self.question.explanation

    @property
    def quality(self) -> float:
        return self.question.quality

    @property
    def accepted_variants(self) -> list[list[str]]:
        return []


@dataclass(frozen=True)
class Proposal:
    """What the builder proposes on a phrase of one paragraph (or why it cannot)."""

    paragraph: int | None
    phrase: str
    questions: list[ProposedQuestion] = field(default_factory=list)
    error: str = ""

    @property
    def sentence(self) -> str:
        return self.questions[0].question.source.sentence if self.questions else ""


def propose_for(session: Session, speech: Speech, paragraph: str | int | None, phrase: str | None) -> Proposal:
    """The builder's questions on ``phrase`` in paragraph ``paragraph`` (1-based, as the reader
    numbers them) of ``speech``. Raises AuthoringError with a message for the organizer."""
    phrase = (phrase or "").strip()[:MAX_PHRASE_INPUT]
    number = _number(paragraph)
    try:
        built = speech_from_text(speech.file_name, speech.text)
    except SpeechError as error:
        raise AuthoringError(str(error)) from None
    questions = propose(built, number, phrase)
    stems = set(session.scalars(select(BankQuestion.stem).where(
        BankQuestion.speech_id == speech.id, BankQuestion.stem.in_([q.stem for q in questions]))))
    return Proposal(number, phrase, [
        ProposedQuestion(q, q.stem in stems) for q in questions
    ])


def add_drafts(session: Session, speech: Speech, proposal: Proposal, chosen: Iterable[str]) -> list[BankQuestion]:
    """Add the chosen proposed questions (by the builder's id) to the speech's bank as drafts;
    one the bank already holds (the same stem) is not added twice. Flushes; the caller commits.
    Raises AuthoringError when none is chosen."""
    wanted = set(chosen)
    picked = [p for p in proposal.questions if p.id in wanted]
    if not picked:
        raise AuthoringError("请至少勾选一道题")
    added = []
    for proposed in picked:
        if proposed.in_bank:
            continue
        values = {**row_values(proposed.question), "external_id": None}
        row = BankQuestion(speech_id=speech.id, status=QuestionStatus.DRAFT, **values)
        session.add(row)
        added.append(row)
    session.flush()
    return added


def _number(paragraph: str | int | None) -> int:
    text = str(paragraph if paragraph is not None else "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 7):
        raise AuthoringError("所选段落不存在")
    return int(text)
