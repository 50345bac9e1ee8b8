"""CSRF protection on login and logout when it is switched on (as in production)."""

from __future__ import annotations

import pytest


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_login_without_token_is_refused(csrf_app, client, make_person):
    make_person(phone="13812345678")
    response = client.post("/auth/login", data={"account": "13812345678", "password": "secret123"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_with_token_succeeds(csrf_app, client, make_person, csrf_token):
    make_person(phone="13812345678")
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login",
        data={"account": "13812345678", "password": "secret123", "csrf_token": token},
    )
    assert response.status_code == 302


def test_logout_without_token_is_refused(csrf_app, client, make_person, csrf_token):
    make_person(phone="13812345678")
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    client.post(
        "/auth/login",
        data={"account": "13812345678", "password": "secret123", "csrf_token": token},
    )
    assert client.post("/auth/logout").status_code == 400
    home = client.get("/")
    assert home.status_code == 200  # still logged in
    logout_token = csrf_token(home.get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": logout_token}).status_code == 302
    assert client.get("/").status_code == 302
