"""How long a login lives on the server (issue 19, finding 8).

Without 记住我 a login ends after two idle hours and a day after it began, however active; with
it, 30 days after the login as before. Time passes on a fake clock given to ``auth.session``
(and, for the autosaves, to the quiz's own clock), so nothing sleeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fault_helpers import counting_statements, make_crowd, shown_choice
from quizapp.auth import session as login_session
from quizapp.config import ConfigError, load_config
from quizapp.extensions import db
from quizapp.models import LoginSession

PHONE = "13812345678"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(login_session, "utcnow", fake)
    return fake


def _logged_in(client: FlaskClient) -> bool:
    reply = client.get("/")
    assert reply.status_code in {200, 302}
    return reply.status_code == 200


def _slides(app: Flask, client: FlaskClient) -> int:
    """UPDATEs of ``login_session`` one request to the home page makes. Besides them the
    request reads the row once (``load_person``): nothing per request to keep the time."""
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as count:
        assert client.get("/").status_code == 200
    touching = [s.lstrip().upper() for s in count.statements if "LOGIN_SESSION" in s.upper()]
    updates = sum(s.startswith("UPDATE LOGIN_SESSION") for s in touching)
    assert len(touching) - updates == 1, touching
    return updates


def _expiry(app: Flask) -> tuple[datetime, datetime]:
    with app.app_context():
        row = db.session.execute(select(LoginSession.created_at, LoginSession.expires_at)).one()
    return tuple(value.replace(tzinfo=timezone.utc) for value in row)


def test_a_login_without_remember_me_ends_after_two_idle_hours(app, client, make_person, login,
                                                              clock):
    make_person(phone=PHONE)
    assert login(client, PHONE).status_code == 302
    clock.advance(hours=1, minutes=59)
    assert _logged_in(client)  # activity: the two hours count from here
    clock.advance(hours=1, minutes=59)
    assert _logged_in(client)
    clock.advance(hours=2, seconds=1)
    assert not _logged_in(client)
    assert client.get("/").headers["Location"].startswith("/auth/login")


def test_activity_keeps_it_alive_and_writes_the_row_every_few_minutes(app, client, make_person,
                                                                      login, clock):
    make_person(phone=PHONE)
    login(client, PHONE)
    slides = []
    for _ in range(20):  # a request every 15 s for 5 minutes: none moves the expiry
        clock.advance(seconds=15)
        slides.append(_slides(app, client))
    assert sum(slides) == 1 and slides[-1] == 1  # the first request 5 minutes after the login
    assert _slides(app, client) == 0
    for _ in range(12):  # a request every 20 minutes for 4 hours
        clock.advance(minutes=20)
        assert _logged_in(client)
    created, expires = _expiry(app)
    assert expires == clock.now + timedelta(hours=2)


def test_the_one_day_cap_holds_even_with_activity(app, client, make_person, login, clock):
    make_person(phone=PHONE)
    login(client, PHONE)
    for _ in range(47):  # every 30 minutes up to 23:30 after the login
        clock.advance(minutes=30)
        assert _logged_in(client)
    created, expires = _expiry(app)
    assert expires <= created + timedelta(days=1)
    clock.advance(minutes=30)
    assert not _logged_in(client)


def test_remember_me_keeps_thirty_days_and_never_writes_the_row(app, client, make_person, login,
                                                                clock):
    make_person(phone=PHONE)
    login(client, PHONE, remember=True)
    clock.advance(days=3)
    assert _slides(app, client) == 0
    clock.advance(days=26, hours=23)
    assert _logged_in(client)
    clock.advance(hours=1, seconds=1)
    assert not _logged_in(client)


def test_the_idle_limits_are_configurable(make_app, app, make_person, login, clock):
    short = make_app(LOGIN_IDLE_TIMEOUT=timedelta(minutes=10), LOGIN_MAX_AGE=timedelta(hours=1))
    make_person(phone=PHONE)
    client = short.test_client()
    login(client, PHONE)
    clock.advance(minutes=9)
    assert _logged_in(client)
    clock.advance(minutes=11)
    assert not _logged_in(client)
    with short.app_context():
        db.engine.dispose()


def test_a_short_idle_timeout_is_moved_before_it_passes(make_app, app, make_person, login, clock):
    """An idle timeout no longer than the slide interval (5 minutes): a request every two
    minutes keeps the login alive."""
    short = make_app(LOGIN_IDLE_TIMEOUT=timedelta(minutes=4))
    make_person(phone=PHONE)
    client = short.test_client()
    login(client, PHONE)
    for _ in range(10):
        clock.advance(minutes=2)
        assert _logged_in(client)
    clock.advance(minutes=4, seconds=1)
    assert not _logged_in(client)
    with short.app_context():
        db.engine.dispose()


def test_autosaves_alone_keep_the_login_alive(app, client, login, clock, monkeypatch):
    """The answering page is one page: for as long as a member answers, only autosaves arrive
    (on PostgreSQL the quick path, which loads no person)."""
    crowd = make_crowd(app, 1, 10, closes_in=timedelta(days=3))
    for module in ("quizapp.quiz.autosave", "quizapp.quiz.services"):
        monkeypatch.setattr(f"{module}.utcnow", clock)
    assert login(client, crowd.phones[0]).status_code == 302
    attempt_id, items = crowd.attempt_ids[0], crowd.items[crowd.attempt_ids[0]]
    for seq in range(1, 16):  # an answer every 15 minutes for 3 hours 45 minutes
        clock.advance(minutes=15)
        item = items[seq % len(items)]
        reply = client.post(f"/quiz/attempts/{attempt_id}/answers",
                            json={"question_id": item.question_id, "seq": seq,
                                  "response": shown_choice(item, seq % 4)})
        assert reply.status_code == 200, reply.get_data(as_text=True)
    assert _logged_in(client)


def test_login_limits_come_from_the_environment():
    config = load_config({"QUIZAPP_LOGIN_IDLE_MINUTES": "30", "QUIZAPP_LOGIN_MAX_HOURS": "8"})
    assert (config["LOGIN_IDLE_TIMEOUT"], config["LOGIN_MAX_AGE"]) == (
        timedelta(minutes=30), timedelta(hours=8))
    defaults = load_config({})
    assert (defaults["LOGIN_IDLE_TIMEOUT"], defaults["LOGIN_MAX_AGE"]) == (
        timedelta(hours=2), timedelta(days=1))
    assert defaults["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    for bad in ("0", "-5", "two", "1.5"):
        with pytest.raises(ConfigError, match="QUIZAPP_LOGIN_IDLE_MINUTES"):
            load_config({"QUIZAPP_LOGIN_IDLE_MINUTES": bad})
