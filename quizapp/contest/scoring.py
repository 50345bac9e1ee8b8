"""A team's points for a question, and the ranking: the one place both are computed.

全员答题 is fair to team size: a team scores by its correct share, the members who answered
right over the members it had when the countdown ended (a member who did not answer counts as
wrong), so a team of three with two right scores as a team of nine with six right. 抢答 gives
the team that pressed first its share 1 (marked right) or 0. A 风险题 replaces the round's
points by the team's stake: it wins ``stake × (2 × share − 1)``, the whole stake when all are
right, losing it when all are wrong.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Contest,
    ContestAnswer,
    ContestBuzz,
    ContestEntrant,
    ContestFormat,
    ContestQuestion,
    ContestScore,
    ContestStake,
    ContestTeam,
)


def question_points(round_points: int, share: float, stake: int | None) -> float:
    """A team's points for a question from its correct share (0-1), the round's points and,
    on a 风险题, its stake."""
    if stake is not None:
        return stake * (2 * share - 1)
    return round_points * share


def team_sizes(session: Session, contest_id: int, at: datetime | None) -> dict[int, int]:
    """Members per team who had joined by ``at`` (all members when None)."""
    statement = (select(ContestEntrant.team_id, func.count())
                 .where(ContestEntrant.contest_id == contest_id)
                 .group_by(ContestEntrant.team_id))
    if at is not None:
        statement = statement.where(ContestEntrant.joined_at <= at)
    return dict(session.execute(statement).all())


def score_question(session: Session, contest: Contest, item: ContestQuestion,
                   at: datetime) -> list[ContestScore]:
    """Write every team's points for ``item`` (once: scores already written are kept)."""
    existing = session.scalars(select(ContestScore).where(
        ContestScore.contest_question_id == item.id)).all()
    if existing:
        return list(existing)
    stakes = dict(session.execute(select(ContestStake.team_id, ContestStake.stake).where(
        ContestStake.contest_question_id == item.id)).all()) if item.round.risk else {}
    shares: dict[int, float] = {}
    if item.round.format is ContestFormat.ALL:
        sizes = team_sizes(session, contest.id, at)
        right = dict(session.execute(
            select(ContestAnswer.team_id, func.count())
            .where(ContestAnswer.contest_question_id == item.id, ContestAnswer.correct.is_(True))
            .group_by(ContestAnswer.team_id)).all())
        shares = {team_id: min(right.get(team_id, 0) / size, 1.0)
                  for team_id, size in sizes.items() if size}
    else:
        buzz = session.scalar(select(ContestBuzz).where(ContestBuzz.contest_question_id == item.id))
        if buzz is not None and buzz.correct is not None:
            shares = {buzz.team_id: 1.0 if buzz.correct else 0.0}
    scores = [ContestScore(contest_id=contest.id, contest_question_id=item.id, team_id=team_id,
                           share=share,
                           points=question_points(item.round.points, share,
                                                  stakes.get(team_id, item.round.points)
                                                  if item.round.risk else None))
              for team_id, share in sorted(shares.items())]
    session.add_all(scores)
    session.flush()
    return scores


@dataclass(frozen=True)
class Standing:
    """A team's place in the ranking (equal points share a rank)."""

    rank: int
    team_id: int
    name: str
    points: float
    members: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def ranking(session: Session, contest: Contest) -> list[Standing]:
    """Teams by their total points (to two decimals, summed unrounded: three thirds of 20
    make 20), best first; equal totals share a rank."""
    totals = dict(session.execute(
        select(ContestScore.team_id, func.sum(ContestScore.points))
        .where(ContestScore.contest_id == contest.id).group_by(ContestScore.team_id)).all())
    sizes = team_sizes(session, contest.id, None)
    teams = session.scalars(select(ContestTeam).where(ContestTeam.contest_id == contest.id)
                            .order_by(ContestTeam.position, ContestTeam.id)).all()
    rows = sorted(((round(float(totals.get(team.id) or 0), 2), team) for team in teams),
                  key=lambda pair: -pair[0])
    standings, rank, last = [], 0, None
    for index, (points, team) in enumerate(rows):
        if points != last:
            rank, last = index + 1, points
        standings.append(Standing(rank, team.id, team.name, points, sizes.get(team.id, 0)))
    return standings
