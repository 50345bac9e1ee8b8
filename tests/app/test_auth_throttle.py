"""Login throttling that cannot be turned against a member (issue 16, item 4).

Failed logins wait per account and per address, longer with each failure; a device that has
logged in to the account before is counted on its own, so the owner's phone gets in while an
attacker guessing the member's number waits. The clock is faked (``throttle.time``).
"""

from __future__ import annotations

from typing import Any

import pytest
from fake_clock import FakeClock, install
from sqlalchemy import select

from quizapp.auth import throttle
from quizapp.extensions import db
from quizapp.models import LoginThrottle, Role
from tests.conftest import DEFAULT_PASSWORD, csrf_token_from

OWNER = "13812345678"
WRONG = "wrong-guess-1"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return install(monkeypatch, throttle)


def _post(client: Any, account: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post("/auth/login", data={"account": account, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _owner_device(app: Any) -> Any:
    """The owner's phone: logged in once (which sets the device cookie), then logged out."""
    phone = app.test_client()
    assert _post(phone, OWNER, DEFAULT_PASSWORD, "10.0.0.7").status_code == 302
    assert phone.get_cookie(throttle.DEVICE_COOKIE) is not None
    phone.post("/auth/logout")
    return phone


def _lock_out(app: Any, attempts: int = 30, address: str = "198.51.100.9") -> list[int]:
    attacker = app.test_client()
    return [_post(attacker, OWNER, WRONG, address).status_code for _ in range(attempts)]


def test_an_attackers_guesses_do_not_lock_out_the_owners_device(app, make_person, clock):
    make_person(phone=OWNER)
    phone = _owner_device(app)
    codes = _lock_out(app)
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}  # the attacker waits
    assert _post(app.test_client(), OWNER, DEFAULT_PASSWORD).status_code == 429  # a new device too
    assert _post(phone, OWNER, DEFAULT_PASSWORD, "10.0.0.7").status_code == 302  # the owner gets in
    with app.app_context():  # and the attacker's wait is still there
        assert throttle.wait_seconds(db.session, ["account:" + OWNER], clock.now) > 0


def test_the_owners_device_is_throttled_on_its_own_when_it_guesses(app, make_person, clock):
    make_person(phone=OWNER)
    phone = _owner_device(app)
    codes = [_post(phone, OWNER, WRONG, "10.0.0.7").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2  # a stolen cookie does not buy unlimited guesses
    assert _post(app.test_client(), OWNER, DEFAULT_PASSWORD, "10.0.0.8").status_code == 302
    with app.app_context():  # nor did the device's guesses count against the account
        assert db.session.scalar(select(LoginThrottle).where(
            LoginThrottle.key == "account:" + OWNER)) is None


def test_a_device_cookie_for_another_person_or_forged_does_not_pass(app, make_person, clock):
    make_person(phone=OWNER)
    other = make_person(phone="13800001111")
    _lock_out(app)
    for value in (throttle.device_cookie_value(app.secret_key, other.id),
                  throttle.device_cookie_value("not-the-key", 1), "garbage"):
        client = app.test_client()
        client.set_cookie(throttle.DEVICE_COOKIE, value)
        assert _post(client, OWNER, DEFAULT_PASSWORD).status_code == 429


def test_a_new_device_waits_with_retry_after_and_the_wait_in_chinese(app, make_person, clock):
    make_person(phone=OWNER)
    _lock_out(app, attempts=5)
    clock.now += 20
    refused = _post(app.test_client(), OWNER, DEFAULT_PASSWORD, "203.0.113.5")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "40"
    page = refused.get_data(as_text=True)
    assert "请 1 分钟后再试" in page and 'lang="zh-CN"' in page
    clock.now += 41
    assert _post(app.test_client(), OWNER, DEFAULT_PASSWORD, "203.0.113.5").status_code == 302


def test_the_wait_doubles_with_each_further_failure(app, make_person, clock):
    make_person(phone=OWNER)
    attacker = app.test_client()
    waits = []
    for _ in range(5):
        assert _post(attacker, OWNER, WRONG).status_code == 200
    for _ in range(5):
        refused = _post(attacker, OWNER, WRONG)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock.now += waits[-1]  # wait it out, then guess once more
        assert _post(attacker, OWNER, WRONG).status_code == 200
    assert waits == [60, 120, 240, 480, 960]
    minutes = _post(attacker, OWNER, WRONG).get_data(as_text=True)
    assert "请 32 分钟后再试" in minutes


def test_a_few_typos_are_forgotten_at_a_successful_login(app, make_person, clock):
    make_person(phone=OWNER)
    client = app.test_client()
    for _ in range(4):
        assert _post(client, OWNER, WRONG).status_code == 200
    assert _post(client, OWNER, DEFAULT_PASSWORD).status_code == 302
    client.post("/auth/logout")
    fresh = app.test_client()  # even on another device, the count starts again
    assert [_post(fresh, OWNER, WRONG).status_code for _ in range(5)] == [200] * 5


def _admin_client(app, make_person, make_unit) -> Any:
    unit = make_unit()
    make_person(phone="13900000000", unit=unit, roles=[(Role.ADMIN, unit), (Role.MEMBER, unit)])
    client = app.test_client()
    assert _post(client, "13900000000", DEFAULT_PASSWORD, "10.9.9.9").status_code == 302
    return client


def test_an_admin_sees_a_throttled_account_and_clears_it(app, make_person, make_unit, clock):
    make_person(name="王小明", phone=OWNER)
    _lock_out(app)
    admin = _admin_client(app, make_person, make_unit)
    page = admin.get("/admin/login-throttles").get_data(as_text=True)
    assert OWNER in page and "王小明" in page and "198.51.100.9" in page
    assert "还需等待约 1 分钟" in page
    cleared = admin.post("/admin/login-throttles/clear", data={"key": "account:" + OWNER},
                         follow_redirects=True)
    assert f"已解除 {OWNER} 的登录限制" in cleared.get_data(as_text=True)
    assert "目前没有受限制的账号或地址" in admin.get("/admin/login-throttles").get_data(as_text=True)
    assert _post(app.test_client(), OWNER, DEFAULT_PASSWORD, "10.0.0.3").status_code == 302


@pytest.fixture
def csrf_app(app, make_app) -> Any:
    """Another app on the test database with CSRF checks on; its connections closed after."""
    built = make_app(WTF_CSRF_ENABLED=True)
    yield built
    with built.app_context():
        db.engine.dispose()


def test_clearing_needs_the_csrf_token(csrf_app, make_person, make_unit, clock):
    app = csrf_app
    make_person(phone=OWNER)
    with app.app_context():
        throttle.record_failure(db.session, "account:" + OWNER, throttle.policy(
            "1 per 1 minute", max_wait=60), clock.now, "198.51.100.9")
        db.session.commit()
    unit = make_unit()
    make_person(phone="13900000000", unit=unit, roles=[(Role.ADMIN, unit), (Role.MEMBER, unit)])
    admin = app.test_client()
    token = csrf_token_from(admin.get("/auth/login").get_data(as_text=True))
    assert admin.post("/auth/login", data={"account": "13900000000", "password": DEFAULT_PASSWORD,
                                           "csrf_token": token}).status_code == 302
    forged = admin.post("/admin/login-throttles/clear", data={"key": "account:" + OWNER})
    assert forged.status_code == 400
    page = admin.get("/admin/login-throttles").get_data(as_text=True)
    assert OWNER in page
    cleared = admin.post("/admin/login-throttles/clear",
                         data={"key": "account:" + OWNER, "csrf_token": csrf_token_from(page)})
    assert cleared.status_code == 302
    with app.app_context():
        assert throttle.wait_seconds(db.session, ["account:" + OWNER], clock.now) == 0


def test_a_member_cannot_reach_the_throttle_page_or_clear(app, make_person, make_unit, clock):
    make_person(phone=OWNER)
    _lock_out(app)
    unit = make_unit()
    member = make_person(phone="13800002222", unit=unit, roles=[(Role.MEMBER, unit)])
    client = app.test_client()
    assert _post(client, member.phone, DEFAULT_PASSWORD, "10.0.0.4").status_code == 302
    assert client.get("/admin/login-throttles").status_code == 403
    assert client.post("/admin/login-throttles/clear",
                       data={"key": "account:" + OWNER}).status_code == 403
    with app.app_context():
        assert throttle.wait_seconds(db.session, ["account:" + OWNER], clock.now) > 0


def test_old_counts_are_pruned_and_live_ones_kept(app, make_person, clock):
    attacker = app.test_client()
    _post(attacker, "13700000001", WRONG)
    clock.now += 4 * 24 * 3600  # beyond the longest wait, memory and a day
    _post(attacker, "13700000002", WRONG, "10.0.0.2")
    with app.app_context():
        keys = set(db.session.scalars(select(LoginThrottle.key)))
    assert keys == {"account:13700000002", "address:10.0.0.2"}
