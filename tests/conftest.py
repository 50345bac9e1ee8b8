"""Fixtures for the web app: a fresh database per test, factories and a login helper.

The database is a temporary SQLite file, or the PostgreSQL database named by
QUIZAPP_TEST_DATABASE_URL (shared between tests, so every test empties every
table when it starts).

No application context is held while a test runs: the test client would
reuse it for every request, and Flask-Login keeps the current user in ``g``,
so one request's user would leak into the next. Touch the database inside
``with app.app_context():`` and make requests outside it.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule

from quizapp import create_app
from quizapp.auth.passwords import hash_password
from quizapp.extensions import db as _db
from quizapp.models import Person, Role, RoleGrant, Unit, UnitKind

DEFAULT_PASSWORD = "secret123"


@functools.cache
def _password_hash(password: str) -> str:
    """One real Argon2id hash per password for the whole run: people made by ``make_person``
    share it (a hash costs about 0.1 s of CPU, and the suite makes thousands of people)."""
    return hash_password(password)

_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class IsolatedClient(FlaskClient):
    """A test client that refuses to run a request inside an app context."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        assert not has_app_context(), (
            "make requests outside `with app.app_context()`: the request would "
            "share the context's `g` (and Flask-Login's current user)"
        )
        return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Replace pytest-flask's fixture of this name, which pushes a request
    context around each test and so shares ``g`` between requests."""


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Replaces pytest-flask's ``client``, which keeps each request's context
    pushed until the next request (``with app.test_client()``)."""
    return app.test_client()


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    return os.environ.get("QUIZAPP_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path / 'quizapp-test.sqlite'}"
    )


