"""Making and reading the printed versions of a published test (``models.Paper``).

The questions are drawn by the blueprint with the members' draw (``quiz.draw``), from the
pool the whole audience sees, so the paper honours the blueprint as an online sitting does.
A paper is laid out by type (单选, 多选, 判断, 填空: ``SECTION_ORDER``) and numbered 1..n
across sections; version B holds A's questions shuffled within each section, with every
choice question's options shuffled again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attempt,
    BankQuestion,
    Paper,
    Person,
    QuestionType,
)
from quizapp.models.base import utcnow
from quizapp.models.org import ancestor_ids
from quizapp.quiz.draw import Drawn, draw_from_units
from quizapp.quiz.responses import blank_count
from quizapp.results.clock import as_utc

SECTION_ORDER = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.JUDGE,
                 QuestionType.FILL)
SECTION_TITLES = {QuestionType.SINGLE: "单项选择题", QuestionType.MULTIPLE: "多项选择题",
                  QuestionType.JUDGE: "判断题", QuestionType.FILL: "填空题"}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class PaperError(Exception):
    """A paper that cannot be made or used; the message is for the organizer."""


@dataclass(frozen=True)
class PaperQuestion:
    """One printed question: its number, the question, the option order printed, its points."""

    number: int
    question: BankQuestion
    option_order: list[int]
    points: int

    @property
    def options(self) -> list[str]:
        """The options as printed (A, B, … in this order)."""
        return [self.question.options[i] for i in self.option_order]

    @property
    def blanks(self) -> int:
        """How many blanks a fill question has (0 for other types)."""
        if self.question.type is not QuestionType.FILL:
            return 0
        return blank_count(self.question.stem, self.question.answer_count)

    def key_letters(self) -> str:
        """The key as printed: letters for choice, 对/错 for judge, the words for fill."""
        qtype = self.question.type
        if qtype is QuestionType.JUDGE:
            return "对" if self.question.answer else "错"
        if qtype is QuestionType.FILL:
            return "；".join(self.question.answer)
        return "".join(sorted(LETTERS[self.option_order.index(i)] for i in self.question.answer))


@dataclass(frozen=True)
class Section:
    type: QuestionType
    questions: list[PaperQuestion]

    @property
    def title(self) -> str:
        return SECTION_TITLES[self.type]

    @property
    def points(self) -> int:
        return sum(q.points for q in self.questions)


def check_printable(activity: Activity) -> None:
    """Raise PaperError unless the activity is a published 季度测试."""
    if activity.kind is not ActivityKind.TEST:
        raise PaperError("只有季度测试可以印制纸质试卷")
    if activity.status is ActivityStatus.CANCELLED:
        raise PaperError("测试已撤销，不能再出卷或录入纸质答卷")
    if activity.status is not ActivityStatus.PUBLISHED:
        raise PaperError("测试发布后才能印制纸质试卷")


def papers_of(session: Session, activity_id: int) -> list[Paper]:
    """The activity's printed versions, A first."""
    return list(session.scalars(
        select(Paper).where(Paper.activity_id == activity_id).order_by(Paper.label)))


def papers_entered(session: Session, activity_id: int) -> bool:
    """Whether any paper sitting of the activity has been entered (its papers are then fixed)."""
    return bool(session.scalar(select(exists().where(
        Attempt.paper_id == Paper.id, Paper.activity_id == activity_id))))


def key_open_to_secretaries(activity: Activity, now: datetime) -> bool:
    """Whether secretaries may download the key: once the test has closed (organizers may
    always; a secretary sits the test too, and the key is the pool's)."""
    return now >= as_utc(activity.closes_at)


def paper_sitting_count(session: Session, activity_id: int) -> int:
    """How many paper sittings of the activity have been entered."""
    return session.scalar(select(func.count(Attempt.id)).where(
        Attempt.activity_id == activity_id, Attempt.paper_id.is_not(None))) or 0


def _item(drawn: Drawn, rng: random.Random) -> dict:
    question = drawn.question
    order = list(range(question.option_count))
    rng.shuffle(order)
    return {"question_id": question.id, "question_version": question.version,
            "option_order": order, "points": drawn.part.points_each, "type": question.type.value}


def _by_section(items: list[dict]) -> list[dict]:
    rank = {qtype.value: n for n, qtype in enumerate(SECTION_ORDER)}
    return sorted(items, key=lambda item: rank[item["type"]])  # stable: keeps the shuffle


def _version_b(items: list[dict], rng: random.Random) -> list[dict]:
    """A's questions shuffled within each section, options shuffled again; another order than
    A's wherever a section or the options allow one."""
    shuffled: list[dict] = []
    for qtype in SECTION_ORDER:
        section = [dict(item) for item in items if item["type"] == qtype.value]
        for _ in range(20):  # a section of two may shuffle back into A's order
            rng.shuffle(section)
            if len(section) < 2 or section != [i for i in items if i["type"] == qtype.value]:
                break
        for item in section:
            original = item["option_order"]
            order = list(original)
            for _ in range(20):
                rng.shuffle(order)
                if len(order) < 2 or order != original:
                    break
            item["option_order"] = order
        shuffled.extend(section)
    return shuffled


def make_papers(session: Session, activity: Activity, *, versions: int, by: Person | None,
                rng: random.Random | None = None, now: datetime | None = None) -> list[Paper]:
    """Draw the test's paper (and a version B when ``versions`` is 2) and store the versions,
    replacing those made before. Raises PaperError for an activity that is not a published
    test, an empty pool, or papers against which answers were already entered."""
    check_printable(activity)
    if versions not in (1, 2):
        raise PaperError("版本数只能是 1 或 2")
    if papers_entered(session, activity.id):
        raise PaperError("已按现有试卷录入过答卷，不能重新出卷")
    rng = rng or random.SystemRandom()
    units = ancestor_ids(session, activity.unit_id)
    drawn = draw_from_units(session, activity, units, None, set(), rng)
    if not drawn:
        raise PaperError("题库中暂无符合出题规则的题目，无法出卷")
    rng.shuffle(drawn)
    version_a = _by_section([_item(d, rng) for d in drawn])
    contents = [version_a] + ([_version_b(version_a, rng)] if versions == 2 else [])
    for old in papers_of(session, activity.id):
        session.delete(old)
    session.flush()
    now = now or utcnow()
    papers = [Paper(activity_id=activity.id, label=label, items=items,
                    created_by_id=by.id if by else None, created_at=now)
              for label, items in zip("AB", contents)]
    session.add_all(papers)
    session.flush()
    return papers


def sections_of(session: Session, paper: Paper) -> list[Section]:
    """The paper's questions by section, numbered as printed."""
    ids = [item["question_id"] for item in paper.items]
    questions = {q.id: q for q in session.scalars(select(BankQuestion).where(BankQuestion.id.in_(ids)))}
    numbered = [PaperQuestion(n, questions[item["question_id"]], item["option_order"], item["points"])
                for n, item in enumerate(paper.items, start=1)]
    return [Section(qtype, [q for q in numbered if q.question.type is qtype])
            for qtype in SECTION_ORDER if any(q.question.type is qtype for q in numbered)]
