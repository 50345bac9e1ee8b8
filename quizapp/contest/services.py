"""Setting a contest up: its rounds from a short spec, its questions from the bank, its teams.

Questions come from the approved bank of the speeches every member of the audience studies
(those of the contest's unit and the units above it), filtered by speech, type or key point
(要点), with any the organizer picks by number first; a contest holds at most one question of a
key point, best ranked first.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.contest.play import ContestError
from quizapp.models import (
    BankQuestion,
    Contest,
    ContestFormat,
    ContestQuestion,
    ContestRound,
    ContestTeam,
    Person,
    QuestionStatus,
    QuestionType,
    Speech,
    TeamMode,
    Unit,
    UnitKind,
)
from quizapp.models.org import ancestor_ids, subtree_ids

MAX_QUESTIONS = 100
MAX_TEAMS = 30
_FORMATS = {"全员答题": ContestFormat.ALL, "全员": ContestFormat.ALL, "all": ContestFormat.ALL,
            "抢答": ContestFormat.BUZZ, "buzz": ContestFormat.BUZZ}


@dataclass(frozen=True)
class RoundSpec:
    format: ContestFormat
    count: int
    points: int
    seconds: int
    risk: bool = False


def _number(text: str, low: int, high: int, what: str, line: int) -> int:
    text = text.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ContestError(f"第 {line} 行：{what}须是 {low}–{high} 之间的整数", 400)
    return int(text)


def parse_rounds(text: str) -> list[RoundSpec]:
    """Rounds from lines ``格式,题数,每题分值,秒数[,风险]`` (格式 全员答题 or 抢答; commas
    may be Chinese). Raises ContestError naming the first bad line."""
    rounds = []
    lines = [line.strip() for line in (text or "").replace("，", ",").splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        parts = [part.strip() for part in line.split(",")]
        if len(parts) not in (4, 5) or parts[0] not in _FORMATS:
            raise ContestError(f"第 {number} 行格式不对：应为“全员答题,3,10,20”或“抢答,2,20,15,风险”", 400)
        if len(parts) == 5 and parts[4] not in ("风险", "风险题"):
            raise ContestError(f"第 {number} 行：第五项只能写“风险”", 400)
        rounds.append(RoundSpec(_FORMATS[parts[0]], _number(parts[1], 1, 50, "题数", number),
                                _number(parts[2], 1, 1000, "每题分值", number),
                                _number(parts[3], 5, 600, "秒数", number), len(parts) == 5))
    if not rounds:
        raise ContestError("请至少设置一轮", 400)
    if sum(r.count for r in rounds) > MAX_QUESTIONS:
        raise ContestError(f"一场竞赛最多 {MAX_QUESTIONS} 道题", 400)
    return rounds


@dataclass(frozen=True)
class Selection:
    """Which bank questions may be drawn, and those picked by hand (by number, in order)."""

    speech_id: int | None = None
    qtype: QuestionType | None = None
    concept: str = ""
    picked: tuple[int, ...] = ()


def parse_picked(text: str) -> tuple[int, ...]:
    """Question numbers from ``12, 15 18`` (commas, spaces, 、)."""
    items = (text or "").replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    numbers = []
    for item in filter(None, (i.strip() for i in items)):
        if not item.isdigit() or len(item) > 9:
            raise ContestError(f"题号“{item[:20]}”不是数字", 400)
        numbers.append(int(item))
    return tuple(dict.fromkeys(numbers))


def pool(session: Session, unit_id: int, selection: Selection) -> list[BankQuestion]:
    """Approved questions the audience's members all study, matching the filters, best first."""
    statement = (select(BankQuestion).join(Speech)
                 .where(Speech.unit_id.in_(ancestor_ids(session, unit_id)),
                        BankQuestion.status == QuestionStatus.APPROVED)
                 .order_by(BankQuestion.quality.desc().nulls_last(), BankQuestion.id))
    if selection.speech_id:
        statement = statement.where(BankQuestion.speech_id == selection.speech_id)
    if selection.qtype:
        statement = statement.where(BankQuestion.type == selection.qtype)
    if selection.concept.strip():
        statement = statement.where(BankQuestion.concept.contains(selection.concept.strip()))
    return list(session.scalars(statement))


