"""Guessing passwords: the login limits over a simulated hour, and how passwords are stored.

The hour passes on a fake clock given to the throttle (``throttle.now`` reads ``time.time()``
there), so nothing sleeps.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fake_clock import FakeClock, install
from argon2 import PasswordHasher, Type, extract_parameters

from quizapp.auth import passwords, throttle
from quizapp.extensions import db
from quizapp.models import Person

REFUSED_PAGE = "尝试次数过多，请 1 分钟后再试。"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return install(monkeypatch, throttle)


def _attempts(client: Any, login: Any, clock: FakeClock, accounts: list[str], seconds: float
              ) -> list[int]:
    """Wrong-password logins spread evenly over ``seconds``; their status codes."""
    step = seconds / len(accounts)
    codes = []
    for account in accounts:
        codes.append(login(client, account, "wrong-guess-1").status_code)
        clock.now += step
    return codes


def test_150_wrong_passwords_in_an_hour_on_one_account_are_mostly_refused(
        client, make_person, login, clock):
    make_person(phone="13812345678")
    codes = _attempts(client, login, clock, ["13812345678"] * 150, seconds=3600)
    assert set(codes) <= {200, 429}
    assert codes.count(429) >= 50
    assert codes[:5] == [200] * 5  # a person who mistypes a few times is not locked out


def test_the_account_limit_counts_an_account_typed_in_different_ways(
        client, make_person, login, clock):
    make_person(phone="13812345678")
    typings = ["13812345678", "+86 138 1234 5678", "138-1234-5678", "008613812345678"]
    codes = _attempts(client, login, clock, typings * 10, seconds=60)
    assert codes.count(429) >= 30


def test_many_accounts_from_one_address_hit_the_address_limit(client, login, clock, app):
    accounts = [f"1370000{n:04d}" for n in range(150)]
    codes = _attempts(client, login, clock, accounts, seconds=600)
    per_window = int(re.match(r"\d+", app.config["LOGIN_LIMIT_PER_ADDRESS"]).group())
    assert codes.count(200) == per_window
    assert codes.count(429) == 150 - per_window
    other_address = login(client, "13700009999", "x")
    assert other_address.status_code == 429
    other = app.test_client()
    fresh = other.post("/auth/login", data={"account": "13700009999", "password": "x"},
                       environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert fresh.status_code == 200  # another address is not affected


def test_the_limit_lifts_when_the_window_has_passed(client, make_person, login, clock, app):
    make_person(phone="13812345678")
    _attempts(client, login, clock, ["13812345678"] * 12, seconds=60)
    assert login(client, "13812345678").status_code == 429  # even the right password waits
    clock.now += 16 * 60
    assert login(client, "13812345678").status_code == 302


def test_unknown_account_and_wrong_password_are_refused_alike(client, make_person, login, clock):
    make_person(phone="13812345678")
    # 30 s each: the first wait is one minute (issue 16), so both are still waiting below.
    known = _attempts(client, login, clock, ["13812345678"] * 12, seconds=30)
    unknown = _attempts(client, login, clock, ["13899999999"] * 12, seconds=30)
    assert known == unknown
    refused_known = login(client, "13812345678", "wrong-guess-1")
    refused_unknown = login(client, "13899999999", "wrong-guess-1")
    assert refused_known.status_code == refused_unknown.status_code == 429
    assert refused_known.get_data() == refused_unknown.get_data()
    page = refused_known.get_data(as_text=True)
    assert REFUSED_PAGE in page and 'lang="zh-CN"' in page


def test_passwords_are_stored_as_argon2id_hashes(app, make_person):
    person = make_person(password="my-secret-42")
    with app.app_context():
        stored = db.session.get(Person, person.id).password_hash
    assert stored.startswith("$argon2id$")
    assert "my-secret-42" not in stored
    assert passwords.verify_password(stored, "my-secret-42")
    assert not passwords.verify_password(stored, "my-secret-43")


def test_the_production_hash_meets_owasp_asvs(monkeypatch):
    monkeypatch.undo()  # drop the cheap test hasher (conftest) for the real one
    production = passwords._hasher
    assert isinstance(production, PasswordHasher)
    assert production.type is Type.ID
    assert production.memory_cost >= 19 * 1024  # KiB
    assert production.time_cost >= 2
    parameters = extract_parameters(passwords.hash_password("my-secret-42"))
    assert parameters.type is Type.ID and parameters.memory_cost >= 19 * 1024
    assert parameters.time_cost >= 2


def test_a_weaker_issued_hash_is_upgraded_at_login(monkeypatch, client, make_person, login, app):
    monkeypatch.undo()
    person = make_person(phone="13812345678")
    with app.app_context():
        db.session.get(Person, person.id).password_hash = passwords.hash_issued_password(
            "secret123")
        db.session.commit()
    assert login(client, "13812345678").status_code == 302
    with app.app_context():
        upgraded = db.session.get(Person, person.id).password_hash
    assert extract_parameters(upgraded).memory_cost >= 19 * 1024
