"""Answering: autosave (latest wins, stale refused), the no-JavaScript form, refusals, and
the answer key kept out of the browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    MEMBER_2,
    add_question,
    add_speech,
    attempt_id_from,
    attempt_of,
    bank,
    items_of,
    question_of,
    quiz_org,
    save,
    shown_answer,
    start,
)
from quizapp.extensions import db
from quizapp.models import Attempt, BankQuestion, QuestionType
from quizapp.models.base import utcnow

_CSRF = re.compile(r'name="csrf_token"[^>]*value="[^"]*"')


@pytest.fixture
def attempt(app, client, bank, login) -> int:
    login(client, MEMBER)
    return attempt_id_from(start(client))


def _item(app, attempt_id, qtype):
    for item in items_of(app, attempt_id):
        if question_of(app, item.question_id).type is qtype:
            return item
    raise AssertionError(qtype)


def test_autosave_stores_the_answer_in_the_questions_own_terms(app, client, attempt):
    item = _item(app, attempt, QuestionType.SINGLE)
    shown = item.option_order.index(2)  # the position where option 2 is shown
    response = save(client, attempt, item.question_id, shown, seq=10)
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "seq": 10, "position": item.position}
    stored = items_of(app, attempt)[item.position - 1]
    assert stored.response == [2] and stored.saved_seq == 10 and stored.answered_at is not None
    assert attempt_of(app, attempt).current_position == item.position


def test_the_latest_answer_wins_and_a_stale_one_is_refused(app, client, attempt):
    item = _item(app, attempt, QuestionType.JUDGE)
    assert save(client, attempt, item.question_id, True, seq=100).status_code == 200
    assert save(client, attempt, item.question_id, False, seq=200).status_code == 200
    late = save(client, attempt, item.question_id, True, seq=150)  # sent before, arrived after
    assert late.status_code == 409
    assert late.get_json()["stale"] is True and late.get_json()["seq"] == 200
    same = save(client, attempt, item.question_id, True, seq=200)
    assert same.status_code == 409
    stored = items_of(app, attempt)[item.position - 1]
    assert stored.response is False and stored.saved_seq == 200


def test_multiple_and_fill_answers_and_clearing(app, client, attempt):
    multiple = _item(app, attempt, QuestionType.MULTIPLE)
    order = multiple.option_order
    assert save(client, attempt, multiple.question_id, [order.index(3), order.index(0)], 1).status_code == 200
    assert items_of(app, attempt)[multiple.position - 1].response == [0, 3]
    assert save(client, attempt, multiple.question_id, [], 2).status_code == 200
    assert items_of(app, attempt)[multiple.position - 1].response is None
    fill = _item(app, attempt, QuestionType.FILL)
    assert save(client, attempt, fill.question_id, ["  党课 "], 1).status_code == 200
    assert items_of(app, attempt)[fill.position - 1].response == ["党课"]


@pytest.mark.parametrize(
    ("qtype", "response"),
    [
        (QuestionType.SINGLE, 9),
        (QuestionType.SINGLE, -1),
        (QuestionType.SINGLE, "0"),
        (QuestionType.SINGLE, True),
        (QuestionType.MULTIPLE, [0, 0]),
        (QuestionType.MULTIPLE, 1),
        (QuestionType.JUDGE, "true"),
        (QuestionType.JUDGE, 1),
        (QuestionType.FILL, "党课"),
        (QuestionType.FILL, ["a", "b"]),
        (QuestionType.FILL, ["x" * 201]),
    ],
)
def test_a_response_that_does_not_fit_the_question_is_refused(app, client, attempt, qtype, response):
    item = _item(app, attempt, qtype)
    reply = save(client, attempt, item.question_id, response, seq=5)
    assert reply.status_code == 400
    assert reply.get_json() == {"ok": False, "message": "答案格式不正确，请重新作答"}
    assert items_of(app, attempt)[item.position - 1].saved_seq == 0


@pytest.mark.parametrize(
    "body",
    [None, [], {"question_id": "1", "seq": 1}, {"question_id": 1}, {"question_id": 1, "seq": 0},
     {"question_id": 1, "seq": 2**60}, {"question_id": True, "seq": 1}],
)
def test_a_malformed_request_is_refused(app, client, attempt, body):
    reply = client.post(f"/quiz/attempts/{attempt}/answers", json=body)
    assert reply.status_code == 400
    assert reply.get_json()["message"] == "请求格式不正确"


def test_answering_a_question_not_in_my_attempt_is_refused(app, client, attempt, bank):
    for question_id in (bank["draft"].id, bank["other_question"].id, 987654):
        reply = save(client, attempt, question_id, True, seq=1)
        assert reply.status_code == 404
        assert reply.get_json() == {"ok": False, "message": "该题不在本次答题中"}


def test_answering_in_someone_elses_attempt_is_refused(app, client, attempt, login):
    item = items_of(app, attempt)[0]
    client.post("/auth/logout")
    login(client, MEMBER_2)
    reply = save(client, attempt, item.question_id, None, seq=1)
    assert reply.status_code == 404
    assert reply.get_json() == {"ok": False, "message": "答题记录不存在"}
    assert client.get(f"/quiz/attempts/{attempt}/q/1").status_code == 404
    assert client.post(f"/quiz/attempts/{attempt}/q/1", data={"answer-1": "0"}).status_code == 404
    assert client.get(f"/quiz/attempts/{attempt}/state").status_code == 404
    assert client.post(f"/quiz/attempts/{attempt}/submit").status_code == 404
    assert client.get(f"/quiz/attempts/{attempt}/result").status_code == 404
    assert items_of(app, attempt)[0].saved_seq == 0


def test_a_missing_attempt_is_404(client, attempt):
    assert save(client, 987654, 1, True, seq=1).status_code == 404
    assert client.get("/quiz/attempts/987654/q/1").status_code == 404


def test_saves_after_submission_are_refused(app, client, attempt):
    item = items_of(app, attempt)[0]
    client.post(f"/quiz/attempts/{attempt}/submit")
    reply = save(client, attempt, item.question_id, None, seq=99)
    assert reply.status_code == 409
    assert reply.get_json()["closed"] is True
    assert "已交卷" in reply.get_json()["message"]


def test_saves_after_the_deadline_are_refused(app, client, attempt):
    with app.app_context():
        db.session.execute(update(Attempt).where(Attempt.id == attempt)
                           .values(deadline_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    item = _item(app, attempt, QuestionType.JUDGE)
    reply = save(client, attempt, item.question_id, True, seq=1)
    assert reply.status_code == 409 and reply.get_json()["message"] == "答题时间已到，答案未能保存"
    assert items_of(app, attempt)[item.position - 1].response is None


def test_the_state_gives_stored_sequence_numbers_and_a_fresh_token(app, client, attempt):
    item = items_of(app, attempt)[0]
    save(client, attempt, item.question_id, shown_answer(item, question_of(app, item.question_id)), 42)
    state = client.get(f"/quiz/attempts/{attempt}/state")
    assert state.headers["Cache-Control"] == "no-store"
    body = state.get_json()
    assert body["status"] == "open" and body["csrf_token"]
    assert body["saved"][str(item.question_id)] == 42


# --- without JavaScript ------------------------------------------------------------------------

def test_the_plain_form_saves_and_moves_on(app, client, attempt):
    items = items_of(app, attempt)
    first = items[0]
    question = question_of(app, first.question_id)
    values = {
        QuestionType.SINGLE: ["1"], QuestionType.MULTIPLE: ["0", "2"],
        QuestionType.JUDGE: ["false"], QuestionType.FILL: ["党课"],
    }[question.type]
    reply = client.post(f"/quiz/attempts/{attempt}/q/1", data={"answer-1": values, "go": "next"})
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/quiz/attempts/{attempt}/q/2")
    stored = items_of(app, attempt)[0]
    assert stored.response is not None and stored.saved_seq == 1
    # The page shows it again, checked or filled in.
    html = client.get(f"/quiz/attempts/{attempt}/q/1").get_data(as_text=True)
    assert " checked" in html or 'value="党课"' in html

    moves = {"prev": 1, "4": 4, "next": 3}
    for go, target in moves.items():
        reply = client.post(f"/quiz/attempts/{attempt}/q/2", data={"go": go})
        assert reply.headers["Location"].endswith(f"/q/{target}")
    last = len(items)
    reply = client.post(f"/quiz/attempts/{attempt}/q/{last}", data={"go": "next"})
    assert reply.headers["Location"].endswith(f"/quiz/attempts/{attempt}/submit")
    reply = client.post(f"/quiz/attempts/{attempt}/q/1", data={"go": "submit"})
    assert reply.headers["Location"].endswith(f"/quiz/attempts/{attempt}/submit")


def test_the_plain_form_follows_an_autosave_with_any_sequence_number(app, client, attempt):
    item = _item(app, attempt, QuestionType.JUDGE)
    save(client, attempt, item.question_id, True, seq=1_800_000_000_000)
    client.post(f"/quiz/attempts/{attempt}/q/{item.position}", data={f"answer-{item.position}": "false"})
    stored = items_of(app, attempt)[item.position - 1]
    assert stored.response is False and stored.saved_seq == 1_800_000_000_001


def test_the_plain_form_refuses_a_bad_value(app, client, attempt):
    item = _item(app, attempt, QuestionType.SINGLE)
    reply = client.post(f"/quiz/attempts/{attempt}/q/{item.position}",
                        data={f"answer-{item.position}": "7", "go": "next"})
    assert reply.headers["Location"].endswith(f"/q/{item.position}")
    assert "答案格式不正确" in client.get(reply.headers["Location"]).get_data(as_text=True)
    assert items_of(app, attempt)[item.position - 1].response is None


def test_positions_outside_the_attempt_are_404(client, attempt):
    assert client.get(f"/quiz/attempts/{attempt}/q/0").status_code == 404
    assert client.get(f"/quiz/attempts/{attempt}/q/99").status_code == 404


def test_resume_opens_where_the_member_was(app, client, attempt):
    item = items_of(app, attempt)[2]
    save(client, attempt, item.question_id, shown_answer(item, question_of(app, item.question_id)), 5)
    reply = client.get(f"/quiz/attempts/{attempt}")
    assert reply.headers["Location"].endswith(f"/quiz/attempts/{attempt}/q/3")


# --- the answer key never reaches the browser --------------------------------------------------

def test_the_answering_page_and_replies_do_not_depend_on_the_answer_key(app, client, quiz_org, login):
    speech = add_speech(app, quiz_org["units"]["general"].id)
    fill = add_question(app, speech, QuestionType.FILL, stem="填空：以“____”活动为抓手。",
                        answer=["机关作风提升年"], explanation="独有的解析文字", concept="提升年概念",
                        sentence="以“机关作风提升年”活动为抓手，全面加强建设。")
    single = add_question(app, speech, QuestionType.SINGLE)
    login(client, MEMBER)
    attempt = attempt_id_from(start(client))

    def pages():
        urls = [f"/quiz/attempts/{attempt}/q/1", f"/quiz/attempts/{attempt}/q/2",
                f"/quiz/attempts/{attempt}/submit"]
        return [_CSRF.sub("", client.get(url).get_data(as_text=True)) for url in urls]

    before = pages()
    for text in ("机关作风提升年", "独有的解析文字", "提升年概念", "全面加强建设"):
        assert all(text not in page for page in before), text
    with app.app_context():
        db.session.execute(update(BankQuestion).where(BankQuestion.id == fill.id)
                           .values(answer=["别的答案"], explanation="另一段解析"))
        db.session.execute(update(BankQuestion).where(BankQuestion.id == single.id)
                           .values(answer=[3]))
        db.session.commit()
    assert pages() == before

    item = {i.question_id: i for i in items_of(app, attempt)}[single.id]
    for shown in range(4):  # one of them is right, three are wrong: the replies are all alike
        reply = save(client, attempt, single.id, shown, seq=shown + 1).get_json()
        assert reply == {"ok": True, "seq": shown + 1, "position": item.position}
    reply = save(client, attempt, fill.id, ["别的答案"], seq=1).get_json()
    assert set(reply) == {"ok", "seq", "position"}
    state = client.get(f"/quiz/attempts/{attempt}/state").get_json()
    assert set(state) == {"ok", "status", "csrf_token", "saved"}


def test_pages_with_answers_are_not_cached(client, attempt):
    for url in (f"/quiz/attempts/{attempt}/q/1", f"/quiz/attempts/{attempt}/submit", "/quiz/practice"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


# --- CSRF: the script sends its token in a header ----------------------------------------------

def test_autosave_needs_the_csrf_header_when_csrf_is_on(app, client, attempt):
    app.config["WTF_CSRF_ENABLED"] = True
    item = _item(app, attempt, QuestionType.JUDGE)
    refused = save(client, attempt, item.question_id, True, seq=1)
    assert refused.status_code == 400
    html = client.get(f"/quiz/attempts/{attempt}/q/1").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    accepted = save(client, attempt, item.question_id, True, seq=1, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200


def test_an_expired_session_loses_no_saved_answer(app, client, attempt, login):
    item = _item(app, attempt, QuestionType.JUDGE)
    assert save(client, attempt, item.question_id, True, seq=5).status_code == 200
    client.delete_cookie("session")  # the session expires (or the phone clears its cookies)
    client.delete_cookie("remember_token")
    refused = save(client, attempt, item.question_id, False, seq=6)
    assert refused.status_code == 302 and "/auth/login" in refused.headers["Location"]
    stored = items_of(app, attempt)[item.position - 1]
    assert stored.response is True and stored.saved_seq == 5  # the refused save changed nothing
    login(client, MEMBER)  # logging in again resumes the same attempt with the saved answer
    assert save(client, attempt, item.question_id, False, seq=7).status_code == 200
    assert items_of(app, attempt)[item.position - 1].response is False