def choose_questions(session: Session, unit_id: int, selection: Selection,
                     count: int) -> list[BankQuestion]:
    """``count`` questions: the picked ones first, then the pool's best, one per key point."""
    candidates = pool(session, unit_id, selection)
    by_id = {q.id: q for q in pool(session, unit_id, Selection())}
    chosen: list[BankQuestion] = []
    for number in selection.picked:
        if number not in by_id:
            raise ContestError(f"题号 {number} 不在可用的已审核题目中", 400)
        chosen.append(by_id[number])
    points = {q.point for q in chosen}
    for question in candidates:
        if len(chosen) >= count:
            break
        if question.point not in points and question not in chosen:
            chosen.append(question)
            points.add(question.point)
    if len(chosen) < count:
        raise ContestError(f"符合条件的题目只有 {len(chosen)} 道（每个要点一道），少于各轮合计的 {count} 道", 400)
    return chosen


def _teams(session: Session, unit_id: int, team_mode: str, names: str) -> list[ContestTeam]:
    if team_mode == "free":
        items = [n.strip() for n in (names or "").replace("，", ",").replace("\n", ",").split(",")]
        items = list(dict.fromkeys(n for n in items if n))
        if len(items) < 2 or len(items) > MAX_TEAMS or any(len(n) > 50 for n in items):
            raise ContestError(f"自由组队请填写 2–{MAX_TEAMS} 个队名（每个不超过 50 字），用逗号分开", 400)
        return [ContestTeam(name=n, position=i) for i, n in enumerate(items)]
    kind = {"branch": UnitKind.BRANCH, "group": UnitKind.GROUP}.get(team_mode)
    if kind is None:
        raise ContestError("请选择组队方式", 400)
    units = session.scalars(select(Unit).where(Unit.id.in_(subtree_ids(session, unit_id)),
                                               Unit.kind == kind).order_by(Unit.id)).all()
    if not 2 <= len(units) <= MAX_TEAMS:
        raise ContestError(f"该组织下有 {len(units)} 个{kind.label}，按{kind.label}组队需要 2–{MAX_TEAMS} 个", 400)
    return [ContestTeam(name=u.name, unit_id=u.id, position=i) for i, u in enumerate(units)]


def _code(session: Session) -> str:
    while True:
        code = f"{secrets.randbelow(900000) + 100000}"
        if session.scalar(select(Contest.id).where(Contest.code == code)) is None:
            return code


def create_contest(session: Session, organizer: Person, title: str, unit_id: int,
                   team_mode: str, team_names: str, rounds: list[RoundSpec],
                   selection: Selection) -> Contest:
    """A contest in its lobby, with its teams, rounds and questions. Raises ContestError."""
    title = (title or "").strip()
    if not title or len(title) > 100:
        raise ContestError("请填写竞赛名称（不超过 100 字）", 400)
    teams = _teams(session, unit_id, team_mode, team_names)
    total = sum(r.count for r in rounds)
    questions = choose_questions(session, unit_id, selection, total)
    if len(questions) != total:
        raise ContestError(f"手选了 {len(questions)} 道题，但各轮合计 {total} 道，请调整", 400)
    contest = Contest(title=title, unit_id=unit_id, code=_code(session),
                      team_mode=TeamMode.FREE if team_mode == "free" else TeamMode.UNITS,
                      created_by_id=organizer.id)
    contest.teams = teams
    session.add(contest)
    session.flush()
    position = 0
    for index, spec in enumerate(rounds):
        round_ = ContestRound(contest_id=contest.id, position=index, format=spec.format,
                              points=spec.points, seconds=spec.seconds, risk=spec.risk)
        session.add(round_)
        session.flush()
        for _ in range(spec.count):
            session.add(ContestQuestion(contest_id=contest.id, round_id=round_.id,
                                        position=position, question_id=questions[position].id))
            position += 1
    session.flush()
    session.expire(contest, ["questions", "rounds", "teams"])
    return contest
