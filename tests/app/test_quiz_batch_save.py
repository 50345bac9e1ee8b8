"""Every pending answer of a sitting in one request (quiz.batch, POST .../answers with
``{"answers": [...]}``): each entry keeps its sequence number (a stale one is refused alone,
the others saved), a closed or foreign attempt is refused whole and nothing changes, bad input
is a Chinese 400, no reply carries the key. On PostgreSQL an accepted batch is one statement
that checks the login too; on SQLite it goes the checked way, with the same replies."""

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
    bank,
    items_of,
    question_of,
    quiz_org,
    save,
    shown_answer,
)
from fault_helpers import counting_statements
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, Person, QuestionType
from quizapp.quiz.batch import MAX_ENTRIES

# What a reply may hold: nothing else can carry a key.
REPLY_KEYS = {"ok", "results", "message", "closed"}
RESULT_KEYS = {"question_id", "ok", "seq", "position", "message", "stale"}



def send(client: FlaskClient, attempt_id: int, answers: Any) -> Any:
    response = client.post(f"/quiz/attempts/{attempt_id}/answers", json={"answers": answers})
    if response.is_json:
        body = response.get_json()
        assert set(body) <= REPLY_KEYS, body
        for result in body.get("results", []):
            assert set(result) <= RESULT_KEYS, result
    return response


def entry(item: AttemptItem, response: Any, seq: int) -> dict[str, Any]:
    return {"question_id": item.question_id, "response": response, "seq": seq}


def right(app: Flask, item: AttemptItem) -> Any:
    return shown_answer(item, question_of(app, item.question_id))



def _position(app: Flask, attempt_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Attempt.current_position).where(Attempt.id == attempt_id))


def test_a_batch_saves_every_answer_and_moves_to_the_newest(app, client, attempt):
    items = items_of(app, attempt)
    # The newest answer (highest seq) is the third question's: the sitting resumes there.
    seqs = [10, 11, 15, 12, 13]
    reply = send(client, attempt, [entry(item, right(app, item), seq)
                                   for item, seq in zip(items, seqs)])

    assert reply.status_code == 200
    body = reply.get_json()
    assert body["ok"] is True
    assert body["results"] == [{"question_id": item.question_id, "ok": True, "seq": seq,
                                "position": item.position} for item, seq in zip(items, seqs)]
    for item, stored, seq in zip(items, items_of(app, attempt), seqs):
        question = question_of(app, item.question_id)
        assert stored.saved_seq == seq and stored.answered_at is not None
        assert shown_answer(stored, question) == right(app, item)
        assert stored.response is not None
    assert _position(app, attempt) == items[2].position


def test_a_mix_saves_the_good_entries_and_refuses_each_bad_one(app, client, attempt, bank):
    items = items_of(app, attempt)
    stale, bad, good, emptied = items[0], items[1], items[2], items[3]
    assert save(client, attempt, stale.question_id, right(app, stale), seq=50).status_code == 200
    assert save(client, attempt, emptied.question_id, right(app, emptied), seq=1).status_code == 200
    kind = question_of(app, bad.question_id).type
    wrong_shape = "不是答案" if kind is not QuestionType.FILL else 7
    outsider = bank["other_question"].id  # a question of no item of this attempt

    reply = send(client, attempt, [
        entry(stale, right(app, stale), 20),
        entry(bad, wrong_shape, 21),
        {"question_id": outsider, "response": True, "seq": 22},
        entry(good, right(app, good), 23),
        entry(emptied, None, 24),
    ])

    assert reply.status_code == 200
    body = reply.get_json()
    assert body["ok"] is False
    results = {result["question_id"]: result for result in body["results"]}
    assert [result["question_id"] for result in body["results"]] == [
        stale.question_id, bad.question_id, outsider, good.question_id, emptied.question_id]
    assert results[stale.question_id] == {"question_id": stale.question_id, "ok": False,
                                          "stale": True, "seq": 50,
                                          "message": "已有更新的答案，本次保存被忽略"}
    assert results[bad.question_id]["message"] == "答案格式不正确，请重新作答"
    assert results[outsider]["message"] == "该题不在本次答题中"
    assert results[good.question_id]["ok"] is True and results[good.question_id]["seq"] == 23
    assert results[emptied.question_id]["ok"] is True
    stored = {item.id: item for item in items_of(app, attempt)}
    assert stored[stale.id].saved_seq == 50  # the newer answer kept
    assert stored[bad.id].saved_seq == 0 and stored[bad.id].response is None
    assert stored[good.id].saved_seq == 23
    assert (stored[emptied.id].saved_seq, stored[emptied.id].response,
            stored[emptied.id].answered_at) == (24, None, None)
    assert _position(app, attempt) == emptied.position  # the newest saved entry's


def test_an_all_stale_batch_changes_nothing(app, client, attempt):
    items = items_of(app, attempt)
    assert send(client, attempt, [entry(item, right(app, item), 9) for item in items]
                ).status_code == 200
    before = stored_state(app, attempt)
    reply = send(client, attempt, [entry(item, right(app, item), 8) for item in items[:3]])
    assert reply.status_code == 200 and reply.get_json()["ok"] is False
    assert all(result["stale"] and result["seq"] == 9 for result in reply.get_json()["results"])
    assert stored_state(app, attempt) == before  # position and updated_at included


