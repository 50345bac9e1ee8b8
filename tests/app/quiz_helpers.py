"""Shared pieces for the members' answering tests: an organization with two 总支, a bank of
approved questions of every type, and helpers to start, answer and submit.

Test modules import the fixtures they use (pytest finds fixtures imported into a test
module's namespace).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptItem,
    BankQuestion,
    QuestionOrigin,
    QuestionStatus,
    QuestionType,
    Speech,
    UnitKind,
)

MEMBER = "13800000001"
MEMBER_2 = "13800000002"
OUTSIDER = "13800000009"  # a member of the other 总支

SPEECH_TEXT = "\n".join([
    "在机关党建工作会议上的讲话",
    "同志们：今天召开会议，总结工作，部署任务。",
    "我们要坚持“三会一课”制度。一是开好支部党员大会。二是开好支部委员会。三是开好党小组会。四是上好党课。",
    "要增强“四个意识”，坚定“四个自信”，做到“两个维护”。",
    "全年开展主题党日活动12次，每月一次。",
    "注意<script>alert(1)</script>这样的文字必须原样显示。",
])


@dataclass(frozen=True)
class Q:
    """A question as the tests know it (id and key)."""

    id: int
    type: QuestionType
    options: list[str]
    answer: Any


_counter = itertools.count(1)


def add_speech(app: Flask, unit_id: int, title: str = "在机关党建工作会议上的讲话",
               text: str = SPEECH_TEXT) -> int:
    with app.app_context():
        speech = Speech(unit_id=unit_id, file_name=f"speech-{next(_counter)}.txt", title=title,
                        text=text)
        db.session.add(speech)
        db.session.commit()
        return speech.id


def add_question(app: Flask, speech_id: int, qtype: QuestionType, *, stem: str | None = None,
                 options: list[str] | None = None, answer: Any = None,
                 variants: list[list[str]] | None = None, status: QuestionStatus = QuestionStatus.APPROVED,
                 concept: str = "三会一课", paragraph: int = 3, sentence: str = "四是上好党课。",
                 explanation: str = "解析：原文如此。") -> Q:
    defaults: dict[QuestionType, tuple[str, list[str], Any]] = {
        QuestionType.SINGLE: ("“三会一课”中的“一课”是指？", ["党课", "党史", "讲座", "微课"], [0]),
        QuestionType.MULTIPLE: ("“三会一课”包括下列哪些会？（多选）",
                                ["支部党员大会", "支部委员会", "党小组会", "座谈会"], [0, 1, 2]),
        QuestionType.JUDGE: ("判断：“三会一课”中的“一课”是党课。", [], True),
        QuestionType.FILL: ("填空：四是上好____。", [], ["党课"]),
    }
    default_stem, default_options, default_answer = defaults[qtype]
    with app.app_context():
        question = BankQuestion(
            speech_id=speech_id,
            external_id=f"q-{next(_counter)}",
            type=qtype,
            stem=stem or f"{default_stem}（{next(_counter)}）",
            options=default_options if options is None else options,
            answer=default_answer if answer is None else answer,
            accepted_variants=variants or [],
            explanation=explanation,
            concept=concept,
            difficulty=2,
            origin=QuestionOrigin.SPEECH,
            paragraph=paragraph,
            sentence=sentence,
            status=status,
        )
        db.session.add(question)
        db.session.commit()
        return Q(question.id, question.type, list(question.options), question.answer)


@pytest.fixture
def quiz_org(make_unit, make_person) -> dict[str, Any]:
    """Two 总支; members in a 党小组 of the first, an outsider in the second."""
    general = make_unit("第一党总支", UnitKind.GENERAL_BRANCH)
    branch = make_unit("第一党支部", UnitKind.BRANCH, general)
    group = make_unit("第一党小组", UnitKind.GROUP, branch)
    other = make_unit("第二党总支", UnitKind.GENERAL_BRANCH)
    other_branch = make_unit("第二党总支第一支部", UnitKind.BRANCH, other)
    people = {
        "member": make_person(name="张三", phone=MEMBER, unit=group),
        "member2": make_person(name="李四", phone=MEMBER_2, unit=group),
        "outsider": make_person(name="王五", phone=OUTSIDER, unit=other_branch),
    }
    units = {"general": general, "branch": branch, "group": group, "other": other,
             "other_branch": other_branch}
    return {"units": units, "people": people}


@pytest.fixture
def bank(app: Flask, quiz_org: dict[str, Any]) -> dict[str, Any]:
    """A speech of the first 总支 with one approved question of each type (plus a draft and a
    retired one), and a speech of the second 总支."""
    units = quiz_org["units"]
    speech = add_speech(app, units["general"].id)
    questions = {qtype.value: add_question(app, speech, qtype) for qtype in QuestionType}
    draft = add_question(app, speech, QuestionType.SINGLE, status=QuestionStatus.DRAFT)
    retired = add_question(app, speech, QuestionType.JUDGE, status=QuestionStatus.RETIRED)
    other_speech = add_speech(app, units["other"].id, title="第二党总支的讲话")
    other_question = add_question(app, other_speech, QuestionType.JUDGE)
    return {"speech": speech, "questions": questions, "draft": draft, "retired": retired,
            "other_speech": other_speech, "other_question": other_question}


def start(client: FlaskClient, scope: str = "random", count: int = 5, key: str | None = "k1") -> Any:
    data = {"scope": scope, "count": str(count)}
    if key is not None:
        data["start_key"] = key
    return client.post("/quiz/practice", data=data)


def attempt_id_from(response: Any) -> int:
    """The attempt id in the redirect after starting (/quiz/attempts/<id>)."""
    location = response.headers["Location"]
    return int(location.rstrip("/").split("/attempts/")[1].split("/")[0])


@pytest.fixture
def attempt(app: Flask, client: FlaskClient, bank: Any, login: Any) -> int:
    """A practice sitting of MEMBER's, started on ``client``."""
    login(client, MEMBER)
    return attempt_id_from(start(client))


