"""Which speeches a blueprint may name, and how many approved questions each row can draw.

Members of a unit study the speeches of their unit and of every unit above it
(``auth.access.member_unit_ids``). Members deeper in the subtree see more,
but every member of the audience sees at least those: that is the pool a row
is counted against.

A paper holds at most one question of a key point (``BankQuestion.point``: the variants of
one sentence give one another away), so a row can draw as many questions as its pool has
points, and rows are checked together on points, whatever their types.
"""

from __future__ import annotations


from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from quizapp.models import BankQuestion, Person, QuestionStatus, Speech
from quizapp.models.org import ancestor_ids
from quizapp.auth.access import managed_unit_ids, member_unit_ids
from quizapp.publish.specs import PartSpec


def organizer_speech_unit_ids(session: Session, organizer: Person | None) -> set[int] | None:
    """Units whose speeches the organizer can see (manages, or studies as a member);
    None for the command line without ``--by`` (no limit)."""
    if organizer is None:
        return None
    return managed_unit_ids(session, organizer) | member_unit_ids(session, organizer)


def usable_speeches(session: Session, organizer: Person | None,
                    unit_id: int | None = None) -> list[Speech]:
    """Speeches the organizer may draw from, newest first; with ``unit_id`` only those the
    members of that unit see."""
    statement = select(Speech).order_by(Speech.delivered_on.desc().nulls_last(), Speech.id.desc())
    visible = organizer_speech_unit_ids(session, organizer)
    if visible is not None:
        statement = statement.where(Speech.unit_id.in_(visible))
    if unit_id is not None:
        statement = statement.where(Speech.unit_id.in_(ancestor_ids(session, unit_id)))
    return list(session.scalars(statement))


def speech_visible_to_unit(session: Session, speech: Speech, unit_id: int) -> bool:
    """Whether every member of the unit's subtree studies this speech."""
    return speech.unit_id in ancestor_ids(session, unit_id)


def _pool(session: Session, unit_id: int, part: PartSpec) -> Select:
    statement = (
        select(BankQuestion.point).join(BankQuestion.speech)
        .where(BankQuestion.status == QuestionStatus.APPROVED, BankQuestion.type == part.type,
               Speech.unit_id.in_(ancestor_ids(session, unit_id)))
    )
    if part.speech_id is not None:
        statement = statement.where(BankQuestion.speech_id == part.speech_id)
    if part.concept:
        statement = statement.where(BankQuestion.concept == part.concept)
    return statement


def pool_size(session: Session, unit_id: int, part: PartSpec) -> int:
    """How many approved questions the row can draw for every member of the unit: one per key
    point."""
    return session.scalar(
        select(func.count()).select_from(_pool(session, unit_id, part).distinct().subquery())) or 0


def pool_points(session: Session, unit_id: int, part: PartSpec) -> set[str]:
    """The key points the row can draw from (to check rows together: no two share a point)."""
    return set(session.scalars(_pool(session, unit_id, part)))
