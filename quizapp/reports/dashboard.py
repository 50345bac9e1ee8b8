"""A secretary's dashboard for one unit: rating, months chart, ranking, open activities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy.orm import Session

from quizapp.auth.access import REPORT_READERS
from quizapp.models import Activity, Unit
from quizapp.reports import queries
from quizapp.reports.charts import monthly_chart
from quizapp.reports.pages import Report, UnitRow, children_of, period_report, sibling_ranking
from quizapp.results.periods import Period, last_months, quarter_of, today_in_china
from quizapp.reports.queries import Figures, MemberStatus

MANAGING = REPORT_READERS


@dataclass
class Dashboard:
    """What the dashboard shows for a unit."""

    unit: Unit
    period: Period
    report: Report
    ranking_of: Unit | None
    ranking: list[UnitRow]
    chart: Markup
    open: list[tuple[Activity, list[MemberStatus]]]


def dashboard(session: Session, unit: Unit, now: datetime) -> Dashboard:
    """The unit's dashboard at ``now``: this quarter's report and the last 12 months."""
    today = today_in_china(now)
    period = quarter_of(today)
    report = period_report(session, unit, period)
    ranking_of = unit if children_of(session, unit.id) else report.parent
    conditions = queries.activity_filter(period=period)
    ranking = sibling_ranking(session, ranking_of, conditions, period) if ranking_of else []
    months = last_months(today)
    span = Period("", "", months[0].start, months[-1].end)
    found = queries.figures(session, unit.id, queries.activity_filter(period=span), split=False)
    activities = queries.activities_by_id(session, {a for _b, a in found})
    by_month = charted_months(found, activities)
    open_now = queries.open_activities(session, unit.id, now)
    statuses = queries.member_statuses(
        session, unit.id, queries.activity_filter() + [Activity.id.in_([a.id for a in open_now])]
    ) if open_now else []
    pending = [(a, [m for m in statuses if m.activity_id == a.id and not m.finished]) for a in open_now]
    return Dashboard(unit, period, report, ranking_of, ranking, monthly_chart(months, by_month), pending)


def charted_months(found: dict, activities: dict[int, Activity]) -> dict[str, Figures]:
    """Figures by the month (``2026-12``) each activity was answered in: a quarter's test run in
    December is December's on the chart, not its period's first month (October)."""
    by_month: dict[str, Figures] = {}
    for (_bucket, activity_id), figures in found.items():
        ran = today_in_china(activities[activity_id].opens_at)
        by_month.setdefault(f"{ran.year}-{ran.month:02d}", Figures()).add(figures)
    return by_month
