"""The answering, result and speech pages, built from an attempt's items.

``answering_page`` carries what the member needs to answer and nothing of the
key: no answer, explanation, concept or source sentence (a fill's sentence
holds its answer). ``result_page`` adds them once the attempt is submitted,
with correctness as graded and stored by ``services``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import Session, joinedload

from quizapp.models import Attempt, AttemptItem, AttemptStatus, BankQuestion, QuestionType, Speech
from quizapp.models.base import utcnow
from quizapp.quiz import secrecy
from quizapp.quiz.queries import attempt_title, open_report_question_ids
from quizapp.quiz.responses import blank_count, to_shown

LETTERS = "ABCDEFGHIJ"
# What a stem may say of its own type, which the page already shows beside it.
_TYPE_PREFIX = re.compile(r"^(?:判断题?|单选题?|多选题?|填空题?)\s*[：:]\s*")
_TYPE_SUFFIX = re.compile(r"\s*[（(](?:可?多选题?|单选题?)[）)]")
JUDGE_CHOICES = ((True, "正确"), (False, "错误"))


@dataclass(frozen=True)
class OptionView:
    value: str  # what the form posts: the display position, or true/false for a judge
    letter: str
    text: str
    chosen: bool


@dataclass(frozen=True)
class ItemView:
    position: int
    question_id: int
    type: QuestionType
    stem: str
    options: list[OptionView]
    blanks: list[str]  # fill: the saved text of each blank
    answered: bool
    saved_seq: int

    @property
    def multiple(self) -> bool:
        return self.type is QuestionType.MULTIPLE


@dataclass(frozen=True)
class AnsweringPage:
    attempt_id: int
    title: str
    items: list[ItemView]
    current: int

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def answered(self) -> int:
        return sum(item.answered for item in self.items)


def _load_items(session: Session, attempt: Attempt) -> list[AttemptItem]:
    """The attempt's items with their questions and the questions' speeches (the result)."""
    return list(session.scalars(
        select(AttemptItem)
        .options(joinedload(AttemptItem.question).joinedload(BankQuestion.speech))
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    ))


def _view(position: int, question_id: int, qtype: QuestionType, stem: str, options: list[str],
          option_order: list[int], response: Any, saved_seq: int, answers: int) -> ItemView:
    """One question as the member sees it; ``answers`` is the key's number of answers, read
    only for a fill (its blanks): the only thing of the key the page needs."""
    shown = to_shown(qtype, option_order, response)
    views: list[OptionView] = []
    blanks: list[str] = []
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen = {shown} if isinstance(shown, int) else set(shown or [])
        views = [
            OptionView(str(place), LETTERS[place], options[index], place in chosen)
            for place, index in enumerate(option_order)
            if index < len(options)
        ]
    elif qtype is QuestionType.JUDGE:
        views = [
            OptionView("true" if value else "false", "", label, shown is value)
            for value, label in JUDGE_CHOICES
        ]
    else:
        count = blank_count(stem, answers)
        saved = list(shown or [])
        blanks = (saved + [""] * count)[:count]
    return ItemView(position=position, question_id=question_id, type=qtype, stem=stem,
                    options=views, blanks=blanks, answered=response is not None,
                    saved_seq=saved_seq)


def _item_view(item: AttemptItem) -> ItemView:
    question = item.question
    return _view(item.position, question.id, question.type, question.stem, question.options,
                 item.option_order, item.response, item.saved_seq, question.answer_count)


# What the answering page shows of each item, without ORM objects and without the key: a
# fill's number of answers is counted by the database (the answer never leaves it). Labelled
# as ``_view`` names its arguments, which it is called with by name.
_ANSWERING_ROWS = (
    select(AttemptItem.position, AttemptItem.question_id, BankQuestion.type.label("qtype"),
           BankQuestion.stem, BankQuestion.options, AttemptItem.option_order,
           AttemptItem.response, AttemptItem.saved_seq,
           case((BankQuestion.type == QuestionType.FILL, BankQuestion.answer_count),
                else_=0).label("answers"))
    .join(BankQuestion, AttemptItem.question_id == BankQuestion.id)
    .where(AttemptItem.attempt_id == bindparam("attempt_id"))
    .order_by(AttemptItem.position)
)


def answering_page(session: Session, attempt: Attempt, current: int) -> AnsweringPage:
    """Every question of the attempt as shown to the member, with their saved answers."""
    items = [_view(**row._mapping)
             for row in session.execute(_ANSWERING_ROWS, {"attempt_id": attempt.id})]
    return AnsweringPage(attempt.id, attempt_title(attempt), items, current)


@dataclass(frozen=True)
class ResultItem:
    view: ItemView
    correct: bool
    points: int
    max_points: int
    my_answer: str
    right_answer: str
    explanation: str
    sentence: str
    speech_id: int
    speech_title: str
    reported: bool
    # In a live activity's pool (``secrecy``): shown without key, correctness or points.
    withheld: bool = False


@dataclass(frozen=True)
class ResultPage:
    attempt: Attempt
    title: str
    items: list[ResultItem]
    revealed: bool = True  # False: the key, correctness and explanations are withheld

    @property
    def withheld(self) -> int:
        """How many questions are withheld one by one (``secrecy``)."""
        return sum(item.withheld for item in self.items)

    @property
    def shown_score(self) -> tuple[int, int, int]:
        """(points, maximum, right answers) over the questions not withheld: what a practice
        holding withheld questions may show of its score."""
        shown = [item for item in self.items if not item.withheld]
        return (sum(item.points for item in shown), sum(item.max_points for item in shown),
                sum(item.correct for item in shown))


def _answer_text(qtype: QuestionType, option_order: list[int], options: list[str],
                 value: Any) -> str:
    """A response or key in stored form, as the member saw the options (B. 文字)."""
    if value is None or value == []:
        return "未作答"
    if qtype is QuestionType.JUDGE:
        return "正确" if value else "错误"
    if qtype is QuestionType.FILL:
        return "；".join(str(part) for part in value)
    positions = sorted(to_shown(QuestionType.MULTIPLE, option_order, value))
    return "；".join(
        f"{LETTERS[p]}. {options[option_order[p]]}" for p in positions
        if option_order[p] < len(options)
    )


def bare_stem(stem: str, qtype: QuestionType | None = None) -> str:
    """A stem without the type it names (判断：…, …（多选）): the page shows the type once."""
    bare = _TYPE_SUFFIX.sub("", _TYPE_PREFIX.sub("", stem))
    return bare or stem


def key_text(question: BankQuestion) -> str:
    """A question's answer key in its own option order (for the 错题本)."""
    order = list(range(len(question.options)))
    return _answer_text(question.type, order, question.options, question.answer)


