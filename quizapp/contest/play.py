"""The contest's state machine and the members' moves: join, answer, press (抢答).

The host moves a contest lobby → question → reveal → question … → ended (``advance``), each
move naming the phase and position the host's screen showed, so two clicks (or two hosts on
two nodes) never skip a question. The contest's row is locked for the move (``FOR UPDATE``)
and every answer reads it under a shared lock (``FOR KEY SHARE``): an answer is either
committed before the answer is shown, and counted, or refused. Time is the server's: an
answer after ``Contest.deadline`` is refused, whatever the phone's clock says.
Services flush; the view commits and then publishes the state (``state.publish``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cachetools import LRUCache
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from quizapp.contest.clock import aware, now as utcnow
from quizapp.contest.scoring import score_question
from quizapp.models import (
    Contest,
    ContestAnswer,
    ContestBuzz,
    ContestEntrant,
    ContestFormat,
    ContestPhase,
    ContestQuestion,
    ContestStake,
    ContestTeam,
    Person,
    QuestionType,
    TeamMode,
)
from quizapp.models.org import ancestor_ids
from quizapp.results.grading import grade
from quizapp.quiz.responses import BadResponse, blank_count, to_stored
from quizapp.sql import insert_for


class ContestError(Exception):
    """A move that cannot be made; the message is for the person (Chinese)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def _locked(session: Session, contest_id: int, shared: bool = False) -> Contest:
    statement = select(Contest).where(Contest.id == contest_id).execution_options(
        populate_existing=True)
    statement = statement.with_for_update(key_share=True, read=True) if shared \
        else statement.with_for_update()
    contest = session.scalar(statement)
    if contest is None:
        raise ContestError("找不到这场竞赛", 404)
    return contest


def current_question(contest: Contest) -> ContestQuestion | None:
    """The question on screen (or just shown), None in the lobby or after the end."""
    if contest.phase in (ContestPhase.QUESTION, ContestPhase.REVEAL) \
            and contest.position < len(contest.questions):
        return contest.questions[contest.position]
    return None


def _open_question(contest: Contest, position: int, now: datetime) -> None:
    contest.phase = ContestPhase.QUESTION
    contest.position = position
    contest.deadline = now + timedelta(seconds=contest.questions[position].round.seconds)


def advance(session: Session, contest_id: int, phase: str, position: int,
            now: datetime | None = None) -> Contest:
    """The host's one move from what their screen showed (``phase``, ``position``): start the
    first question, show the answer (scoring the question), open the next question, or end
    after the last. Raises ContestError when the contest has moved on meanwhile or is over."""
    now = now or utcnow()
    contest = _locked(session, contest_id)
    if contest.phase.value != phase or contest.position != position:
        raise ContestError("竞赛进度已变化，画面已刷新，请再操作一次")
    if contest.phase is ContestPhase.ENDED:
        raise ContestError("竞赛已经结束")
    if not contest.questions:
        raise ContestError("这场竞赛没有题目")
    if contest.phase is ContestPhase.LOBBY:
        _open_question(contest, 0, now)
    elif contest.phase is ContestPhase.QUESTION:
        item = contest.questions[contest.position]
        # A countdown cut short ends now: no answer is taken after the answer is shown.
        contest.deadline = min(aware(contest.deadline) or now, now)
        score_question(session, contest, item, contest.deadline)
        contest.phase = ContestPhase.REVEAL
    elif contest.position + 1 < len(contest.questions):
        _open_question(contest, contest.position + 1, now)
    else:
        contest.phase, contest.deadline, contest.ended_at = ContestPhase.ENDED, None, now
    session.flush()
    return contest


def end(session: Session, contest_id: int, now: datetime | None = None) -> Contest:
    """End the contest now (a question on screen is scored first)."""
    now = now or utcnow()
    contest = _locked(session, contest_id)
    if contest.phase is ContestPhase.ENDED:
        raise ContestError("竞赛已经结束")
    if contest.phase is ContestPhase.QUESTION:
        contest.deadline = min(aware(contest.deadline) or now, now)
        score_question(session, contest, contest.questions[contest.position], contest.deadline)
    contest.phase, contest.deadline, contest.ended_at = ContestPhase.ENDED, None, now
    session.flush()
    return contest


