"""我的登录设备: a member sees where they are logged in and can end a login (issue 16, item 3)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from quizapp.auth.devices import describe_device
from quizapp.extensions import db
from quizapp.models import LoginSession, Role
from tests.conftest import DEFAULT_PASSWORD

IPHONE_WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44")
WINDOWS_EDGE = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/120.0 Safari/537.36 Edg/120.0")


def _device(app: Any, phone: str, agent: str, remember: bool = True) -> Any:
    client = app.test_client()
    data = {"account": phone, "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data,
                       headers={"User-Agent": agent}).status_code == 302
    return client


def _member(make_person, make_unit, phone: str = "13812345678") -> Any:
    unit = make_unit()
    return make_person(phone=phone, unit=unit, roles=[(Role.MEMBER, unit)])


def test_user_agents_are_named_in_chinese():
    assert describe_device(IPHONE_WECHAT) == "iPhone · 微信"
    assert describe_device(WINDOWS_EDGE) == "Windows 电脑 · Edge"
    assert describe_device("") == "未知设备"


def test_a_member_sees_each_device_with_this_one_marked(app, make_person, make_unit):
    member = _member(make_person, make_unit)
    _device(app, member.phone, WINDOWS_EDGE)
    phone = _device(app, member.phone, IPHONE_WECHAT)
    page = phone.get("/auth/devices").get_data(as_text=True)
    assert "iPhone · 微信" in page and "Windows 电脑 · Edge" in page
    assert page.count("本设备</span>") == 1
    assert page.index("iPhone · 微信") < page.index("本设备</span>") < page.index("Windows 电脑")


def test_ending_another_device_logs_it_out_and_keeps_this_one(app, make_person, make_unit):
    member = _member(make_person, make_unit)
    computer = _device(app, member.phone, WINDOWS_EDGE)
    phone = _device(app, member.phone, IPHONE_WECHAT)
    assert computer.get("/").status_code == 200
    page = phone.get("/auth/devices").get_data(as_text=True)
    computer_id = re.search(r'name="login_id" value="(\d+)"[^<]*<button[^>]*>退出该设备', page)
    assert computer_id, page
    done = phone.post("/auth/devices/end", data={"login_id": computer_id.group(1)},
                      follow_redirects=True)
    assert "已让“Windows 电脑 · Edge”退出登录" in done.get_data(as_text=True)
    assert computer.get("/").headers["Location"].startswith("/auth/login")  # even with 记住我
    assert phone.get("/").status_code == 200


def test_ending_this_device_is_logging_out(app, make_person, make_unit):
    member = _member(make_person, make_unit)
    phone = _device(app, member.phone, IPHONE_WECHAT)
    page = phone.get("/auth/devices").get_data(as_text=True)
    own = re.search(r'name="login_id" value="(\d+)"', page).group(1)
    response = phone.post("/auth/devices/end", data={"login_id": own})
    assert response.headers["Location"] == "/auth/login"
    assert phone.get("/").headers["Location"].startswith("/auth/login")


def test_a_member_cannot_end_someone_elses_login(app, make_person, make_unit):
    owner = _member(make_person, make_unit)
    other = _member(make_person, make_unit, phone="13800001111")
    owner_phone = _device(app, owner.phone, IPHONE_WECHAT)
    with app.app_context():
        owner_login = db.session.scalar(select(LoginSession.id).where(
            LoginSession.person_id == owner.id))
    intruder = _device(app, other.phone, WINDOWS_EDGE)
    response = intruder.post("/auth/devices/end", data={"login_id": owner_login},
                             follow_redirects=True)
    assert "该设备已退出" in response.get_data(as_text=True)
    assert owner_phone.get("/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession).where(
            LoginSession.person_id == owner.id)) == 1
