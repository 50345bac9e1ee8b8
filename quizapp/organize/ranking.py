"""The review order of a bank: the builder's best question first, the variants of one key point
together, and what a bulk approval picks (the best N drafts, one per point unless asked).

The questions of one key point (``BankQuestion.point``) are variants: a paper holds at most one
of them, so an organizer approves the best and leaves the others. The bank page is paged by
point: each point shows its best variant, ranked by ``quality`` (hand-written questions, which
have no rank, last), with the other variants under it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from quizapp.models import BankQuestion, QuestionStatus, Speech
from quizapp.organize.queries import BEST_FIRST


@dataclass(frozen=True)
class PointGroup:
    """The questions of one key point that pass the filter, best first, and how many of the
    point's questions (whatever the filter) are approved in the organizer's units."""

    point: str
    questions: list[BankQuestion]
    approved: int

    @property
    def lead(self) -> BankQuestion:
        return self.questions[0]

    @property
    def others(self) -> list[BankQuestion]:
        return self.questions[1:]


def points_of(matching: Select[tuple[BankQuestion]]) -> Select[tuple[str]]:
    """The points of a filtered set (``queries.matching_questions``), the one with the best
    variant first: what the bank page pages through."""
    return (
        matching.with_only_columns(BankQuestion.point)
        .group_by(BankQuestion.point)
        .order_by(func.max(BankQuestion.quality).desc().nulls_last(), func.min(BankQuestion.id))
    )


def groups_of(session: Session, matching: Select[tuple[BankQuestion]], points: list[str],
              unit_ids: set[int]) -> list[PointGroup]:
    """The filtered questions of ``points`` (a page of ``points_of``), grouped in that order."""
    if not points:
        return []
    rows = session.scalars(
        matching.where(BankQuestion.point.in_(points))
        .options(selectinload(BankQuestion.speech), selectinload(BankQuestion.reports))
        .order_by(*BEST_FIRST)
    )
    by_point: dict[str, list[BankQuestion]] = defaultdict(list)
    for question in rows:
        by_point[question.point].append(question)
    approved = dict(session.execute(
        select(BankQuestion.point, func.count()).join(BankQuestion.speech)
        .where(Speech.unit_id.in_(unit_ids), BankQuestion.point.in_(points),
               BankQuestion.status == QuestionStatus.APPROVED)
        .group_by(BankQuestion.point)
    ).tuples().all())
    return [PointGroup(p, by_point[p], approved.get(p, 0)) for p in points if by_point[p]]


def pick_drafts(session: Session, matching: Select[tuple[BankQuestion]], unit_ids: set[int],
                limit: int | None, *, min_quality: float | None = None,
                all_variants: bool = False) -> list[int]:
    """The ids of the drafts a bulk approval approves, best first: at most ``limit`` (None: no
    limit), none ranked below ``min_quality`` when it is given (a hand-written question has no
    rank and is then left out). Unless ``all_variants``, one per point, and none of a point
    that already has an approved question in ``unit_ids``."""
    drafts = (
        matching.where(BankQuestion.status == QuestionStatus.DRAFT)
        .with_only_columns(BankQuestion.id, BankQuestion.point).order_by(*BEST_FIRST)
    )
    if min_quality is not None:
        drafts = drafts.where(BankQuestion.quality >= min_quality)
    taken: set[str] = set()
    if not all_variants:
        taken = set(session.scalars(
            select(BankQuestion.point).join(BankQuestion.speech)
            .where(Speech.unit_id.in_(unit_ids), BankQuestion.status == QuestionStatus.APPROVED)
        ))
    chosen: list[int] = []
    for question_id, point in session.execute(drafts):
        if limit is not None and len(chosen) >= limit:
            break
        if not all_variants:
            if point in taken:
                continue
            taken.add(point)
        chosen.append(question_id)
    return chosen


def fingerprint(question_ids: list[int]) -> str:
    """A short name for a pick (``pick_drafts``): what a bulk approval's confirmation carries, so
    that it approves only the questions it showed."""
    return hashlib.sha256(",".join(map(str, question_ids)).encode()).hexdigest()[:16]


def questions_best_first(session: Session, question_ids: list[int]) -> list[BankQuestion]:
    """These questions in the review order."""
    return list(session.scalars(select(BankQuestion).where(BankQuestion.id.in_(question_ids))
                                .order_by(*BEST_FIRST)))