def in_audience(session: Session, contest: Contest, person: Person) -> bool:
    """Whether ``person`` is in the contest's audience (a member of its unit's subtree)."""
    return person.active and contest.unit_id in ancestor_ids(session, person.unit_id)


def team_for(session: Session, contest: Contest, person: Person,
             team_id: int | None) -> ContestTeam:
    """The team ``person`` joins: their unit's (by units), or the one they picked (free)."""
    if contest.team_mode is TeamMode.UNITS:
        chain = ancestor_ids(session, person.unit_id)
        for unit_id in chain:  # the nearest unit with a team
            team = next((t for t in contest.teams if t.unit_id == unit_id), None)
            if team is not None:
                return team
        raise ContestError("您所在的支部（党小组）没有参赛队伍，请联系主持人", 403)
    team = next((t for t in contest.teams if t.id == team_id), None)
    if team is None:
        raise ContestError("请选择一支队伍", 400)
    return team


def join(session: Session, contest: Contest, person: Person, team_id: int | None = None,
         now: datetime | None = None) -> ContestEntrant:
    """``person`` joins (once; joining again returns their entry). A late joiner joins at the
    current question. Raises ContestError outside the audience or after the end."""
    entrant = entrant_of(session, contest.id, person.id)
    if entrant is not None:
        return entrant
    if not in_audience(session, contest, person):
        raise ContestError("这场竞赛不面向您所在的组织", 403)
    if contest.phase is ContestPhase.ENDED:
        raise ContestError("竞赛已经结束")
    team = team_for(session, contest, person, team_id)
    session.execute(insert_for(session, ContestEntrant)
                    .values(contest_id=contest.id, person_id=person.id, team_id=team.id,
                            joined_at=now or utcnow())
                    .on_conflict_do_nothing(index_elements=["contest_id", "person_id"]))
    return entrant_of(session, contest.id, person.id)  # type: ignore[return-value]


def entrant_of(session: Session, contest_id: int, person_id: int) -> ContestEntrant | None:
    return session.scalar(select(ContestEntrant).where(ContestEntrant.contest_id == contest_id,
                                                       ContestEntrant.person_id == person_id))


@dataclass(frozen=True)
class Ack:
    """An answer stored (``new``: by this request; else the one stored before stands)."""

    position: int
    new: bool


@dataclass(frozen=True)
class Key:
    """What grading an answer to a contest question needs; fixed once the contest is set up.
    ``code`` is the contest's: a database made afresh (tests, a reinstall) reuses ids, and the
    code tells its contests from the old ones."""

    code: str
    item_id: int
    format: ContestFormat
    qtype: QuestionType
    options: int
    blanks: int
    answer: Any
    variants: list[Any]


# By contest id and position: an answer then costs no query for its question.
_keys: LRUCache[tuple[int, int], Key] = LRUCache(maxsize=4096)
_keys_lock = threading.Lock()


def cached_key(contest_id: int, position: int) -> Key | None:
    """The key of the question at ``position`` if this process has read it (for the quick
    path, which checks ``Key.code`` against the contest's row)."""
    with _keys_lock:
        return _keys.get((contest_id, position))


def _key_of(session: Session, contest_id: int, code: str, position: int) -> Key | None:
    cached = cached_key(contest_id, position)
    if cached is not None and cached.code == code:
        return cached
    item = session.scalar(select(ContestQuestion)
                          .options(joinedload(ContestQuestion.round),
                                   joinedload(ContestQuestion.question))
                          .where(ContestQuestion.contest_id == contest_id,
                                 ContestQuestion.position == position))
    if item is None:
        return None
    question = item.question
    key = Key(code, item.id, item.round.format, question.type, len(question.options),
              blank_count(question.stem, question.answer_count), question.answer,
              list(question.accepted_variants))
    with _keys_lock:
        _keys[(contest_id, position)] = key
    return key


def graded(key: Key, shown: Any) -> tuple[Any, bool]:
    """The answer ``shown`` to ``key``'s question as stored, and whether it is right. Raises
    BadResponse (malformed, or blank: "请先作答")."""
    stored = to_stored(key.qtype, list(range(key.options)), key.blanks, shown)
    if stored is None:
        raise BadResponse("请先作答再提交")
    return stored, grade(key.qtype, key.answer, key.variants, stored).correct


