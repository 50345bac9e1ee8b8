"""SQL statements per request on the answering path, counted with SQLAlchemy's
``before_cursor_execute`` event: each is at most a recorded constant (an upper bound, so that
moving a rule into ``quizapp.results`` that saves a statement needs no edit here), and the
counts do not grow with the number of questions, so an N+1 query creeping in (or any extra
statement) fails here. Raise a constant only with a reason, in its comment.

Each count is of one request by a logged-in member once the path is warm (the page it follows
has been opened), as a phone makes it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from activity_flow import add_pool, now
from activity_helpers import make_activity
from fault_helpers import (
    Crowd,
    answer_keys,
    counting_statements,
    items_by_attempt,
    make_crowd,
    shown_choice,
)
from quiz_helpers import add_speech
from quizapp.extensions import db
from quizapp.models import Activity, Person, QuestionType
from quizapp.quiz import predraw, starting

# Raise only with a reason.
# A start with no pre-drawn paper (a member who joined late, or whose paper went stale): the
# login session's person; the activity with the member's audience row (one query, read once by
# the view and passed on); the start key and the member's sittings (one query); the pre-drawn
# paper's size and freshness (one query: none here); questions already seen; the member's
# unit's ancestors (one recursive query); the blueprint parts; the pool of every part (one
# query of light rows); insert the attempt (returning it); insert its items (one executemany).
START_SCORED = 10
# A first sitting from its pre-drawn paper (quiz.predraw), as nearly every start of a test day:
# the person; the activity with the audience row; the start key and the sittings; the paper's
# size and freshness; insert the attempt (returning it); copy the paper into its items (one
# INSERT ... SELECT). No draw, no pool, no ancestors, no blueprint. Before papers were drawn
# ahead every start cost START_SCORED's statements but the paper's (9).
START_PREDRAWN = 6
# PostgreSQL: one statement in autocommit that checks the login, locks the attempt row, stores
# the answer and moves the position (quiz.autosave; the first save read the items and kept them).
# SQLite: the person; the item with its question; take the attempt row; update the item.
AUTOSAVE = {"postgresql": 1, "sqlite": 4}
# The person and the attempt with its activity; take the attempt row (returning it); the items
# with their questions; the attempt's result; the grades (one executemany); the report roll-up
# (its state with the member's unit, then, as this is the activity's first submit, the build: 4
# more); the 错题本 (an upsert executemany and an update); points (best attempts, the ledger in
# the cap period, the unit (the roll-up's build did not read it), the rule version up the unit's
# ancestors (one recursive query), here storing the default rules (2), the entry); which of the
# answered questions are withheld from the member now (quiz.secrecy: one query; such a question
# must not enter or leave the 错题本, which would tell right from wrong).
SUBMIT = 21
# A later submit of the activity: the roll-up's delta is its state with the unit, the member's
# other results and one upsert, points reuse the unit and the best sitting it worked out (the
# member's results were read twice before issue 16), and the rules are stored.
SUBMIT_LATER = 15
# The person and the attempt; the items with their questions (one query); the member's roles
# for the menu (once a request, however many links ask).
QUESTION_PAGE = 4
# The result of a scored sitting whose answers are shown: the person and the attempt with its
# activity; the member's audience row (the answer policy); the items with their questions; the
# member's open 纠错 reports among them; which of them are withheld now (quiz.secrecy: one query
# for all of them); the member's roles.
RESULT_PAGE = 7
# The 错题本: the person; the units whose speeches the member sees (their unit's ancestors, their
# MEMBER grants); the entries with their questions and speeches; which are withheld now (one
# query for all of them); the member's roles.
WRONG_BOOK_PAGE = 6


def counted(app: Flask, request: Callable[[], Any]) -> tuple[int, Any, list[str]]:
    """Statements the app's engine ran for one request, its reply, and the statements."""
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as count:
        reply = request()
    return len(count), reply, count.statements


def started_crowd(app: Flask, client: FlaskClient, login: Any, questions: int,
                  serial: int = 0, *, predrawn: bool = False) -> tuple[Crowd, int, int]:
    """A member logged in on ``client``, a test of ``questions`` questions (its papers drawn
    ahead if ``predrawn``); the member starts it through the page. Returns the crowd, the
    statements of the start, and the attempt id."""
    crowd = make_crowd(app, 1, questions, started=False, serial=serial)
    if predrawn:
        with app.app_context():
            activity = db.session.get_one(Activity, crowd.activity_id)
            assert predraw.draw_papers(db.session, activity) == 1
            db.session.commit()
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
    page_count, reply, page_statements = counted(app, lambda: client.get(page))
    assert reply.status_code == 200
    # No page of the path reads a speech's text (joined to every item, it was most of the
    # question page; models.bank.Speech.text is deferred).
    statements = [*page_statements, *counted(app, lambda: client.get("/"))[2],
                  *counted(app, lambda: client.get("/quiz/"))[2]]
    assert not [s for s in statements if re.search(r"speech(_\d+)?\.text\b", s)]

    def save(seq: int) -> Any:
        return client.post(f"/quiz/attempts/{attempt_id}/answers",
                           json={"question_id": items[1].question_id, "response": 1, "seq": seq})

    assert save(1).status_code == 200
    save_count, reply, _ = counted(app, lambda: save(2))
    assert reply.status_code == 200

    submit = submit_count(app, client, attempt_id)
    print(f"\nstatements: start {start}, autosave {save_count}, submit (30 questions) {submit}, "
          f"question page {page_count}")
    with app.app_context():
        dialect = db.engine.dialect.name
    assert start <= START_SCORED and save_count <= AUTOSAVE[dialect]
    assert submit <= SUBMIT and page_count <= QUESTION_PAGE


