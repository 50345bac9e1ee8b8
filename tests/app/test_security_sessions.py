"""Login sessions under attack: fixation, replay after logout, ending other devices.

Every login goes through the real form with CSRF on; each test client is one device.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.config import load_config
from quizapp.extensions import db
from quizapp.models import Person, Role
from tests.conftest import DEFAULT_PASSWORD, csrf_token_from

NEW_PASSWORD = "fresh-pass42"


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def form_login(client: FlaskClient, account: str, password: str = DEFAULT_PASSWORD,
               remember: bool = False) -> Any:
    """Log in through the login page's form, with the token the page hands out."""
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    data = {"account": account, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    return client.post("/auth/login", data=data)


def page_token(client: FlaskClient, path: str = "/") -> str:
    return csrf_token_from(client.get(path).get_data(as_text=True))


def is_logged_out(client: FlaskClient) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def cookie(client: FlaskClient, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found is not None else None


def device(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    """A fresh browser holding only ``cookies`` (a copy stolen from another device)."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def test_session_cookie_changes_at_login_and_nothing_planted_survives(csrf_app, client,
                                                                      make_person):
    victim = make_person(phone="13812345678")
    intruder = make_person(phone="13812345679")
    client.get("/auth/login")
    with client.session_transaction() as planted:
        planted["csrf_token"] = "planted-csrf"
        planted["_user_id"] = f"{intruder.id}:0:forged"
        planted["planted"] = "x"
    before = cookie(client, "session")

    assert form_login(client, "13812345678").status_code == 302

    after = cookie(client, "session")
    assert after is not None and after != before
    with client.session_transaction() as live:
        assert "planted" not in live
        assert live.get("csrf_token") != "planted-csrf"
        assert live["_user_id"].startswith(f"{victim.id}:")
        assert "forged" not in live["_user_id"]


def test_old_session_and_remember_cookies_are_dead_after_logout(csrf_app, client, make_person):
    make_person(phone="13812345678")
    form_login(client, "13812345678", remember=True)
    stolen = {"session": cookie(client, "session"), "remember_token": cookie(client, "remember_token")}
    assert all(stolen.values())
    assert not is_logged_out(device(csrf_app, stolen))  # the copy works while logged in

    assert client.post("/auth/logout", data={"csrf_token": page_token(client)}).status_code == 302
    assert is_logged_out(client)
    assert is_logged_out(device(csrf_app, stolen))
    assert is_logged_out(device(csrf_app, {"session": stolen["session"]}))
    assert is_logged_out(device(csrf_app, {"remember_token": stolen["remember_token"]}))


def test_a_password_change_ends_the_other_devices(csrf_app, make_person):
    make_person(phone="13812345678")
    phone, laptop = csrf_app.test_client(), csrf_app.test_client()
    form_login(phone, "13812345678")
    form_login(laptop, "13812345678", remember=True)
    laptop_remember = cookie(laptop, "remember_token")

    response = phone.post("/auth/change-password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD, "csrf_token": page_token(phone, "/auth/change-password"),
    })
    assert response.status_code == 302

    assert not is_logged_out(phone)  # the device that changed it gets a new session
    assert is_logged_out(laptop)
    assert is_logged_out(device(csrf_app, {"remember_token": laptop_remember}))
    assert form_login(laptop, "13812345678", NEW_PASSWORD).status_code == 302


def test_an_admin_password_reset_ends_every_device_of_the_person(csrf_app, make_unit,
                                                                 make_person):
    branch = make_unit()
    member = make_person(phone="13812345678", unit=branch)
    make_person(phone="13900000001", unit=branch, roles=[(Role.ADMIN, branch)])
    phone, admin = csrf_app.test_client(), csrf_app.test_client()
    form_login(phone, "13812345678", remember=True)
    remembered = cookie(phone, "remember_token")
    form_login(admin, "13900000001")

    response = admin.post(f"/admin/people/{member.id}/reset-password",
                          data={"csrf_token": page_token(admin, "/admin/people")})
    assert response.status_code == 200

    assert is_logged_out(phone)
    assert is_logged_out(device(csrf_app, {"remember_token": remembered}))
    assert form_login(phone, "13812345678").status_code == 200  # the old password is gone


def test_a_deactivated_person_is_logged_out_at_the_next_request(csrf_app, client, make_person):
    member = make_person(phone="13812345678")
    form_login(client, "13812345678", remember=True)
    assert not is_logged_out(client)
    with csrf_app.app_context():
        db.session.get(Person, member.id).active = False
        db.session.commit()
    assert is_logged_out(client)
    client.delete_cookie("session")
    assert is_logged_out(client)  # the remember-me cookie does not bring them back


def test_login_and_remember_cookies_are_httponly_and_lax(csrf_app, client, make_person):
    make_person(phone="13812345678")
    response = form_login(client, "13812345678", remember=True)
    set_cookies = response.headers.getlist("Set-Cookie")
    for name in ("session", "remember_token"):
        header = next(value for value in set_cookies if value.startswith(name + "="))
        assert "HttpOnly" in header and "SameSite=Lax" in header
        assert "Secure" in header  # the test app runs with the production defaults


def test_production_config_makes_the_cookies_secure_and_an_intranet_may_opt_out():
    config = load_config({"QUIZAPP_ENV": "production", "QUIZAPP_SECRET_KEY": "k" * 64})
    assert config["SESSION_COOKIE_SECURE"] is config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    intranet = load_config({"QUIZAPP_ENV": "production", "QUIZAPP_SECURE_COOKIES": "0"})
    assert intranet["SESSION_COOKIE_SECURE"] is intranet["REMEMBER_COOKIE_SECURE"] is False
