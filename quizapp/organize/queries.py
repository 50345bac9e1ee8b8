"""Reads for the bank pages, and the one query that decides what members may be asked.

``approved_questions_for`` is the only way quiz code should reach the bank: it returns
approved questions of the speeches a member belongs under, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, not_, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from quizapp.auth.access import granted_unit_ids
from quizapp.collation import natural_key
from quizapp.models import (
    BankQuestion,
    Person,
    QuestionOrigin,
    QuestionReport,
    QuestionStatus,
    QuestionType,
    ReportStatus,
    Role,
    RoleGrant,
    Speech,
    Unit,
)
from quizapp.models.org import ancestor_ids, subtree_ids, unit_path

MAX_HIGHLIGHT = 500


# -- who manages what -------------------------------------------------------------------------

def managed_unit_ids(session: Session, person: Person) -> set[int]:
    """Every unit in the subtrees where ``person`` is an organizer or an admin."""
    if not person.active:
        return set()
    ids: set[int] = set()
    for role in (Role.ORGANIZER, Role.ADMIN):
        for root in granted_unit_ids(session, person, role):
            ids |= subtree_ids(session, root)
    return ids


def managed_units(session: Session, person: Person) -> list[tuple[int, str]]:
    """(id, "党总支 / 第一党支部") for every unit a speech may be imported into, tree order."""
    ids = managed_unit_ids(session, person)
    units = session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.id))
    labelled = [(u.id, " / ".join(p.name for p in unit_path(session, u.id))) for u in units]
    return sorted(labelled, key=lambda pair: natural_key(pair[1]))


# -- speeches ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SpeechSummary:
    speech: Speech
    unit_name: str
    counts: dict[QuestionStatus, int]
    open_reports: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, status: str) -> int:
        return self.counts[QuestionStatus(status)]


def speech_named(session: Session, unit_id: int, file_name: str) -> Speech | None:
    """The unit's speech imported from a file of this name, if any."""
    return session.scalar(select(Speech).where(Speech.unit_id == unit_id, Speech.file_name == file_name))


def speech_summaries(session: Session, unit_ids: set[int]) -> list[SpeechSummary]:
    """The speeches of these units, newest first, with question counts by status."""
    speeches = list(
        session.scalars(
            select(Speech).options(selectinload(Speech.unit)).where(Speech.unit_id.in_(unit_ids))
            .order_by(Speech.delivered_on.desc().nulls_last(), Speech.id.desc())
        )
    )
    ids = [s.id for s in speeches]
    counts: dict[int, dict[QuestionStatus, int]] = {i: {s: 0 for s in QuestionStatus} for i in ids}
    rows = session.execute(
        select(BankQuestion.speech_id, BankQuestion.status, func.count())
        .where(BankQuestion.speech_id.in_(ids)).group_by(BankQuestion.speech_id, BankQuestion.status)
    )
    for speech_id, status, count in rows:
        counts[speech_id][status] = count
    reports = dict(
        session.execute(
            select(BankQuestion.speech_id, func.count()).join(QuestionReport.question)
            .where(BankQuestion.speech_id.in_(ids), QuestionReport.status == ReportStatus.OPEN)
            .group_by(BankQuestion.speech_id)
        ).all()
    )
    return [SpeechSummary(s, s.unit.name, counts[s.id], reports.get(s.id, 0)) for s in speeches]


@dataclass(frozen=True)
class ParagraphView:
    """One numbered paragraph, split around the highlighted sentence (``mark`` empty if none)."""

    number: int
    before: str
    mark: str = ""
    after: str = ""


def highlight(number: int, text: str, sentence: str | None) -> ParagraphView:
    """The paragraph with the first occurrence of ``sentence`` picked out (escaped by Jinja)."""
    sentence = (sentence or "").strip()[:MAX_HIGHLIGHT]
    at = text.find(sentence) if sentence else -1
    if at < 0:
        return ParagraphView(number, text)
    return ParagraphView(number, text[:at], sentence, text[at + len(sentence):])


