"""Saving every pending answer of a sitting in one request (the answering page's batch).

The page keeps the answers it has not yet had acknowledged and sends them together: debounced
while the member answers, at once on 交卷 and when the page is hidden. Each entry keeps its own
sequence number, so a stale entry is refused alone and the others are saved; a request for an
attempt that is not open (submitted, abandoned, past its deadline) is refused whole and saves
nothing. The rules are those of a single save (``services``): the attempt's row is taken before
any item is written, so the batch and the submit are ordered by it.

Two ways, as for a single save: on PostgreSQL ``autosave.quick_save_many`` stores every entry
that checks out in one statement (``lock_store_many``, which checks the login too); what it
does not store, and every entry on SQLite, goes the checked way (``save_many``), which gives
each refusal its Chinese message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    Text,
    bindparam,
    case,
    column,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from quizapp.models import Attempt, AttemptItem, AttemptStatus, BankQuestion
from quizapp.models.base import utcnow
from quizapp.quiz.errors import QuestionNotInAttempt, StaleSave
from quizapp.quiz.responses import BadResponse, blank_count, to_stored
from quizapp.quiz.services import Saved, take_open_attempt

MAX_ENTRIES = 200  # a sitting has at most a few dozen questions


@dataclass(frozen=True)
class Entry:
    """One answer of a batch, in display form (``quiz.responses``)."""

    question_id: int
    seq: int
    shown: Any


@dataclass(frozen=True)
class Refused:
    """Why one entry was not saved (for the member), and the stored sequence number when a
    newer answer is already stored."""

    message: str
    stale_seq: int | None = None


# --- the checked way: one transaction of the session, the view commits ---------------------

_ITEMS_OF_OWNED = (
    select(AttemptItem.question_id, AttemptItem.id, AttemptItem.position,
           AttemptItem.option_order, BankQuestion.type, BankQuestion.stem,
           BankQuestion.answer_count)
    .join(BankQuestion, AttemptItem.question_id == BankQuestion.id)
    .join(Attempt, AttemptItem.attempt_id == Attempt.id)
    .where(AttemptItem.attempt_id == bindparam("attempt_id"),
           Attempt.person_id == bindparam("person_id"),
           AttemptItem.question_id.in_(bindparam("question_ids", expanding=True)))
)
_STORE_IF_NEWER = (
    update(AttemptItem.__table__)
    .where(AttemptItem.id == bindparam("item_id"), AttemptItem.saved_seq < bindparam("seq"))
    .values(response=bindparam("response", type_=JSON(none_as_null=True)),
            answered_at=bindparam("answered_at"), saved_seq=bindparam("seq"))
    .returning(AttemptItem.saved_seq)
)
_SAVED_SEQ = select(AttemptItem.saved_seq).where(AttemptItem.id == bindparam("item_id"))
_MOVE = (
    update(Attempt.__table__)
    .where(Attempt.id == bindparam("attempt_id"))
    .values(current_position=bindparam("position"))
)


def save_many(session: Session, person_id: int, attempt_id: int, entries: list[Entry],
              now: datetime | None = None) -> dict[int, Saved | Refused]:
    """Save each entry whose ``seq`` is newer than the stored one; each entry's outcome by
    question id. The attempt moves to the question of the newest entry saved.

    Raises AttemptNotFound (not the member's) and AttemptClosed (not open, or past its
    deadline) for the whole batch, before anything is written.
    """
    now = now or utcnow()
    take_open_attempt(session, person_id, attempt_id, now)
    connection = session.connection()
    items = {row.question_id: row for row in connection.execute(_ITEMS_OF_OWNED, {
        "attempt_id": attempt_id, "person_id": person_id,
        "question_ids": [entry.question_id for entry in entries]})}
    outcome: dict[int, Saved | Refused] = {}
    newest: tuple[int, int] | None = None  # (seq, position) of the newest entry saved
    for entry in entries:
        item = items.get(entry.question_id)
        if item is None:
            outcome[entry.question_id] = Refused(str(QuestionNotInAttempt()))
            continue
        try:
            stored = to_stored(item.type, item.option_order,
                               blank_count(item.stem, item.answer_count), entry.shown)
        except BadResponse as error:
            outcome[entry.question_id] = Refused(str(error))
            continue
        saved_seq = connection.execute(_STORE_IF_NEWER, {
            "item_id": item.id, "seq": entry.seq, "response": stored,
            "answered_at": now if stored is not None else None}).scalar()
        if saved_seq is None:
            stale = connection.execute(_SAVED_SEQ, {"item_id": item.id}).scalar() or 0
            outcome[entry.question_id] = Refused(str(StaleSave(stale)), stale_seq=stale)
            continue
        outcome[entry.question_id] = Saved(item.position, saved_seq)
        if newest is None or entry.seq > newest[0]:
            newest = (entry.seq, item.position)
    if newest is not None:
        connection.execute(_MOVE, {"attempt_id": attempt_id, "position": newest[1]})
    return outcome


# --- PostgreSQL: every entry that checks out in one statement --------------------------------

# The entries as rows of one JSON parameter: [{"item_id", "question_id", "seq", "response",
# "fill_stem", "fill_answers"}, ...]; a JSON null response becomes SQL NULL (an emptied answer).
_ENTRIES = (
    func.json_to_recordset(bindparam("b_entries", type_=JSON))
    .table_valued(column("item_id", Integer), column("question_id", Integer),
                  column("seq", BigInteger), column("response", JSON),
                  column("fill_stem", Text), column("fill_answers", Integer))
    .render_derived(name="entry", with_types=True)
)


def lock_store_many(*taking: ColumnElement[bool]) -> Select:
    """PostgreSQL, in autocommit: lock the attempt's row while it is open and before its
    deadline (with the extra ``taking`` conditions: the live login), store every entry whose
    ``seq`` is newer than its item's (a 填空 entry only while its question has the stem and
    number of answers its blanks were counted from), then move the attempt to the newest
    stored entry's question. Rows: (question id, stored seq, position, 1) per stored entry,
    none when nothing was stored (then nothing changed). Binds ``b_entries``,
    ``b_attempt_id``, ``b_person_id``, ``b_now`` and what ``taking`` binds."""
    attempt, item = Attempt.__table__, AttemptItem.__table__
    now = bindparam("b_now", type_=DateTime(timezone=True))
    locked = (
        select(attempt.c.id)
        .where(attempt.c.id == bindparam("b_attempt_id"),
               attempt.c.person_id == bindparam("b_person_id"),
               attempt.c.status == AttemptStatus.OPEN,
               or_(attempt.c.deadline_at.is_(None), attempt.c.deadline_at > now), *taking)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: the lock an UPDATE of it takes
        .cte("locked")
    )
    same_blanks = or_(
        _ENTRIES.c.fill_stem.is_(None),
        exists().where(BankQuestion.id == _ENTRIES.c.question_id,
                       BankQuestion.stem == _ENTRIES.c.fill_stem,
                       BankQuestion.answer_count == _ENTRIES.c.fill_answers),
    )
    stored = (
        update(item)
        .where(item.c.id == _ENTRIES.c.item_id, item.c.attempt_id == bindparam("b_attempt_id"),
               item.c.question_id == _ENTRIES.c.question_id,
               item.c.saved_seq < _ENTRIES.c.seq, exists(select(locked.c.id)), same_blanks)
        .values(response=_ENTRIES.c.response,
                answered_at=case((_ENTRIES.c.response.is_(None), None), else_=now),
                saved_seq=_ENTRIES.c.seq)
        .returning(item.c.question_id, item.c.saved_seq, item.c.position)
        .cte("stored")
    )
    newest = select(stored.c.position).order_by(stored.c.saved_seq.desc()).limit(1)
    moved = (
        update(attempt)
        .where(attempt.c.id == bindparam("b_attempt_id"), exists(select(stored.c.saved_seq)))
        .values(updated_at=now, current_position=newest.scalar_subquery())
        .returning(attempt.c.id)
        .cte("moved")
    )
    # A data-modifying WITH runs whether read or not, but SQLAlchemy renders only what is read.
    return select(stored.c.question_id, stored.c.saved_seq, stored.c.position,
                  select(func.count()).select_from(moved).scalar_subquery())
