"""Every gunicorn worker SIGKILLed in the middle of a load of autosaves loses no acknowledged save.

gunicorn (deploy/gunicorn.conf.py, 2 workers of 8 threads) serves the app on a free loopback port
against the test database (the SQLite file, or the PostgreSQL database of
QUIZAPP_TEST_DATABASE_URL). Six members log in through the login form and autosave
fill-in answers through the JSON endpoint from one thread each (three one answer a request,
three five a request as the answering page batches them); twice, both workers are
killed with SIGKILL while requests are in flight and the master starts new ones. Then every
save that had a 2xx reply must be in the database (or a later save of the same question
that the member sent), each stored value the one sent with its sequence number.
"""

from __future__ import annotations

import pytest
from flask import Flask

from bench.faults.autosave_load import (
    AutosaveLoad,
    Gunicorn,
    Member,
    answer_for,
    check_stored,
    server_env,
    stored_saves,
    wait_until,
)
from quizapp.extensions import db
from quizapp.models import QuestionType, UnitKind
from tests.app.quiz_helpers import add_question, add_speech
from tests.conftest import DEFAULT_PASSWORD

MEMBERS = 6
QUESTIONS = 10
KILL_ROUNDS = 2


@pytest.fixture
def answering_org(app: Flask, make_unit, make_person) -> list[str]:
    """A branch with MEMBERS members and a speech of QUESTIONS approved fill-in questions;
    the members' phone numbers."""
    general = make_unit("第一党总支", UnitKind.GENERAL_BRANCH)
    branch = make_unit("第一党支部", UnitKind.BRANCH, general)
    speech = add_speech(app, general.id)
    for _ in range(QUESTIONS):
        add_question(app, speech, QuestionType.FILL)
    phones = [f"1380000{n:04d}" for n in range(1, MEMBERS + 1)]
    for phone in phones:
        make_person(name="党员", phone=phone, unit=branch)
    return phones


def test_sigkill_of_every_worker_loses_no_acknowledged_autosave(
        app: Flask, database_url: str, answering_org: list[str], tmp_path) -> None:
    log = tmp_path / "gunicorn.log"
    env = server_env(database_url, secret_key="fault-test-secret-key")
    with Gunicorn(env, workers=2, log_path=log) as server:
        load = AutosaveLoad(server.base_url, answering_org, DEFAULT_PASSWORD, questions=QUESTIONS,
                            batch=5)
        load.prepare()
        load.start()
        try:
            assert wait_until(lambda: load.acknowledged >= 60, timeout=45), load.outcomes()
            for _ in range(KILL_ROUNDS):
                killed = server.kill_workers()
                assert len(killed) == 2
                # The master notices and forks two new workers.
                assert wait_until(lambda: len(server.worker_pids() - killed) == 2, timeout=45), (
                    log.read_text()[-2000:])
                mark = load.acknowledged
                assert wait_until(lambda: load.acknowledged >= mark + 60, timeout=45), (
                    load.outcomes(), log.read_text()[-2000:])
        finally:
            load.stop()
    outcomes = load.outcomes()
    print("autosave outcomes:", dict(outcomes))
    # A killed worker drops its connections; nothing else may go wrong (no 500, no 4xx).
    failures = {key for key in outcomes if key != "acknowledged"}
    assert all(key.startswith("connection error") or key == "HTTP 503" for key in failures), outcomes
    with app.app_context():
        problems = check_stored(load, stored_saves(db.session, load))
    assert problems == []
    assert all(member.acked for member in load.members)
    assert all(len(member.acked) == QUESTIONS for member in load.members[1::2])  # the batches


def test_the_check_finds_a_lost_or_altered_save() -> None:
    """check_stored itself: a save acknowledged but missing, or stored with another value."""
    load = AutosaveLoad("http://unused", [], DEFAULT_PASSWORD)
    member = Member(browser=None, attempt_id=7, question_ids=[1, 2, 3])  # type: ignore[arg-type]
    member.sent = {(1, 1), (2, 2), (3, 3), (3, 4)}
    member.acked = {1: 1, 2: 2, 3: 3}
    load.members.append(member)
    intact = {(7, 1): (1, answer_for(1)), (7, 2): (2, answer_for(2)), (7, 3): (4, answer_for(4))}
    assert check_stored(load, intact) == []  # seq 4 was sent, its reply lost: still fine
    lost = {**intact, (7, 1): (0, None)}
    altered = {**intact, (7, 2): (2, answer_for(9))}
    assert check_stored(load, lost) == ["attempt 7 question 1: save 1 was acknowledged, the database has 0"]
    assert check_stored(load, altered) == ["attempt 7 question 2: seq 2 stored with ['答9']"]
