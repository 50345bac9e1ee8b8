"""The autosave's quick path on PostgreSQL: one statement in autocommit, no ORM.

The autosave is the request members send most (every answer, every change of mind). The
checked path (``api.save_answer`` through Flask-Login and ``services.save_answer``) costs five
round trips on PostgreSQL (BEGIN, the login's person, the item, the save, COMMIT) and the ORM's
work on each. Here the login, the attempt and the answer are checked and written by one
statement (``services.lock_store_move`` with ``auth.session.live_login``), and what converting the
answer needs (each item's id, position, option order, type and blanks) is kept per attempt in a
small cache of the process.

It only ever answers "saved". Whatever it cannot save (SQLite, no login claim in the session, a
login that is not live, an attempt that is not open or not the claimant's, a question not in
it, a malformed or stale answer) gives None, and the view takes the checked path, which refuses
it with its usual message. So the two paths cannot differ in what they refuse, only in what an
accepted save costs; and a save it does not store changes nothing (autocommit cannot roll
back). Saves and the submit stay ordered by the attempt's row, as in ``services``: the
statement locks that row before it writes the item.

An item's option order, type and position never change; a 填空 question's number of blanks
can (an organizer edits its stem or answers), so for a 填空 item the statement also checks that
the question's stem and number of answers are still the cached ones, else it stores nothing and
the checked path counts the blanks afresh. Items are cached only once a save of the attempt
has checked out (a live login of its owner), so requests naming other attempts cannot fill the
cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any

from cachetools import TTLCache
from flask import Flask, current_app
from sqlalchemy import Text, bindparam, exists, or_, select

from quizapp.auth.session import LoginClaim, live_login
from quizapp.extensions import db
from quizapp.models import AttemptItem, BankQuestion, QuestionType
from quizapp.models.base import utcnow
from quizapp.quiz.batch import Entry, lock_store_many
from quizapp.quiz.responses import BadResponse, blank_count, to_stored
from quizapp.quiz.services import Saved, lock_store_move

ITEM_CACHE_ATTEMPTS = 4096  # ≈30 items each: a few MB a process
ITEM_CACHE_SECONDS = 60

# For a 填空 item (the cached stem bound; NULL for the other types): its question still has
# the stem and the number of answers its blanks were counted from.
_SAME_BLANKS = or_(
    bindparam("b_fill_stem", type_=Text).is_(None),
    exists().where(BankQuestion.id == bindparam("b_question_id"),
                   BankQuestion.stem == bindparam("b_fill_stem", type_=Text),
                   BankQuestion.answer_count == bindparam("b_fill_answers")),
)
_QUICK_SAVE = lock_store_move(live_login(bindparam("b_person_id"), bindparam("b_now")), _SAME_BLANKS)
_QUICK_SAVE_MANY = lock_store_many(live_login(bindparam("b_person_id"), bindparam("b_now")))

_ITEMS_OF_ATTEMPT = (
    select(AttemptItem.question_id, AttemptItem.id, AttemptItem.position, AttemptItem.option_order,
           BankQuestion.type, BankQuestion.stem, BankQuestion.answer_count)
    .join(BankQuestion, AttemptItem.question_id == BankQuestion.id)
    .where(AttemptItem.attempt_id == bindparam("attempt_id"))
)


@dataclass(frozen=True)
class _Item:
    id: int
    position: int
    option_order: list[int]
    type: QuestionType
    blanks: int
    fill_stem: str | None  # 填空: what the blanks were counted from
    fill_answers: int


class _ItemCache:
    """Each attempt's items by question id, for ``ITEM_CACHE_SECONDS``; shared by the threads
    of a worker (TTLCache itself is not thread-safe)."""

    def __init__(self) -> None:
        self._items: TTLCache[int, dict[int, _Item]] = TTLCache(ITEM_CACHE_ATTEMPTS,
                                                                ITEM_CACHE_SECONDS)
        self._lock = Lock()

    def get(self, attempt_id: int) -> dict[int, _Item] | None:
        with self._lock:
            return self._items.get(attempt_id)

    def put(self, attempt_id: int, items: dict[int, _Item]) -> None:
        with self._lock:
            self._items[attempt_id] = items


def init_app(app: Flask) -> None:
    """Give ``app`` its own item cache (an app per database: ids mean nothing across them)."""
    app.extensions["quizapp.autosave_items"] = _ItemCache()


def _item(item_id: int, position: int, option_order: list[int], qtype: QuestionType,
          stem: str, answers: int) -> _Item:
    fill = qtype is QuestionType.FILL
    return _Item(item_id, position, option_order, qtype, blank_count(stem, answers),
                 stem if fill else None, answers)


def _read_items(connection: Any, attempt_id: int) -> dict[int, _Item]:
    return {question_id: _item(*item)
            for question_id, *item in connection.execute(_ITEMS_OF_ATTEMPT, {"attempt_id": attempt_id})}


@contextmanager
def _quick(attempt_id: int) -> Iterator[tuple[Any, dict[int, _Item], Callable[[], None]]]:
    """An autocommit connection, the attempt's items (from this process's cache, else read) and
    a call that caches items it read, to be made once a save has checked out: the owner's live
    login, the attempt open (a refused save must not fill the cache for a stranger's attempt)."""
    cache: _ItemCache = current_app.extensions["quizapp.autosave_items"]
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        cached = cache.get(attempt_id)
        items = cached if cached is not None else _read_items(connection, attempt_id)

        def remember() -> None:
            if cached is None:
                cache.put(attempt_id, items)

        yield connection, items, remember


def quick_save(claim: LoginClaim, attempt_id: int, question_id: int, seq: int, shown: Any,
               now: datetime | None = None) -> Saved | None:
    """Save the answer if everything checks out, committed; else None (see the module)."""
    if db.engine.dialect.name != "postgresql":
        return None
    now = now or utcnow()
    with _quick(attempt_id) as (connection, items, remember):
        item = items.get(question_id)
        if item is None:
            return None
        try:
            stored = to_stored(item.type, item.option_order, item.blanks, shown)
        except BadResponse:
            return None
        saved_seq, _moved = connection.execute(_QUICK_SAVE, {
            "item_id": item.id, "response": stored, "answered_at": now if stored is not None else None,
            "seq": seq, "b_attempt_id": attempt_id, "b_person_id": claim.person_id, "b_now": now,
            "b_position": item.position, "claim_version": claim.auth_version,
            "claim_digest": claim.digest, "b_question_id": question_id,
            "b_fill_stem": item.fill_stem, "b_fill_answers": item.fill_answers,
        }).one()
        if saved_seq is None:
            return None
        remember()
    return Saved(item.position, saved_seq)


def quick_save_many(claim: LoginClaim, attempt_id: int, entries: list[Entry],
                    now: datetime | None = None) -> tuple[dict[int, Saved], list[Entry]] | None:
    """A batch (``quiz.batch``) the quick way: every entry that checks out stored in one
    statement, committed. Returns what was saved by question id and the entries left for the
    checked path (in their order); None off PostgreSQL."""
    if db.engine.dialect.name != "postgresql":
        return None
    now = now or utcnow()
    with _quick(attempt_id) as (connection, items, remember):
        rows = []
        for entry in entries:
            item = items.get(entry.question_id)
            if item is None:
                continue
            try:
                stored = to_stored(item.type, item.option_order, item.blanks, entry.shown)
            except BadResponse:
                continue
            rows.append({"item_id": item.id, "question_id": entry.question_id, "seq": entry.seq,
                         "response": stored, "fill_stem": item.fill_stem,
                         "fill_answers": item.fill_answers})
        result = connection.execute(_QUICK_SAVE_MANY, {
            "b_entries": rows, "b_attempt_id": attempt_id, "b_person_id": claim.person_id,
            "b_now": now, "claim_version": claim.auth_version, "claim_digest": claim.digest,
        }).all() if rows else []
        saved = {question_id: Saved(position, seq) for question_id, seq, position, _moved in result}
        if saved:
            remember()
    return saved, [entry for entry in entries if entry.question_id not in saved]
