"""``flask publish ...``: publishing from the command line (thin wrappers over services)."""

from __future__ import annotations

import click

publish_cli = click.Group("publish", help="发布月度选学和季度测试")
