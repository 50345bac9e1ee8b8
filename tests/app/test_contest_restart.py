"""Two app nodes (two gunicorn processes on two ports) share a contest through Redis (db 7) and
the database; node B is SIGKILLed, master and worker, while phones answer through it, and
started again. Every answer it acknowledged is in the database, the phones carry on through
node A (as a load balancer would send them), the host moves the contest on from either node,
and each node shows the other's moves."""

from __future__ import annotations

import http.client

import os
import signal
import threading

import pytest
import redis
from sqlalchemy import select

from bench.faults.autosave_load import Gunicorn, children_of, server_env, wait_until
from contest_helpers import build_world, make_contest
from fault_helpers import Phone
from quizapp.contest import state
from quizapp.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_token_from
from quizapp.models import Contest, ContestAnswer

REDIS_URL = os.environ.get("QUIZAPP_TEST_CONTEST_REDIS_URL", "redis://127.0.0.1:6379/7")
RIGHT = {0: 1, 1: True, 2: ["结合"]}


def _redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    return client


def _signed_in(base_url: str, phone: str) -> Phone:
    browser = Phone(base_url)
    page = browser.request("GET", "/auth/login")
    reply = browser.request("POST", "/auth/login", form={
        "account": phone, "password": DEFAULT_PASSWORD, "csrf_token": csrf_token_from(page.body)})
    assert reply.status == 302, reply.body[:300]
    return browser


def _join(browser: Phone, code: str) -> None:
    page = browser.request("GET", f"/contest/j/{code}")
    reply = browser.request("POST", f"/contest/j/{code}", form={"csrf_token": csrf_token_from(page.body)})
    assert reply.status == 302, reply.body[:300]
    play = browser.request("GET", reply.location)
    browser.csrf_token = play.body.split('data-csrf="', 1)[1].split('"', 1)[0]


def _kill_node(node: Gunicorn) -> None:
    """SIGKILL the node's master and workers: nothing gets to finish."""
    assert node.process is not None
    pids = children_of(node.process.pid) | {node.process.pid}
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    node.process.wait(timeout=10)


def test_a_node_killed_mid_contest_loses_no_acknowledged_answer(
        app, database_url, make_unit, make_person, tmp_path):
    client = _redis()
    world = build_world(app, make_unit, make_person)
    contest_id = make_contest(app, world)
    with app.app_context():
        code = db.session.get_one(Contest, contest_id).code
    client.delete(state.KEY.format(contest_id))
    env = server_env(database_url, secret_key="contest-restart-secret",
                     QUIZAPP_CONTEST_REDIS_URL=REDIS_URL)
    members = [*world.a, *world.b]
    with Gunicorn(env, workers=1, log_path=tmp_path / "a.log") as node_a:
        node_b = Gunicorn(env, workers=1, log_path=tmp_path / "b.log")
        port_b = node_b.port
        with node_b:
            host = _signed_in(node_a.base_url, world.organizer.phone)
            host_page = host.request("GET", f"/contest/{contest_id}/host")
            host.csrf_token = host_page.body.split('data-csrf="', 1)[1].split('"', 1)[0]
            phones = {m.id: _signed_in(node_b.base_url, m.phone) for m in members}
            for browser in phones.values():
                _join(browser, code)
            moved = host.request("POST", f"/contest/{contest_id}/advance",
                                 json_body={"phase": "lobby", "position": 0})
            assert moved.status == 200, moved.body
            # Node B sees node A's move (through Redis).
            seen = phones[members[0].id].request("GET", f"/contest/{contest_id}/state").json
            assert seen["phase"] == "question" and seen["position"] == 0

            acked: dict[int, bool] = {}
            lock = threading.Lock()

            def answer(person_id: int) -> None:
                try:
                    reply = phones[person_id].request(
                        "POST", f"/contest/{contest_id}/answer",
                        json_body={"position": 0, "response": RIGHT[0]}, timeout=10)
                except (OSError, http.client.HTTPException):
                    # The node died under it (refused, reset, or killed between the headers and
                    # the body: IncompleteRead): the phone holds no acknowledgement, and sends again below.
                    return
                with lock:
                    acked[person_id] = reply.status == 200

            threads = [threading.Thread(target=answer, args=(m.id,)) for m in members]
            for thread in threads[:3]:
                thread.start()
            assert wait_until(lambda: len(acked) >= 1, timeout=20)
            for thread in threads[3:]:
                thread.start()
            _kill_node(node_b)
            for thread in threads:
                thread.join(timeout=20)
        acknowledged = {pid for pid, ok in acked.items() if ok}
        assert acknowledged, "no answer was acknowledged before the kill"
        with app.app_context():
            stored = set(db.session.scalars(select(ContestAnswer.person_id)))
        print(f"acknowledged before the kill: {len(acknowledged)}, stored: {len(stored)} of {len(members)}")
        assert acknowledged <= stored, f"lost: {acknowledged - stored}"

        # The phones carry on through node A; an answer stored before stands (new: false).
        for member in members:
            phones[member.id].base_url = node_a.base_url
            reply = phones[member.id].request("POST", f"/contest/{contest_id}/answer",
                                              json_body={"position": 0, "response": RIGHT[0]})
            assert reply.status == 200, reply.body
            assert reply.json["new"] is (member.id not in stored)
        counts = host.request("GET", f"/contest/{contest_id}/host/state").json
        assert counts["answered"] == len(members) and counts["joined"] == len(members)

        # Node B again, on its port: it shows the contest where it is, and the host moves on there.
        node_b = Gunicorn(env, workers=1, log_path=tmp_path / "b2.log")
        node_b.port, node_b.base_url = port_b, f"http://127.0.0.1:{port_b}"
        with node_b:
            host.base_url = node_b.base_url
            shown = host.request("POST", f"/contest/{contest_id}/advance",
                                 json_body={"phase": "question", "position": 0})
            assert shown.status == 200, shown.body
            assert shown.json["phase"] == "reveal" and shown.json["right"] == len(members)
            for member in members[:2]:
                seen = phones[member.id].request("GET", f"/contest/{contest_id}/state?mine=1").json
                assert seen["phase"] == "reveal" and seen["correct"] is True
            # Both teams all right: full points each, whatever their sizes (2 and 4).
            assert [r["points"] for r in shown.json["ranking"]] == [10.0, 10.0]
    client.delete(state.KEY.format(contest_id))