class _SharedTemplateCode(BytecodeCache):
    """Compiled templates kept in memory for the whole run and shared by every app a test makes.

    Each test builds its own app, and each app's Jinja environment compiled every template it
    rendered afresh (~0.1-0.2 s for the first page of a test). Jinja checks a stored template's
    source checksum before using it, so a changed template is compiled again; what a template
    renders does not depend on where its code came from.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _SharedTemplateCode()


_BUILDERS: dict[tuple[Any, ...], Callable[..., Any]] = {}


def _shared_builder(compile_builder: Callable[..., Any]) -> Callable[..., Any]:
    """Werkzeug's ``Rule._compile_builder``, remembered across apps.

    ``create_app`` registers ~110 routes, and for each Werkzeug writes and compiles two small
    Python functions that build the route's URL: ~0.11 s of CPU an app, nine tenths of
    ``create_app``, and every test makes an app. The function depends only on the rule's text,
    its parsed parts and the names of its defaults; it reaches the rule's converters through
    the rule it is bound to. So one compiled function serves every app's copy of a rule. (A
    default that fills a variable part is turned into text by the rule's converter while
    compiling: such rules are compiled each time, as before.)
    """
    def compile_once(rule: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        defaults = rule.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in rule._trace):
            return compile_builder(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), tuple(map(str, defaults)), append_unknown)
        if key not in _BUILDERS:
            _BUILDERS[key] = compile_builder(rule, append_unknown)
        return _BUILDERS[key]

    return compile_once


@pytest.fixture(autouse=True, scope="session")
def _compile_url_builders_once() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", _shared_builder(Rule._compile_builder))
        yield


@pytest.fixture
def make_app(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Flask]:
    """Build an app on the test database; keyword arguments override config."""
    for key in list(os.environ):
        if key.startswith("QUIZAPP_"):
            monkeypatch.delenv(key)

    def make(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            **overrides,
        }
        app = create_app(config)
        app.test_client_class = IsolatedClient
        app.jinja_env.bytecode_cache = _TEMPLATE_CODE
        return app

    return make


def _drop_everything() -> None:
    with _db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # A test that leaves a transaction open would otherwise make the
            # DROP wait forever; fail instead.
            connection.exec_driver_sql("SET lock_timeout = '10s'")
        if connection.dialect.name == "sqlite":
            # Dropping a table deletes its rows first, which SQLite would
            # refuse for rows that RESTRICT foreign keys still point to.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        _db.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        connection.commit()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def empty_app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """An app whose database has no tables at all (for migration tests)."""
    app = make_app()
    with app.app_context():
        _drop_everything()
    yield app
    with app.app_context():
        _db.session.remove()
        _drop_everything()
        _db.engine.dispose()


def _emptying_script(connection: Any) -> str:
    """DELETE every model table, children first, and restart every sequence: one round trip.

    (TRUNCATE takes ~45 ms for the schema even when the tables are empty; these DELETEs ~1 ms.)
    """
    sequences = connection.scalars(text(
        "SELECT quote_ident(sequencename) FROM pg_sequences WHERE schemaname = current_schema()"))
    deletes = [f'DELETE FROM "{table.name}"' for table in reversed(_db.metadata.sorted_tables)]
    restarts = ", ".join(f"setval('{name}', 1, false)" for name in sequences)
    return "; ".join(deletes + ([f"SELECT {restarts}"] if restarts else []))


def _empty_model_schema() -> None:
    """Leave exactly the models' tables, empty, with their ids starting at 1.

    On PostgreSQL the tables the previous test left are emptied in place when they are
    exactly the models' tables and this run created them (dropping and creating them took
    ~0.2 s a test, a third of the suite's time there); anything else (an earlier run's tables,
    a migrated or half-dropped database) is dropped and created again. A SQLite file is new for
    every test: the ``app`` fixture copies it from ``_sqlite_schema_file`` before the app opens
    it, and then this finds the models' tables, empty, and leaves them.
    """
    url = _db.engine.url.render_as_string(hide_password=False)
    with _db.engine.connect() as connection:
        if connection.dialect.name == "sqlite" and url in _COPIED_SQLITE_FILES:
            return
        if connection.dialect.name == "postgresql" and url in _CREATED_THIS_RUN:
            connection.exec_driver_sql("SET lock_timeout = '10s'")
            present = set(connection.scalars(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))
            if present == set(_db.metadata.tables):
                connection.exec_driver_sql(_emptying_script(connection))
                connection.commit()
                return
    _drop_everything()
    _db.create_all()
    _CREATED_THIS_RUN.add(url)


# Databases whose schema this run created from the models: tables left by an earlier run (of
# older models, perhaps with other columns) are never reused.
_CREATED_THIS_RUN: set[str] = set()
# SQLite files a test's ``app`` fixture made by copying ``_sqlite_schema_file``.
_COPIED_SQLITE_FILES: set[str] = set()


@functools.cache
def _sqlite_schema_file() -> Path:
    """A SQLite file holding the models' tables, empty, created once a run.

    Creating the ~35 tables with their constraints took ~0.1 s a test; copying this file (a
    fresh file for every test, as before) takes a millisecond. ``create_all`` runs on the same
    SQLite dialect the app uses, so the schema is the one the app would have created.
    """
    folder = Path(tempfile.mkdtemp(prefix="quizapp-schema-"))
    path = folder / "models.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    _db.metadata.create_all(engine)
    engine.dispose()
    return path


def _copy_sqlite_schema(database_url: str) -> None:
    """Give a SQLite URL whose file does not exist yet the models' empty tables."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    target = Path(url.database)
    if target.exists():
        return
    shutil.copyfile(_sqlite_schema_file(), target)
    _COPIED_SQLITE_FILES.add(url.render_as_string(hide_password=False))


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Remove the SQLite schema file this run made, if it made one."""
    if _sqlite_schema_file.cache_info().currsize:
        shutil.rmtree(_sqlite_schema_file().parent, ignore_errors=True)


@pytest.fixture
def app(make_app: Callable[..., Flask], database_url: str) -> Iterator[Flask]:
    """An app whose database holds the models' tables, empty (see ``_empty_model_schema``)."""
    _copy_sqlite_schema(database_url)
    app = make_app()
    with app.app_context():
        _empty_model_schema()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The SQLAlchemy extension inside an app context, for tests that make no
    requests (services, models, queries)."""
    with app.app_context():
        yield _db
        _db.session.rollback()


def _detach(obj: Any) -> Any:
    _db.session.refresh(obj)
    _db.session.expunge(obj)
    return obj


@pytest.fixture
def make_unit(app: Flask) -> Callable[..., Unit]:
    """Create a committed unit; returns it detached with its columns loaded."""
    counter = itertools.count(1)

    def make(
        name: str | None = None,
        kind: UnitKind = UnitKind.BRANCH,
        parent: Unit | None = None,
    ) -> Unit:
        with app.app_context():
            unit = Unit(
                name=name or f"测试单位{next(counter)}",
                kind=kind,
                parent_id=parent.id if parent else None,
            )
            _db.session.add(unit)
            _db.session.commit()
            return _detach(unit)

    return make


@pytest.fixture
def make_person(app: Flask, make_unit: Callable[..., Unit]) -> Callable[..., Person]:
    """Create a committed person (and a unit if none is given).

    ``roles`` is a list of (Role, Unit) grants. Phone and member numbers are
    unique by default; pass ``phone=None`` or ``member_no=None`` to omit one.
    """
    counter = itertools.count(1)
    unset: Any = object()

    def make(
        name: str = "测试党员",
        unit: Unit | None = None,
        phone: str | None = unset,
        member_no: str | None = unset,
        password: str = DEFAULT_PASSWORD,
        must_change_password: bool = False,
        active: bool = True,
        roles: list[tuple[Role, Unit]] = (),  # type: ignore[assignment]
    ) -> Person:
        serial = next(counter)
        unit = unit or make_unit()
        with app.app_context():
            person = Person(
                name=name,
                unit_id=unit.id,
                phone=f"137{serial:08d}" if phone is unset else phone,
                member_no=f"T{serial:06d}" if member_no is unset else member_no,
                password_hash=_password_hash(password),
                must_change_password=must_change_password,
                active=active,
            )
            _db.session.add(person)
            _db.session.flush()
            for role, scope in roles:
                _db.session.add(RoleGrant(person_id=person.id, role=role, unit_id=scope.id))
            _db.session.commit()
            return _detach(person)

    return make


@pytest.fixture
def login() -> Callable[..., Any]:
    """``login(client, account, password=DEFAULT_PASSWORD, remember=False, next=None)``."""

    def do_login(
        client: FlaskClient,
        account: str,
        password: str = DEFAULT_PASSWORD,
        remember: bool = False,
        next: str | None = None,
    ) -> Any:
        data = {"account": account, "password": password}
        if remember:
            data["remember"] = "y"
        query = {"next": next} if next is not None else None
        return client.post("/auth/login", data=data, query_string=query)

    return do_login


def csrf_token_from(html: str) -> str:
    """The CSRF token embedded in a rendered page."""
    match = _CSRF_RE.search(html)
    assert match, "no csrf_token in page"
    return match.group(1)


@pytest.fixture
def csrf_token() -> Callable[[str], str]:
    return csrf_token_from


# -- the end of a run: say which browser tests did not run, and how to run them -----------------

BROWSER_ENABLE = "sudo apt-get install -y chromium fonts-noto-cjk"


def pytest_unconfigure(config: Any) -> None:
    """Browser tests skip where Chromium or a Chinese font is missing; a newcomer must not take
    a green run for tested phone flows, so the count and the one command that enables them are
    the last lines of the run (after pytest's own summary)."""
    reporter = config.pluginmanager.getplugin("terminalreporter")
    if reporter is None:
        return
    skipped = [report for report in reporter.stats.get("skipped", [])
               if "browser" in getattr(report, "keywords", {})]
    if not skipped:
        return
    reporter.write_sep("=", "浏览器测试未运行", yellow=True)
    reporter.write_line(
        f"跳过了 {len(skipped)} 个浏览器测试（手机 390×844 与桌面 1366×768 的流程和截图）："
        "本机没有 Chromium 或中文字体。")
    reporter.write_line(f"启用它们：{BROWSER_ENABLE}")
