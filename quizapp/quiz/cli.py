"""``flask attempts ...``: server jobs of answering (closing attempts past their end)."""

from __future__ import annotations

import click

attempts_cli = click.Group("attempts", help="答题的后台任务")
