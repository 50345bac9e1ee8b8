"""Entering paper members' sittings: a batch of typed lines checked as a whole, then each
member's sitting recorded and graded like an online one.

A line with answers becomes a scored ``Attempt`` marked with its paper (``paper_id``), its
items copied from the version sat, the answers stored through ``quiz.responses`` and the
sitting submitted by ``quiz.services.submit_attempt``: the same grading, roll-up, points and
错题本 as a sitting on a phone. A line with only a total records a submitted sitting with that
score and no items (nothing to regrade), counted by the same roll-up and points calls.

Nothing of a batch is written unless every line is sound (``PaperEntryError`` lists every
line's problem). A member who already has a scored sitting (online, open or submitted, or an
earlier paper) is refused: the sitting they have stands, and the paper is not entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from quizapp.auth.access import granted_unit_ids
from quizapp.models import (
    Activity,
    ActivityMember,
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    Paper,
    Person,
    Role,
)
from quizapp.models.base import utcnow
from quizapp.models.org import subtree_ids
from quizapp.paper.entry import Line, LineError, read_answers, split_lines
from quizapp.paper.papers import (
    PaperError, PaperQuestion, Section, check_printable, papers_of, sections_of,
)
from quizapp.results.awards import award_for_activity
from quizapp.quiz.responses import BadResponse, to_stored
from quizapp.quiz.services import submit_attempt
from quizapp.results.clock import as_utc, local_time
from quizapp.results.rollups import record_graded

ENTERING_ROLES = (Role.ORGANIZER, Role.SECRETARY, Role.ADMIN)


class PaperEntryError(Exception):
    """A batch refused as a whole: every problem, one a line, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass
class _Checked:
    line: Line
    person: Person
    paper: Paper
    shown: list[Any] = field(default_factory=list)


def entering_unit_ids(session: Session, person: Person) -> set[int]:
    """The units whose members ``person`` may enter paper sittings for: the subtrees where
    they are an organizer, a secretary or an admin."""
    if not person.active:
        return set()
    ids: set[int] = set()
    for role in ENTERING_ROLES:
        for root in granted_unit_ids(session, person, role):
            ids |= subtree_ids(session, root)
    return ids


def _find_person(session: Session, activity_id: int, key: str) -> list[Person]:
    """The people ``key`` names: by 党员编号 or 手机号 (unique), else by name, preferring the
    namesakes in the activity's audience (a name is unique far more often within one test)."""
    by_number = session.scalars(
        select(Person).where(or_(Person.member_no == key, Person.phone == key))).first()
    if by_number is not None:
        return [by_number]
    named = select(Person).where(Person.name == key).order_by(Person.id).limit(3)
    in_audience = list(session.scalars(named.join(
        ActivityMember, (ActivityMember.person_id == Person.id)
        & (ActivityMember.activity_id == activity_id))))
    return in_audience or list(session.scalars(named))


def _sitting_problem(sittings: list[Attempt]) -> str | None:
    if not sittings:
        return None
    last = sittings[-1]
    if last.on_paper:
        return "已录入过纸质答卷，不能重复录入"
    if last.status is AttemptStatus.OPEN:
        return "正在在线答题，不能录入纸质答卷（可待其交卷或答题截止后查看在线成绩）"
    return (f"已在线作答并交卷（{local_time(last.submitted_at)}，{last.score}/{last.max_score} 分），"
            "以在线成绩为准，纸质答卷不再录入")


def _check_line(session: Session, activity: Activity, line: Line, papers: dict[str, Paper],
                sections: dict[str, list[Section]], units: set[int]) -> _Checked:
    found = _find_person(session, activity.id, line.member)
    if not found:
        raise LineError(f"找不到党员“{line.member}”（请填党员编号、手机号或姓名）")
    if len(found) > 1:
        raise LineError(f"“{line.member}”对应多名党员，请改填党员编号或手机号")
    person = found[0]
    member = session.get(ActivityMember, (activity.id, person.id))
    if member is None:
        raise LineError(f"{person.name}不在本次测试的参加人员中")
    if member.unit_id not in units:
        raise LineError(f"{person.name}不在你管理的组织内，不能为其录入")
    sittings = list(session.scalars(
        select(Attempt).where(Attempt.activity_id == activity.id, Attempt.person_id == person.id,
                              Attempt.attempt_no.is_not(None))
        .order_by(Attempt.attempt_no)))
    problem = _sitting_problem(sittings)
    if problem:
        raise LineError(f"{person.name}{problem}")
    paper = papers.get(line.label)
    if paper is None:
        raise LineError(f"本测试没有 {line.label} 卷")
    checked = _Checked(line, person, paper)
    if line.total is not None:
        maximum = sum(item["points"] for item in paper.items)
        if line.total > maximum:
            raise LineError(f"总分 {line.total} 超过满分 {maximum}")
    else:
        checked.shown = read_answers(sections[line.label], line.fields)
    return checked