def stored_state(app: Flask, attempt_id: int) -> tuple[Any, ...]:
    """The attempt's row and its items' stored answers: what a refused save must not touch."""
    with app.app_context():
        row = db.session.execute(select(Attempt.current_position, Attempt.updated_at,
                                        Attempt.status).where(Attempt.id == attempt_id)).one()
        items = db.session.execute(
            select(AttemptItem.id, AttemptItem.response, AttemptItem.saved_seq,
                   AttemptItem.answered_at)
            .where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.id)).all()
        return tuple(row), tuple(map(tuple, items))


def items_of(app: Flask, attempt_id: int) -> list[AttemptItem]:
    with app.app_context():
        items = list(db.session.scalars(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
            .order_by(AttemptItem.position)
        ))
        for item in items:
            db.session.expunge(item)
        return items


def attempt_of(app: Flask, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def question_of(app: Flask, question_id: int) -> BankQuestion:
    with app.app_context():
        question = db.session.get(BankQuestion, question_id)
        db.session.expunge(question)
        return question


def shown_answer(item: AttemptItem, question: BankQuestion, right: bool = True) -> Any:
    """A response in display form (as the page would send it), right or wrong."""
    if question.type is QuestionType.JUDGE:
        return bool(question.answer) if right else not question.answer
    if question.type is QuestionType.FILL:
        return list(question.answer) if right else ["不知道"] * len(question.answer)
    positions = [item.option_order.index(i) for i in question.answer]
    if not right:
        wrong = [p for p in range(len(item.option_order)) if p not in positions]
        return wrong[0] if question.type is QuestionType.SINGLE else wrong
    return positions[0] if question.type is QuestionType.SINGLE else sorted(positions)


def save(client: FlaskClient, attempt_id: int, question_id: int, response: Any, seq: int,
         headers: dict[str, str] | None = None) -> Any:
    return client.post(f"/quiz/attempts/{attempt_id}/answers",
                       json={"question_id": question_id, "response": response, "seq": seq},
                       headers=headers)


def answer_all(app: Flask, client: FlaskClient, attempt_id: int, right: bool = True,
               seq: int = 1) -> None:
    for item in items_of(app, attempt_id):
        question = question_of(app, item.question_id)
        response = save(client, attempt_id, item.question_id, shown_answer(item, question, right), seq)
        assert response.status_code == 200, response.get_json()


def submit(client: FlaskClient, attempt_id: int) -> Any:
    return client.post(f"/quiz/attempts/{attempt_id}/submit")
