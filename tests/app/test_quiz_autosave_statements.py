"""The autosave's prebuilt statements (quiz.services.save_answer) store what the per-call ones
did: a cleared answer as SQL NULL (not JSON null), the plain form's save one above the stored
sequence number, and a save by position as well as by question."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    attempt_id_from,
    bank,
    items_of,
    question_of,
    quiz_org,
    save,
    start,
)
from quizapp.extensions import db
from quizapp.models import AttemptItem, QuestionType


@pytest.fixture
def attempt(app, client, bank, login) -> int:
    login(client, MEMBER)
    return attempt_id_from(start(client))


def _multiple(app, attempt_id: int) -> AttemptItem:
    return next(item for item in items_of(app, attempt_id)
                if question_of(app, item.question_id).type is QuestionType.MULTIPLE)


def _null_rows(app, item_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AttemptItem).where(
            AttemptItem.id == item_id, AttemptItem.response.is_(None),
            AttemptItem.answered_at.is_(None)))


def test_a_cleared_answer_is_stored_as_sql_null(app, client, attempt):
    item = _multiple(app, attempt)
    assert save(client, attempt, item.question_id, [0], seq=5).status_code == 200
    assert _null_rows(app, item.id) == 0
    assert save(client, attempt, item.question_id, [], seq=6).status_code == 200
    assert _null_rows(app, item.id) == 1


def test_the_plain_form_saves_by_position_one_above_the_stored_number(app, client, attempt):
    item = _multiple(app, attempt)
    assert save(client, attempt, item.question_id, [1], seq=41).status_code == 200
    response = client.post(f"/quiz/attempts/{attempt}/q/{item.position}",
                           data={f"answer-{item.position}": ["0", "2"], "go": "next"})
    assert response.status_code == 302
    stored = items_of(app, attempt)[item.position - 1]
    assert stored.saved_seq == 42
    assert stored.response == sorted([item.option_order[0], item.option_order[2]])
