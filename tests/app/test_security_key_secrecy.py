"""Scored work stays secret until it may be shown (quiz.secrecy).

Issue 19, finding 1: a member started a quarterly test whose answers open after the close, then
looped 自测练习 (random, 20 questions) submitted empty, and every result page showed 正确答案:
the loop collected the keys of the whole bank, the open sitting's among them. Here the same
loop runs against a bank with a test pool (its singles and judges), a variant of a pool question
(a fill on the same source sentence) and free questions: while the test is live no result page,
JSON reply, 错题本 entry, study result or 考前练习 shows a key of the pool or its variant, and the
free questions' keys are shown all along (so the loop does harvest what it may). Once the
answers open, practice shows the pool's keys again.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from activity_flow import now, start_via_page
from activity_helpers import make_activity
from fault_helpers import counting_statements
from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    add_question,
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
from quizapp.models import (
    Activity,
    ActivityKind,
    AnswerPolicy,
    Attempt,
    AttemptItem,
    PracticeSource,
    QuestionType,
    WrongBookEntry,
)
from quizapp.quiz.starting import PRACTICE_PAUSED

_keys = itertools.count(1)
JSON_KEY_FIELDS = {"correct", "answer", "answers", "points", "explanation", "key", "sentence"}


@pytest.fixture
def secret_bank(app: Flask, quiz_org: dict[str, Any]) -> dict[str, Any]:
    """A speech with three singles and three judges (the test's pool), a fill on the first
    single's source sentence (its variant), and three multiples and two fills of their own
    sentences (free). Each question's explanation, sentence and fill answer are its secrets."""
    speech = add_speech(app, quiz_org["units"]["general"].id)
    secrets: dict[int, list[str]] = {}

    def add(qtype: QuestionType, tag: str, sentence: str | None = None) -> int:
        extra = {"answer": [f"填空钥{tag}"]} if qtype is QuestionType.FILL else {}
        sentence = sentence or f"出处密文{tag}。"
        question = add_question(app, speech, qtype, explanation=f"解析密文{tag}。",
                                sentence=sentence, **extra)
        secrets[question.id] = [f"解析密文{tag}", sentence, *extra.get("answer", [])]
        return question.id

    pool = [add(QuestionType.SINGLE, f"s{n}") for n in range(3)]
    pool += [add(QuestionType.JUDGE, f"j{n}") for n in range(3)]
    variant = add(QuestionType.FILL, "v", sentence="出处密文s0。")
    free = [add(QuestionType.MULTIPLE, f"m{n}") for n in range(3)]
    free += [add(QuestionType.FILL, f"f{n}") for n in range(2)]
    return {"speech": speech, "pool": set(pool), "withheld": {*pool, variant},
            "free": set(free), "secrets": secrets, "units": quiz_org["units"],
            "people": quiz_org["people"]}


def _test(app: Flask, bank: dict[str, Any], opens_in: timedelta = -timedelta(hours=1),
          **columns: Any) -> int:
    """The quarterly test on the bank's singles and judges, answers after the close."""
    moment = now()
    columns.setdefault("parts", [(QuestionType.SINGLE, 2, 5), (QuestionType.JUDGE, 2, 5)])
    return make_activity(app, bank["units"]["general"].id, opens_at=moment + opens_in,
                         closes_at=moment + timedelta(days=1),
                         answers_shown=AnswerPolicy.AFTER_CLOSE, **columns)


def _move(app: Flask, activity_id: int, *, opens: timedelta | None = None,
          closes: timedelta | None = None) -> None:
    """Move the activity's window relative to now (the organizer's edit, or time passing)."""
    values = {}
    if opens is not None:
        values["opens_at"] = now() + opens
    if closes is not None:
        values["closes_at"] = now() + closes
    with app.app_context():
        db.session.execute(update(Activity).where(Activity.id == activity_id).values(**values))
        db.session.commit()


def _keyed(app: Flask, attempt: int, body: str) -> set[int]:
    """The questions whose key (正确答案) the result page shows."""
    positions = {item.position: item.question_id for item in items_of(app, attempt)}
    shown = set()
    for article in body.split("<article")[1:]:
        if 'data-role="right-answer"' in article:
            shown.add(positions[int(re.search(r'id="item-(\d+)"', article).group(1))])
    return shown


def _json_fields(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _json_fields(item)}
    if isinstance(value, list):
        return {key for item in value for key in _json_fields(item)}
    return set()


def _result(client: FlaskClient, attempt: int) -> str:
    reply = client.get(f"/quiz/attempts/{attempt}/result")
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def _harvest(app: Flask, client: FlaskClient, rounds: int) -> tuple[set[int], list[str]]:
    """The finding's loop: random practice of 20, submitted empty, its result and state read.
    Returns the questions whose key was shown and every body read."""
    shown: set[int] = set()
    bodies: list[str] = []
    for _ in range(rounds):
        attempt = attempt_id_from(start(client, count=20, key=f"h{next(_keys)}"))
        state = client.get(f"/quiz/attempts/{attempt}/state")
        assert not _json_fields(state.get_json()) & JSON_KEY_FIELDS
        assert client.post(f"/quiz/attempts/{attempt}/submit").status_code == 302
        body = _result(client, attempt)
        shown |= _keyed(app, attempt, body)
        bodies += [body, state.get_data(as_text=True)]
    return shown, bodies


def _leaked(bank: dict[str, Any], bodies: list[str]) -> set[str]:
    """Secrets of withheld questions found in any body."""
    secrets = {s for q in bank["withheld"] for s in bank["secrets"][q]}
    return {s for s in secrets for body in bodies if s in body}


def _practised(app: Flask, person_id: int) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(
            select(AttemptItem.question_id).join(Attempt)
            .where(Attempt.person_id == person_id, Attempt.attempt_no.is_(None))))


