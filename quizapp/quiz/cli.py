"""``flask attempts ...``: server jobs of answering (closing attempts past their end)."""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from quizapp.extensions import db
from quizapp.quiz.closing import close_due

log = logging.getLogger(__name__)

attempts_cli = click.Group("attempts", help="答题的后台任务")


def _one_round() -> int | None:
    """One round, a transaction per sitting submitted; an error is logged and the sitting at
    fault rolled back (the next round retries it)."""
    try:
        graded = close_due(db.session,
                           clear_after=current_app.config.get("QUIZ_WRONG_BOOK_CLEAR_STREAK", 2),
                           each=db.session.commit)  # one sitting per transaction
        db.session.commit()
        return graded
    except Exception:  # the next round retries: a job that dies closes nothing
        db.session.rollback()
        log.exception("close-due round failed")
        return None
    finally:
        db.session.remove()


@attempts_cli.command("close-due")
@click.option("--every", type=click.IntRange(min=1, max=86400), default=None, metavar="SECONDS",
              help="每隔多少秒运行一次（不填则只运行一次）")
@with_appcontext
def close_due_command(every: int | None) -> None:
    """Submit the scored attempts past their deadline and finalize closed activities."""
    while True:
        graded = _one_round()
        if graded is None:
            click.echo("本轮处理出错，已记录日志，将在下一轮重试。", err=True)
            if every is None:
                raise SystemExit(1)
        elif graded or every is None:
            # Repeating every 30 s, a round that submitted nothing stays quiet: the log shows
            # only what was done (a single run always says how many).
            click.echo(f"已自动交卷 {graded} 份。")
        if every is None:
            return
        time.sleep(every)
