"""Property-based fuzzing of the answering page's JSON endpoints (quiz/api.py): the autosave
and the attempt state. Hostile bodies and ids never give a 500, a refused save changes no
row, and a stored response always fits its question's type."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from fuzz_helpers import (  # noqa: F401 - fixtures re-exported
    Watcher,
    fuzz_settings,
    json_values,
    logged_in,
    org,
    pub_bank,
    quiz_org,
    world,
)
from quiz_helpers import MEMBER, OUTSIDER, items_of
from quizapp.extensions import db
from quizapp.models import AttemptItem, BankQuestion, QuestionType


def _types(app: Flask, attempt_id: int) -> dict[int, QuestionType]:
    with app.app_context():
        return dict(db.session.execute(
            select(AttemptItem.question_id, BankQuestion.type)
            .join(BankQuestion, BankQuestion.id == AttemptItem.question_id)
            .where(AttemptItem.attempt_id == attempt_id)
        ).all())


def _shown(qtype: QuestionType) -> st.SearchStrategy[Any]:
    """Display-form responses of the question's type (some out of range)."""
    return {
        QuestionType.SINGLE: st.integers(-2, 6),
        QuestionType.MULTIPLE: st.lists(st.integers(-1, 5), max_size=5),
        QuestionType.JUDGE: st.booleans(),
        QuestionType.FILL: st.lists(st.text(max_size=210), max_size=3),
    }[qtype]


VALID_SHOWN = {QuestionType.SINGLE: 0, QuestionType.MULTIPLE: [0], QuestionType.JUDGE: True}


def _bodies(question_ids: list[int], types: dict[int, QuestionType]) -> st.SearchStrategy[Any]:
    """Save requests: well-formed ones for the attempt's questions, and any JSON at all."""
    qid = st.one_of(st.sampled_from(question_ids), json_values(2))
    seq = st.one_of(st.integers(1, 50), st.integers(-3, 2**60), json_values(2))

    @st.composite
    def shaped(draw: Any) -> dict[str, Any]:
        question = draw(qid)
        qtype = types.get(question) if type(question) is int else None
        response = draw(st.one_of(_shown(qtype), json_values()) if qtype else json_values())
        body = {"question_id": question, "response": response, "seq": draw(seq)}
        for key in draw(st.lists(st.sampled_from(list(body)), max_size=2, unique=True)):
            del body[key]
        body.update(draw(st.dictionaries(st.text(max_size=6), json_values(2), max_size=2)))
        return body

    return st.one_of(shaped(), shaped(), shaped(), json_values())


def test_autosave_fuzz(app: Flask, world: dict[str, Any], login: Any) -> None:
    ids = world["ids"]
    client = logged_in(app, login, MEMBER)
    attempts = [ids["practice"], ids["attempt"]]
    types = {**_types(app, ids["practice"]), **_types(app, ids["attempt"])}
    question_ids = [*types, ids["foreign_question"]]
    targets = st.sampled_from([*attempts, ids["foreign_attempt"], 0, 2**62])
    saved: list[int] = []
    watcher = Watcher(app)

    @given(attempt=targets, body=_bodies(question_ids, types),
           raw=st.one_of(st.none(), st.binary(max_size=40),
                         st.sampled_from([b"{", b'{"seq": 1e999}', b"\xff\xfe", b"[" * 5000])))
    def run(attempt: int, body: Any, raw: bytes | None) -> None:
        url = f"/quiz/attempts/{attempt}/answers"
        if raw is not None:
            send = lambda: client.post(url, data=raw, content_type="application/json")  # noqa: E731
        else:
            send = lambda: client.post(url, data=json.dumps(body), content_type="application/json")  # noqa: E731
        response = watcher.send(send)
        if response.status_code == 200:
            assert attempt in attempts and isinstance(body, dict) and raw is None
            saved.append(attempt)
        elif attempt not in attempts:
            assert response.status_code in (400, 404)

    # One well-formed save per attempt always runs: the draws above depend on the questions
    # the attempts drew, and some draws sent no valid save at all.
    for attempt_id in attempts:
        question, qtype = next((q, t) for q, t in _types(app, attempt_id).items()
                               if t in VALID_SHOWN)
        body = {"question_id": question, "response": VALID_SHOWN[qtype], "seq": 1}
        run = example(attempt=attempt_id, body=body, raw=None)(run)
    fuzz_settings(run)()
    # The property is not vacuous: well-formed saves went through and were stored.
    assert saved
    stored = [item for a in attempts for item in items_of(app, a) if item.response is not None]
    assert stored


def test_attempt_state_fuzz(app: Flask, world: dict[str, Any], login: Any) -> None:
    ids = world["ids"]
    member, outsider = logged_in(app, login, MEMBER), logged_in(app, login, OUTSIDER)
    mine = {ids["practice"], ids["attempt"]}
    watcher = Watcher(app)

    @fuzz_settings
    @given(who=st.sampled_from(["member", "outsider", "anonymous"]),
           attempt=st.one_of(st.sampled_from([*mine, ids["foreign_attempt"]]),
                             st.integers(0, 2**63 + 5)),
           query=st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=2))
    def run(who: str, attempt: int, query: dict[str, str]) -> None:
        client = {"member": member, "outsider": outsider, "anonymous": app.test_client()}[who]
        response = watcher.send(lambda: client.get(f"/quiz/attempts/{attempt}/state",
                                                 query_string=query))
        owner = ((who == "member" and attempt in mine)
                 or (who == "outsider" and attempt == ids["foreign_attempt"]))
        if any("\x00" in key + value for key, value in query.items()):
            # A NUL anywhere in a request is refused before the view (quizapp.security).
            assert response.status_code == 400, response.status_code
        elif owner:
            assert response.status_code == 200
            assert response.get_json()["ok"] is True
        else:
            # 400 on PostgreSQL for an id past its INTEGER column ("数字超出范围").
            assert response.status_code in (302, 400, 403, 404), response.status_code

    run()


def test_deeply_nested_body_is_a_400(app: Flask, world: dict[str, Any], login: Any) -> None:
    """Found by the fuzzer: a body nested past the JSON parser's recursion limit was a 500."""
    client = logged_in(app, login, MEMBER)
    before = items_of(app, world["ids"]["practice"])
    response = client.post(f"/quiz/attempts/{world['ids']['practice']}/answers",
                           data=b"[" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "message": "请求格式不正确"}
    assert [i.response for i in items_of(app, world["ids"]["practice"])] == [i.response for i in before]