def _answer_all_wrong(app: Flask, client: FlaskClient, attempt: int) -> None:
    for item in items_of(app, attempt):
        response = shown_answer(item, question_of(app, item.question_id), right=False)
        assert save(client, attempt, item.question_id, response, seq=1).status_code == 200


def test_the_harvesting_loop_finds_no_key_of_an_open_test(app, client, login, secret_bank):
    bank = secret_bank
    activity = _test(app, bank)
    login(client, MEMBER)
    sitting = attempt_id_from(start_via_page(client, activity))
    assert {i.question_id for i in items_of(app, sitting)} <= bank["pool"]

    shown, bodies = _harvest(app, client, rounds=12)
    assert shown == bank["free"]  # every free key, and none of the pool or its variant
    assert _leaked(bank, bodies) == set()
    assert not _practised(app, bank["people"]["member"].id) & bank["withheld"]
    page = client.get("/quiz/practice").get_data(as_text=True)
    assert 'data-role="withheld-summary"' in page and "7 道题" in page
    for question in bank["withheld"]:
        speech = client.get(f"/quiz/speeches/{bank['speech']}?q={question}")
        assert "<mark>" not in speech.get_data(as_text=True)

    # Submitted: the answers open only after the close, so practice still shows none of them.
    assert client.post(f"/quiz/attempts/{sitting}/submit").status_code == 302
    shown, bodies = _harvest(app, client, rounds=3)
    assert shown == bank["free"] and _leaked(bank, bodies) == set()

    _move(app, activity, opens=-timedelta(days=2), closes=-timedelta(minutes=1))
    shown, bodies = _harvest(app, client, rounds=3)
    assert shown == bank["free"] | bank["withheld"]
    assert _leaked(bank, bodies) == {s for q in bank["withheld"] for s in bank["secrets"][q]}


def test_the_wrong_book_withholds_the_open_tests_questions(app, client, login, secret_bank):
    """Entries made before the test opened show no key while it is live; a practice started
    before and submitted after the opening shows none of its pool's keys and leaves their
    entries as they were; 错题练习 draws none of them."""
    bank = secret_bank
    member = bank["people"]["member"].id
    activity = _test(app, bank, opens_in=timedelta(hours=1))
    login(client, MEMBER)
    first = attempt_id_from(start(client, count=20, key="before"))
    _answer_all_wrong(app, client, first)
    assert client.post(f"/quiz/attempts/{first}/submit").status_code == 302
    attempt = attempt_id_from(start(client, count=20, key="straddling"))
    _answer_all_wrong(app, client, attempt)
    everything = bank["free"] | bank["withheld"]
    assert {i.question_id for i in items_of(app, attempt)} == everything
    assert _leaked(bank, [client.get("/quiz/mistakes").get_data(as_text=True)]) != set()

    _move(app, activity, opens=-timedelta(minutes=1))
    assert client.post(f"/quiz/attempts/{attempt}/submit").status_code == 302
    body = _result(client, attempt)
    assert _keyed(app, attempt, body) == bank["free"] and _leaked(bank, [body]) == set()
    assert body.count('data-role="withheld"') == len(bank["withheld"])
    assert "上面的得分只计其余 5 题" in body
    with app.app_context():
        counts = dict(db.session.execute(
            select(WrongBookEntry.question_id, WrongBookEntry.wrong_count)
            .where(WrongBookEntry.person_id == member)).tuples().all())
    assert counts == {q: 1 if q in bank["withheld"] else 2 for q in everything}

    mistakes = client.get("/quiz/mistakes").get_data(as_text=True)
    assert _leaked(bank, [mistakes]) == set()
    assert mistakes.count('data-role="withheld"') == len(bank["withheld"])
    assert all(f"解析密文{tag}" in mistakes for tag in ("m0", "m1", "m2", "f0", "f1"))
    drill = attempt_id_from(start(client, scope="mistakes", count=20, key="drill"))
    assert {i.question_id for i in items_of(app, drill)} == bank["free"]
    assert client.post(f"/quiz/attempts/{drill}/submit").status_code == 302

    _move(app, activity, opens=-timedelta(days=2), closes=-timedelta(minutes=1))
    mistakes = client.get("/quiz/mistakes").get_data(as_text=True)
    assert 'data-role="withheld"' not in mistakes
    # The 错题本 shows a key and its explanation (the sentence is behind 查看原文).
    assert all(bank["secrets"][q][0] in mistakes for q in bank["withheld"])
    assert "填空钥v" in mistakes


