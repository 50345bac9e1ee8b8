"""``flask questions ...``: importing speeches and approving banks from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from questions.text import SpeechError
from quizapp.extensions import db
from quizapp.models import BankQuestion, QuestionStatus, Speech, Unit
from quizapp.models.org import subtree_ids
from quizapp.organize import review, services


def _unit(unit_id: int | None, unit_name: str | None) -> Unit:
    """The unit named by --unit or --unit-name; a usage error when there is not exactly one."""
    if (unit_id is None) == (unit_name is None):
        raise click.UsageError("请用 --unit（单位编号）或 --unit-name（单位名称）指定一个单位")
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise click.UsageError(f"没有编号为 {unit_id} 的单位")
        return unit
    units = list(db.session.scalars(select(Unit).where(Unit.name == unit_name).order_by(Unit.id)))
    if not units:
        raise click.UsageError(f"没有名为“{unit_name}”的单位")
    if len(units) > 1:
        ids = "、".join(str(u.id) for u in units)
        raise click.UsageError(f"有 {len(units)} 个单位名为“{unit_name}”（编号 {ids}），请改用 --unit")
    return units[0]


@click.group("questions")
def questions_cli() -> None:
    """题库：从讲话稿导入题目，批量审核通过。"""


@questions_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--unit", "unit_id", type=int, help="讲话所属单位的编号")
@click.option("--unit-name", help="讲话所属单位的名称（须唯一）")
@click.option("--title", help="讲话标题（只导入一个文件时可用；默认从讲话稿开头找出，找不到时须用此项给出）")
@with_appcontext
def import_command(paths: tuple[Path, ...], unit_id: int | None, unit_name: str | None, title: str | None) -> None:
    """Import speeches (.txt/.docx/.pdf) into a unit's bank; re-importing a file updates its bank.

    Each file is read and built within the web upload's limits (size, time, memory). Prints the
    builder's report per file. Exits with status 2 when any file could not be read or gave no
    question (said on stderr; the others are still imported).
    """
    if title and len(paths) > 1:
        raise click.UsageError("--title 只能在导入一个文件时使用")
    unit = _unit(unit_id, unit_name)
    status = 0
    for path in paths:
        try:
            built = services.build_speech_file(path.name, _read(path))
            result = services.import_speech(db.session, unit, path.name, built, title=title)
        except SpeechError as error:
            db.session.rollback()
            click.echo(f"错误：{path}：{error}", err=True)
            status = 2
            continue
        db.session.commit()
        click.echo(result.report)
        click.echo(result.summary())
        if result.warning:
            click.echo(f"警告：{path}：{result.warning}", err=True)
            status = 2
        for question in result.kept_missing:
            click.echo(f"  请复核第 {question.id} 号题（{question.status.label}）：{question.stem[:40]}")
    if status:
        click.get_current_context().exit(status)


def _read(path: Path) -> bytes:
    """A file's bytes, at most one more than an upload may have (the size check says the rest)."""
    if not path.is_file():
        raise SpeechError("文件不存在或不是普通文件")
    with path.open("rb") as handle:
        return handle.read(services.MAX_SPEECH_BYTES + 1)


@questions_cli.command("approve-all")
@click.option("--unit", "unit_id", type=int, help="单位编号")
@click.option("--unit-name", help="单位名称（须唯一）")
@with_appcontext
def approve_all_command(unit_id: int | None, unit_name: str | None) -> None:
    """Approve every draft question of the speeches of a unit and its subtree (for demos)."""
    unit = _unit(unit_id, unit_name)
    drafts = db.session.scalars(
        select(BankQuestion).join(BankQuestion.speech)
        .where(Speech.unit_id.in_(subtree_ids(db.session, unit.id)), BankQuestion.status == QuestionStatus.DRAFT)
    )
    count = review.approve_all(drafts, None)
    db.session.commit()
    click.echo(f"已通过 {count} 道待审核题目（{unit.name}）。")