def check_batch(session: Session, activity: Activity, text: str, by: Person,
                now: datetime) -> list[_Checked]:
    """Read and check every line; raise PaperEntryError with every problem found."""
    try:
        check_printable(activity)
    except PaperError as error:
        raise PaperEntryError([str(error)]) from error
    if now < as_utc(activity.opens_at):
        raise PaperEntryError([f"测试尚未开始（{local_time(activity.opens_at)} 开始），不能录入"])
    papers = {paper.label: paper for paper in papers_of(session, activity.id)}
    if not papers:
        raise PaperEntryError(["还没有出卷：请先生成纸质试卷"])
    try:
        lines = split_lines(text)
    except LineError as error:
        raise PaperEntryError([str(error)]) from error
    if not lines:
        raise PaperEntryError(["请至少填写一行"])
    sections = {label: sections_of(session, paper) for label, paper in papers.items()}
    units = entering_unit_ids(session, by)
    problems: list[str] = []
    checked: list[_Checked] = []
    seen: dict[int, int] = {}
    for line in lines:
        try:
            row = _check_line(session, activity, line, papers, sections, units)
        except LineError as error:
            problems.append(f"第 {line.number} 行（{line.member}）：{error}")
            continue
        if row.person.id in seen:
            problems.append(f"第 {line.number} 行（{line.member}）：与第 {seen[row.person.id]} 行是同一名党员")
            continue
        seen[row.person.id] = line.number
        checked.append(row)
    if problems:
        raise PaperEntryError(problems)
    return checked


def _record_answers(session: Session, activity: Activity, row: _Checked, now: datetime,
                    questions: dict[int, PaperQuestion]) -> Attempt:
    items = row.paper.items
    attempt = Attempt(person_id=row.person.id, kind=AttemptKind.TEST, activity_id=activity.id,
                      attempt_no=1, paper_id=row.paper.id, question_count=len(items),
                      started_at=now, updated_at=now)
    session.add(attempt)
    session.flush()
    for position, (item, shown) in enumerate(zip(items, row.shown), start=1):
        question = questions[item["question_id"]]
        try:
            stored = to_stored(question.question.type, item["option_order"], question.blanks, shown)
        except BadResponse as error:  # read_answers checked the shape; a changed question may not fit
            raise PaperEntryError([f"第 {row.line.number} 行（{row.line.member}）：第 {position} 题答案无法保存"]) from error
        session.add(AttemptItem(attempt_id=attempt.id, position=position,
                                question_id=item["question_id"],
                                # graded now, under the question's current key
                                question_version=question.question.version,
                                option_order=item["option_order"], response=stored,
                                max_points=item["points"], saved_seq=1 if stored is not None else 0))
    session.flush()
    return submit_attempt(session, row.person.id, attempt.id, now=now).attempt


def _record_total(session: Session, activity: Activity, row: _Checked, now: datetime) -> Attempt:
    items = row.paper.items
    attempt = Attempt(person_id=row.person.id, kind=AttemptKind.TEST, activity_id=activity.id,
                      attempt_no=1, paper_id=row.paper.id, question_count=len(items),
                      status=AttemptStatus.SUBMITTED, started_at=now, updated_at=now,
                      submitted_at=now, score=row.line.total,
                      max_score=sum(item["points"] for item in items), correct_count=0)
    session.add(attempt)
    session.flush()
    unit = record_graded(session, attempt)
    award_for_activity(session, row.person.id, activity.id, now=now, audience_unit=unit)
    return attempt


def enter_paper_sittings(session: Session, activity: Activity, text: str, *, by: Person,
                         now: datetime | None = None) -> list[Attempt]:
    """Record the paper sittings typed in ``text`` (see ``paper.entry``), all or none.

    Raises PaperEntryError listing every bad line (unknown member, not in the audience, out
    of the enterer's units, already has a sitting, wrong count or letter, twice in the batch);
    then nothing is written. Flushes; the view commits."""
    now = now or utcnow()
    checked = check_batch(session, activity, text, by, now)
    questions = {q.question.id: q for paper in {row.paper for row in checked}
                 for s in sections_of(session, paper) for q in s.questions}
    return [_record_total(session, activity, row, now) if row.line.total is not None
            else _record_answers(session, activity, row, now, questions)
            for row in checked]
