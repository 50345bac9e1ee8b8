"""A question's number of answers (what a fill's blanks are counted from) is one rule,
``BankQuestion.answer_count``, read in Python and in SQL alike; the answering page counts it in
the database, so it must not fail where the Python count gives 0 (a key that is not a list)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quiz_helpers import MEMBER, attempt_id_from, bank, items_of, quiz_org, start  # noqa: F401
from quizapp.extensions import db
from quizapp.models import BankQuestion


@pytest.mark.parametrize("answer", [["甲", "乙", "丙"], [], None, True, 2, "甲", {"a": 1}])
def test_the_count_in_sql_equals_the_count_in_python(app: Flask, bank: dict[str, Any],
                                                      answer: Any) -> None:
    fill = bank["questions"]["fill"].id
    with app.app_context():
        question = db.session.get_one(BankQuestion, fill)
        question.answer = answer
        db.session.commit()
        in_sql = db.session.scalar(select(BankQuestion.answer_count)
                                   .where(BankQuestion.id == fill))
        assert in_sql == question.answer_count == (len(answer) if isinstance(answer, list) else 0)


def test_a_fill_whose_key_is_not_a_list_still_shows_its_blank(
        app: Flask, client: FlaskClient, bank: dict[str, Any], login: Any) -> None:
    login(client, MEMBER)
    attempt_id = attempt_id_from(start(client, count=5))
    fill = bank["questions"]["fill"].id
    with app.app_context():  # bad data an organizer's form would refuse
        question = db.session.get_one(BankQuestion, fill)
        question.stem, question.answer = "填空：三会一课。", None
        db.session.commit()
    position = next(item.position for item in items_of(app, attempt_id)
                    if item.question_id == fill)
    page = client.get(f"/quiz/attempts/{attempt_id}/q/{position}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f'id="answer-{position}-1"' in body  # one blank: the stem has none, the key no list
    assert f'id="answer-{position}-2"' not in body
