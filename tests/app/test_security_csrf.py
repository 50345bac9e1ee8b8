"""CSRF: every state-changing route refuses a request without a token, or from another origin.

The routes come from ``app.url_map``, so a new POST route is covered without editing this file.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from quizapp.security import EXPIRED_FORM_MESSAGE, FOREIGN_ORIGIN_MESSAGE, origin_of
from tests.conftest import csrf_token_from

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
OWN = "http://localhost"
FOREIGN = "https://evil.example"


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def unsafe_routes(app: Flask) -> list[tuple[str, str]]:
    """(method, path) for every unsafe method of every rule, with sample URL arguments."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & UNSAFE):
            found.append((method, _path(rule)))
    return found


def _path(rule: Rule) -> str:
    values: dict[str, Any] = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def token(client: FlaskClient) -> str:
    return csrf_token_from(client.get("/auth/login").get_data(as_text=True))


def refused(response: Any, message: str) -> bool:
    return response.status_code == 400 and message in response.get_data(as_text=True)


def test_the_route_list_is_not_empty(csrf_app):
    routes = unsafe_routes(csrf_app)
    assert len(routes) >= 30
    assert ("POST", "/auth/login") in routes and ("POST", "/quiz/attempts/1/answers") in routes


def test_every_unsafe_route_refuses_a_request_without_a_token(csrf_app, client):
    for method, path in unsafe_routes(csrf_app):
        response = client.open(path, method=method, headers={"Origin": OWN})
        assert refused(response, EXPIRED_FORM_MESSAGE), (method, path, response.status_code)
        assert "text/html" in response.content_type


def test_every_unsafe_route_refuses_a_foreign_origin_even_with_a_token(csrf_app, client):
    valid = token(client)
    for method, path in unsafe_routes(csrf_app):
        response = client.open(path, method=method,
                               headers={"Origin": FOREIGN, "X-CSRFToken": valid})
        assert refused(response, FOREIGN_ORIGIN_MESSAGE), (method, path, response.status_code)


def test_every_unsafe_route_refuses_a_foreign_referer_without_origin(csrf_app, client):
    valid = token(client)
    for method, path in unsafe_routes(csrf_app):
        response = client.open(path, method=method,
                               headers={"Referer": FOREIGN + "/page", "X-CSRFToken": valid})
        assert refused(response, FOREIGN_ORIGIN_MESSAGE), (method, path, response.status_code)


def test_every_unsafe_route_lets_a_same_origin_request_with_a_token_through(csrf_app, client):
    valid = token(client)
    for method, path in unsafe_routes(csrf_app):
        response = client.open(path, method=method,
                               headers={"Origin": OWN, "Referer": OWN + "/", "X-CSRFToken": valid})
        body = response.get_data(as_text=True)
        assert "X-CSRF-Refused" not in response.headers, (method, path)
        assert EXPIRED_FORM_MESSAGE not in body and FOREIGN_ORIGIN_MESSAGE not in body


def test_json_endpoints_get_a_json_refusal(csrf_app, client):
    response = client.post("/quiz/attempts/1/answers", json={"question_id": 1, "seq": 1},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.is_json and response.json["ok"] is False
    assert response.json["message"] == EXPIRED_FORM_MESSAGE
    assert response.headers["X-CSRF-Refused"] == "1"  # quiz.js refreshes its token on this

    response = client.post("/quiz/attempts/1/answers", json={}, headers={
        "Accept": "application/json", "Origin": FOREIGN, "X-CSRFToken": token(client)})
    assert response.status_code == 400 and response.json["message"] == FOREIGN_ORIGIN_MESSAGE


def test_a_refusal_changes_nothing(csrf_app, client, make_person):
    make_person(phone="13812345678")
    response = client.post("/auth/login", headers={"Origin": FOREIGN}, data={
        "account": "13812345678", "password": "secret123", "csrf_token": token(client)})
    assert refused(response, FOREIGN_ORIGIN_MESSAGE)
    assert client.get("/").status_code == 302  # not logged in


@pytest.mark.parametrize("origin", ["null", "http://localhost.evil.example", "http://localhost:8080",
                                    "https://localhost", "javascript:alert(1)", "not a url"])
def test_lookalike_origins_are_refused(csrf_app, client, origin):
    response = client.post("/auth/login", headers={"Origin": origin, "X-CSRFToken": token(client)})
    assert refused(response, FOREIGN_ORIGIN_MESSAGE)


def test_without_origin_or_referer_the_token_alone_decides(csrf_app, client):
    response = client.post("/auth/login", headers={"X-CSRFToken": token(client)},
                           data={"account": "13800000000", "password": "x"})
    assert response.status_code == 200
    assert "账号或密码错误" in response.get_data(as_text=True)


def test_a_configured_trusted_origin_passes(csrf_app, client):
    csrf_app.config["TRUSTED_ORIGINS"] = ["https://dj.example.cn"]
    valid = token(client)
    assert client.post("/auth/login", headers={"Origin": "https://dj.example.cn",
                                               "X-CSRFToken": valid}).status_code == 200
    assert refused(client.post("/auth/login", headers={"Origin": FOREIGN, "X-CSRFToken": valid}),
                   FOREIGN_ORIGIN_MESSAGE)


def test_behind_a_proxy_the_forwarded_host_is_the_site(make_app):
    app = make_app(TRUSTED_PROXIES=["127.0.0.1"], WTF_CSRF_ENABLED=True, WTF_CSRF_SSL_STRICT=False)
    client = app.test_client()
    forwarded = {"X-Forwarded-Host": "dj.example.cn", "X-Forwarded-Proto": "https",
                 "X-Forwarded-For": "10.0.0.9"}
    valid = csrf_token_from(client.get("/auth/login", headers=forwarded).get_data(as_text=True))
    ok = client.post("/auth/login", headers={
        **forwarded, "Origin": "https://dj.example.cn", "X-CSRFToken": valid})
    assert ok.status_code == 200
    wrong = client.post("/auth/login", headers={
        **forwarded, "Origin": "http://dj.example.cn", "X-CSRFToken": valid})
    assert refused(wrong, FOREIGN_ORIGIN_MESSAGE)


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTP://LocalHost:80/x", "http://localhost"),
    ("https://a.example:443", "https://a.example"),
    ("https://a.example:8443/", "https://a.example:8443"),
    ("null", None), ("ftp://a.example", None), ("http://[::1", None), ("", None),
])
def test_origin_of(url, expected):
    assert origin_of(url) == expected
