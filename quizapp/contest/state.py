"""The live state the phones poll, mirrored in Redis and rebuilt from the database.

Every move of the host is committed to the contest's row first (``play``), then published
here: a JSON blob per contest under ``quizapp:contest:<id>:live`` with the phase, the question's
position and deadline, and the team ranking. Every worker and node reads the same blob, so a
poll costs one Redis GET. Redis is only a mirror: a missing blob (Redis restarted or flushed)
is rebuilt from the database, and without ``CONTEST_REDIS_URL`` (a machine without Redis) or
while Redis does not answer, every poll reads the database.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis
from flask import Flask, current_app
from sqlalchemy.orm import Session

from quizapp.contest.clock import aware
from quizapp.contest.scoring import ranking
from quizapp.models import Contest, ContestPhase

log = logging.getLogger(__name__)

KEY = "quizapp:contest:{}:live"
# A blob lives a few seconds and is rebuilt when gone: a move whose publish failed while Redis
# was away shows within this time once it is back.
TTL_SECONDS = 10
TIMEOUT_SECONDS = 0.5


def init_app(app: Flask) -> None:
    """A Redis client for the contest state when ``CONTEST_REDIS_URL`` is set (it connects on
    first use: nothing is reached at start-up)."""
    url = app.config.get("CONTEST_REDIS_URL")
    app.extensions["contest_redis"] = redis.Redis.from_url(
        url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS,
    ) if url else None


def _client() -> redis.Redis | None:
    return current_app.extensions.get("contest_redis")


def build(session: Session, contest: Contest) -> dict[str, Any]:
    """The live state from the database."""
    return {
        "contest_id": contest.id,
        "code": contest.code,
        "phase": contest.phase.value,
        "position": contest.position,
        "total": len(contest.questions),
        "deadline": aware(contest.deadline).timestamp() if contest.deadline else None,
        "ranking": [row.as_dict() for row in ranking(session, contest)],
    }


def publish(session: Session, contest: Contest, rebuilt: bool = False) -> dict[str, Any]:
    """Write the contest's state (as committed) to Redis; returns it. A state ``rebuilt`` on a
    read is written only where none is (SET NX): it may have been read from the database just
    before a move, and must not overwrite the move's own publish."""
    state = build(session, contest)
    client = _client()
    if client is not None:
        try:
            client.set(KEY.format(contest.id), json.dumps(state), ex=TTL_SECONDS, nx=rebuilt)
        except redis.RedisError as error:  # the polls read the database until Redis is back
            log.warning("contest %s: state not published to Redis: %s", contest.id, error)
            _forget(contest.id)
    return state


def _forget(contest_id: int) -> None:
    """Try to drop a blob that may now be stale (a later read rebuilds it)."""
    client = _client()
    try:
        if client is not None:
            client.delete(KEY.format(contest_id))
    except redis.RedisError:
        pass


def read(session: Session, contest: Contest | int) -> dict[str, Any] | None:
    """The contest's live state: Redis's blob, else rebuilt from the database (and published).
    None for no such contest."""
    contest_id = contest if isinstance(contest, int) else contest.id
    client = _client()
    if client is not None:
        try:
            blob = client.get(KEY.format(contest_id))
        except redis.RedisError as error:
            log.warning("contest %s: Redis unavailable, reading the database: %s", contest_id, error)
            blob, client = None, None
        if blob is not None:
            return json.loads(blob)
    row = contest if isinstance(contest, Contest) else session.get(Contest, contest_id)
    if row is None:
        return None
    return publish(session, row, rebuilt=True) if client is not None else build(session, row)


def is_live(state: dict[str, Any]) -> bool:
    return state["phase"] in (ContestPhase.QUESTION.value, ContestPhase.REVEAL.value)
