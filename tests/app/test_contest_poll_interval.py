"""How often a phone polls the live contest (``queries.next_poll_ms``, the ``poll_ms`` of every
poll's and answer's reply): every second, every two once the phone has answered the question
that is still open; back to every second when the countdown ends, the answer is shown or the
phone speaks of another question. A phone's ``?answered=`` that is not a position is ignored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contest_helpers import build_world, host_move, make_contest, signed_in
from quizapp.contest import clock, queries
from quizapp.extensions import db
from quizapp.models import Contest


@pytest.fixture
def world(app, make_unit, make_person):
    return build_world(app, make_unit, make_person)


@pytest.fixture
def joined(app, world):
    """A contest in its lobby with a0 and b0 joined: (contest id, host, a0, b0)."""
    contest_id = make_contest(app, world)
    with app.app_context():
        code = db.session.get_one(Contest, contest_id).code
    phones = []
    for person in (world.a[0], world.b[0]):
        phone = signed_in(app, person)
        assert phone.post(f"/contest/j/{code}", data={}).status_code == 302
        phones.append(phone)
    return contest_id, signed_in(app, world.organizer), *phones


def _poll_ms(phone, contest_id, query=""):
    reply = phone.get(f"/contest/{contest_id}/state{query}")
    assert reply.status_code == 200, reply.status_code
    return reply.get_json()["poll_ms"]


def test_a_phone_that_answered_the_open_question_polls_every_two_seconds(app, joined, monkeypatch):
    contest_id, host, a0, b0 = joined
    assert _poll_ms(a0, contest_id, "?answered=0") == 1000  # the lobby: no question open
    host_move(host, contest_id)
    assert _poll_ms(a0, contest_id) == _poll_ms(a0, contest_id, "?mine=1") == 1000

    first = a0.post(f"/contest/{contest_id}/answer", json={"position": 0, "response": 1})
    assert first.get_json()["new"] is True and first.get_json()["poll_ms"] == 2000
    again = a0.post(f"/contest/{contest_id}/answer", json={"position": 0, "response": 0})
    assert again.get_json()["new"] is False and again.get_json()["poll_ms"] == 2000
    assert _poll_ms(a0, contest_id, "?answered=0") == 2000
    assert _poll_ms(a0, contest_id, "?mine=1") == 2000  # its own rows say it answered
    assert _poll_ms(a0, contest_id) == 1000  # a plain poll that does not say so
    assert _poll_ms(a0, contest_id, "?answered=1") == 1000  # another question
    assert _poll_ms(b0, contest_id, "?mine=1") == 1000  # b0 has not answered

    # The countdown over by the server's clock: every second again (the host moves on soon).
    with app.app_context():
        deadline = clock.aware(db.session.get_one(Contest, contest_id).deadline)
    monkeypatch.setattr(queries, "now", lambda: deadline + timedelta(seconds=1))
    assert _poll_ms(a0, contest_id, "?answered=0") == 1000
    monkeypatch.undo()

    host_move(host, contest_id)  # the answer shown
    assert _poll_ms(a0, contest_id, "?answered=0") == _poll_ms(a0, contest_id, "?mine=1") == 1000
    host_move(host, contest_id)  # question 2: a0 has not answered it
    assert _poll_ms(a0, contest_id, "?answered=0&mine=1") == 1000


@pytest.mark.parametrize("given", ["x", "-1", "²", "１", "1e3", "0x0", " 0", "", "1" * 30, "10000"])
def test_an_answered_that_is_not_a_position_is_ignored(app, joined, given):
    contest_id, host, a0, _ = joined
    host_move(host, contest_id)
    assert a0.post(f"/contest/{contest_id}/answer", json={"position": 0, "response": 1}).status_code == 200
    reply = a0.get(f"/contest/{contest_id}/state", query_string={"answered": given})
    assert reply.status_code == 200 and reply.get_json()["poll_ms"] == 1000
