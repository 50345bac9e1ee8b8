"""Branch results: reports read the aggregated figures here (set-based SQL, a few queries a
report), built on the rule of ``quizapp.results`` (``scores``, ``tally``, ``windows``).

Definitions (also shown on the report pages):

- **Audience** of an activity in a unit U: its ``ActivityMember`` rows whose ``unit_id`` is in
  U's subtree, i.e. members are counted where they were when it was published, even if they
  moved since. Only PUBLISHED activities count (never drafts or cancelled ones).
- A member's **result** in an activity: their best sitting, its percent, verdict and bin, as
  ``results.scores`` defines them. A **participant** is an audience member with a result
  (``results.tally``; publishing counts the same); open or abandoned attempts are not results.
- Per unit: audience, participants, participation rate (participants / due rows), average
  score % over participants, pass and excellent rates over participants, and the bins.
- **Due** rows: every audience row of an activity closed for everyone (make-ups included,
  ``results.windows.closed_for_all``); of one still open only the rows with a result, so
  nobody has missed an open activity (``Figures.due``). One activity's own report counts all
  its rows (its progress) and is rated once it has closed.
- A **period** pools its activities: participation = results / due member × activity rows
  (人次), the average is over all results. A unit's figures are sums over its member rows,
  never averages of averages: every query returns additive sums per child unit ("bucket").
- **Roll-ups**: the result sums per (activity, unit) are kept in ``report_rollup`` (written by
  ``results.rollups``) with the audience sizes, and read from there when the activity's
  roll-up is usable; the unfinished are counted from the open attempts.
- **Concepts**: share of correct answers per ``BankQuestion.concept`` (or speech) over the
  items of the counted (best) attempts.

Rates are compared as shown, to one decimal (see ``ratings``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Float, Integer, and_, bindparam, case, cast, func, select
from sqlalchemy.orm import Session

from quizapp.models import (
    Activity,
    ActivityMember,
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    BankQuestion,
    Person,
    ReportRollup,
    RollupState,
    Speech,
    Unit,
)
from quizapp.models.base import utcnow
from quizapp.results import windows
from quizapp.results.scores import verdict_of
from quizapp.results.figures import (  # noqa: F401 - BIN_LABELS, pct, pooled, round1 for callers
    BIN_LABELS,
    MIN_CONCEPT_ANSWERS,
    Figures,
    Share,
    pct,
    pooled,
    round1,
)
from quizapp.results.selection import activity_filter, prepared  # noqa: F401 - activity_filter for callers
from quizapp.results.tally import audience as _audience
from quizapp.results.tally import best as _best
from quizapp.results.tally import best_percent as _best_percent
from quizapp.results.tally import live as _live
from quizapp.results.tally import on as _on
from quizapp.results.tally import open_attempts as _open_attempts
from quizapp.results.tally import unit_results  # noqa: F401 - for callers
from quizapp.reports.tree import (
    Split,
    few_units_of,
    split_params,
    subtree,
    transaction_state,
    units_of,
)


@cache
def _rolled_up_statement(shape: str, named: bool) -> Any:
    """The roll-up figures per (bucket, activity) of the activities ``:report_ids`` in the
    subtree (see ``tree.subtree``); with ``named``, of the units ``:report_units`` only."""
    ids = bindparam("report_ids", expanding=True)
    units = bindparam("report_units", expanding=True)

    def in_units(column: Any) -> list[Any]:
        return [column.in_(units)] if named else []

    result = Attempt.__table__.alias("result")
    has_result = (select(result.c.id).where(
        result.c.activity_id == Attempt.activity_id, result.c.person_id == Attempt.person_id,
        result.c.status == AttemptStatus.SUBMITTED, result.c.kind != AttemptKind.PRACTICE,
        result.c.max_score > 0)).exists()
    unfinished = (
        select(ActivityMember.unit_id, Attempt.activity_id, func.count().label("members"))
        .join(ActivityMember, and_(ActivityMember.activity_id == Attempt.activity_id,
                                   ActivityMember.person_id == Attempt.person_id))
        .where(Attempt.status == AttemptStatus.OPEN, Attempt.kind != AttemptKind.PRACTICE,
               Attempt.activity_id.in_(ids), *in_units(ActivityMember.unit_id), ~has_result)
        .group_by(ActivityMember.unit_id, Attempt.activity_id)
        .subquery("unfinished")
    )
    r, tree = ReportRollup, subtree(shape)
    # Counts as integers (PostgreSQL sums bigints as numeric), the percent sum as a float.
    sums = [cast(func.sum(column), Integer) for column in (
        r.audience, r.participants, func.coalesce(unfinished.c.members, 0))]
    sums.append(cast(func.sum(r.pct_sum), Float))
    sums += [cast(func.sum(column), Integer) for column in (
        r.passed, r.excellent, r.bin_0, r.bin_1, r.bin_2, r.bin_3, r.bin_4)]
    return (
        select(tree.c.bucket, r.activity_id, *sums)
        .join(tree, tree.c.id == r.unit_id)
        .outerjoin(unfinished, and_(unfinished.c.unit_id == r.unit_id,
                                    unfinished.c.activity_id == r.activity_id))
        .where(r.activity_id.in_(ids), *in_units(r.unit_id), tree.c.bucket.is_not(None))
        .group_by(tree.c.bucket, r.activity_id)
    )


def _rolled_up(session: Session, root_id: int, split: Split,
               ids: list[int]) -> dict[tuple[int, int], Figures]:
    """Figures per (bucket, activity id) of activities with a usable roll-up, in one query:
    audience sizes and result sums from ``report_rollup`` and the unfinished members from the
    open attempts, summed per bucket in the SQL (a whole organization has tens of thousands
    of roll-up rows). Every audience member's unit has a roll-up row (``results.rollups``)."""
    # A few units are named in the SQL, so that the planner reads their rows by the key; for
    # thousands (a whole organization) the subtree is joined instead.
    units = few_units_of(session, root_id, split)
    shape, params = split_params(root_id, split)
    params["report_ids"] = ids
    if units is not None:
        params["report_units"] = list(units)
    # Core rows: thousands of them for a whole organization, without the ORM's row handling.
    rows = session.connection().execute(_rolled_up_statement(shape, units is not None), params)
    return {(bucket, activity_id): Figures(audience, participants, left, pct_sum, passed,
                                           excellent, bins, members=audience)
            for bucket, activity_id, audience, participants, left, pct_sum, passed, excellent, *bins
            in rows}