def test_a_study_result_withholds_the_open_tests_pool(app, client, login, secret_bank):
    """A monthly study open beside the test, drawing singles and multiples: its result shows its
    own keys (answers after submitting, one attempt still left) but not the test pool's, and
    only its own questions enter the 错题本."""
    bank = secret_bank
    _test(app, bank, parts=[(QuestionType.SINGLE, 2, 5)])
    moment = now()
    study = make_activity(app, bank["units"]["general"].id, kind=ActivityKind.STUDY,
                          title="2026年11月党建知识选学", opens_at=moment - timedelta(hours=1),
                          closes_at=moment + timedelta(days=3), attempts_allowed=2,
                          parts=[(QuestionType.SINGLE, 2, 2), (QuestionType.MULTIPLE, 2, 2)])
    login(client, MEMBER)
    sitting = attempt_id_from(start_via_page(client, study))
    drawn = {i.question_id for i in items_of(app, sitting)}
    singles = drawn & bank["pool"]
    assert len(singles) == 2 and len(drawn - singles) == 2
    _answer_all_wrong(app, client, sitting)
    assert client.post(f"/quiz/attempts/{sitting}/submit").status_code == 302
    body = _result(client, sitting)
    assert _keyed(app, sitting, body) == drawn - singles
    assert not [s for q in singles for s in bank["secrets"][q] if s in body]
    assert 'data-role="verdict"' in body and body.count('data-role="withheld"') == 2
    with app.app_context():
        filed = set(db.session.scalars(select(WrongBookEntry.question_id)))
    assert filed == drawn - singles


def test_the_activitys_own_practice_stays_blocked(app, client, login, secret_bank):
    """The 考前练习 shows its pool's keys before the window opens, and is refused from the
    opening until the answers are out, with or without a sitting; another activity's 考前练习
    draws none of the live test's pool."""
    bank = secret_bank
    activity = _test(app, bank, opens_in=timedelta(hours=1),
                     practice_opens_at=now() - timedelta(days=1))
    login(client, MEMBER)
    assert "考前练习（不计分）" in client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    early = attempt_id_from(client.post(f"/quiz/activities/{activity}/practice",
                                        data={"start_key": "early"}))
    assert client.post(f"/quiz/attempts/{early}/submit").status_code == 302
    drawn = {i.question_id for i in items_of(app, early)}
    assert len(drawn) == 4 and _keyed(app, early, _result(client, early)) == drawn <= bank["pool"]

    _move(app, activity, opens=-timedelta(minutes=1))

    def refused(key: str) -> None:
        page = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
        assert "考前练习（不计分）" not in page
        reply = client.post(f"/quiz/activities/{activity}/practice", data={"start_key": key})
        assert PRACTICE_PAUSED in client.get(reply.headers["Location"]).get_data(as_text=True)

    refused("p1")
    sitting = attempt_id_from(start_via_page(client, activity))
    assert client.post(f"/quiz/attempts/{sitting}/submit").status_code == 302
    refused("p2")

    moment = now()
    other = make_activity(app, bank["units"]["general"].id, kind=ActivityKind.STUDY,
                          title="下月选学", practice_opens_at=moment - timedelta(days=1),
                          opens_at=moment + timedelta(days=5), closes_at=moment + timedelta(days=9),
                          parts=[(QuestionType.SINGLE, 2, 1), (QuestionType.MULTIPLE, 2, 1)])
    practice = attempt_id_from(client.post(f"/quiz/activities/{other}/practice",
                                           data={"start_key": "other"}))
    with app.app_context():
        assert db.session.get_one(Attempt, practice).source is PracticeSource.ACTIVITY
    assert {i.question_id for i in items_of(app, practice)} <= bank["free"]


def test_a_start_reckons_the_withheld_questions_once(app, client, login, secret_bank):
    """Starting a practice asks which questions are withheld once (the draw leaves them out;
    the choices of the form need not count them first). A speech whose questions are all
    withheld is not offered; chosen on a page opened before the test did, it is refused with
    the reason, not a 500 or a bare form error."""
    bank = secret_bank
    _test(app, bank)
    pooled_only = add_speech(app, bank["units"]["general"].id, title="只有单选题的讲话")
    for tag in ("a", "b"):
        add_question(app, pooled_only, QuestionType.SINGLE, sentence=f"出处{tag}。")
    login(client, MEMBER)
    assert f"speech-{pooled_only}" not in client.get("/quiz/practice").get_data(as_text=True)

    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as count:
        attempt = attempt_id_from(start(client, count=20, key="once"))
    assert sum("secrecy_live" in statement for statement in count.statements) == 1
    assert {i.question_id for i in items_of(app, attempt)} == bank["free"]
    assert client.post(f"/quiz/attempts/{attempt}/submit").status_code == 302

    reply = start(client, scope=f"speech-{pooled_only}", key="stale")
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/quiz/practice")
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "暂无可练习的题目：进行中的测试题库中的题目在测试结束并公布答案前暂不参加练习" in page
