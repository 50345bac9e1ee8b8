"""After the contest: the ranking and every member's answers, the Excel export, and the
contest's points into the ledger.

Points follow the contest rule of the point rules in effect (``quizapp.points.rules``,
``contest``): every member who joined gets ``participate`` points, and the members of the
teams ranked first, second and third get ``rank_bonus`` on top. They are entered as ledger
entries of their own kind that count only once a secretary approves them, as 奖/惩 do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quizapp.contest.clock import now
from quizapp.contest.play import ContestError
from quizapp.contest.queries import LETTERS, key_text
from quizapp.contest.scoring import Standing, ranking
from quizapp.models import (
    Contest,
    ContestAnswer,
    ContestAward,
    ContestEntrant,
    ContestPhase,
    Person,
    Role,
    RoleGrant,
    RuleKind,
    Speech,
    Unit,
    UnitKind,
)
from quizapp.models.org import ancestor_ids, subtree_ids
from quizapp.points.manual import add_contest_entry
from quizapp.results.rules import contest_rules, rules_in_effect


def host_units(session: Session, person: Person) -> list[tuple[int, str]]:
    """Units a contest may be held for by ``person`` (their organizer or admin subtrees)."""
    roots = session.scalars(select(RoleGrant.unit_id).where(
        RoleGrant.person_id == person.id, RoleGrant.role.in_([Role.ORGANIZER, Role.ADMIN])))
    ids: set[int] = set()
    for root in roots:
        ids |= subtree_ids(session, root)
    units = session.scalars(select(Unit).where(Unit.id.in_(ids), Unit.kind != UnitKind.GROUP)
                            .order_by(Unit.id).limit(500))
    return [(unit.id, unit.name) for unit in units]


def host_speeches(session: Session, person: Person) -> list[tuple[int, str]]:
    """Speeches whose questions a contest of ``person`` may draw: those of the units they host
    for and of the units above them (what those units' members study)."""
    roots = list(session.scalars(select(RoleGrant.unit_id).where(
        RoleGrant.person_id == person.id, RoleGrant.role.in_([Role.ORGANIZER, Role.ADMIN]))))
    ids: set[int] = set()
    for root in roots:
        ids |= subtree_ids(session, root) | set(ancestor_ids(session, root))
    rows = session.execute(select(Speech.id, Speech.title).where(Speech.unit_id.in_(ids))
                           .order_by(Speech.id.desc()).limit(200))
    return [(row.id, row.title) for row in rows]


def hostable_contests(session: Session, person: Person) -> list[Contest]:
    """Contests of the units ``person`` may host for, newest first."""
    ids = [unit_id for unit_id, _name in host_units(session, person)]
    return list(session.scalars(select(Contest).where(Contest.unit_id.in_(ids))
                                .order_by(Contest.id.desc()).limit(100)))


@dataclass
class MemberRow:
    name: str
    unit: str
    team: str
    answers: list[str] = field(default_factory=list)
    right: int = 0


@dataclass(frozen=True)
class ResultSheet:
    contest: Contest
    standings: list[Standing]
    questions: list[tuple[int, str, str]]  # number, stem, key
    members: list[MemberRow]


def _shown(response: object, options: list[str]) -> str:
    if isinstance(response, bool):
        return "正确" if response else "错误"
    if isinstance(response, list) and options:
        return "".join(LETTERS[i] for i in response if isinstance(i, int) and 0 <= i < len(LETTERS))
    if isinstance(response, list):
        return "；".join(str(v) for v in response)
    return ""


def result_sheet(session: Session, contest: Contest) -> ResultSheet:
    """The ranking and each member's answer (✓/✗) to every question."""
    items = contest.questions
    answers = {(a.person_id, a.contest_question_id): a for a in session.scalars(
        select(ContestAnswer).where(ContestAnswer.contest_id == contest.id))}
    rows = []
    for entrant in session.scalars(select(ContestEntrant).join(Person)
                                   .where(ContestEntrant.contest_id == contest.id)
                                   .order_by(ContestEntrant.team_id, Person.name)):
        row = MemberRow(entrant.person.name, entrant.person.unit.name, entrant.team.name)
        for item in items:
            given = answers.get((entrant.person_id, item.id))
            if given is None:
                row.answers.append("" if item.round.format.value == "buzz" else "未答")
            else:
                row.answers.append(("✓ " if given.correct else "✗ ")
                                   + _shown(given.response, item.question.options))
                row.right += int(given.correct)
        rows.append(row)
    return ResultSheet(contest, ranking(session, contest),
                       [(i.position + 1, i.question.stem, key_text(i.question)) for i in items], rows)


def workbook(sheet: ResultSheet) -> bytes:
    """The results as an .xlsx: 排名, 答题明细 and 题目."""
    book = Workbook()
    bold = Font(bold=True)
    ranks = book.active
    ranks.title = "排名"
    ranks.append(["名次", "队伍", "人数", "得分"])
    for standing in sheet.standings:
        ranks.append([standing.rank, standing.name, standing.members, standing.points])
    detail = book.create_sheet("答题明细")
    detail.append(["姓名", "单位", "队伍", "答对题数", *[f"第{n}题" for n, _s, _k in sheet.questions]])
    for row in sheet.members:
        detail.append([row.name, row.unit, row.team, row.right, *row.answers])
    questions = book.create_sheet("题目")
    questions.append(["题号", "题干", "答案"])
    for number, stem, key in sheet.questions:
        questions.append([number, stem, key])
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = bold
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post_points(session: Session, contest_id: int, created_by_id: int) -> int:
    """Enter the contest's points for every member who joined, waiting for approval; once per
    contest (a second call, even a racing one, is refused). Returns the number of entries."""
    stamp = now()
    claimed = session.execute(
        update(Contest).where(Contest.id == contest_id, Contest.phase == ContestPhase.ENDED,
                              Contest.points_posted_at.is_(None))
        .values(points_posted_at=stamp)).rowcount
    contest = session.get(Contest, contest_id)
    if contest is None:
        raise ContestError("找不到这场竞赛", 404)
    if not claimed:
        raise ContestError("竞赛结束后才能计分" if contest.phase is not ContestPhase.ENDED
                           else "这场竞赛的积分已经提交过了")
    standings = {s.team_id: s.rank for s in ranking(session, contest)}
    count = 0
    for entrant in session.scalars(select(ContestEntrant).where(
            ContestEntrant.contest_id == contest_id)):
        version = rules_in_effect(session, RuleKind.POINTS, entrant.person.unit_id, date.today())
        rules = contest_rules(version.rules)
        rank = standings.get(entrant.team_id, 0)
        bonus = rules["rank_bonus"][rank - 1] if 1 <= rank <= len(rules["rank_bonus"]) else 0
        points = rules["participate"] + bonus
        if points <= 0 or entrant.person_id == created_by_id:
            continue
        reason = f"知识竞赛《{contest.title}》：参赛 {rules['participate']} 分" + (
            f"，队伍第 {rank} 名加 {bonus} 分" if bonus else "")
        entry = add_contest_entry(session, entrant.person_id, points, reason, version.id,
                                  created_by_id, stamp)
        session.add(ContestAward(contest_id=contest_id, person_id=entrant.person_id,
                                 entry_id=entry.id))
        count += 1
    session.flush()
    return count
