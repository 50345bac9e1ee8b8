"""``flask publish ...``: publishing from the command line (thin wrappers over services).

``flask publish study`` and ``flask publish test`` mirror the web forms (times in Beijing
time, paragraph numbers from 1 as the speech page shows them); ``flask publish list``
lists activities. Bad input is a ``ClickException`` in Chinese; nothing is saved then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import or_, select

from quizapp.extensions import db
from quizapp.models import ActivityKind, AnswerPolicy, Person, QuestionType, Unit
from quizapp.models.base import utcnow
from quizapp.models.org import subtree_ids
from quizapp.publish import queries, services
from quizapp.results.clock import PeriodError, parse_local
from quizapp.results.periods import month_defaults, parse_month, parse_quarter, period_label
from quizapp.publish.specs import ActivitySpec, PartSpec, PassageSpec, PublishError
from quizapp.results.clock import local_time

FORMAT = "%Y-%m-%d %H:%M"
TYPE_NAMES = {**{t.value: t for t in QuestionType}, **{t.label: t for t in QuestionType}}

publish_cli = click.Group("publish", help="发布月度选学和季度测试")


class WholeNumber(click.ParamType):
    """An integer option whose error is in Chinese."""

    name = "整数"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        if isinstance(value, int) or (text.lstrip("-").isascii() and text.lstrip("-").isdigit() and len(text) < 9):
            return int(value)
        raise click.ClickException(f"{param.opts[0] if param else '该选项'} 应为整数，而不是“{value}”")


WHOLE = WholeNumber()


def _unit(value: str) -> Unit:
    """A unit by id (digits) or by its unique name."""
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) < 18:
        unit = db.session.get(Unit, int(value))
        if unit is None:
            raise click.ClickException(f"没有编号为 {value} 的单位")
        return unit
    units = list(db.session.scalars(select(Unit).where(Unit.name == value).order_by(Unit.id)))
    if not units:
        raise click.ClickException(f"没有名为“{value}”的单位")
    if len(units) > 1:
        ids = "、".join(str(u.id) for u in units)
        raise click.ClickException(f"有 {len(units)} 个单位名为“{value}”（编号 {ids}），请改用编号")
    return units[0]


def _person(login: str | None) -> Person | None:
    if login is None:
        return None
    person = db.session.scalar(select(Person).where(or_(Person.phone == login, Person.member_no == login)))
    if person is None or not person.active:
        raise click.ClickException(f"找不到手机号或党员编号为 {login} 的在册人员")
    return person


def _id(text: str, what: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 18):
        raise click.ClickException(f"{what}“{text}”应为数字编号")
    return int(text)


def _number(text: str, what: str, spec: str) -> int:
    if not (text.strip().isascii() and text.strip().isdigit() and len(text.strip()) < 6):
        raise click.ClickException(f"--part {spec}：{what}应为正整数")
    return int(text)


def parse_part(text: str) -> PartSpec:
    """``single:10:2[:SPEECH_ID[:CONCEPT]]`` (types single/multiple/judge/fill or 单选/多选/判断/填空)."""
    pieces = text.split(":", 4)
    if len(pieces) < 3:
        raise click.ClickException(f"--part {text}：格式应为 题型:题数:每题分值[:讲话编号[:概念]]，如 single:10:2")
    qtype = TYPE_NAMES.get(pieces[0].strip())
    if qtype is None:
        raise click.ClickException(f"--part {text}：题型应为 single、multiple、judge、fill（或 单选、多选、判断、填空）")
    speech = pieces[3].strip() if len(pieces) > 3 else ""
    return PartSpec(qtype, _number(pieces[1], "题数", text), _number(pieces[2], "每题分值", text),
                    _id(speech, "讲话编号") if speech else None, pieces[4].strip() if len(pieces) > 4 else "")


def parse_passage(text: str) -> PassageSpec:
    """``SPEECH_ID:FIRST-LAST[:CONCEPT]``, paragraphs numbered from 1."""
    pieces = text.split(":", 2)
    span = pieces[1].split("-") if len(pieces) > 1 else []
    if len(span) != 2 or not all(s.strip().isascii() and s.strip().isdigit() and len(s.strip()) < 6 for s in span):
        raise click.ClickException(f"--passage {text}：格式应为 讲话编号:起始段-结束段[:概念]，如 12:3-5")
    first, last = int(span[0]), int(span[1])
    if first < 1:
        raise click.ClickException(f"--passage {text}：段落从第 1 段算起")
    return PassageSpec(_id(pieces[0].strip(), "讲话编号"), first - 1, last - 1,
                       pieces[2].strip() if len(pieces) > 2 else "")


def _time(text: str | None, label: str) -> Any:
    if text is None:
        return None
    try:
        return parse_local(text, label)
    except PeriodError as error:
        raise click.ClickException(str(error)) from None


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options studies and tests share."""
    options = [
        click.option("--unit", "unit", help="发布到的单位（编号或唯一的名称），必填"),
        click.option("--title", help="标题，必填"),
        click.option("--intro", default="", help="说明（月度选学的阅读导语）"),
        click.option("--opens", help="正式答题开始，北京时间，如 \"2026-11-20 09:00\""),
        click.option("--closes", help="截止，北京时间"),
        click.option("--practice-opens", help="练习开放时间，北京时间"),
        click.option("--time-limit", type=WHOLE, help="答题时限（分钟），不填为不限时"),
        click.option("--attempts", type=WHOLE, default=1, show_default=True, help="可答次数"),
        click.option("--answers", type=click.Choice([a.value for a in AnswerPolicy]),
                     default=AnswerPolicy.AFTER_SUBMIT.value, show_default=True, help="答案何时公布"),
        click.option("--partial", is_flag=True, help="多选题按选对的比例给分"),
        click.option("--pass-percent", type=WHOLE, default=60, show_default=True),
        click.option("--excellent-percent", type=WHOLE, default=90, show_default=True),
        click.option("--part", "parts", multiple=True, help="出题规则 题型:题数:每题分值[:讲话编号[:概念]]，可多次"),
        click.option("--by", "by", help="以该组织员（手机号或党员编号）的权限发布"),
        click.option("--publish", "publish_now", is_flag=True, help="保存后立即发布"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _create(spec_args: dict[str, Any], kind: ActivityKind, period: Any, practice: Any, opens: Any,
            closes: Any, passages: list[PassageSpec]) -> None:
    a = spec_args
    if not a["unit"] or not (a["title"] or "").strip():
        raise click.ClickException("请用 --unit 指定发布到的单位，用 --title 指定标题")
    unit = _unit(a["unit"])
    by = _person(a["by"])
    spec = ActivitySpec(
        kind=kind, title=a["title"], unit_id=unit.id, period_start=period, opens_at=opens,
        closes_at=closes, practice_opens_at=practice, intro=a["intro"],
        time_limit_minutes=a["time_limit"], attempts_allowed=a["attempts"],
        answers_shown=AnswerPolicy(a["answers"]), partial_multiple=a["partial"],
        pass_percent=a["pass_percent"], excellent_percent=a["excellent_percent"],
        parts=[parse_part(p) for p in a["parts"]], passages=passages,
    )
    try:
        activity = services.create_activity(db.session, spec, by=by)
        size = services.publish_activity(db.session, activity) if a["publish_now"] else None
    except PublishError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"已创建{kind.label}（编号 {activity.id}）：{activity.title}")
    if size is None:
        click.echo("状态：草稿（加 --publish 可直接发布）")
    else:
        click.echo(f"已发布，参加人数 {size} 人")


@publish_cli.command("study")
@_common
@click.option("--month", default="", help="月份，如 2026-11（必填）")
@click.option("--passage", "passages", multiple=True, help="阅读材料 讲话编号:起始段-结束段[:概念]，可多次")
@with_appcontext
def study_command(month: str, passages: tuple[str, ...], **options: Any) -> None:
    """Create (and with --publish, publish) a monthly study (月度选学)."""
    if not month:
        raise click.ClickException("请用 --month 指定月份，如 2026-11")
    try:
        period = parse_month(month)
    except PeriodError as error:
        raise click.ClickException(str(error)) from None
    practice, opens, closes = month_defaults(period)
    _create(options, ActivityKind.STUDY, period,
            _time(options["practice_opens"], "练习开放时间") or practice,
            _time(options["opens"], "开始时间") or opens, _time(options["closes"], "截止时间") or closes,
            [parse_passage(p) for p in passages])


@publish_cli.command("test")
@_common
@click.option("--quarter", default="", help="季度，如 2026-Q4（必填）")
@with_appcontext
def test_command(quarter: str, **options: Any) -> None:
    """Create (and with --publish, publish) a quarterly test (季度测试)."""
    if not quarter:
        raise click.ClickException("请用 --quarter 指定季度，如 2026-Q4")
    try:
        period = parse_quarter(quarter)
    except PeriodError as error:
        raise click.ClickException(str(error)) from None
    if options["opens"] is None or options["closes"] is None:
        raise click.ClickException("季度测试须用 --opens 和 --closes 指定开始和截止时间（北京时间）")
    _create(options, ActivityKind.TEST, period, _time(options["practice_opens"], "练习开放时间"),
            _time(options["opens"], "开始时间"), _time(options["closes"], "截止时间"), [])


@publish_cli.command("list")
@click.option("--unit", "unit", help="只列出发布到该单位及其下级的（编号或名称）")
@with_appcontext
def list_command(unit: str | None) -> None:
    """List studies and tests: id, kind, status, unit, period, window, audience and submitted."""
    ids = subtree_ids(db.session, _unit(unit).id) if unit else set(db.session.scalars(select(Unit.id)))
    rows = queries.activities_in(db.session, ids, utcnow())
    if not rows:
        click.echo("没有月度选学或季度测试。")
    for row in rows:
        a = row.activity
        window = f"{local_time(a.opens_at, FORMAT)} – {local_time(a.closes_at, FORMAT)}"
        click.echo(f"{a.id:>5}  {a.kind.label}  {row.status.label:<3}  {a.unit.name}  "
                   f"{period_label(a.period_start, a.kind is ActivityKind.STUDY)}  {window}  "
                   f"参加 {row.audience} 人，已交卷 {row.submitted} 人  {a.title}")