def _open_for(session: Session, contest_id: int, position: int, now: datetime,
              fmt: ContestFormat) -> Key:
    """The question at ``position`` when it is open for answers now, under a shared lock of
    the contest's row (a move of the host waits for this transaction, and this for a move)."""
    row = session.execute(
        select(Contest.phase, Contest.position, Contest.deadline, Contest.code)
        .where(Contest.id == contest_id).with_for_update(key_share=True, read=True)).first()
    if row is None:
        raise ContestError("找不到这场竞赛", 404)
    if row.phase is not ContestPhase.QUESTION or row.position != position:
        raise ContestError("这道题已经结束")
    if row.deadline is None or now > aware(row.deadline):
        raise ContestError("答题时间已到，答案未被接受")
    key = _key_of(session, contest_id, row.code, position)
    if key is None:
        raise ContestError("这道题已经结束")
    if key.format is not fmt:
        raise ContestError("这道题是" + key.format.label + "题", 400)
    return key


def answer(session: Session, contest_id: int, person_id: int, team_id: int, position: int,
           shown: Any, now: datetime | None = None) -> Ack:
    """Store and grade the answer of a member (who joined, in ``team_id``) to the 全员答题
    question at ``position``; the first answer stands. Raises ContestError (another question,
    after the deadline by the server's clock) or BadResponse."""
    now = now or utcnow()
    key = _open_for(session, contest_id, position, now, ContestFormat.ALL)
    stored, right = graded(key, shown)
    new_id = session.execute(
        insert_for(session, ContestAnswer)
        .values(contest_id=contest_id, contest_question_id=key.item_id, person_id=person_id,
                team_id=team_id, response=stored, correct=right, answered_at=now)
        .on_conflict_do_nothing(index_elements=["contest_question_id", "person_id"])
        .returning(ContestAnswer.id)).scalar()
    return Ack(position, new_id is not None)


def press(session: Session, contest_id: int, person_id: int, team_id: int, position: int,
          now: datetime | None = None) -> bool:
    """A 抢答 press of a member of ``team_id``; True when their team pressed first."""
    now = now or utcnow()
    key = _open_for(session, contest_id, position, now, ContestFormat.BUZZ)
    session.execute(insert_for(session, ContestBuzz)
                    .values(contest_question_id=key.item_id, team_id=team_id,
                            person_id=person_id, pressed_at=now)
                    .on_conflict_do_nothing(index_elements=["contest_question_id"]))
    first = session.scalar(select(ContestBuzz.team_id).where(
        ContestBuzz.contest_question_id == key.item_id))
    return first == team_id


def _on_screen(session: Session, contest_id: int, position: int) -> ContestQuestion:
    contest = _locked(session, contest_id)
    if contest.phase is not ContestPhase.QUESTION or contest.position != position:
        raise ContestError("只能在答题阶段操作这道题")
    return contest.questions[position]


def judge(session: Session, contest_id: int, position: int, correct: bool) -> ContestBuzz:
    """The judge marks the pressing team's answer right or wrong (may be changed until shown)."""
    item = _on_screen(session, contest_id, position)
    buzz = session.scalar(select(ContestBuzz).where(ContestBuzz.contest_question_id == item.id))
    if buzz is None:
        raise ContestError("还没有队伍抢答")
    buzz.correct = correct
    session.flush()
    return buzz


def set_stake(session: Session, contest_id: int, position: int, team_id: int,
              stake: int) -> None:
    """A team's stake on a 风险题 (0 to 3 × the round's points), before the answer is shown."""
    item = _on_screen(session, contest_id, position)
    if not item.round.risk:
        raise ContestError("这道题不是风险题", 400)
    limit = 3 * item.round.points
    if isinstance(stake, bool) or not isinstance(stake, int) or not 0 <= stake <= limit:
        raise ContestError(f"押分须是 0–{limit} 之间的整数", 400)
    if session.get(ContestTeam, team_id) is None or \
            session.get_one(ContestTeam, team_id).contest_id != contest_id:
        raise ContestError("找不到这支队伍", 400)
    session.execute(insert_for(session, ContestStake)
                    .values(contest_question_id=item.id, team_id=team_id, stake=stake)
                    .on_conflict_do_update(index_elements=["contest_question_id", "team_id"],
                                           set_={"stake": stake}))
