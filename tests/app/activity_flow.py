"""Shared pieces for the members' study/test tests (tests/app/test_activity_*.py): a bank of
approved questions at chosen difficulties, an activity open now, and starting a sitting.

Times: route tests use activities around the real clock (``now``); service tests pass
``now`` explicitly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from activity_helpers import make_activity
from quiz_helpers import add_question
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, BankQuestion, Person, QuestionType
from quizapp.quiz import starting


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def add_pool(app: Flask, speech_id: int, qtype: QuestionType, difficulties: Sequence[int],
             **kwargs: Any) -> list[int]:
    """Approved questions of one type, one per difficulty given; returns their ids."""
    ids = [add_question(app, speech_id, qtype, **kwargs).id for _ in difficulties]
    with app.app_context():
        for question_id, level in zip(ids, difficulties):
            db.session.get_one(BankQuestion, question_id).difficulty = level
        db.session.commit()
    return ids


def open_activity(app: Flask, unit_id: int, *, hours_open: float = 24, started: float = 1,
                  **columns: Any) -> int:
    """An activity whose scored window opened ``started`` hours ago, closing later."""
    moment = now()
    return make_activity(app, unit_id, opens_at=moment - timedelta(hours=started),
                         closes_at=moment + timedelta(hours=hours_open), **columns)


def person(app: Flask, person_id: int) -> Person:
    """A detached person with columns loaded (services take a Person)."""
    with app.app_context():
        found = db.session.get_one(Person, person_id)
        db.session.expunge(found)
        return found


def start_scored(app: Flask, person_id: int, activity_id: int, *, at: datetime | None = None,
                 seed: int = 1, key: str | None = None) -> int:
    """Start a scored sitting through the service and commit; returns its id."""
    with app.app_context():
        member = db.session.get_one(Person, person_id)
        attempt = starting.start_scored(db.session, member, activity_id, client_key=key,
                                        rng=random.Random(seed), now=at)
        db.session.commit()
        return attempt.id


def questions_of(app: Flask, attempt_id: int) -> list[BankQuestion]:
    """The attempt's questions in position order (detached)."""
    with app.app_context():
        rows = list(db.session.scalars(
            select(BankQuestion).join(AttemptItem, AttemptItem.question_id == BankQuestion.id)
            .where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
        ))
        for row in rows:
            db.session.expunge(row)
        return rows


def start_via_page(client: FlaskClient, activity_id: int, key: str = "scored-1") -> Any:
    return client.post(f"/quiz/activities/{activity_id}/start", data={"start_key": key})


def scored_attempts(app: Flask, person_id: int, activity_id: int) -> list[Attempt]:
    with app.app_context():
        rows = list(db.session.scalars(
            select(Attempt).where(Attempt.person_id == person_id,
                                  Attempt.activity_id == activity_id,
                                  Attempt.attempt_no.is_not(None)).order_by(Attempt.attempt_no)
        ))
        for row in rows:
            db.session.expunge(row)
        return rows
