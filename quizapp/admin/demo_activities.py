"""The demo's activities behind ``flask seed-demo --activities``: this month's study and this
quarter's test, published to the demo 党总支, with part of the members having answered.

So that a new user finds something in every view: members see an open study and test, the
secretaries' dashboards show participation that differs by branch, the points ledger has
entries. The documented demo logins (the first member of each 党支部, and every secretary)
never answer here, so whoever tries the demo takes the test themselves.

Everything goes through the real services (publishing, the blueprint draw, saving, grading,
points), with a seeded random generator. Idempotent: an activity whose title exists is left
as it is, and nothing is answered twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.admin.demo import ROOT_NAME
from quizapp.models import (
    Activity,
    ActivityKind,
    AnswerPolicy,
    BankQuestion,
    Person,
    QuestionStatus,
    QuestionType,
    RoleGrant,
    Speech,
    Unit,
)
from quizapp.publish.services import create_activity, publish_activity
from quizapp.publish.specs import ActivitySpec, PartSpec, PassageSpec
from quizapp.quiz.services import save_answer, submit_attempt
from quizapp.quiz.starting import start_scored
from quizapp.results.clock import as_utc, beijing, today_in_china

# Share of each branch's members (by branch order) who answer, and how likely they are right.
TAKERS = ((0.75, 0.85), (0.5, 0.7), (0.25, 0.55))


class DemoActivityError(Exception):
    """The demo cannot have activities yet (e.g. no approved questions)."""


@dataclass
class DemoActivities:
    published: list[str]
    answered: int


_china_day = today_in_china
_china_at = beijing


def _specs(session: Session, root: Unit, now: datetime) -> list[ActivitySpec]:
    today = _china_day(now)
    month_start = today.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    # The study's speech: the first with enough approved questions of each type its quiz asks.
    approved = session.execute(
        select(Speech.id, BankQuestion.type, func.count()).join(BankQuestion)
        .where(Speech.unit_id == root.id, BankQuestion.status == QuestionStatus.APPROVED)
        .group_by(Speech.id, BankQuestion.type).order_by(Speech.id)
    ).all()
    counts: dict[int, dict[QuestionType, int]] = {}
    for speech_id, qtype, count in approved:
        counts.setdefault(speech_id, {})[qtype] = count
    fits = [sid for sid, by_type in counts.items()
            if by_type.get(QuestionType.SINGLE, 0) >= 3 and by_type.get(QuestionType.JUDGE, 0) >= 2]
    # Else the speech with the most approved questions, asked in the two types it has most of
    # (the demo approves one question a key point, so a speech may have no 判断 at all).
    chosen = fits[0] if fits else max(counts, key=lambda sid: sum(counts[sid].values()), default=None)
    speech = session.get(Speech, chosen) if chosen is not None else None
    if speech is None:
        raise DemoActivityError("示范党总支还没有已通过的题目，请先导入讲话并审核题目")
    if fits:
        quiz = [PartSpec(QuestionType.SINGLE, 3, 2, speech.id), PartSpec(QuestionType.JUDGE, 2, 2, speech.id)]
    else:
        most = sorted(counts[chosen].items(), key=lambda pair: -pair[1])[:2]
        quiz = [PartSpec(qtype, min(have, want), 2, speech.id) for (qtype, have), want in zip(most, (3, 2))]
    last = min(len(speech.paragraphs), 6) - 1
    study = ActivitySpec(
        kind=ActivityKind.STUDY, title=f"{today.year}年{today.month}月党建知识选学", unit_id=root.id,
        period_start=month_start, intro=f"本月选学《{speech.title}》开头部分，读后完成小测。",
        practice_opens_at=_china_at(month_start), opens_at=_china_at(month_start),
        closes_at=_china_at(next_month) - timedelta(minutes=1),
        parts=quiz,
        passages=[PassageSpec(speech.id, 0, max(last, 0))],
    )
    quarter = (today.month - 1) // 3 + 1
    test = ActivitySpec(
        kind=ActivityKind.TEST, title=f"{today.year}年第{'一二三四'[quarter - 1]}季度党建知识测试", unit_id=root.id,
        # Office hours, as an organizer would set them: open since 09:00 yesterday (Beijing),
        # closing at 18:00 in two weeks.
        period_start=quarter_start, practice_opens_at=_china_at(today - timedelta(days=2), 9),
        opens_at=_china_at(today - timedelta(days=1), 9),
        closes_at=_china_at(today + timedelta(days=14), 18), time_limit_minutes=30,
        answers_shown=AnswerPolicy.AFTER_CLOSE,
        parts=[PartSpec(QuestionType.SINGLE, 5, 2), PartSpec(QuestionType.MULTIPLE, 3, 4),
               PartSpec(QuestionType.JUDGE, 3, 2), PartSpec(QuestionType.FILL, 2, 3)],
    )
    return [study, test]


def seed_demo_activities(session: Session, now: datetime, seed: int = 2026) -> DemoActivities:
    """Publish the month's study and the quarter's test and let part of the members answer."""
    root = session.scalar(select(Unit).where(Unit.name == ROOT_NAME, Unit.parent_id.is_(None)))
    if root is None:
        raise DemoActivityError("请先运行 flask seed-demo 建立示范组织")
    rng = random.Random(seed)
    result = DemoActivities([], 0)
    for spec in _specs(session, root, now):
        activity = session.scalar(select(Activity).where(Activity.title == spec.title,
                                                         Activity.unit_id == root.id))
        if activity is not None:
            continue
        activity = create_activity(session, spec, by=None)
        publish_activity(session, activity, now=now)
        result.published.append(activity.title)
        result.answered += _answer(session, activity, root, rng, now)
    return result


def _answer(session: Session, activity: Activity, root: Unit, rng: random.Random, now: datetime) -> int:
    """Members of each branch answer, fewer and less well branch by branch."""
    staff = set(session.scalars(select(RoleGrant.person_id)))
    answered = 0
    # A sitting takes a minute a question and two more; the latest start that ends by now.
    latest = now - timedelta(minutes=activity.question_count + 2)
    earliest = as_utc(activity.opens_at) + timedelta(minutes=1)
    if latest < earliest:  # the window opened minutes ago (a month's first minutes): nobody yet
        return 0
    for branch, (share, right) in zip(root.children, TAKERS):
        units = [branch.id, *(group.id for group in branch.children)]
        people = list(session.scalars(select(Person).where(Person.unit_id.in_(units))
                                      .order_by(Person.member_no)))
        members = [p for p in people if p.id not in staff][1:]  # the first is a demo login
        for person in members[: round(len(members) * share)]:
            # Inside the scored window and over by now (a study opens at the month's start).
            started = min(latest, max(earliest, now - timedelta(minutes=rng.randint(30, 600))))
            attempt = start_scored(session, person, activity.id, rng=rng, now=started)
            for item in attempt.items:
                save_answer(session, person.id, attempt.id, position=item.position,
                            shown=_response(item.question, item.option_order, rng.random() < right),
                            now=started + timedelta(minutes=item.position))
            submit_attempt(session, person.id, attempt.id,
                           now=started + timedelta(minutes=attempt.question_count + 2))
            answered += 1
    return answered


def _response(question: BankQuestion, option_order: list[int], right: bool) -> object:
    """An answer in display form (as the autosave sends it): right, or plausibly wrong."""
    if question.type is QuestionType.JUDGE:
        return bool(question.answer) if right else not question.answer
    if question.type is QuestionType.FILL:
        return list(question.answer) if right else ["不记得了"] * len(question.answer)
    shown = {original: position for position, original in enumerate(option_order)}
    key = [shown[i] for i in question.answer]
    if right:
        return sorted(key) if question.type is QuestionType.MULTIPLE else key[0]
    wrong = [p for p in range(len(option_order)) if p not in key]
    if question.type is QuestionType.MULTIPLE:
        # Every option may be right in a 多选: leaving one out is wrong too.
        return [wrong[0]] if wrong else sorted(key)[:1]
    return wrong[0]