def _rolled_up_ids_statement(conditions: list[Any], _units: Any) -> Any:
    return (select(Activity.id, RollupState.activity_id.is_not(None))
            .outerjoin(RollupState, and_(RollupState.activity_id == Activity.id,
                                         RollupState.pass_percent == Activity.pass_percent,
                                         RollupState.excellent_percent == Activity.excellent_percent))
            .where(*conditions))


def rolled_up_ids(session: Session, conditions: list[Any]) -> tuple[list[int], list[int]]:
    """The matching activities split in two: those whose roll-up is usable (its state was
    built under the activity's current thresholds) and the others. Kept for the transaction
    per conditions object: a report asks for its own and its parent's figures with one."""
    state = transaction_state(session)
    kept = state.get(("ids", id(conditions)))
    if kept is not None and kept[0] is conditions:  # the object itself: its id is not reused
        return kept[1]
    rows = session.execute(*prepared(_rolled_up_ids_statement, conditions, None)).all()
    found = [a for a, usable in rows if usable], [a for a, usable in rows if not usable]
    state[("ids", id(conditions))] = (conditions, found)
    return found


def figures(session: Session, root_id: int, conditions: list[Any], *,
            split: Split = True, open_apart: bool = True,
            now: datetime | None = None) -> dict[tuple[int, int], Figures]:
    """Figures per (bucket, activity id) for the root's subtree: from the roll-ups where they
    are usable, from the attempts for the other activities.

    With ``split`` the buckets are the root's children (and the root itself for members
    directly in it); pool them with ``pooled`` for the root, or by activity for a period.
    With ``open_apart`` an activity not yet closed for everyone (``windows.closed_for_all``)
    counts in the participation rate only its members with a result: nobody has missed it.
    """
    found = _figures(session, root_id, conditions, split)
    if open_apart and found:
        closed = windows.closed_for_all(session, {a for _b, a in found}, now or utcnow())
        for (_bucket, activity_id), part in found.items():
            if activity_id not in closed:
                part.only_results()
    return found


def _figures(session: Session, root_id: int, conditions: list[Any],
             split: Split) -> dict[tuple[int, int], Figures]:
    usable, others = rolled_up_ids(session, conditions)
    found: dict[tuple[int, int], Figures] = {}
    if usable:
        found.update(_rolled_up(session, root_id, split, usable))
    if others:
        units = units_of(session, root_id, split)
        for unit_id, activity_id, part in _live(session, units, [*conditions, Activity.id.in_(others)]):
            found.setdefault((units[unit_id], activity_id), Figures()).add(part)
    return found


@dataclass(frozen=True)
class MemberStatus:
    """One audience member of one activity in a report, and how far they got."""

    activity_id: int
    person_id: int
    name: str
    unit_name: str
    percent: float | None  # best result as shown, None if none
    started: bool  # an open scored attempt, no result yet
    reminded_at: datetime | None
    verdict: str | None = None  # 优秀 / 合格 / 不合格 of the best result (``results.scores``)

    @property
    def finished(self) -> bool:
        return self.percent is not None


