"""The live contest's answer and plain poll on their quick paths (``contest.quick``: one statement
in autocommit on PostgreSQL) and on the checked paths: what each costs, that both refuse the same
requests with the same replies, and that an answer waiting on the host's move is judged by the
moved row."""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import timedelta

import pytest
import redis
from sqlalchemy import delete, event, select, text, update

from contest_helpers import build_world, host_move, make_contest, signed_in
from fault_helpers import counting_statements
from quizapp.contest import clock, play, state
from quizapp.extensions import db
from quizapp.models import Contest, ContestAnswer, ContestPhase, LoginSession, Person

# PostgreSQL: the one INSERT that checks the login and the open question (contest.quick).
# SQLite: the login's person, the contest's row, the insert (the checked path).
ANSWER_STATEMENTS = {"postgresql": 1, "sqlite": 3}
REDIS_URL = os.environ.get("QUIZAPP_TEST_CONTEST_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def world(app, make_unit, make_person):
    return build_world(app, make_unit, make_person)


@pytest.fixture
def live_state(app, monkeypatch):
    """The contest state in Redis, under keys of this test's own (the suites on SQLite and
    PostgreSQL run side by side and number their contests alike)."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    prefix = f"quizapp:test:{uuid.uuid4().hex}"
    monkeypatch.setattr(state, "KEY", prefix + ":contest:{}:live")
    monkeypatch.setitem(app.extensions, "contest_redis", client)
    yield client
    for key in client.scan_iter(prefix + ":*"):
        client.delete(key)


@pytest.fixture
def room(app, world):
    """A contest on its first question (a 单选, key B) with every member of both branches
    joined and polling (as the phone page does); the first member has answered, so this
    process knows the question's key. Returns (contest id, phones by person id)."""
    contest_id = make_contest(app, world)
    with app.app_context():
        code = db.session.get_one(Contest, contest_id).code
    phones = {}
    for person in [*world.a, *world.b]:
        phone = signed_in(app, person)
        assert phone.post(f"/contest/j/{code}", data={}).status_code == 302
        phones[person.id] = phone
    host_move(signed_in(app, world.organizer), contest_id)
    for phone in phones.values():
        assert phone.get(f"/contest/{contest_id}/state").status_code == 200
    first = phones[world.a[0].id].post(f"/contest/{contest_id}/answer", json={"position": 0, "response": 1})
    assert first.get_json() == {"ok": True, "position": 0, "new": True, "poll_ms": 2000}
    return contest_id, phones


def _answers(app, contest_id):
    with app.app_context():
        return {(row.person_id, row.team_id, tuple(row.response), row.correct)
                for row in db.session.scalars(select(ContestAnswer)
                                              .where(ContestAnswer.contest_id == contest_id))}


def _dialect(app):
    with app.app_context():
        return db.engine.dialect.name


def test_an_answer_costs_one_statement_on_postgresql(app, world, room):
    contest_id, phones = room
    with app.app_context():
        engine = db.engine
        teams = {p.id: p.unit_id for p in db.session.scalars(select(Person))}
        team_of_unit = {t.unit_id: t.id for t in db.session.get_one(Contest, contest_id).teams}
    cacheable = []

    def seen(_conn, _cursor, _statement, _parameters, context, _many):
        cacheable.append(context.cache_hit is not context.dialect.NO_CACHE_KEY)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with counting_statements(engine) as count:
            reply = phones[world.b[0].id].post(f"/contest/{contest_id}/answer",
                                               json={"position": 0, "response": 0})
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert reply.status_code == 200 and reply.get_json()["new"] is True
    assert len(count) <= ANSWER_STATEMENTS[_dialect(app)], count.statements
    if _dialect(app) == "postgresql":
        # kept in SQLAlchemy's compiled cache (PostgreSQL's own INSERT, for its ON CONFLICT, has
        # no cache key: compiling the statement for every answer cost more than the rest of it)
        assert cacheable == [True]
    # stored graded, in the member's team, next to the first member's right answer
    assert _answers(app, contest_id) == {
        (world.a[0].id, team_of_unit[teams[world.a[0].id]], (1,), True),
        (world.b[0].id, team_of_unit[teams[world.b[0].id]], (0,), False)}


def test_a_plain_poll_reads_the_login_alone(app, world, live_state, room):
    """The state is Redis's; the one statement checks the login (on PostgreSQL in autocommit,
    ``quick.login_is_live``; on SQLite Flask-Login's person)."""
    contest_id, phones = room
    with app.app_context():
        engine = db.engine
    phone = phones[world.b[0].id]
    url = f"/contest/{contest_id}/state"
    with counting_statements(engine) as count:
        reply = phone.get(url)
    assert reply.status_code == 200
    assert len(count) == 1 and "login_session" in count.statements[0], count.statements
    if _dialect(app) == "postgresql":  # the quick check, not the ORM's person in a transaction
        assert count.statements[0].lstrip().startswith("SELECT EXISTS"), count.statements
    view = reply.get_json()
    assert (view["phase"], view["position"], view["team"]) == ("question", 0, "第二党支部")
    assert "answered" not in view and view["question"]["options"][1] == "政治建设"
    assert live_state.get(state.KEY.format(contest_id)) is not None
    assert phone.get(url + "?mine=1").get_json()["answered"] is False
    assert phones[world.a[0].id].get(url + "?mine=1").get_json()["answered"] is True


def test_refusals_are_the_checked_paths(app, world, room, monkeypatch):
    contest_id, phones = room
    url = f"/contest/{contest_id}/answer"
    a0, a1, b0, b1, b2, b3 = (phones[p.id] for p in [*world.a, *world.b])
    before = _answers(app, contest_id)

    again = a0.post(url, json={"position": 0, "response": 0})
    assert again.status_code == 200 and again.get_json()["new"] is False  # the first stands
    other = a1.post(url, json={"position": 1, "response": True})
    assert other.status_code == 409 and other.get_json()["error"] == "这道题已经结束"
    malformed = a1.post(url, json={"position": 0, "response": 9})
    assert malformed.status_code == 400 and "格式" in malformed.get_json()["error"]
    blank = a1.post(url, json={"position": 0, "response": None})
    assert blank.status_code == 400 and blank.get_json()["error"] == "请先作答再提交"
    bad_position = a1.post(url, json={"position": True, "response": 1})
    assert bad_position.status_code == 400 and bad_position.get_json()["error"] == "题号不正确"

    with app.app_context():
        deadline = clock.aware(db.session.get_one(Contest, contest_id).deadline)
        # b1 logged out on another device (their login's row is gone), b2 must change their
        # password first, b3's account was deactivated
        db.session.execute(delete(LoginSession).where(LoginSession.person_id == world.b[1].id))
        db.session.execute(update(Person).where(Person.id == world.b[2].id)
                           .values(must_change_password=True))
        db.session.execute(update(Person).where(Person.id == world.b[3].id).values(active=False))
        db.session.commit()
    logged_out = b1.post(url, json={"position": 0, "response": 1})
    assert logged_out.status_code == 302 and "/auth/login" in logged_out.headers["Location"]
    pending = b2.post(url, json={"position": 0, "response": 1})
    assert pending.status_code == 302 and "/auth/change-password" in pending.headers["Location"]
    deactivated = b3.post(url, json={"position": 0, "response": 1})
    assert deactivated.status_code == 302 and "/auth/login" in deactivated.headers["Location"]
    # and their polls, plain or not, show nothing of the contest
    for phone, to in ((b1, "/auth/login"), (b2, "/auth/change-password"), (b3, "/auth/login")):
        for poll in ("", "?mine=1"):
            refused = phone.get(f"/contest/{contest_id}/state{poll}")
            assert refused.status_code == 302 and to in refused.headers["Location"]

    # Late by the server's clock, whatever the phone thinks: one millisecond after the deadline
    monkeypatch.setattr(play, "utcnow", lambda: deadline + timedelta(milliseconds=1))
    late = a1.post(url, json={"position": 0, "response": 1})
    assert late.status_code == 409 and late.get_json()["error"] == "答题时间已到，答案未被接受"
    assert _answers(app, contest_id) == before
    monkeypatch.setattr(play, "utcnow", lambda: deadline)  # at the deadline itself: taken
    assert a1.post(url, json={"position": 0, "response": 1}).get_json()["new"] is True
    assert len(_answers(app, contest_id)) == len(before) + 1


def test_a_member_who_did_not_join_is_refused(app, world, room):
    contest_id, _ = room
    not_joined = signed_in(app, world.secretary)  # in the contest's audience
    refused = not_joined.post(f"/contest/{contest_id}/answer", json={"position": 0, "response": 1})
    assert refused.status_code == 404
    assert {row[0] for row in _answers(app, contest_id)} == {world.a[0].id}


@pytest.mark.parametrize("moved", [True, False])
def test_an_answer_waiting_on_the_hosts_move_is_judged_by_the_moved_row(app, world, room, moved):
    """The host's move holds the contest's row (``FOR UPDATE``); an answer sent meanwhile waits
    and is then refused if the move showed the answer, or stored if it changed nothing."""
    if _dialect(app) != "postgresql":
        pytest.skip("SQLite takes one writer at a time: nothing waits on a row there")
    contest_id, phones = room
    with app.app_context():
        engine = db.engine
    replies = []
    with engine.connect() as host:
        host.execute(text("SELECT id FROM contest WHERE id = :id FOR UPDATE"), {"id": contest_id})
        sender = threading.Thread(target=lambda: replies.append(phones[world.b[0].id].post(
            f"/contest/{contest_id}/answer", json={"position": 0, "response": 1})))
        sender.start()
        time.sleep(0.5)
        assert sender.is_alive() and not replies  # waiting on the host's lock
        if moved:
            host.execute(update(Contest).where(Contest.id == contest_id).values(phase=ContestPhase.REVEAL))
        host.commit()
        sender.join(10)
    assert replies and not sender.is_alive()
    stored = {row[0] for row in _answers(app, contest_id)}
    if moved:
        assert replies[0].status_code == 409 and replies[0].get_json()["error"] == "这道题已经结束"
        assert stored == {world.a[0].id}
    else:
        assert replies[0].get_json() == {"ok": True, "position": 0, "new": True, "poll_ms": 2000}
        assert stored == {world.a[0].id, world.b[0].id}
