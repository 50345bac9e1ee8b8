"""Passwords at OWASP's Argon2id minimum, and older hashes upgraded at the next login."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from quizapp.auth import passwords
from quizapp.extensions import db
from quizapp.models import Person

# argon2-cffi's default PasswordHasher, which quizapp used before (RFC 9106 low-memory).
OLD_DEFAULT = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)


@pytest.fixture
def real_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # drop the cheap test hasher (conftest) for the production one


def _stored_hash(app, person_id: int) -> str:
    with app.app_context():
        return db.session.get(Person, person_id).password_hash


def test_new_hashes_use_owasp_argon2id_parameters(real_hasher):
    parameters = extract_parameters(passwords.hash_password("my-secret-42"))
    assert parameters.type is Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        19 * 1024, 2, 1)


def test_an_old_default_hash_is_upgraded_at_the_next_login(real_hasher, client, make_person,
                                                            login, app):
    person = make_person(phone="13812345678")
    with app.app_context():
        db.session.get(Person, person.id).password_hash = OLD_DEFAULT.hash("secret123")
        db.session.commit()
    assert login(client, "13812345678", "wrong-guess-1").status_code == 200
    assert extract_parameters(_stored_hash(app, person.id)).memory_cost == 64 * 1024  # not yet

    assert login(client, "13812345678", "secret123").status_code == 302
    upgraded = _stored_hash(app, person.id)
    parameters = extract_parameters(upgraded)
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        19 * 1024, 2, 1)
    assert passwords.verify_password(upgraded, "secret123")
    assert not passwords.needs_rehash(upgraded)


def test_a_current_hash_is_not_rewritten_at_login(real_hasher, client, make_person, login, app):
    person = make_person(phone="13812345678")
    current = passwords.hash_password("secret123")
    with app.app_context():
        db.session.get(Person, person.id).password_hash = current
        db.session.commit()
    assert login(client, "13812345678", "secret123").status_code == 302
    assert _stored_hash(app, person.id) == current
