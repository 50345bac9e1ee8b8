"""``flask`` commands: thin wrappers over services."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from quizapp.admin.demo import DEMO_PASSWORD, DemoBankError, approve_demo_bank, seed_demo_organization
from quizapp.admin.demo_activities import DemoActivityError, seed_demo_activities
from quizapp.admin.services import AdminSetupError, create_first_admin
from quizapp.extensions import db
from quizapp.models import UnitKind
from quizapp.models.base import utcnow
from quizapp.organize.cli import questions_cli
from quizapp.publish.cli import publish_cli
from quizapp.quiz.cli import attempts_cli
from quizapp.reports.cli import report_command


@click.command("seed-demo")
@click.option("--bank", is_flag=True,
              help="审核示范题库：只自动通过质量分达标的题目，每个要点一道（需先导入讲话稿）")
@click.option("--activities", is_flag=True,
              help="再发布本月选学和本季度测试，并让部分演示党员作答（需先导入并审核题库）")
@with_appcontext
def seed_demo_command(bank: bool, activities: bool) -> None:
    """Create the demo organization (idempotent) and print its logins; with --bank approve the
    demo bank's best questions, with --activities publish the demo's study and test."""
    if bank:
        try:
            made = approve_demo_bank(db.session)
        except DemoBankError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
        click.echo(made.summary() + "。")
    if activities:
        _seed_activities()
    if bank or activities:
        return
    result = seed_demo_organization(db.session)
    db.session.commit()
    click.echo(
        f"演示组织已就绪：新建单位 {result.units_created} 个，人员 {result.people_created} 人，"
        f"角色 {result.grants_created} 个。"
    )
    click.echo(f"所有演示账号的密码：{DEMO_PASSWORD}（可用手机号或党员编号登录）")
    for login in result.logins:
        click.echo(f"  {login.phone}  {login.member_no:<9} {login.name}  {login.description}")


def _seed_activities() -> None:
    try:
        made = seed_demo_activities(db.session, utcnow())
    except DemoActivityError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    if not made.published:
        click.echo("演示活动已存在，未作改动。")
    for title in made.published:
        click.echo(f"已发布：{title}")
    if made.published:
        click.echo(f"演示党员已作答 {made.answered} 份（各支部的演示登录账号和书记均未作答）。")


@click.command("create-admin")
@click.option("--unit-name", required=True, help="顶层单位名称，如“XX市直机关工委”（不存在则新建）")
@click.option("--unit-kind", type=click.Choice([k.value for k in UnitKind]), default=UnitKind.COMMITTEE.value,
              show_default=True, help="新建单位的类别")
@click.option("--name", required=True, help="管理员姓名")
@click.option("--phone", default=None, help="手机号（用于登录）")
@click.option("--member-no", default=None, help="党员编号（用于登录）")
@with_appcontext
def create_admin_command(unit_name: str, unit_kind: str, name: str, phone: str | None,
                         member_no: str | None) -> None:
    """Create the first administrator of a new installation and print a temporary password."""
    try:
        made = create_first_admin(db.session, unit_name=unit_name, unit_kind=UnitKind(unit_kind), name=name,
                                  phone=phone, member_no=member_no)
    except AdminSetupError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"已创建管理员 {made.person.name}（{made.unit.name}）。")
    click.echo(f"临时密码：{made.password}（首次登录后须修改；仅显示这一次）")


def register(app: Flask) -> None:
    """Add the quizapp commands to ``app.cli``."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(questions_cli)
    app.cli.add_command(publish_cli)
    app.cli.add_command(attempts_cli)
    app.cli.add_command(report_command)
