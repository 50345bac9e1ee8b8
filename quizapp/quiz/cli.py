"""``flask attempts ...``: server jobs of answering (closing attempts past their end, drawing
papers before the rush)."""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from quizapp.extensions import db
from quizapp.models import Activity
from quizapp.quiz import predraw
from quizapp.quiz.closing import close_due

log = logging.getLogger(__name__)

attempts_cli = click.Group("attempts", help="答题的后台任务")
# Batches of papers (of predraw.BATCH members) a round of the close-due job draws at most:
# about 10 s here; a larger audience is drawn over the next rounds.
ROUND_BATCHES = 4


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


def _draw_round() -> int | None:
    """Drop the papers of closed activities and draw the papers open or coming activities'
    members need (``predraw``), at most ``ROUND_BATCHES`` batches, a transaction a batch; an
    error is logged and rolled back (the next round retries)."""
    drawn, batches = 0, ROUND_BATCHES
    try:
        predraw.prune(db.session)
        for activity in predraw.activities_to_draw(db.session):
            for count in predraw.draw_batches(db.session, activity, batch=predraw.BATCH):
                db.session.commit()
                drawn, batches = drawn + count, batches - 1
                if not batches:  # the rest next round: closing must not wait behind a big draw
                    return drawn
        db.session.commit()
        return drawn
    except Exception:  # a start without a paper draws it itself: nothing is lost meanwhile
        db.session.rollback()
        log.exception("paper draw round failed")
        return None
    finally:
        db.session.remove()


@attempts_cli.command("draw-papers")
@click.argument("activity_id", type=int, required=False)
@with_appcontext
def draw_papers_command(activity_id: int | None) -> None:
    """Draw the papers of an activity's members now (every open or coming activity's, without
    an id), showing the progress; the close-due job does it every round as well."""
    if activity_id is None:
        activities = predraw.activities_to_draw(db.session)
    else:
        found = db.session.get(Activity, activity_id)
        if found is None:
            raise click.ClickException(f"找不到编号为 {activity_id} 的活动")
        activities = [found]
    for activity in activities:
        done = 0

        def each(count: int) -> None:
            nonlocal done
            db.session.commit()
            done += count
            click.echo(f"「{activity.title}」已备卷 {done} 份……")

        total = predraw.draw_papers(db.session, activity, each=each)
        db.session.commit()
        click.echo(f"「{activity.title}」本次备卷 {total} 份。")


@attempts_cli.command("close-due")
@click.option("--every", type=click.IntRange(min=1, max=86400), default=None, metavar="SECONDS",
              help="每隔多少秒运行一次（不填则只运行一次）")
@with_appcontext
def close_due_command(every: int | None) -> None:
    """Submit the scored attempts past their deadline and finalize closed activities; then
    draw the papers members of open or coming activities need (``predraw``)."""
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
        drawn = _draw_round()
        if drawn:
            click.echo(f"已为 {drawn} 名党员预先抽好试卷。")
        if every is None:
            return
        time.sleep(every)
