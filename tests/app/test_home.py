"""The member's home page and the phone-first shell around it."""

from __future__ import annotations

import re

from quizapp.models import Role, UnitKind


def test_home_shows_name_unit_path_and_roles(client, make_unit, make_person, login):
    general = make_unit("示范党总支", UnitKind.GENERAL_BRANCH)
    branch = make_unit("第一党支部", UnitKind.BRANCH, general)
    group = make_unit("第一党小组", UnitKind.GROUP, branch)
    make_person(name="赵六", phone="13812345678", unit=group,
                roles=[(Role.SECRETARY, branch)])
    login(client, "13812345678")
    html = client.get("/").get_data(as_text=True)
    assert "我的首页" in html
    assert "赵六" in html
    assert "示范党总支 / 第一党支部 / 第一党小组" in html
    assert "支部书记" in html and "示范党总支 / 第一党支部" in html


def test_admin_link_only_for_admins(client, make_unit, make_person, login):
    unit = make_unit()
    make_person(phone="13800000001", unit=unit)
    make_person(phone="13900000000", unit=unit, roles=[(Role.ADMIN, unit)])
    login(client, "13800000001")
    assert "/admin/people" not in client.get("/").get_data(as_text=True)
    client.post("/auth/logout")
    login(client, "13900000000")
    assert "/admin/people" in client.get("/").get_data(as_text=True)


def test_shell_is_phone_first_and_serves_bootstrap_locally(client, make_person, login):
    make_person(phone="13812345678")
    login(client, "13812345678")
    html = client.get("/").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1' in html
    assert '<html lang="zh-CN">' in html
    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html)
    assert assets, "no stylesheets or scripts found"
    assert all(url.startswith("/") and not url.startswith("//") for url in assets), assets
    assert "/bootstrap/static/css/bootstrap.min.css" in assets
    for url in assets:
        with client.get(url) as response:
            assert response.status_code == 200, url


def test_flashed_messages_are_shown(client, make_person, login):
    make_person(phone="13812345678")
    login(client, "13812345678")
    response = client.post("/auth/logout", follow_redirects=True)
    assert "您已安全退出" in response.get_data(as_text=True)
