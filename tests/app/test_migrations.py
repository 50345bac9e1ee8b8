"""The migrations build the same schema as the models, from a single head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from quizapp import MIGRATIONS_DIR
from quizapp.extensions import db, migrate


def test_there_is_a_single_head(empty_app):
    with empty_app.app_context():
        config = migrate.get_config(str(MIGRATIONS_DIR))
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_matches_the_models_and_downgrade_empties(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_migrated_database_serves_the_demo(empty_app, login):
    with empty_app.app_context():
        upgrade()
    result = empty_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    client = empty_app.test_client()
    assert login(client, "13900000000", "demo1234").status_code == 302
    assert "我的首页" in client.get("/").get_data(as_text=True)
