"""Error pages: Chinese text, rollback on 500, and 503 when the database is down."""

from __future__ import annotations

import pytest

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Unit, UnitKind


def test_404_in_chinese(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_405_in_chinese(client):
    response = client.open("/auth/logout", method="GET")
    assert response.status_code == 405
    assert "不支持该操作方式" in response.get_data(as_text=True)


def test_500_rolls_back_and_shows_chinese_page(app, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    @app.route("/boom")
    def boom():
        db.session.add(Unit(name="半途而废", kind=UnitKind.BRANCH))
        db.session.flush()
        raise RuntimeError("boom")

    rollbacks = []
    real_rollback = db.session.rollback
    monkeypatch.setattr(db.session, "rollback", lambda: (rollbacks.append(1), real_rollback()))
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "服务器出错" in response.get_data(as_text=True)
    assert rollbacks
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


@pytest.fixture
def unreachable_db_app(make_app, tmp_path):
    """The database file's directory does not exist: every query fails."""
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing-dir' / 'x.sqlite'}",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_database_down_on_login_gives_503(unreachable_db_app):
    client = unreachable_db_app.test_client()
    assert client.get("/auth/login").status_code == 200  # no query needed
    response = client.post("/auth/login", data={"account": "13812345678", "password": "x"})
    assert response.status_code == 503
    assert "服务暂时不可用，请稍后重试" in response.get_data(as_text=True)


def test_database_down_for_a_logged_in_person_gives_503(unreachable_db_app):
    client = unreachable_db_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:1:any-token"
        session["_fresh"] = True
    response = client.get("/")
    assert response.status_code == 503
    assert "服务暂时不可用，请稍后重试" in response.get_data(as_text=True)
