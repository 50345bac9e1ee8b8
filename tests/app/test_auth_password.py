"""Forced and voluntary password changes."""

from __future__ import annotations

import pytest

from quizapp.extensions import db
from quizapp.models import Person, Role

NEW_PASSWORD = "newpass2024"


def _change(client, current, new, confirm=None):
    return client.post(
        "/auth/change-password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


@pytest.fixture
def forced(client, make_person, make_unit, login):
    """A logged-in person who must change their password; also an admin, so
    that admin pages exist for them to be kept out of."""
    unit = make_unit()
    person = make_person(
        phone="13812345678", unit=unit, must_change_password=True,
        roles=[(Role.ADMIN, unit)],
    )
    assert login(client, "13812345678", next="/admin/people").status_code == 302
    return person


@pytest.mark.parametrize("path", ["/", "/admin/people", "/auth/login"])
def test_forced_change_blocks_every_other_page(client, forced, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/change-password"


def test_forced_change_blocks_posts_too(client, forced):
    response = client.post(f"/admin/people/{forced.id}/reset-password")
    assert response.headers["Location"] == "/auth/change-password"


def test_forced_change_page_explains_itself(client, forced):
    html = client.get("/auth/change-password").get_data(as_text=True)
    assert "请先设置新密码" in html


def test_static_files_and_logout_stay_reachable(client, forced):
    with client.get("/static/css/app.css") as response:  # closes the file
        assert response.status_code == 200
    assert client.post("/auth/logout").headers["Location"] == "/auth/login"


def test_changing_the_password_unblocks_and_replaces_it(app, client, forced, login):
    response = _change(client, "secret123", NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200  # still logged in
    assert client.get("/admin/people").status_code == 200
    with app.app_context():
        assert db.session.get(Person, forced.id).must_change_password is False
    client.post("/auth/logout")
    assert login(client, "13812345678", "secret123").status_code == 200
    assert login(client, "13812345678", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-pass1", NEW_PASSWORD, None, "当前密码不正确"),
        ("secret123", "short1", None, "密码长度应为"),
        ("secret123", "onlyletters", None, "须同时包含字母和数字"),
        ("secret123", "1234567890", None, "须同时包含字母和数字"),
        ("secret123", "secret123", None, "不能与当前密码相同"),
        ("secret123", NEW_PASSWORD, "different1", "两次输入的新密码不一致"),
    ],
)
def test_bad_changes_are_refused_with_a_reason(
    app, client, forced, current, new, confirm, message
):
    response = _change(client, current, new, confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Person, forced.id).must_change_password is True


def test_password_equal_to_member_number_is_refused(client, make_person, login):
    make_person(phone="13812345678", member_no="DJ12345678")
    login(client, "13812345678")
    response = _change(client, "secret123", "DJ12345678")
    assert "不能与手机号或党员编号相同" in response.get_data(as_text=True)


def test_changing_the_password_ends_other_sessions(app, make_person, login):
    make_person(phone="13812345678")
    phone_browser, laptop = app.test_client(), app.test_client()
    login(phone_browser, "13812345678", remember=True)
    login(laptop, "13812345678")
    assert _change(laptop, "secret123", NEW_PASSWORD).status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone_browser.get("/").status_code == 302  # session and remember cookie stale


def test_remembered_login_survives_own_password_change(client, make_person, login):
    make_person(phone="13812345678")
    login(client, "13812345678", remember=True)
    _change(client, "secret123", NEW_PASSWORD)
    client.delete_cookie("session")
    assert client.get("/").status_code == 200


def test_anonymous_cannot_change_a_password(client):
    response = client.get("/auth/change-password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