def paragraph_views(text: str, number: int | None = None, sentence: str | None = None) -> list[ParagraphView]:
    """A speech's non-blank paragraphs, numbered by line as the builder numbers them."""
    return [
        highlight(n, line, sentence if n == number else None)
        for n, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]


def source_view(question: BankQuestion) -> ParagraphView | None:
    """The question's paragraph with its source sentence highlighted; None without a source
    or when the paragraph no longer holds the sentence (see ``source_missing``)."""
    if not question.sentence or question.paragraph is None:
        return None
    paragraphs = question.speech.paragraphs
    if not 1 <= question.paragraph <= len(paragraphs):
        return None
    view = highlight(question.paragraph, paragraphs[question.paragraph - 1], question.sentence)
    return view if view.mark else None


def _source_missing() -> ColumnElement[bool]:
    """SQL: a built question whose sentence is no longer anywhere in its speech's text."""
    escaped = func.replace(func.replace(func.replace(BankQuestion.sentence, "/", "//"), "%", "/%"), "_", "/_")
    return and_(BankQuestion.sentence != "", not_(Speech.text.contains(escaped, escape="/")))


# -- the bank ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BankFilter:
    """The bank page's filters; every field optional."""

    speech_id: int | None = None
    concept: str | None = None
    type: QuestionType | None = None
    status: QuestionStatus | None = None
    origin: QuestionOrigin | None = None
    source_missing: bool = False
    search: str | None = None

    def labels(self, speech_title: str | None = None) -> list[str]:
        """The active filters in words, for the collapsed filter box and the confirmation."""
        labels = [f"《{speech_title}》" if speech_title else "", self.concept or "",
                  self.type.label if self.type else "", self.status.label if self.status else "",
                  self.origin.label if self.origin else "", "出处已不在原文" if self.source_missing else "",
                  f"含“{self.search}”" if self.search else ""]
        return [label for label in labels if label]

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments, for links, pagination and the bulk approval form."""
        args = {
            "speech": str(self.speech_id) if self.speech_id else "",
            "concept": self.concept or "",
            "type": self.type.value if self.type else "",
            "status": self.status.value if self.status else "",
            "origin": self.origin.value if self.origin else "",
            "missing": "1" if self.source_missing else "",
            "q": self.search or "",
        }
        return {key: value for key, value in args.items() if value}


# The review order: the builder's best first, hand-written questions (no rank) last.
BEST_FIRST = (BankQuestion.quality.desc().nulls_last(), BankQuestion.id)


def filtered_questions(unit_ids: set[int], bank_filter: BankFilter) -> Select[tuple[BankQuestion]]:
    """Questions of the speeches of ``unit_ids`` that pass the filter, best first."""
    return (
        matching_questions(unit_ids, bank_filter)
        .options(selectinload(BankQuestion.speech), selectinload(BankQuestion.reports))
        .order_by(*BEST_FIRST)
    )


def matching_questions(unit_ids: set[int], bank_filter: BankFilter) -> Select[tuple[BankQuestion]]:
    """The filter alone: no order and no loading options (to select columns of it)."""
    statement = select(BankQuestion).join(BankQuestion.speech).where(Speech.unit_id.in_(unit_ids))
    f = bank_filter
    if f.speech_id:
        statement = statement.where(BankQuestion.speech_id == f.speech_id)
    if f.concept:
        statement = statement.where(BankQuestion.concept == f.concept)
    if f.type:
        statement = statement.where(BankQuestion.type == f.type)
    if f.status:
        statement = statement.where(BankQuestion.status == f.status)
    if f.origin:
        statement = statement.where(BankQuestion.origin == f.origin)
    if f.source_missing:
        statement = statement.where(_source_missing())
    if f.search:
        pattern = f.search.replace("/", "//").replace("%", "/%").replace("_", "/_")
        statement = statement.where(
            or_(BankQuestion.stem.contains(pattern, escape="/"), BankQuestion.concept.contains(pattern, escape="/"))
        )
    return statement


def count_of(session: Session, statement: Select) -> int:
    return session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0


def drafts_among(statement: Select[tuple[BankQuestion]]) -> Select[tuple[BankQuestion]]:
    """The draft questions of a filtered set."""
    return statement.where(BankQuestion.status == QuestionStatus.DRAFT)


def concepts_of(session: Session, unit_ids: set[int], speech_id: int | None) -> list[str]:
    """The concepts to filter by: those of one speech, or of every speech in scope."""
    statement = (
        select(BankQuestion.concept).distinct().join(BankQuestion.speech)
        .where(Speech.unit_id.in_(unit_ids), BankQuestion.concept != "").order_by(BankQuestion.concept)
    )
    if speech_id:
        statement = statement.where(BankQuestion.speech_id == speech_id)
    return list(session.scalars(statement))


def speech_choices(session: Session, unit_ids: set[int]) -> list[tuple[int, str]]:
    return list(
        session.execute(select(Speech.id, Speech.title).where(Speech.unit_id.in_(unit_ids)).order_by(Speech.id.desc()))
        .tuples()
    )


# -- 纠错 ---------------------------------------------------------------------------------------

def reports_in(unit_ids: set[int], handled: bool = False) -> Select[tuple[QuestionReport]]:
    """Reports on questions of these units' speeches: open ones oldest first, or handled ones
    most recently handled first."""
    statement = (
        select(QuestionReport)
        .join(QuestionReport.question).join(BankQuestion.speech)
        .where(Speech.unit_id.in_(unit_ids))
        .options(
            selectinload(QuestionReport.question).selectinload(BankQuestion.speech),
            selectinload(QuestionReport.person),
        )
    )
    if handled:
        return statement.where(QuestionReport.status != ReportStatus.OPEN).order_by(
            QuestionReport.resolved_at.desc(), QuestionReport.id.desc()
        )
    return statement.where(QuestionReport.status == ReportStatus.OPEN).order_by(
        QuestionReport.created_at, QuestionReport.id
    )


# -- what members see --------------------------------------------------------------------------

def member_unit_ids(session: Session, person: Person) -> set[int]:
    """The units whose speeches a person studies: their unit and every unit above it (and the
    same for any explicit MEMBER grant), as ``has_role`` decides membership."""
    if not person.active:
        return set()
    ids = set(ancestor_ids(session, person.unit_id))
    for unit_id in session.scalars(
        select(RoleGrant.unit_id).where(RoleGrant.person_id == person.id, RoleGrant.role == Role.MEMBER)
    ):
        ids.update(ancestor_ids(session, unit_id))
    return ids


def approved_questions_for(
    session: Session, person: Person, speech_id: int | None = None
) -> Select[tuple[BankQuestion]]:
    """A statement for the APPROVED questions ``person`` may be asked: those of speeches whose
    unit is the person's unit or one above it, optionally of one speech; by speech then id.

    Use it as ``session.scalars(approved_questions_for(session, me).limit(10))``. Drafts and
    retired questions never come out of it.
    """
    statement = (
        select(BankQuestion)
        .join(BankQuestion.speech)
        .where(Speech.unit_id.in_(member_unit_ids(session, person)), BankQuestion.status == QuestionStatus.APPROVED)
        .order_by(BankQuestion.speech_id, BankQuestion.id)
    )
    if speech_id is not None:
        statement = statement.where(BankQuestion.speech_id == speech_id)
    return statement


def speeches_for(session: Session, person: Person) -> list[Speech]:
    """Speeches with at least one approved question for ``person``, newest first."""
    has_approved = select(BankQuestion.id).where(
        BankQuestion.speech_id == Speech.id, BankQuestion.status == QuestionStatus.APPROVED
    ).exists()
    return list(
        session.scalars(
            select(Speech).where(Speech.unit_id.in_(member_unit_ids(session, person)), has_approved)
            .order_by(Speech.delivered_on.desc().nulls_last(), Speech.id.desc())
        )
    )
