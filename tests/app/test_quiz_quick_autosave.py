"""The autosave's quick path (quiz.autosave: one statement that checks the login too, on
PostgreSQL): everything it must not save is refused exactly as the checked path refuses it,
and a refused save changes nothing, not even the attempt's position. On SQLite every save
takes the checked path, so the same assertions hold there too."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from quiz_helpers import (  # noqa: F401 - fixtures
    attempt,
    stored_state,
    MEMBER,
    MEMBER_2,
    attempt_id_from,
    bank,
    items_of,
    question_of,
    quiz_org,
    save,
    start,
)
from fault_helpers import counting_statements
from quizapp.extensions import db
from quizapp.models import AttemptItem, BankQuestion, LoginSession, Person, QuestionType



def _judge(app: Flask, attempt_id: int) -> AttemptItem:
    return next(item for item in items_of(app, attempt_id)
                if question_of(app, item.question_id).type is QuestionType.JUDGE)



def _copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding this one's session cookie (a copy taken while logged in)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _warm(app: Flask, client: FlaskClient, attempt_id: int) -> AttemptItem:
    """One accepted save, so the quick path's cache holds the attempt's items."""
    item = _judge(app, attempt_id)
    assert save(client, attempt_id, item.question_id, True, seq=1).status_code == 200
    return item


def _refused_to_login(response: Any) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_copied_cookie_saves_nothing_after_logout(app, client, attempt):
    item = _warm(app, client, attempt)
    copy = _copy(app, client)
    assert save(copy, attempt, item.question_id, False, seq=2).status_code == 200  # live: saved
    before = stored_state(app, attempt)

    assert client.post("/auth/logout").status_code == 302
    response = save(copy, attempt, item.question_id, True, seq=3)

    assert _refused_to_login(response), response.status_code
    assert stored_state(app, attempt) == before


@pytest.mark.parametrize("change", ["auth_version", "active", "expired", "deleted"])
def test_a_login_that_is_no_longer_live_saves_nothing(app, client, attempt, change):
    item = _warm(app, client, attempt)
    before = stored_state(app, attempt)
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.phone == MEMBER))
        if change == "auth_version":  # a password change on another device
            person.auth_version += 1
        elif change == "active":
            person.active = False
        elif change == "expired":
            db.session.execute(update(LoginSession).where(LoginSession.person_id == person.id)
                               .values(expires_at=LoginSession.created_at))
        else:
            db.session.execute(LoginSession.__table__.delete()
                               .where(LoginSession.person_id == person.id))
        db.session.commit()

    response = save(client, attempt, item.question_id, False, seq=5)

    assert _refused_to_login(response), response.status_code
    assert stored_state(app, attempt) == before


def test_a_phone_with_only_its_remember_cookie_still_saves(app, bank, login):
    """The browser dropped its session cookie but kept 记住我: no login claim for the quick path,
    so the checked path restores the login from the remember cookie and stores the save; the
    next save, with the session restored, is a quick one again."""
    phone = app.test_client()
    login(phone, MEMBER, remember=True)
    attempt = attempt_id_from(start(phone))
    item = _judge(app, attempt)
    phone.delete_cookie("session")

    assert save(phone, attempt, item.question_id, True, seq=1).status_code == 200
    assert save(phone, attempt, item.question_id, False, seq=2).status_code == 200

    stored = next(i for i in items_of(app, attempt) if i.id == item.id)
    assert (stored.response, stored.saved_seq) == (False, 2)


def test_a_forced_password_change_comes_first(app, client, attempt):
    item = _warm(app, client, attempt)
    before = stored_state(app, attempt)
    with app.app_context():
        db.session.execute(update(Person).where(Person.phone == MEMBER)
                           .values(must_change_password=True))
        db.session.commit()

    response = save(client, attempt, item.question_id, False, seq=5)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/change-password")
    assert stored_state(app, attempt) == before


def test_a_stale_save_changes_nothing_at_all(app, client, attempt):
    item = _warm(app, client, attempt)
    other = next(i for i in items_of(app, attempt) if i.position != item.position)
    assert save(client, attempt, other.question_id, None, seq=1).status_code == 200
    before = stored_state(app, attempt)  # the current position is now the other question's

    response = save(client, attempt, item.question_id, False, seq=1)

    assert response.status_code == 409 and response.get_json()["stale"] is True
    assert response.get_json()["seq"] == 1
    assert stored_state(app, attempt) == before  # position and updated_at included


def test_someone_elses_attempt_is_404_and_untouched(app, client, attempt, login):
    item = _warm(app, client, attempt)
    before = stored_state(app, attempt)
    intruder = app.test_client()
    login(intruder, MEMBER_2)
    assert save(intruder, attempt, item.question_id, False, seq=9).status_code == 404
    assert stored_state(app, attempt) == before


def test_only_a_save_that_checks_out_fills_the_item_cache(app, client, attempt, login):
    item = _judge(app, attempt)
    cache = app.extensions["quizapp.autosave_items"]
    intruder = app.test_client()
    login(intruder, MEMBER_2)
    assert save(intruder, attempt, item.question_id, True, seq=1).status_code == 404
    assert cache.get(attempt) is None  # a request naming someone else's attempt keeps nothing
    assert save(client, attempt, item.question_id, True, seq=1).status_code == 200
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
    assert (cache.get(attempt) is not None) == postgresql  # SQLite: the checked path, no cache


def test_a_submitted_attempt_refuses_a_save_the_cache_would_take(app, client, attempt):
    item = _warm(app, client, attempt)
    assert client.post(f"/quiz/attempts/{attempt}/submit").status_code == 302
    before = stored_state(app, attempt)

    response = save(client, attempt, item.question_id, False, seq=9)

    assert response.status_code == 409 and response.get_json()["closed"] is True
    assert stored_state(app, attempt) == before


def test_a_fill_question_given_another_blank_is_counted_afresh(app, client, attempt):
    """An organizer adds a blank to a 填空 question while a member is answering it: the old
    number of blanks is refused at once (the items are cached, the blanks are not trusted)."""
    item = next(i for i in items_of(app, attempt)
                if question_of(app, i.question_id).type is QuestionType.FILL)
    assert save(client, attempt, item.question_id, ["党课"], seq=1).status_code == 200
    with app.app_context():
        question = db.session.get(BankQuestion, item.question_id)
        question.stem = "填空：三是开好____，四是上好____。"
        question.answer = ["党小组会", "党课"]
        db.session.commit()
    before = stored_state(app, attempt)

    old_shape = save(client, attempt, item.question_id, ["党课"], seq=2)

    assert old_shape.status_code == 400 and old_shape.get_json()["message"] == "答案格式不正确，请重新作答"
    assert stored_state(app, attempt) == before
    assert save(client, attempt, item.question_id, ["党小组会", "党课"], seq=3).status_code == 200
    stored = next(i for i in items_of(app, attempt) if i.id == item.id)
    assert (stored.response, stored.saved_seq) == (["党小组会", "党课"], 3)


def test_an_accepted_save_is_one_statement_on_postgresql(app, client, attempt):
    item = _warm(app, client, attempt)
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as count:
        response = save(client, attempt, item.question_id, False, seq=7)
    assert response.status_code == 200 and response.get_json()["seq"] == 7
    stored = next(i for i in items_of(app, attempt) if i.id == item.id)
    assert (stored.response, stored.saved_seq) == (False, 7)
    if engine.dialect.name == "postgresql":
        assert len(count) == 1, count.statements
        assert "login_session" in count.statements[0]  # the login is checked in it
    else:
        assert len(count) > 1  # SQLite: the checked path
