"""Organizers' writes on the bank: edits, approval, retirement and 纠错 resolution.

Every function flushes at most; the view commits. An edit marks the question ``edited`` so a
re-import leaves it alone, and raises its version when the answer key changes, so attempts
graded under the old key can be found and regraded.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import (
    BankQuestion,
    Person,
    QuestionOrigin,
    QuestionReport,
    QuestionStatus,
    QuestionType,
    ReportStatus,
    Speech,
)
from quizapp.models.base import utcnow
from quizapp.organize.content import Content, answer_key


class ReviewError(Exception):
    """A review action that cannot be done; the message is for the organizer."""


def apply_content(question: BankQuestion, content: Content, concept: str | None = None) -> bool:
    """Write an organizer's checked content onto ``question``; True when anything changed.

    A change marks the question edited and, when the answer key changed, raises its version.
    The status is kept: an organizer who edits an approved question is its reviewer.
    """
    values = {
        "stem": content.stem,
        "options": content.options,
        "answer": content.answer,
        "explanation": content.explanation,
        "difficulty": content.difficulty,
        "accepted_variants": content.accepted_variants if question.type is QuestionType.FILL else [],
    }
    if concept is not None:
        values["concept"] = concept.strip()[:200]
    changed = {name: value for name, value in values.items() if getattr(question, name) != value}
    if not changed:
        return False
    old_key = answer_key(question.type, question.options, question.answer, question.accepted_variants)
    for name, value in changed.items():
        setattr(question, name, value)
    question.edited = True
    if answer_key(question.type, question.options, question.answer, question.accepted_variants) != old_key:
        question.version += 1
    return True


def add_manual_question(
    session: Session, speech: Speech, qtype: QuestionType, content: Content, concept: str = ""
) -> BankQuestion:
    """A hand-written question, as a draft in ``speech``'s bank."""
    question = BankQuestion(
        speech_id=speech.id,
        external_id=None,
        type=qtype,
        stem=content.stem,
        options=content.options,
        answer=content.answer,
        accepted_variants=content.accepted_variants if qtype is QuestionType.FILL else [],
        explanation=content.explanation,
        concept=concept.strip()[:200],
        kind="",
        difficulty=content.difficulty,
        origin=QuestionOrigin.MANUAL,
        paragraph=None,
        paragraphs=[],
        sentence="",
        status=QuestionStatus.DRAFT,
        edited=False,  # nothing to protect: a re-import only touches the builder's questions
    )
    session.add(question)
    session.flush()
    return question


def approve(question: BankQuestion, person: Person | None) -> None:
    """Make the question visible to members (from draft, or back from retired)."""
    if question.status is QuestionStatus.APPROVED:
        return
    question.status = QuestionStatus.APPROVED
    question.approved_by_id = person.id if person else None
    question.approved_at = utcnow()


def retire(question: BankQuestion) -> None:
    """Take the question out of use; it stays in the bank and can be approved again."""
    question.status = QuestionStatus.RETIRED


_CHUNK = 500


def approve_ids(session: Session, question_ids: list[int], person: Person | None) -> int:
    """Approve the drafts among these questions (read a few hundred at a time); returns how many."""
    count = 0
    for start in range(0, len(question_ids), _CHUNK):
        chunk = question_ids[start:start + _CHUNK]
        count += approve_all(session.scalars(select(BankQuestion).where(BankQuestion.id.in_(chunk))), person)
    return count


def approve_all(questions: Iterable[BankQuestion], person: Person | None) -> int:
    """Approve every draft among ``questions``; returns how many were approved."""
    count = 0
    for question in questions:
        if question.status is QuestionStatus.DRAFT:
            approve(question, person)
            count += 1
    return count


def resolve_report(report: QuestionReport, outcome: ReportStatus, note: str, person: Person) -> int:
    """Close an open 纠错 report as corrected, retired or dismissed; returns reports closed.

    RETIRED retires the question and closes every other open report on it the same way.
    """
    if outcome is ReportStatus.OPEN:
        raise ValueError("a report is resolved as corrected, retired or dismissed")
    if report.status is not ReportStatus.OPEN:
        raise ReviewError("这条纠错已经处理过了")
    if outcome is ReportStatus.RETIRED:
        retire(report.question)
        return close_open_reports(report.question, outcome, note, person)
    _close(report, outcome, note, person)
    return 1


def close_open_reports(question: BankQuestion, outcome: ReportStatus, note: str, person: Person) -> int:
    """Close every open report on ``question`` with the same outcome and note."""
    open_reports = [r for r in question.reports if r.status is ReportStatus.OPEN]
    for report in open_reports:
        _close(report, outcome, note, person)
    return len(open_reports)


def _close(report: QuestionReport, outcome: ReportStatus, note: str, person: Person) -> None:
    report.status = outcome
    report.resolution = (note or "").strip()[:2000]
    report.resolved_by_id = person.id
    report.resolved_at = utcnow()
