"""What each report shows, assembled from ``queries`` (figures) and ``ratings`` (ranks, stars).

Shared by the web pages, the Excel export and ``flask report``, so all three agree. Each
report runs a small, constant number of queries whatever the size of the unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import Activity, ActivityMember, Unit, UnitKind
from quizapp.models.base import utcnow
from quizapp.models.org import unit_path
from quizapp.results import windows
from quizapp.results.clock import local_time
from quizapp.reports import queries
from quizapp.results.periods import Period, activity_period
from quizapp.reports.queries import Figures, MemberStatus, Share
from quizapp.results.scores import EXCELLENT, PASSED, shown_percent, verdict
from quizapp.reports.ratings import Ranked, Rating, pending, rank_members, rank_units, rate, rating_rules

DIRECT = "本级直属"


@dataclass
class UnitRow:
    """One line of a roll-up table: a child unit (or the unit's own direct members)."""

    unit_id: int
    name: str
    figures: Figures
    direct: bool = False
    rank: Ranked | None = None


@dataclass
class Report:
    """A unit's report for one activity or for a period."""

    unit: Unit
    period: Period
    total: Figures
    rows: list[UnitRow]
    rank: Ranked | None
    parent: Unit | None
    rating: Rating
    weakest: list[tuple[str, Share]]
    activity: Activity | None = None
    members: list[MemberStatus] = field(default_factory=list)
    per_activity: list[tuple[Activity, Figures]] = field(default_factory=list)
    # Activities not yet closed for everyone: a period counts only their results (进行中).
    in_progress: list[Activity] = field(default_factory=list)

    @property
    def in_progress_text(self) -> str:
        """进行中 N 项 (their results counted, their other members not yet), or ""."""
        return f"进行中 {len(self.in_progress)} 项" if self.in_progress else ""


def children_of(session: Session, unit_id: int) -> list[Unit]:
    """The unit's child units, by id."""
    return list(session.scalars(select(Unit).where(Unit.parent_id == unit_id).order_by(Unit.id)))


def _by_bucket(found: dict[tuple[int, int], Figures]) -> dict[int, Figures]:
    """Figures pooled per bucket; a bucket's size (for min_members) is its largest audience
    of one activity in the period, so a period's slots are not taken for members."""
    buckets: dict[int, Figures] = {}
    for (bucket, _activity), figures in found.items():
        pooled_figures = buckets.setdefault(bucket, Figures())
        size = max(pooled_figures.members, figures.audience)
        pooled_figures.add(figures)
        pooled_figures.members = size
    return buckets


def _split(session: Session, unit_id: int, conditions: list[Any],
           open_apart: bool = True) -> tuple[dict, dict[int, Figures]]:
    found = queries.figures(session, unit_id, conditions, split=True, open_apart=open_apart)
    return found, _by_bucket(found)


def rollup(session: Session, unit: Unit, conditions: list[Any],
           open_apart: bool = True) -> tuple[dict[tuple[int, int], Figures], list[UnitRow]]:
    """The raw figures and the roll-up rows (children, then direct members if any)."""
    found, buckets = _split(session, unit.id, conditions, open_apart)
    rows = [UnitRow(child.id, child.name, buckets.get(child.id, Figures()))
            for child in children_of(session, unit.id)]
    if unit.id in buckets:
        rows.append(UnitRow(unit.id, DIRECT, buckets[unit.id], direct=True))
    return found, rows


def sibling_ranking(session: Session, parent: Unit, conditions: list[Any],
                    period: Period, open_apart: bool = True) -> list[UnitRow]:
    """The parent's children with their figures and ranks (rules in effect for the parent)."""
    _found, buckets = _split(session, parent.id, conditions, open_apart)
    rows = [UnitRow(child.id, child.name, buckets.get(child.id, Figures()))
            for child in children_of(session, parent.id)]
    rule = rating_rules(session, parent.id, period.last_day)
    ranks = rank_units({row.unit_id: row.figures for row in rows}, rule.min_members)
    for row in rows:
        row.rank = ranks[row.unit_id]
    rows.sort(key=lambda row: (row.rank.rank is None, row.rank.rank or 0, row.unit_id))
    return rows


def kind_ranking(session: Session, root: Unit, kind: UnitKind, period: Period) -> list[UnitRow]:
    """Every unit of a kind in the root's subtree (e.g. all 党支部 of a 机关党委), ranked
    like siblings under the root's rules: two queries for the figures and the names."""
    conditions = queries.activity_filter(period=period)
    found = queries.figures(session, root.id, conditions, split=kind)
    buckets = _by_bucket(found)
    # The buckets are units of the kind: their names by kind, not by thousands of ids.
    names = session.execute(select(Unit.id, Unit.name).where(Unit.kind == kind)) if buckets else []
    rows = [UnitRow(unit_id, name, buckets[unit_id]) for unit_id, name in names if unit_id in buckets]
    rule = rating_rules(session, root.id, period.last_day)
    ranks = rank_units({row.unit_id: row.figures for row in rows}, rule.min_members)
    for row in rows:
        row.rank = ranks[row.unit_id]
    rows.sort(key=lambda row: (row.rank.rank is None, row.rank.rank or 0, row.unit_id))
    return rows


def _report(session: Session, unit: Unit, period: Period, conditions: list[Any],
            activity: Activity | None = None) -> Report:
    # One activity's own report shows its progress while it is open (every audience row
    # due) and is rated once it has closed; a period counts an open activity's results only.
    open_apart = activity is None
    found, rows = rollup(session, unit, conditions, open_apart)
    by_activity: dict[int, Figures] = {}
    for (_bucket, activity_id), figures in found.items():
        by_activity.setdefault(activity_id, Figures()).add(figures)
    total = queries.pooled(by_activity.values())
    total.members = max((f.audience for f in by_activity.values()), default=0)
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    rank = None
    if parent is not None:
        rank = next(row.rank for row in sibling_ranking(session, parent, conditions, period,
                                                        open_apart)
                    if row.unit_id == unit.id)
    activities = queries.activities_by_id(session, by_activity)
    closed = windows.closed_for_all(session, activities, utcnow())
    in_progress = sorted((a for a in activities.values() if a.id not in closed),
                         key=lambda a: (a.closes_at, a.id))
    rule = rating_rules(session, unit.id, period.last_day)
    rating = (pending(rule) if activity is not None and activity.id not in closed
              else rate(total, rule))
    weakest = queries.weakest_concepts(queries.concept_shares(session, unit.id, conditions))
    report = Report(unit, period, total, rows, rank, parent, rating, weakest)
    report.in_progress = in_progress
    report.per_activity = sorted(((activities[a], f) for a, f in by_activity.items()),
                                 key=lambda item: (item[0].period_start, item[0].id))
    return report


def activity_report(session: Session, unit: Unit, activity: Activity) -> Report:
    """The unit's report for one published activity, with every member's status."""
    conditions = queries.activity_filter(activity_id=activity.id)
    report = _report(session, unit, activity_period(activity), conditions, activity)
    report.activity = activity
    report.members = queries.member_statuses(session, unit.id, conditions)
    return report


def period_report(session: Session, unit: Unit, period: Period) -> Report:
    """The unit's report pooled over the activities starting in the period."""
    return _report(session, unit, period, queries.activity_filter(period=period))


@dataclass
class Mastery:
    """Share correct per child unit × concept (and × speech) for a period."""

    unit: Unit
    period: Period
    rows: list[tuple[int, str]]  # (bucket, name), the unit's total last as (unit.id, "合计")
    concepts: list[str]
    cells: dict[tuple[int, str], Share]
    weak: set[tuple[int, str]]
    speeches: list[str]
    speech_cells: dict[tuple[int, str], Share]
    speech_weak: set[tuple[int, str]]

    @property
    def weakest_concepts(self) -> list[str]:
        """The ``FIRST_SHOWN`` key points with the lowest share overall (shown first)."""
        return self.concepts[:FIRST_SHOWN]

    @property
    def other_concepts(self) -> list[str]:
        """The other key points, weakest first (behind a scroll)."""
        return self.concepts[FIRST_SHOWN:]


TOTAL = -1  # the bucket key of the unit's own total row in a mastery table
WEAK_BELOW = 60.0
WEAKEST_COUNT = 3
FIRST_SHOWN = 10  # key points a mastery table shows before the rest


def _with_totals(cells: dict[tuple[int, str], Share]) -> dict[tuple[int, str], Share]:
    result = dict(cells)
    for (_bucket, name), share in cells.items():
        old = result.get((TOTAL, name), Share(0, 0))
        result[(TOTAL, name)] = Share(old.answers + share.answers, old.correct + share.correct)
    return result


def weak_cells(cells: dict[tuple[int, str], Share]) -> set[tuple[int, str]]:
    """Cells to mark: the lowest three and any below 60%, of those with enough answers."""
    counted = [(key, share) for key, share in cells.items()
               if key[0] != TOTAL and share.answers >= queries.MIN_CONCEPT_ANSWERS]
    counted.sort(key=lambda item: (item[1].correct / item[1].answers, item[0][1], item[0][0]))
    weak = {key for key, _share in counted[:WEAKEST_COUNT]}
    return weak | {key for key, share in counted if (share.percent or 0) < WEAK_BELOW}


def mastery(session: Session, unit: Unit, period: Period) -> Mastery:
    """The mastery tables of a unit for a period: two queries plus the children."""
    conditions = queries.activity_filter(period=period)
    concept = _with_totals(queries.concept_shares(session, unit.id, conditions, split=True))
    speech = _with_totals(queries.concept_shares(session, unit.id, conditions, split=True,
                                                 by_speech=True))
    rows = [(child.id, child.name) for child in children_of(session, unit.id)]
    if any(bucket == unit.id for bucket, _name in concept) or any(b == unit.id for b, _n in speech):
        rows.append((unit.id, DIRECT))
    rows.append((TOTAL, "合计"))

    def ordered(cells: dict[tuple[int, str], Share]) -> list[str]:
        names = {name for bucket, name in cells if bucket == TOTAL}
        return sorted(names, key=lambda n: (cells[(TOTAL, n)].correct / cells[(TOTAL, n)].answers, n))

    return Mastery(unit, period, rows, ordered(concept), concept, weak_cells(concept),
                   ordered(speech), speech, weak_cells(speech))


def generated_at(now: datetime) -> str:
    """The generation time as printed on reports (Beijing)."""
    return local_time(now, "%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class MyResult:
    """One activity of a member's audience: their result and rank within their branch."""

    activity: Activity
    branch_name: str
    best: Any  # the best sitting (score, max_score), None without a result
    rank: int | None
    of: int

    @property
    def percent(self) -> float | None:
        return None if self.best is None else shown_percent(self.best.score, self.best.max_score)

    @property
    def verdict(self) -> str | None:
        if self.best is None:
            return None
        return verdict(self.best.score, self.best.max_score, self.activity.pass_percent,
                       self.activity.excellent_percent)

    @property
    def passed(self) -> bool:
        return self.verdict in (EXCELLENT, PASSED)

    @property
    def excellent(self) -> bool:
        return self.verdict == EXCELLENT


def branch_of(session: Session, unit_id: int) -> Unit:
    """The nearest 党支部 at or above the unit (the unit itself if there is none)."""
    path = unit_path(session, unit_id)
    return next((u for u in reversed(path) if u.kind is UnitKind.BRANCH), path[-1])


def my_results(session: Session, person_id: int) -> list[MyResult]:
    """The member's published activities, newest first, with rank among the participants
    counted in the same branch as they were (by best %, ties share a rank)."""
    rows = session.execute(
        select(Activity, ActivityMember.unit_id)
        .join(ActivityMember, ActivityMember.activity_id == Activity.id)
        .where(ActivityMember.person_id == person_id, *queries.activity_filter())
        .order_by(Activity.period_start.desc(), Activity.id.desc())
    ).all()
    branches = {unit_id: branch_of(session, unit_id) for unit_id in {u for _a, u in rows}}
    bests: dict[tuple[int, int], Any] = {}
    for branch in {b.id: b for b in branches.values()}.values():
        ids = [a.id for a, u in rows if branches[u].id == branch.id]
        bests.update(queries.best_sittings(
            session, branch.id, queries.activity_filter() + [Activity.id.in_(ids)]))
    results = []
    for activity, unit_id in rows:
        mine = bests.get((activity.id, person_id))
        peers = [shown_percent(b.score, b.max_score) for (a, _p), b in bests.items()
                 if a == activity.id]
        rank, of = ((rank_members(peers, shown_percent(mine.score, mine.max_score)))
                    if mine is not None else (None, len(peers)))
        results.append(MyResult(activity, branches[unit_id].name, mine, rank, of))
    return results