def test_a_submitted_attempt_refuses_the_whole_batch(app, client, attempt):
    items = items_of(app, attempt)
    assert send(client, attempt, [entry(items[0], right(app, items[0]), 1)]).status_code == 200
    assert client.post(f"/quiz/attempts/{attempt}/submit").status_code == 302
    before = stored_state(app, attempt)

    reply = send(client, attempt, [entry(item, right(app, item), 5) for item in items])

    assert reply.status_code == 409
    assert reply.get_json() == {"ok": False, "closed": True, "message": "本次答题已交卷，不能再修改答案"}
    assert stored_state(app, attempt) == before


def test_an_attempt_past_its_deadline_refuses_the_whole_batch(app, client, attempt):
    items = items_of(app, attempt)
    with app.app_context():
        db.session.execute(update(Attempt).where(Attempt.id == attempt)
                           .values(deadline_at=Attempt.started_at))
        db.session.commit()
    before = stored_state(app, attempt)
    reply = send(client, attempt, [entry(items[0], right(app, items[0]), 5)])
    assert reply.status_code == 409 and reply.get_json()["closed"] is True
    assert "时间已到" in reply.get_json()["message"]
    assert stored_state(app, attempt) == before


def test_someone_elses_attempt_is_404_and_untouched(app, client, attempt, login):
    items = items_of(app, attempt)
    before = stored_state(app, attempt)
    intruder = app.test_client()
    login(intruder, MEMBER_2)
    reply = send(intruder, attempt, [entry(item, right(app, item), 9) for item in items])
    assert reply.status_code == 404 and reply.get_json()["message"] == "答题记录不存在"
    assert stored_state(app, attempt) == before
    assert app.extensions["quizapp.autosave_items"].get(attempt) is None  # nothing kept


def test_a_copied_cookie_saves_nothing_after_logout(app, client, attempt):
    items = items_of(app, attempt)
    assert send(client, attempt, [entry(items[0], right(app, items[0]), 1)]).status_code == 200
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert client.post("/auth/logout").status_code == 302
    before = stored_state(app, attempt)

    reply = send(copy, attempt, [entry(item, right(app, item), 9) for item in items])

    assert reply.status_code == 302 and "/auth/login" in reply.headers["Location"]
    assert stored_state(app, attempt) == before


def test_a_forced_password_change_comes_first(app, client, attempt):
    items = items_of(app, attempt)
    assert send(client, attempt, [entry(items[0], right(app, items[0]), 1)]).status_code == 200
    with app.app_context():
        db.session.execute(update(Person).where(Person.phone == MEMBER)
                           .values(must_change_password=True))
        db.session.commit()
    before = stored_state(app, attempt)
    reply = send(client, attempt, [entry(items[1], right(app, items[1]), 2)])
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/auth/change-password")
    assert stored_state(app, attempt) == before


MALFORMED = {
    "no list": "全部答案",
    "an empty list": [],
    "too many": [{"question_id": n, "response": None, "seq": 1} for n in range(1, MAX_ENTRIES + 2)],
    "not an object": [1],
    "a question id as text": [{"question_id": "1", "response": None, "seq": 1}],
    "no seq": [{"question_id": 1, "response": None}],
    "seq zero": [{"question_id": 1, "response": None, "seq": 0}],
    "seq past 2**53": [{"question_id": 1, "response": None, "seq": 2**53 + 1}],
    "a boolean id": [{"question_id": True, "response": None, "seq": 1}],
    "a question twice": [{"question_id": 1, "response": None, "seq": 1},
                         {"question_id": 1, "response": None, "seq": 2}],
}


@pytest.mark.parametrize("answers", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_batch_is_a_chinese_400_and_saves_nothing(app, client, attempt, answers):
    items = items_of(app, attempt)
    if isinstance(answers, list):  # name real questions, so only the shape is wrong
        ids = {n: items[(n - 1) % len(items)].question_id for n in range(1, MAX_ENTRIES + 2)}
        answers = [{**a, "question_id": ids[a["question_id"]]}
                   if isinstance(a, dict) and type(a.get("question_id")) is int else a
                   for a in answers]
        if len(answers) == 2 and isinstance(answers[0], dict):  # "a question twice"
            answers[1]["question_id"] = answers[0]["question_id"]
    before = stored_state(app, attempt)
    reply = send(client, attempt, answers)
    assert reply.status_code == 400
    assert reply.get_json() == {"ok": False, "message": "请求格式不正确"}
    assert stored_state(app, attempt) == before


def test_the_single_answer_body_still_works(app, client, attempt):
    """Pages loaded before the batch (and the load benchmarks) send one answer a request."""
    item = items_of(app, attempt)[0]
    reply = save(client, attempt, item.question_id, right(app, item), seq=3)
    assert reply.status_code == 200 and reply.get_json()["seq"] == 3


def test_an_accepted_batch_is_one_statement_on_postgresql(app, client, attempt):
    items = items_of(app, attempt)
    assert send(client, attempt, [entry(items[0], right(app, items[0]), 1)]).status_code == 200
    with app.app_context():
        engine = db.engine
    answers = [entry(item, right(app, item), 7) for item in items]
    with counting_statements(engine) as count:
        reply = send(client, attempt, answers)
    assert reply.status_code == 200 and reply.get_json()["ok"] is True
    assert [item.saved_seq for item in items_of(app, attempt)] == [7] * len(items)
    if engine.dialect.name == "postgresql":
        assert len(count) == 1, count.statements
        assert "login_session" in count.statements[0]  # the login is checked in it
    else:
        # SQLite, the checked way: the person, take the attempt, the items, one update an
        # entry, the move.
        assert len(count) <= 4 + len(items), count.statements
