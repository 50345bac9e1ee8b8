"""``flask report UNIT --period ... --xlsx FILE``: a unit's report from the command line."""

from __future__ import annotations

import click


@click.command("report")
@click.argument("unit")
def report_command(unit: str) -> None:
    """单位报表（导出 Excel）。"""
    raise click.ClickException("报表命令尚未完成")
