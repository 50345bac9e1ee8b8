"""``flask`` commands: thin wrappers over services."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from quizapp.admin.demo import DEMO_PASSWORD, seed_demo_organization
from quizapp.extensions import db
from quizapp.organize.cli import questions_cli


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo organization (idempotent) and print its logins."""
    result = seed_demo_organization(db.session)
    db.session.commit()
    click.echo(
        f"演示组织已就绪：新建单位 {result.units_created} 个，人员 {result.people_created} 人，"
        f"角色 {result.grants_created} 个。"
    )
    click.echo(f"所有演示账号的密码：{DEMO_PASSWORD}（可用手机号或党员编号登录）")
    for login in result.logins:
        click.echo(f"  {login.phone}  {login.member_no:<9} {login.name}  {login.description}")


def register(app: Flask) -> None:
    """Add the quizapp commands to ``app.cli``."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(questions_cli)
