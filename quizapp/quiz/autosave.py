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

The cached items can lag an organizer's edit of a 填空 question's blanks by ``ITEM_CACHE_SECONDS``
(the option order, type and position of an item never change); a save that raced the edit by
that long is stored as one sent just before it would be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any

from cachetools import TTLCache
from flask import Flask
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine

from quizapp.auth.session import LoginClaim, live_login
from quizapp.models import AttemptItem, BankQuestion, QuestionType
from quizapp.models.base import utcnow
from quizapp.quiz.responses import BadResponse, blank_count, to_stored
from quizapp.quiz.services import Saved, lock_store_move

ITEM_CACHE_ATTEMPTS = 4096  # ≈30 items each: a few MB a process
ITEM_CACHE_SECONDS = 60

_QUICK_SAVE = lock_store_move(live_login(bindparam("b_person_id"), bindparam("b_now")))

_ITEMS_OF_ATTEMPT = (
    select(AttemptItem.question_id, AttemptItem.id, AttemptItem.position, AttemptItem.option_order,
           BankQuestion.type, BankQuestion.stem, BankQuestion.answer)
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


def _items(connection: Any, cache: _ItemCache, attempt_id: int) -> dict[int, _Item]:
    items = cache.get(attempt_id)
    if items is None:
        items = {
            question_id: _Item(item_id, position, option_order, qtype,
                               blank_count(stem, len(answer) if isinstance(answer, list) else 0))
            for question_id, item_id, position, option_order, qtype, stem, answer
            in connection.execute(_ITEMS_OF_ATTEMPT, {"attempt_id": attempt_id})
        }
        if items:  # no attempt yet of this id: nothing to keep
            cache.put(attempt_id, items)
    return items


def quick_save(app: Flask, engine: Engine, claim: LoginClaim, attempt_id: int, question_id: int,
               seq: int, shown: Any, now: datetime | None = None) -> Saved | None:
    """Save the answer if everything checks out, committed; else None (see the module)."""
    if engine.dialect.name != "postgresql":
        return None
    now = now or utcnow()
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        item = _items(connection, app.extensions["quizapp.autosave_items"], attempt_id).get(question_id)
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
            "claim_digest": claim.digest,
        }).one()
    if saved_seq is None:
        return None
    return Saved(item.position, saved_seq)
