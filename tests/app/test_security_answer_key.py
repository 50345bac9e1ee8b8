"""The answer key never reaches a member before they submit: every page and JSON reply of a
started scored test and of a practice is fetched and searched for any part of the key.

Option texts are shown as options, so the search is for what only the key holds: each
question's explanation and source sentence (unique per question here), the fill answers, and
the markers the result page puts on the key (正确答案, 解析, ``data-role="right-answer"``,
``quiz-right``/``quiz-wrong``, JSON ``correct``/``answer``/``points`` fields). The same search on
the result page after submitting finds them, so the markers are the real ones.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from activity_flow import add_pool, open_activity, start_via_page
from fault_helpers import counting_statements
from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    add_speech,
    attempt_id_from,
    items_of,
    question_of,
    quiz_org,
    save,
    shown_answer,
    start,
)
from quizapp.extensions import db
from quizapp.models import QuestionType

FILL_KEY = "钥匙词甲乙丙"
KEY_MARKERS = ["正确答案", "解析", 'data-role="right-answer"', "quiz-right", "quiz-wrong",
               "quiz-explanation", "<mark>", FILL_KEY]
JSON_KEY_FIELDS = {"correct", "answer", "answers", "points", "explanation", "key", "score"}


@pytest.fixture
def keyed_bank(app: Flask, quiz_org: dict[str, Any]) -> dict[str, Any]:
    """Approved questions of every type, each with its own explanation and source sentence."""
    speech = add_speech(app, quiz_org["units"]["general"].id)
    secrets: list[str] = []
    for qtype in QuestionType:
        for n in range(2):
            tag = f"{qtype.value}{n}"
            extra = {"answer": [FILL_KEY]} if qtype is QuestionType.FILL else {}
            add_pool(app, speech, qtype, [2], explanation=f"说明密文{tag}：只在交卷后可见。",
                     sentence=f"出处密文{tag}。", **extra)
            secrets += [f"说明密文{tag}", f"出处密文{tag}"]
    return {"speech": speech, "secrets": secrets, "units": quiz_org["units"]}


def _json_fields(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _json_fields(item)}
    if isinstance(value, list):
        return {key for item in value for key in _json_fields(item)}
    return set()


def _leaks(body: str, secrets: list[str], is_json: bool) -> list[str]:
    found = [marker for marker in KEY_MARKERS + secrets if marker in body]
    if is_json:
        found += sorted(_json_fields(json.loads(body)) & JSON_KEY_FIELDS)
    return found


def _everything_before_submitting(app: Flask, client: FlaskClient, attempt: int,
                                  extra_paths: list[str]) -> list[tuple[str, Any]]:
    """Every reply a member can get for an open attempt: its pages, the question list, the
    state JSON, the autosave replies (right answers for choices, a wrong one for fills: a typed
    right answer would rightly be echoed back), and the pages around it."""
    replies: list[tuple[str, Any]] = []
    items = items_of(app, attempt)
    assert items

    def fetch(path: str) -> None:
        replies.append((path, client.get(path, follow_redirects=True)))

    fetch(f"/quiz/attempts/{attempt}")
    for item in items:
        question = question_of(app, item.question_id)
        right = question.type is not QuestionType.FILL
        reply = save(client, attempt, item.question_id, shown_answer(item, question, right), 1)
        assert reply.status_code == 200, reply.get_json()
        replies.append((f"save {item.position}", reply))
        fetch(f"/quiz/speeches/{question.speech_id}?q={question.id}")
    for item in items:
        fetch(f"/quiz/attempts/{attempt}/q/{item.position}")
        replies.append((f"post q{item.position}", client.post(
            f"/quiz/attempts/{attempt}/q/{item.position}",
            data={"position": item.position, "go": "next"}, follow_redirects=True)))
    for path in [f"/quiz/attempts/{attempt}/submit", f"/quiz/attempts/{attempt}/state",
                 f"/quiz/attempts/{attempt}/result", "/quiz/", "/quiz/practice", "/quiz/mistakes",
                 "/points/", "/reports/me", *extra_paths]:
        fetch(path)
    return replies


def _assert_no_key(replies: list[tuple[str, Any]], secrets: list[str]) -> None:
    leaks = {}
    for label, reply in replies:
        assert reply.status_code < 500, label
        found = _leaks(reply.get_data(as_text=True), secrets, reply.is_json)
        if found:
            leaks[label] = found
    assert leaks == {}


def _assert_key_after_submitting(client: FlaskClient, attempt: int, secrets: list[str]) -> None:
    submitted = client.post(f"/quiz/attempts/{attempt}/submit", follow_redirects=True)
    assert submitted.status_code == 200
    result = client.get(f"/quiz/attempts/{attempt}/result").get_data(as_text=True)
    assert "正确答案" in result and 'data-role="right-answer"' in result
    assert any(secret in result for secret in secrets)


def test_a_started_scored_test_shows_no_key(app, client, login, keyed_bank):
    activity = open_activity(
        app, keyed_bank["units"]["general"].id,
        parts=[(QuestionType.SINGLE, 2, 5), (QuestionType.MULTIPLE, 2, 5),
               (QuestionType.JUDGE, 2, 5), (QuestionType.FILL, 2, 5)])
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    replies = _everything_before_submitting(app, client, attempt, [f"/quiz/activities/{activity}"])
    assert len(replies) > 30
    _assert_no_key(replies, keyed_bank["secrets"])


def test_a_practice_shows_no_key_until_submitted(app, client, login, keyed_bank):
    login(client, MEMBER)
    attempt = attempt_id_from(start(client, count=5))
    replies = _everything_before_submitting(app, client, attempt, [])
    _assert_no_key(replies, keyed_bank["secrets"])
    _assert_key_after_submitting(client, attempt, keyed_bank["secrets"])


def test_the_question_page_does_not_read_the_key(app, client, login, keyed_bank):
    """The answering page reads only what it shows: no explanation, source sentence or
    accepted variants, and a fill's answers only as their number, counted by the database
    (``BankQuestion.answer_count``: the answer appears only inside JSON functions)."""
    activity = open_activity(app, keyed_bank["units"]["general"].id,
                             parts=[(QuestionType.SINGLE, 2, 5), (QuestionType.FILL, 2, 5)])
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as count:
        page = client.get(f"/quiz/attempts/{attempt}/q/1")
    assert page.status_code == 200
    reads = [statement for statement in count.statements if "bank_question" in statement]
    assert reads
    table = r"bank_question(?:_\d+)?"  # the ORM aliases a joined table
    for statement in reads:
        assert not re.search(table + r"\.(?:explanation|sentence|accepted_variants)\b", statement)
        assert (len(re.findall(table + r"\.answer\b", statement)) == len(re.findall(
            r"json_(?:array_length|typeof|type)\(" + table + r"\.answer\)", statement)))


def test_the_search_finds_a_planted_key():
    page = '<dd data-role="right-answer">A</dd>'
    assert _leaks(page, [], is_json=False) == ['data-role="right-answer"']
    assert _leaks(json.dumps({"ok": True, "items": [{"correct": True}]}), [], is_json=True) == [
        "correct"]
    assert _leaks("x 说明密文single0 y", ["说明密文single0"], is_json=False) == ["说明密文single0"]
