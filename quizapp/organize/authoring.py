"""Questions made from the text: an organizer selects a phrase in the speech reader, the builder
proposes a 填空, a 单选 and a 判断 on it (``questions.authoring.propose``), and those the organizer
keeps are added to the speech's bank as drafts, with the builder's key point and quality rank.

Proposals are not stored between the two requests: the builder is deterministic, so adding
proposes again from the same paragraph and phrase and keeps the questions that were ticked (by
the builder's id). The builder runs in a child process (``building.propose``), as an import's
does: the web worker never loads its dictionaries. An added question has no ``external_id``: a re-import never retires or
rewrites it, it only follows its sentence to the sentence's new paragraph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from questions.authoring import AuthoringError
from questions.text import SpeechError
from questions.types import Question
from quizapp.models import BankQuestion, QuestionStatus, QuestionType, Speech
from quizapp.models.base import utcnow
from quizapp.organize import building
from quizapp.organize.services import row_values

__all__ = ["Added", "Proposal", "ProposedQuestion", "add_drafts", "propose_for"]

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


@dataclass(frozen=True)
class Added:
    """What ``add_drafts`` did: the proposal it added from (with the reason when it could add
    nothing), how many drafts it added, and how many of those ticked the bank already held."""

    proposal: Proposal
    added: int = 0
    held: int = 0


def propose_for(session: Session, speech: Speech, paragraph: str | int | None, phrase: str | None) -> Proposal:
    """The builder's questions on ``phrase`` in paragraph ``paragraph`` (1-based, as the reader
    numbers them) of ``speech``, made in a child process (``building.propose``). A selection no
    question can be made on gives a proposal whose ``error`` says why, in Chinese."""
    phrase = (phrase or "").strip()[:MAX_PHRASE_INPUT]
    number = _number(paragraph)
    if number is None:
        return Proposal(None, phrase, error="所选段落不存在")
    try:
        questions = building.propose(speech.file_name, speech.text, number, phrase)
    except (AuthoringError, SpeechError) as error:
        return Proposal(number, phrase, error=str(error))
    held = _stems_held(session, speech, questions)
    return Proposal(number, phrase, [ProposedQuestion(q, q.stem in held) for q in questions])


def add_drafts(session: Session, speech: Speech, paragraph: str | int | None, phrase: str | None,
               chosen: Iterable[str]) -> Added:
    """Propose again on the same selection and add the chosen questions (by the builder's id) to
    the speech's bank as drafts. One the bank already holds (the same stem) is not added twice,
    even by two requests at once (a double click on 添加为草稿): the speech's row is locked
    before the bank is read, so the second waits for the first to commit. Flushes; the caller
    commits."""
    proposal = propose_for(session, speech, paragraph, phrase)
    if proposal.error:
        return Added(proposal)
    wanted = set(chosen)
    picked = [p.question for p in proposal.questions if p.id in wanted]
    if not picked:
        return Added(replace(proposal, error="请至少勾选一道题"))
    # An UPDATE of the speech's row: the lock a second request waits on, on PostgreSQL and SQLite.
    session.execute(update(Speech).where(Speech.id == speech.id).values(updated_at=utcnow()))
    held = _stems_held(session, speech, picked)
    new = []
    for question in picked:
        if question.stem not in held:
            held.add(question.stem)
            new.append(question)
    session.add_all(BankQuestion(speech_id=speech.id, status=QuestionStatus.DRAFT,
                                 **{**row_values(question), "external_id": None}) for question in new)
    session.flush()
    return Added(proposal, len(new), len(picked) - len(new))


def _stems_held(session: Session, speech: Speech, questions: list[Question]) -> set[str]:
    """The stems among ``questions`` that the speech's bank already holds."""
    return set(session.scalars(select(BankQuestion.stem).where(
        BankQuestion.speech_id == speech.id, BankQuestion.stem.in_([q.stem for q in questions]))))


def _number(paragraph: str | int | None) -> int | None:
    """A paragraph number as the form sent it, or None when it is not one."""
    text = str(paragraph if paragraph is not None else "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 7):
        return None
    return int(text)
