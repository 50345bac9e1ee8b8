"""``flask seed-demo --bank``: the demo approves on its own only the builder's best question of
each key point, ranked at least questions.quality.THRESHOLD; the rest wait for an organizer."""

from __future__ import annotations

from collections import defaultdict

from bank_helpers import OTHER, V1, bank_import_dir  # noqa: F401 - fixture
from sqlalchemy import select

from questions.quality import THRESHOLD
from quizapp.admin.demo import ROOT_NAME
from quizapp.extensions import db
from quizapp.models import BankQuestion, QuestionStatus, Unit
from quizapp.organize import services


def _import_demo_speeches(app):
    with app.app_context():
        root = db.session.scalar(select(Unit).where(Unit.name == ROOT_NAME))
        services.import_speech(db.session, root, "讲话.txt", V1)
        branch = root.children[0]
        services.import_speech(db.session, branch, "支部讲话.txt", OTHER)
        db.session.commit()


def _rows(app):
    with app.app_context():
        return db.session.execute(select(BankQuestion.id, BankQuestion.point, BankQuestion.quality,
                                         BankQuestion.status).order_by(BankQuestion.id)).all()


def test_the_demo_approves_the_best_of_each_point_above_the_threshold(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    _import_demo_speeches(app)
    rows = _rows(app)
    assert any(r.quality < THRESHOLD for r in rows)  # the test means something: some fall short
    assert len({r.point for r in rows}) < len(rows)  # and some points have several variants

    result = runner.invoke(args=["seed-demo", "--bank"])
    assert result.exit_code == 0, result.output
    rows = _rows(app)
    approved = [r for r in rows if r.status is QuestionStatus.APPROVED]
    waiting = [r for r in rows if r.status is QuestionStatus.DRAFT]
    assert approved and all(r.quality >= THRESHOLD for r in approved)
    assert len({r.point for r in approved}) == len(approved)  # one per point
    # Each point that has a question at or above the threshold got its best one.
    best: dict[str, list] = defaultdict(list)
    for r in rows:
        best[r.point].append(r)
    for point, variants in best.items():
        top = max(variants, key=lambda r: (r.quality, -r.id))
        assert (top.status is QuestionStatus.APPROVED) == (top.quality >= THRESHOLD), point
    assert (f"示范题库：已自动通过 {len(approved)} 道（质量分 ≥ 0.7，每个要点一道），"
            f"其余 {len(waiting)} 道待组织员审核") in result.output

    again = runner.invoke(args=["seed-demo", "--bank"])
    assert f"已自动通过 0 道（质量分 ≥ 0.7，每个要点一道），其余 {len(waiting)} 道" in again.output
    assert _rows(app) == rows


def test_the_demo_bank_needs_the_organization(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--bank"])
    assert result.exit_code == 1 and "flask seed-demo" in result.output