def result_page(session: Session, attempt: Attempt, reveal: bool = True,
                now: datetime | None = None) -> ResultPage:
    """A submitted attempt: each question with my answer, the key, the explanation and source.

    Without ``reveal`` (a scored sitting whose answers are shown after the close)
    nothing of the key is in the page: no key, correctness, points per question,
    explanation or source sentence; only my answers. The same holds, one question at a
    time, for a question withheld from the member now (``secrecy``: in the pool of a
    live activity other than the sitting's own).
    """
    if attempt.status is not AttemptStatus.SUBMITTED:
        raise ValueError("only a submitted attempt has a result")
    items = _load_items(session, attempt)
    ids = [i.question_id for i in items]
    reported = open_report_question_ids(session, attempt.person_id, ids)
    own = attempt.activity_id if attempt.attempt_no is not None else None
    withheld = (secrecy.withheld_among(session, attempt.person_id, ids, now or utcnow(),
                                       except_activity_id=own) if reveal else set())
    result = []
    for item in items:
        question = item.question
        order = item.option_order
        shown = reveal and question.id not in withheld
        result.append(ResultItem(
            view=_item_view(item),
            correct=bool(item.correct) and shown,
            points=(item.points or 0) if shown else 0,
            max_points=item.max_points,
            my_answer=_answer_text(question.type, order, question.options, item.response),
            right_answer=(_answer_text(question.type, order, question.options, question.answer)
                          if shown else ""),
            explanation=question.explanation if shown else "",
            sentence=question.sentence if shown else "",
            speech_id=question.speech_id,
            speech_title=question.speech.title,
            reported=question.id in reported,
            withheld=question.id in withheld,
        ))
    return ResultPage(attempt, attempt_title(attempt), result, reveal)


@dataclass(frozen=True)
class ParagraphView:
    number: int  # 1-based, as the builder numbers a speech's lines
    before: str
    marked: str  # the highlighted sentence ('' when none)
    after: str
    target: bool  # the paragraph the page opens at


def speech_paragraphs(speech: Speech, question: BankQuestion | None) -> list[ParagraphView]:
    """The speech's paragraphs; with a question of it, its source sentence marked.

    The sentence is looked for in the question's paragraph first, then in the
    paragraphs it spans, then anywhere; its paragraph is the page's target.
    """
    paragraphs = speech.paragraphs
    found: tuple[int, int] | None = None
    if question is not None and question.speech_id == speech.id and question.sentence:
        candidates = [question.paragraph or 0, *question.paragraphs, *range(1, len(paragraphs) + 1)]
        for number in candidates:
            if 1 <= number <= len(paragraphs):
                offset = paragraphs[number - 1].find(question.sentence)
                if offset >= 0:
                    found = (number, offset)
                    break
    target = found[0] if found else (question.paragraph if question is not None else None)
    views = []
    for number, text in enumerate(paragraphs, start=1):
        if found and found[0] == number:
            start, end = found[1], found[1] + len(question.sentence)  # type: ignore[union-attr]
            views.append(ParagraphView(number, text[:start], text[start:end], text[end:], True))
        else:
            views.append(ParagraphView(number, text, "", "", number == target))
    return views
