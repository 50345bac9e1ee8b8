"""``flask report UNIT --period 2026-Q4 [--activity ID] --xlsx FILE``: the web export from a shell;
``flask report rebuild-rollups [--activity ID]``: recompute the report roll-ups from the attempts.

UNIT is a unit id or its exact name. Writes the same workbook as the report page's export
and prints a one-line summary.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Activity, ActivityStatus, Unit
from quizapp.models.base import utcnow
from quizapp.models.org import ancestor_ids
from quizapp.reports import excel, pages
from quizapp.results import rollups
from quizapp.results.periods import PeriodError, parse_period


def _unit(text: str) -> Unit:
    """The unit with this id or exact name, or a Chinese error."""
    cleaned = text.strip()
    if cleaned.isdigit() and cleaned.isascii() and len(cleaned) < 19:
        unit = db.session.get(Unit, int(cleaned))
        if unit is not None:
            return unit
    named = list(db.session.scalars(select(Unit).where(Unit.name == cleaned).order_by(Unit.id)))
    if not named:
        raise click.ClickException(f"找不到单位“{cleaned}”：请写单位编号或完整名称")
    if len(named) > 1:
        ids = "、".join(str(u.id) for u in named)
        raise click.ClickException(f"有多个单位名为“{cleaned}”（编号 {ids}），请改用编号")
    return named[0]


class ReportGroup(click.Group):
    """``flask report UNIT …`` runs the export; a subcommand's name runs the subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["export", *args]
        return super().parse_args(ctx, args)


@click.group("report", cls=ReportGroup)
def report_command() -> None:
    """单位学习测试报表：flask report 单位 --period 期间 --xlsx 文件；flask report rebuild-rollups。"""


@report_command.command("rebuild-rollups")
@click.option("--activity", "activity_id", type=int, default=None, help="只重算一项活动（编号）")
@with_appcontext
def rebuild_rollups_command(activity_id: int | None) -> None:
    """按答卷重算报表汇总（可重复运行，结果相同）。"""
    if activity_id is not None and db.session.get(Activity, activity_id) is None:
        raise click.ClickException(f"找不到活动 {activity_id}")
    written = rollups.rebuild_all(db.session, activity_id)
    db.session.commit()
    click.echo(f"已重算 {len(written)} 项活动的报表汇总，共 {sum(written.values())} 行单位数据。")


@report_command.command("export")
@click.argument("unit")
@click.option("--period", "period_text", default=None, help="期间：2026-11、2026-Q4 或 2026")
@click.option("--activity", "activity_id", type=int, default=None, help="只看一项活动（编号）")
@click.option("--mastery", is_flag=True, help="导出知识点掌握表（需 --period）")
@click.option("--xlsx", "xlsx", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="写入的 Excel 文件")
@with_appcontext
def export_command(unit: str, period_text: str | None, activity_id: int | None, mastery: bool,
                   xlsx: Path) -> None:
    """单位学习测试报表，导出 Excel（与网页导出相同）。"""
    target = _unit(unit)
    now = utcnow()
    if activity_id is not None:
        activity = db.session.get(Activity, activity_id)
        if activity is None or activity.status is not ActivityStatus.PUBLISHED:
            raise click.ClickException(f"找不到已发布的活动 {activity_id}")
        if not (activity.unit_id in ancestor_ids(db.session, target.id)
                or target.id in ancestor_ids(db.session, activity.unit_id)):
            raise click.ClickException(f"活动 {activity_id} 不是发布给“{target.name}”的")
        report = pages.activity_report(db.session, target, activity)
        data = excel.report_workbook(report, now)
    else:
        if not period_text:
            raise click.ClickException("请用 --period 指定期间（如 2026-Q4），或用 --activity 指定活动")
        try:
            period = parse_period(period_text)
        except PeriodError as error:
            raise click.ClickException(str(error)) from None
        if mastery:
            data = excel.mastery_workbook(pages.mastery(db.session, target, period), now)
            report = None
        else:
            report = pages.period_report(db.session, target, period)
            data = excel.report_workbook(report, now)
    try:
        xlsx.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"无法写入文件 {xlsx}：{error.strerror}") from None
    db.session.rollback()
    if report is None:
        click.echo(f"{target.name} {period.label} 知识点掌握表已写入 {xlsx}")
        return
    t = report.total
    subject = f"《{report.activity.title}》" if report.activity else report.period.label
    word = "人次" if report.activity is None else "人"
    click.echo(f"{target.name} {subject}：应参加 {t.due} {word}，已参加 {t.participants} {word}，"
               f"参与率 {_p(t.participation)}，平均得分率 {_p(t.average)}；已写入 {xlsx}")


def _p(value: float | None) -> str:
    return "—" if value is None else f"{value}%"
