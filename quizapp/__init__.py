"""quizapp: a phone-first learning and quiz platform for party organizations.

``create_app`` builds and configures an application. It has no side effects:
it does not touch the database, run migrations or reach the network.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from quizapp import cli, errors
from quizapp.admin import bp as admin_bp
from quizapp.auth import bp as auth_bp
from quizapp.auth.session import init_login_manager
from quizapp.config import finalize_config, load_config
from quizapp.contest import bp as contest_bp
from quizapp.contest import state as contest_state
from quizapp.extensions import bootstrap, csrf, db, migrate
from quizapp.main import bp as main_bp
from quizapp.quiz import autosave
from quizapp.quiz import bp as quiz_bp
from quizapp.organize import bp as organize_bp
from quizapp.points import bp as points_bp
from quizapp.proxies import TrustedProxies, parse_networks
from quizapp.publish import bp as publish_bp
from quizapp.paper import bp as paper_bp
from quizapp.reports import bp as reports_bp
from quizapp.roster import bp as roster_bp
from quizapp.security import init_security

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Create the app from ``QUIZAPP_*`` environment variables plus ``overrides``.

    ``overrides`` are Flask config keys (e.g. ``SQLALCHEMY_DATABASE_URI``) and win
    over the environment. Raises ``config.ConfigError`` on an unusable config.
    """
    app = Flask(__name__)
    app.config.from_mapping(load_config(os.environ))
    if overrides:
        app.config.from_mapping(overrides)
    finalize_config(app.config)

    # Always: X-Forwarded-* from a peer that is not a trusted proxy never reaches the app.
    app.wsgi_app = TrustedProxies(app.wsgi_app, parse_networks(app.config["TRUSTED_PROXIES"]))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    init_login_manager(app)
    autosave.init_app(app)
    contest_state.init_app(app)
    with app.app_context():
        _enforce_sqlite_foreign_keys(db.engine)

    # Before any route exists: ids in URLs are bounded to what the database can store.
    app.url_map.converters["int"] = errors.BoundedIntConverter
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(quiz_bp, url_prefix="/quiz")
    app.register_blueprint(organize_bp, url_prefix="/organize")
    app.register_blueprint(roster_bp, url_prefix="/roster")
    app.register_blueprint(publish_bp, url_prefix="/publish")
    app.register_blueprint(points_bp, url_prefix="/points")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(paper_bp, url_prefix="/paper")
    app.register_blueprint(contest_bp, url_prefix="/contest")
    errors.register(app)
    init_security(app)  # after errors.register: its CSRF error handler replaces the default
    cli.register(app)
    return app


def _enforce_sqlite_foreign_keys(engine: Engine) -> None:
    """SQLite ignores foreign keys unless asked on every connection."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Several gunicorn workers share the file: wait for a writer instead of failing at once,
        # and let readers go on while one writes (WAL).
        cursor.execute("PRAGMA busy_timeout=5000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