def _member_statuses_statement(conditions: list[Any], units: Any) -> Any:
    audience = _audience(units, conditions)
    best, opened = _best_percent(audience, conditions), _open_attempts()
    return (
        select(audience.c.activity_id, audience.c.person_id, Person.name, Unit.name,
               best.c.percent, opened.c.person_id.is_not(None), audience.c.reminded_at,
               best.c.passed, best.c.excellent)
        .select_from(audience)
        .join(Person, Person.id == audience.c.person_id)
        .join(Unit, Unit.id == audience.c.unit_id)
        .outerjoin(best, _on(audience, best))
        .outerjoin(opened, _on(audience, opened))
        .order_by(audience.c.activity_id, Unit.name, Person.name, audience.c.person_id)
    )


def member_statuses(session: Session, root_id: int, conditions: list[Any]) -> list[MemberStatus]:
    """Every audience member in the root's subtree with their result: one query."""
    rows = session.execute(*prepared(_member_statuses_statement, conditions,
                                      units_of(session, root_id, False)))
    return [MemberStatus(a, p, name, unit, None if value is None else round1(float(value)),
                         bool(started) and value is None, reminded,
                         None if value is None else verdict_of(bool(passed), bool(excellent)))
            for a, p, name, unit, value, started, reminded, passed, excellent in rows]


def _concept_statement(conditions: list[Any], units: Any, by_speech: bool) -> Any:
    audience = _audience(units, conditions)
    best = _best(audience, conditions)
    # Counted per question first: each question is then looked up once, not once an answer.
    answers = (
        select(audience.c.unit_id, AttemptItem.question_id, func.count().label("answers"),
               func.sum(case((AttemptItem.correct.is_(True), 1), else_=0)).label("correct"))
        .select_from(audience)
        .join(best, _on(audience, best))
        .join(AttemptItem, AttemptItem.attempt_id == best.c.attempt_id)
        .group_by(audience.c.unit_id, AttemptItem.question_id)
        .subquery("answers")
    )
    key = Speech.title if by_speech else BankQuestion.concept
    statement = (
        select(answers.c.unit_id, key, func.sum(answers.c.answers), func.sum(answers.c.correct))
        .join(BankQuestion, BankQuestion.id == answers.c.question_id)
        .group_by(answers.c.unit_id, key)
    )
    if by_speech:
        return statement.join(Speech, Speech.id == BankQuestion.speech_id)
    return statement.where(BankQuestion.concept != "")


def concept_shares(session: Session, root_id: int, conditions: list[Any], *, split: Split = False,
                   by_speech: bool = False) -> dict[tuple[int, str], Share]:
    """Shares correct per (bucket, concept) — or per (bucket, speech title) — over the items of
    the counted attempts: one query. Questions without a concept are left out of the concepts."""
    units = units_of(session, root_id, split)
    statement = prepared(_concept_statement, conditions, units, by_speech)
    shares: dict[tuple[int, str], Share] = {}
    for unit_id, name, answers, correct in session.execute(*statement):
        old = shares.get((units[unit_id], name), Share(0, 0))
        shares[(units[unit_id], name)] = Share(old.answers + int(answers), old.correct + int(correct or 0))
    return shares


def weakest_concepts(shares: dict[tuple[int, str], Share], limit: int = 5) -> list[tuple[str, Share]]:
    """Concepts pooled over buckets, lowest share first, those with enough answers only."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (_bucket, name), share in shares.items():
        totals[name][0] += share.answers
        totals[name][1] += share.correct
    pooled_shares = [(name, Share(n, c)) for name, (n, c) in totals.items() if n >= MIN_CONCEPT_ANSWERS]
    pooled_shares.sort(key=lambda item: (item[1].correct / item[1].answers, item[0]))
    return pooled_shares[:limit]


def best_sittings(session: Session, root_id: int, conditions: list[Any]) -> dict[tuple[int, int], Any]:
    """The best sitting (score, max_score) per (activity, person) of the participants in the
    root's subtree (``results.tally.best``: the one rule)."""
    best = _best(_audience(units_of(session, root_id, False), conditions), conditions)
    rows = session.execute(select(best.c.activity_id, best.c.person_id, best.c.score,
                                  best.c.max_score))
    return {(a, p): BestScore(score, max_score) for a, p, score, max_score in rows}


@dataclass(frozen=True)
class BestScore:
    score: int
    max_score: int


def activities_by_id(session: Session, ids: Any) -> dict[int, Activity]:
    """The activities with these ids (one of them from the session when it has it)."""
    ids = set(ids)
    if len(ids) == 1:
        activity = session.get(Activity, next(iter(ids)))
        return {} if activity is None else {activity.id: activity}
    if not ids:
        return {}
    return {a.id: a for a in session.scalars(select(Activity).where(Activity.id.in_(ids)))}


def open_activities(session: Session, root_id: int, now: datetime) -> list[Activity]:
    """Published activities with audience in the root's subtree whose scored window is open."""
    conditions = activity_filter() + [windows.open_sql(now)]
    audience = _audience(units_of(session, root_id, False), conditions)
    ids = select(audience.c.activity_id).distinct()
    return list(session.scalars(select(Activity).where(Activity.id.in_(ids))
                                .order_by(Activity.closes_at, Activity.id)))
