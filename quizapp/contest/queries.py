"""What the host's screen and the phones show: built from the live state and the database.

A question's text (what a phone shows) is the same for the whole contest, so each process keeps
it once per contest and position (``question_payload``); the answer key is sent only once the
answer is shown.

Every poll's reply tells the phone when to poll next (``poll_ms``, ``next_poll_ms``): once a
second, but every two seconds while the question is open and the phone has answered it. Such a
phone only waits for the host to show the answer (which it then sees within two seconds), and
in a room where everyone answers at once this takes up to half of the polls off the node
while the answers arrive. The host's screen polls for itself and is not slowed.
"""

from __future__ import annotations

import threading
from typing import Any

from cachetools import LRUCache
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.contest.clock import now
from quizapp.models import (
    BankQuestion,
    Contest,
    ContestAnswer,
    ContestBuzz,
    ContestEntrant,
    ContestPhase,
    ContestQuestion,
    ContestStake,
    ContestTeam,
    QuestionType,
)
from quizapp.quiz.responses import blank_count

LETTERS = "ABCDEFGH"
POLL_MS = 1000
ANSWERED_POLL_MS = 2000
# By contest id, code and position: a database made afresh (tests, a reinstall) reuses ids, and
# the code tells its contests from the old ones.
_payloads: LRUCache[tuple[int, str, int], dict[str, Any]] = LRUCache(maxsize=2048)
_lock = threading.Lock()


def key_text(question: BankQuestion) -> str:
    """The answer key in words: 'B. …', '正确', or the blanks joined."""
    if question.type is QuestionType.JUDGE:
        return "正确" if question.answer else "错误"
    if question.type is QuestionType.FILL:
        return "；".join(v if isinstance(v, str) else "/".join(v) for v in question.answer)
    return "；".join(f"{LETTERS[i]}. {question.options[i]}" for i in question.answer
                    if 0 <= i < len(question.options))


def question_payload(session: Session, contest_id: int, code: str,
                     position: int) -> dict[str, Any] | None:
    """What a phone shows of the question at ``position`` (no key); cached per process."""
    cached = _payloads.get((contest_id, code, position))
    if cached is not None:
        return cached
    item = session.scalar(select(ContestQuestion).where(ContestQuestion.contest_id == contest_id,
                                                        ContestQuestion.position == position))
    if item is None:
        return None
    question = item.question
    payload = {
        "position": position, "type": question.type.value, "type_label": question.type.label,
        "stem": question.stem, "options": list(question.options),
        "blanks": blank_count(question.stem, question.answer_count)
        if question.type is QuestionType.FILL else 0,
        "format": item.round.format.value, "format_label": item.round.format.label,
        "round": item.round.title, "points": item.round.points, "risk": item.round.risk,
        "seconds": item.round.seconds,
    }
    with _lock:
        _payloads[(contest_id, code, position)] = payload
    return payload


def reveal_payload(item: ContestQuestion) -> dict[str, Any]:
    """The key with its 解析 and source sentence."""
    question = item.question
    return {"key": key_text(question), "answer": question.answer,
            "explanation": question.explanation, "sentence": question.sentence,
            "speech": question.speech.title}


def remaining_ms(state: dict[str, Any]) -> int:
    """Milliseconds left on the countdown by the server's clock (0 when none)."""
    if state["phase"] != ContestPhase.QUESTION.value or state["deadline"] is None:
        return 0
    return max(0, int((state["deadline"] - now().timestamp()) * 1000))


def next_poll_ms(state: dict[str, Any], answered_position: int | None) -> int:
    """How long a phone waits before its next poll: ``ANSWERED_POLL_MS`` while the question at
    ``answered_position`` (the one the phone has answered, if any) is open, else ``POLL_MS``.
    The phone says what it answered; a phone that claims so wrongly only slows its own polls."""
    if (answered_position is not None and answered_position == state["position"]
            and remaining_ms(state) > 0):
        return ANSWERED_POLL_MS
    return POLL_MS


def _current_item(session: Session, contest_id: int, position: int) -> ContestQuestion | None:
    return session.scalar(select(ContestQuestion).where(ContestQuestion.contest_id == contest_id,
                                                        ContestQuestion.position == position))


def phone_view(session: Session, state: dict[str, Any], person_id: int, team_id: int,
               mine: bool = False, answered_position: int | None = None) -> dict[str, Any]:
    """A member's poll: the state, the question and when to poll next (``next_poll_ms``, with
    the position the phone says it has answered). With ``mine`` (the page asks when the
    question or phase changed) also whether they answered it, and after the answer is shown,
    the key and whether they were right; other polls touch no table."""
    names = {row["team_id"]: row["name"] for row in state["ranking"]}
    view: dict[str, Any] = {
        "phase": state["phase"], "position": state["position"], "total": state["total"],
        "remaining_ms": remaining_ms(state), "ranking": state["ranking"],
        "team": names.get(team_id, ""), "team_id": team_id,
    }
    if state["phase"] in (ContestPhase.QUESTION.value, ContestPhase.REVEAL.value):
        view["question"] = question_payload(session, state["contest_id"], state["code"],
                                            state["position"])
        if mine:
            given = session.execute(
                select(ContestAnswer.correct).join(ContestQuestion)
                .where(ContestQuestion.contest_id == state["contest_id"],
                       ContestQuestion.position == state["position"],
                       ContestAnswer.person_id == person_id)).first()
            view["answered"] = given is not None
            if state["phase"] == ContestPhase.REVEAL.value:
                item = _current_item(session, state["contest_id"], state["position"])
                view["reveal"] = reveal_payload(item) if item else None
                view["correct"] = bool(given and given[0])
            if given is not None:
                answered_position = state["position"]
    view["poll_ms"] = next_poll_ms(state, answered_position)
    return view


def host_view(session: Session, contest: Contest, state: dict[str, Any]) -> dict[str, Any]:
    """The projector's poll: the state, joined and answered counts (from the database, so
    always right), the question, presses and stakes, and the key once shown."""
    joined = dict(session.execute(select(ContestEntrant.team_id, func.count())
                                  .where(ContestEntrant.contest_id == contest.id)
                                  .group_by(ContestEntrant.team_id)).all())
    view: dict[str, Any] = {
        "phase": state["phase"], "phase_label": ContestPhase(state["phase"]).label,
        "position": state["position"], "total": state["total"],
        "remaining_ms": remaining_ms(state), "ranking": state["ranking"],
        "joined": sum(joined.values()), "answered": 0,
    }
    item = _current_item(session, contest.id, state["position"])
    if item is not None and state["phase"] in (ContestPhase.QUESTION.value,
                                               ContestPhase.REVEAL.value):
        view["question"] = question_payload(session, contest.id, contest.code, state["position"])
        view["answered"] = session.scalar(select(func.count()).select_from(ContestAnswer).where(
            ContestAnswer.contest_question_id == item.id)) or 0
        buzz = session.scalar(select(ContestBuzz).where(ContestBuzz.contest_question_id == item.id))
        view["buzz"] = None if buzz is None else {
            "team": session.get_one(ContestTeam, buzz.team_id).name, "correct": buzz.correct}
        view["stakes"] = dict(session.execute(
            select(ContestTeam.name, ContestStake.stake).join(ContestTeam)
            .where(ContestStake.contest_question_id == item.id)).all())
        if state["phase"] == ContestPhase.REVEAL.value:
            view["reveal"] = reveal_payload(item)
            view["right"] = session.scalar(select(func.count()).select_from(ContestAnswer).where(
                ContestAnswer.contest_question_id == item.id, ContestAnswer.correct.is_(True))) or 0
    return view
