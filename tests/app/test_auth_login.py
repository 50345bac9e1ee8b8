"""Logging in and out: accounts, errors, remember-me and the login rate limit."""

from __future__ import annotations

import re

import pytest

from quizapp.extensions import db
from quizapp.models import Person

SAME_ERROR = "账号或密码错误"


def _error_alerts(html: str) -> list[str]:
    return re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div>', html)


def test_login_page_is_phone_friendly_and_in_chinese(client):
    response = client.get("/auth/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="viewport"' in html
    assert "手机号或党员编号" in html and "记住我" in html


def test_login_by_phone_number(client, make_person, login):
    make_person(name="张三", phone="13812345678")
    response = login(client, "13812345678")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "张三" in home.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["DJ2024001", " dj2024001 ", "dj 2024 001"])
def test_login_by_member_number_ignores_case_and_spaces(client, make_person, login, typed):
    make_person(name="李四", phone=None, member_no="DJ2024001")
    assert login(client, typed).status_code == 302
    assert "李四" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("typed", ["+86 138 1234 5678", "138-1234-5678", "008613812345678"])
def test_login_by_phone_number_in_common_formats(client, make_person, login, typed):
    make_person(phone="13812345678")
    assert login(client, typed).status_code == 302


def test_wrong_password_and_unknown_account_look_identical(client, make_person, login):
    make_person(phone="13812345678")
    wrong = login(client, "13812345678", "wrong-password1")
    unknown = login(client, "13899999999", "wrong-password1")
    assert wrong.status_code == unknown.status_code == 200
    assert _error_alerts(wrong.get_data(as_text=True)) == [SAME_ERROR]
    assert _error_alerts(unknown.get_data(as_text=True)) == [SAME_ERROR]
    assert client.get("/").status_code == 302  # still anonymous


def test_deactivated_account_cannot_log_in(client, make_person, login):
    make_person(phone="13812345678", active=False)
    response = login(client, "13812345678")
    assert response.status_code == 200
    assert "已停用" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivating_ends_an_open_session(app, client, make_person, login):
    person = make_person(phone="13812345678")
    login(client, "13812345678")
    with app.app_context():
        db.session.get(Person, person.id).active = False
        db.session.commit()
    assert client.get("/").status_code == 302


def test_remember_me_sets_a_lasting_cookie_only_when_asked(client, make_person, login):
    make_person(phone="13812345678")
    login(client, "13812345678")
    assert client.get_cookie("remember_token") is None
    client.post("/auth/logout")
    login(client, "13812345678", remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.expires is not None


def test_remember_cookie_alone_restores_the_login(client, make_person, login):
    make_person(name="王五", phone="13812345678")
    login(client, "13812345678", remember=True)
    client.delete_cookie("session")
    assert "王五" in client.get("/").get_data(as_text=True)


def test_logout_is_a_post(client, make_person, login):
    make_person(phone="13812345678")
    login(client, "13812345678")
    assert client.get("/auth/logout").status_code == 405
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert client.get("/").status_code == 302


def test_logged_in_person_visiting_login_goes_home(client, make_person, login):
    make_person(phone="13812345678")
    login(client, "13812345678")
    response = client.get("/auth/login")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_failed_logins_for_one_account_hit_the_rate_limit(app, client, make_person, login):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    make_person(phone="13812345678")
    for _ in range(3):
        assert login(client, "13812345678", "wrong-password1").status_code == 200
    blocked = login(client, "13812345678")  # even the right password now
    assert blocked.status_code == 429
    assert "尝试次数过多" in blocked.get_data(as_text=True)
    # The limit is per account: another person can still log in.
    make_person(phone="13800001111")
    assert login(client, "13800001111").status_code == 302


def test_failed_logins_from_one_address_hit_the_rate_limit(app, client, login):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    for n in range(3):
        assert login(client, f"1380000000{n}", "x").status_code == 200
    assert login(client, "13800000009", "x").status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(app, client, make_person, login):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per minute"
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "2 per minute"
    make_person(phone="13812345678")
    for _ in range(4):
        assert login(client, "13812345678").status_code == 302
        client.post("/auth/logout")


def test_anonymous_home_redirects_to_login_with_next(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2F"
