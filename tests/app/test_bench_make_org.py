"""bench/make_org.py: the generated organization has the promised shape and consistent figures.

One small generation (300 members) on the test database, checked with SQL: the tree, the
audiences, participation, scores against their items, the points ledger against the app's own
``award_for_activity``, and the schema still at the migrations' head (after the generator dropped
and rebuilt indexes on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import and_, func, select

from bench import make_org
from quizapp import MIGRATIONS_DIR
from quizapp.extensions import db, migrate
from quizapp.models import (
    Activity,
    ActivityKind,
    ActivityMember,
    Attempt,
    AttemptItem,
    AttemptStatus,
    EntryKind,
    Person,
    PointEntry,
    Unit,
    UnitKind,
)
from quizapp.results.awards import award_for_activity

# The generator's bank is built from two of the speeches beside the checkout, as the other
# tests that read them, skipped where they are not.
pytestmark = pytest.mark.skipif(not all(path.is_file() for path in make_org.SPEECHES),
                                reason="../shared/speeches is not beside the checkout")

MEMBERS = 300
NOW = "2026-11-22T10:00+08:00"


def _one(statement: Any) -> Any:
    return db.session.execute(statement).scalar_one()


def test_generates_a_consistent_organization(empty_app: Flask, database_url: str,
                                             login: Callable[..., Any]) -> None:
    assert make_org.main(["--members", str(MEMBERS), "--database-url", database_url,
                          "--seed", "7", "--now", NOW]) == 0
    with empty_app.app_context():
        _check_tree_and_audiences()
        _check_participation_and_scores()
        _check_ledger()
        _check_schema_at_head()
        _check_references()
    assert login(empty_app.test_client(), "13900000002", "bench1234").status_code == 302


def _check_tree_and_audiences() -> None:
    """One 机关党委, 总支 and branches by size, members in branches and groups, full audiences."""
    kinds = dict(db.session.execute(select(Unit.kind, func.count()).group_by(Unit.kind)).all())
    branches = kinds[UnitKind.BRANCH]
    assert (kinds[UnitKind.COMMITTEE], kinds[UnitKind.GENERAL_BRANCH], branches) == (1, 1, 3)
    assert 2 * branches <= kinds[UnitKind.GROUP] <= 4 * branches
    assert _one(select(func.count()).select_from(Person)) == MEMBERS
    homes = db.session.execute(select(Unit.kind, func.count()).join(Person, Person.unit_id == Unit.id)
                               .group_by(Unit.kind)).all()
    assert {kind for kind, _ in homes} == {UnitKind.BRANCH, UnitKind.GROUP}
    activities = db.session.execute(select(Activity.kind, func.count()).group_by(Activity.kind)).all()
    assert dict(activities) == {ActivityKind.STUDY: 12, ActivityKind.TEST: 4}
    audience = db.session.execute(select(ActivityMember.activity_id, func.count())
                                  .group_by(ActivityMember.activity_id)).all()
    assert len(audience) == 16 and {count for _, count in audience} == {MEMBERS}
    elsewhere = select(func.count()).select_from(ActivityMember).join(
        Person, and_(Person.id == ActivityMember.person_id, Person.unit_id != ActivityMember.unit_id))
    assert _one(elsewhere) == 0


def _check_participation_and_scores() -> None:
    """≈90% take each activity; every score is the sum of its items; a few attempts still open."""
    takers = db.session.execute(select(Attempt.activity_id, func.count(Attempt.person_id.distinct()))
                                .group_by(Attempt.activity_id)).all()
    assert len(takers) == 16
    assert all(0.80 <= count / MEMBERS <= 0.97 for _, count in takers), takers
    sums = (select(AttemptItem.attempt_id, func.sum(AttemptItem.points).label("points"),
                   func.sum(AttemptItem.max_points).label("max_points"), func.count().label("item_count"))
            .group_by(AttemptItem.attempt_id).subquery())
    submitted = select(Attempt.score, Attempt.max_score, Attempt.question_count, sums.c.points,
                       sums.c.max_points, sums.c.item_count).join(sums, sums.c.attempt_id == Attempt.id
                       ).where(Attempt.status == AttemptStatus.SUBMITTED)
    rows = db.session.execute(submitted).all()
    assert len(rows) == _one(select(func.count()).select_from(Attempt)
                             .where(Attempt.status == AttemptStatus.SUBMITTED))
    assert all(r.score == r.points and r.max_score == r.max_points and r.item_count == r.question_count
               for r in rows)
    scores = [r.score / r.max_score for r in rows]
    assert 0.4 < sum(scores) / len(scores) < 0.9 and min(scores) < 0.3 and max(scores) == 1
    current_test = select(Activity.id).where(Activity.kind == ActivityKind.TEST,
                                             Activity.finalized_at.is_(None))
    open_count = select(func.count()).select_from(Attempt).where(
        Attempt.status == AttemptStatus.OPEN, Attempt.activity_id.in_(current_test))
    assert _one(open_count) >= 2


def _check_ledger() -> None:
    """Automatic entries trace to the member's submitted attempt, and the app would add nothing."""
    automatic = select(PointEntry, Attempt).join(Attempt, Attempt.id == PointEntry.attempt_id).where(
        PointEntry.kind.in_([EntryKind.STUDY, EntryKind.TEST]))
    pairs = set()
    for entry, attempt in db.session.execute(automatic):
        assert (attempt.person_id, attempt.activity_id, attempt.status) == (
            entry.person_id, entry.activity_id, AttemptStatus.SUBMITTED)
        pairs.add((entry.person_id, entry.activity_id))
    assert len(pairs) > 0.8 * 16 * MEMBERS * 0.8
    assert _one(select(func.count()).select_from(PointEntry).where(PointEntry.needs_approval)) >= 4
    for person_id, activity_id in sorted(pairs)[::97]:  # nothing left for the app to append
        assert award_for_activity(db.session, person_id, activity_id) is None
    db.session.rollback()


def _check_schema_at_head() -> None:
    """As ``flask db check``: at the head revision, and the models match the database
    (indexes and unique constraints included, which the generator rebuilds on PostgreSQL)."""
    heads = ScriptDirectory.from_config(migrate.get_config(str(MIGRATIONS_DIR))).get_heads()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "render_as_batch": True})
        assert [context.get_current_revision()] == heads
        assert compare_metadata(context, db.metadata) == []


def _check_references() -> None:
    """Every foreign key resolves (on PostgreSQL the generator loads with their triggers off)."""
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            parent = key.column.table.alias()
            target = parent.c[key.column.name]
            orphans = select(func.count()).select_from(table).where(
                key.parent.is_not(None), ~select(target).where(target == key.parent).exists())
            assert _one(orphans) == 0, f"{key.parent} has rows without their {key.column}"


def test_refuses_a_database_with_tables_unless_reset(app: Flask, database_url: str) -> None:
    small = ["--members", "60", "--database-url", database_url, "--seed", "3", "--now", NOW]
    with pytest.raises(SystemExit, match="--reset"):
        make_org.main(small)
    totals = []
    for _ in range(2):
        make_org.main([*small, "--reset"])
        with app.app_context():
            totals.append(db.session.execute(select(func.count(), func.sum(Attempt.score))).one())
            db.session.remove()
    assert totals[0] == totals[1] and totals[0][0] > 60 * 16 * 0.8  # same seed, same data
