"""SQL statements per request on the answering path, counted with SQLAlchemy's
``before_cursor_execute`` event: each equals a recorded constant, so an N+1 query creeping in
(or any extra statement) fails here. Raise a constant only with a reason, in its comment.

Each count is of one request by a logged-in member once the path is warm (the page it follows
has been opened), as a phone makes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fault_helpers import (
    Crowd,
    answer_keys,
    counting_statements,
    items_by_attempt,
    make_crowd,
    shown_choice,
)
from quizapp.extensions import db

# Raise only with a reason.
# The login session's person; the activity and the member (twice: the view, then the service);
# the start key; the member's sittings (twice); questions already seen; the blueprint parts; the
# unit's ancestors (one query a level: 2 here) and the member's roles for the pools; the pool
# per part; insert the attempt; insert its items (one executemany); reload it (twice).
START_SCORED = 20
# The person; the item with its question; take the attempt row; update the item.
AUTOSAVE = 4
# The person and the attempt; take the attempt row; reload it and its activity; the items with
# their questions; the grades (one executemany); the report roll-up (here the activity's first
# submit, which builds it: 5); the 错题本 (an upsert and an update); points (best attempts, ledger,
# units, the rule version with the unit's ancestors, 7 here, the period's other points, the
# entry); the attempt again for the redirect.
SUBMIT = 27
# The person and the attempt; then what ``pages.answering_page`` reads for one question.
QUESTION_PAGE = 8


def counted(app: Flask, request: Callable[[], Any]) -> tuple[int, Any, list[str]]:
    """Statements the app's engine ran for one request, its reply, and the statements."""
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as count:
        reply = request()
    return len(count), reply, count.statements


def started_crowd(app: Flask, client: FlaskClient, login: Any, questions: int,
                  serial: int = 0) -> tuple[Crowd, int, int]:
    """A member logged in on ``client``, a test of ``questions`` questions; the member starts
    it through the page. Returns the crowd, the statements of the start, and the attempt id."""
    crowd = make_crowd(app, 1, questions, started=False, serial=serial)
    assert login(client, crowd.phones[0]).status_code == 302
    assert client.get(f"/quiz/activities/{crowd.activity_id}").status_code == 200
    count, reply, _ = counted(app, lambda: client.post(
        f"/quiz/activities/{crowd.activity_id}/start", data={"start_key": f"start-{serial}"}))
    assert reply.status_code == 302, reply.get_data(as_text=True)
    attempt_id = int(reply.headers["Location"].split("/attempts/")[1].split("/")[0])
    return crowd, count, attempt_id


def submit_count(app: Flask, client: FlaskClient, attempt_id: int) -> int:
    """Answer every question (every other one right), open the submit page, then count the
    submit."""
    items = items_by_attempt(app, [attempt_id])[attempt_id]
    keys = answer_keys(app, {item.question_id for item in items})
    for position, item in enumerate(items):
        option = keys[item.question_id] if position % 2 else (keys[item.question_id] + 1) % 4
        reply = client.post(f"/quiz/attempts/{attempt_id}/answers",
                            json={"question_id": item.question_id,
                                  "response": shown_choice(item, option), "seq": 10})
        assert reply.status_code == 200
    assert client.get(f"/quiz/attempts/{attempt_id}/submit").status_code == 200
    count, reply, _ = counted(app, lambda: client.post(f"/quiz/attempts/{attempt_id}/submit"))
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/result")
    return count


def test_statements_per_request_on_the_answering_path(app: Flask, client: FlaskClient,
                                                     login: Any) -> None:
    crowd, start, attempt_id = started_crowd(app, client, login, 30)
    items = items_by_attempt(app, [attempt_id])[attempt_id]
    assert len(items) == 30

    page = f"/quiz/attempts/{attempt_id}/q/2"
    assert client.get(page).status_code == 200
    page_count, reply, _ = counted(app, lambda: client.get(page))
    assert reply.status_code == 200

    def save(seq: int) -> Any:
        return client.post(f"/quiz/attempts/{attempt_id}/answers",
                           json={"question_id": items[1].question_id, "response": 1, "seq": seq})

    assert save(1).status_code == 200
    save_count, reply, _ = counted(app, lambda: save(2))
    assert reply.status_code == 200

    submit = submit_count(app, client, attempt_id)
    print(f"\nstatements: start {start}, autosave {save_count}, submit (30 questions) {submit}, "
          f"question page {page_count}")
    assert (start, save_count, submit, page_count) == (START_SCORED, AUTOSAVE, SUBMIT,
                                                        QUESTION_PAGE)


@pytest.mark.parametrize("small, large", [(10, 30)])
def test_submitting_costs_the_same_statements_for_any_number_of_questions(
        app: Flask, login: Any, small: int, large: int) -> None:
    counts = []
    for serial, questions in enumerate((small, large)):
        client = app.test_client()
        _crowd, start, attempt_id = started_crowd(app, client, login, questions, serial)
        counts.append((start, submit_count(app, client, attempt_id)))
    assert counts[0] == counts[1], counts  # no statement per question (an N+1) on start or submit