@pytest.mark.parametrize("small, large", [(10, 30)])
def test_a_start_from_its_pre_drawn_paper_costs_a_few_statements_whatever_its_size(
        app: Flask, login: Any, small: int, large: int) -> None:
    counts = []
    for serial, questions in enumerate((small, large)):
        client = app.test_client()
        _crowd, start, attempt_id = started_crowd(app, client, login, questions, serial,
                                                  predrawn=True)
        assert len(items_by_attempt(app, [attempt_id])[attempt_id]) == questions
        counts.append(start)
    print(f"\nstatements of a start from a pre-drawn paper: {counts}")
    assert counts[0] == counts[1] and counts[0] <= START_PREDRAWN, counts


@pytest.mark.parametrize("small, large", [(10, 30)])
def test_submitting_costs_the_same_statements_for_any_number_of_questions(
        app: Flask, login: Any, small: int, large: int) -> None:
    counts = []
    for serial, questions in enumerate((small, large)):
        client = app.test_client()
        _crowd, start, attempt_id = started_crowd(app, client, login, questions, serial)
        counts.append((start, submit_count(app, client, attempt_id)))
    assert counts[0] == counts[1], counts  # no statement per question (an N+1) on start or submit


def test_starting_costs_the_same_statements_for_any_number_of_parts(app: Flask) -> None:
    crowd = make_crowd(app, 1, 20, started=False)
    speech = add_speech(app, crowd.general_id, title="第二篇讲话")
    add_pool(app, speech, QuestionType.JUDGE, [1, 2, 2, 3] * 2)
    add_pool(app, speech, QuestionType.FILL, [1, 2, 3])
    blueprints = [[(QuestionType.SINGLE, 5, 1)],
                  [(QuestionType.SINGLE, 5, 1), (QuestionType.JUDGE, 4, 2),
                   (QuestionType.FILL, 2, 1), (QuestionType.SINGLE, 5, 3)]]
    counts = []
    for title, parts in zip(["一项", "四项"], blueprints):
        activity_id = make_activity(app, crowd.general_id, title=title, parts=parts,
                                    opens_at=now() - timedelta(hours=1),
                                    closes_at=now() + timedelta(hours=1))
        with app.app_context():
            member = db.session.get_one(Person, crowd.person_ids[0])
            with counting_statements(db.engine) as count:
                attempt = starting.start_scored(db.session, member, activity_id,
                                                client_key=title, rng=random.Random(1))
            assert attempt.question_count == sum(n for _, n, _ in parts)
            db.session.commit()
        counts.append(len(count))
    assert counts[0] == counts[1], counts  # the pools of all parts are one query


def test_statements_of_a_later_submit(app: Flask, login: Any) -> None:
    crowd = make_crowd(app, 2, 30, started=False)
    counts = []
    for member in range(2):
        client = app.test_client()
        assert login(client, crowd.phones[member]).status_code == 302
        assert client.get(f"/quiz/activities/{crowd.activity_id}").status_code == 200
        reply = client.post(f"/quiz/activities/{crowd.activity_id}/start",
                            data={"start_key": f"later-{member}"})
        assert reply.status_code == 302, reply.get_data(as_text=True)
        attempt_id = int(reply.headers["Location"].split("/attempts/")[1].split("/")[0])
        counts.append(submit_count(app, client, attempt_id))
    assert counts[0] <= SUBMIT and counts[1] <= SUBMIT_LATER, counts


def test_statements_of_the_result_page_and_the_wrong_book(app: Flask, login: Any) -> None:
    counts = []
    for serial, questions in enumerate((10, 30)):
        client = app.test_client()
        _crowd, _start, attempt_id = started_crowd(app, client, login, questions, serial)
        submit_count(app, client, attempt_id)
        for url in (f"/quiz/attempts/{attempt_id}/result", "/quiz/mistakes"):
            count, reply, statements = counted(app, lambda: client.get(url))
            assert reply.status_code == 200
            # The secrecy rule runs once a page, for all of its questions (not once a question).
            assert sum("secrecy_live" in statement for statement in statements) == 1
            counts.append(count)
    assert counts[:2] == counts[2:], counts  # the same for 10 and 30 questions
    assert counts[0] <= RESULT_PAGE and counts[1] <= WRONG_BOOK_PAGE, counts
