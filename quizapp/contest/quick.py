"""The answer's quick path on PostgreSQL: one statement in autocommit, no ORM; and the plain
poll's login check (``login_is_live``), one statement too.

An answer is the request a live contest sends most at once: every phone in the room within
the same few seconds. The checked path (``routes._checked_answer``: Flask-Login, then
``play.answer``) costs five round trips on PostgreSQL (BEGIN, the login's person, the contest's
row under a shared lock, the insert, COMMIT) and the ORM's work on each. Here one statement
checks the login (``auth.session.live_login``, as the quiz's autosave does), locks the contest's
row while the question at the answer's position is open by the server's clock (``FOR KEY
SHARE``, as ``play._open_for`` does) and inserts the graded answer; in autocommit it is durable
when the statement returns, before the phone is told.

It only ever answers "stored, new". Whatever it does not store gives None, and the view takes
the checked path, which stores it or refuses it with its usual message: SQLite, no login claim
or no team in the session, a question this process has not read yet (``play.cached_key``), a
malformed or blank answer, a login that is not live, a contest that moved on, a late answer,
a second answer of the member (the first stands: the checked path says so). So the two paths
differ only in what a stored answer costs; and an answer the statement does not store changes
nothing.

Moves and answers stay ordered by the contest's row: a move locks it ``FOR UPDATE``, which
waits for every answer's shared lock and makes a waiting answer read the row again as moved
(PostgreSQL re-checks the ``WHERE`` of a row it waited for), so an answer is committed before
its question's answer is shown, and counted, or refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from quizapp.auth.session import LoginClaim, live_login
from quizapp.contest import play
from quizapp.extensions import db
from quizapp.models import Contest, ContestAnswer, ContestFormat, ContestPhase
from quizapp.quiz.responses import BadResponse

_contest = Contest.__table__
_OPEN = (
    select(_contest.c.id)
    .where(_contest.c.id == bindparam("contest_id"), _contest.c.code == bindparam("code"),
           _contest.c.phase == ContestPhase.QUESTION, _contest.c.position == bindparam("position"),
           _contest.c.deadline >= bindparam("now"),
           live_login(bindparam("person_id"), bindparam("now")))
    .with_for_update(key_share=True, read=True)  # FOR KEY SHARE, as play._open_for
    .cte("open_question")
)
# SQLAlchemy's own INSERT, not PostgreSQL's (whose ON CONFLICT clause keeps it out of the
# compiled cache: compiling this statement anew cost more CPU than the rest of the request). A
# second answer of the member breaks the unique constraint instead, and goes the checked way.
_STORE = (
    insert(ContestAnswer)
    .from_select(
        ["contest_id", "contest_question_id", "person_id", "team_id", "response", "correct",
         "answered_at"],
        select(_OPEN.c.id, bindparam("item_id"), bindparam("person_id"), bindparam("team_id"),
               bindparam("response", type_=JSON), bindparam("correct"), bindparam("now")))
    .returning(ContestAnswer.id)
)


_LIVE = select(live_login(bindparam("person_id"), bindparam("now")))


def login_is_live(claim: LoginClaim) -> bool:
    """Whether ``claim``'s login is live and owes no password change, in one statement in
    autocommit (a phone's plain poll, which reads nothing else of the database); False on
    SQLite, where the view takes the checked path."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        return bool(connection.execute(_LIVE, {
            "person_id": claim.person_id, "now": play.utcnow(),
            "claim_version": claim.auth_version, "claim_digest": claim.digest}).scalar())


def answer(claim: LoginClaim, contest_id: int, team_id: int, position: int, shown: Any,
           now: datetime | None = None) -> play.Ack | None:
    """Store the answer if everything checks out, committed; else None (see the module)."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return None
    key = play.cached_key(contest_id, position)
    if key is None or key.format is not ContestFormat.ALL:
        return None
    try:
        stored, right = play.graded(key, shown)
    except BadResponse:
        return None
    now = now or play.utcnow()  # the clock play.answer judges by
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            new_id = connection.execute(_STORE, {
                "contest_id": contest_id, "code": key.code, "position": position, "now": now,
                "person_id": claim.person_id, "claim_version": claim.auth_version,
                "claim_digest": claim.digest, "item_id": key.item_id, "team_id": team_id,
                "response": stored, "correct": right,
            }).scalar()
        except IntegrityError:  # answered before (or the team is gone): nothing was stored
            return None
    return play.Ack(position, True) if new_id is not None else None
