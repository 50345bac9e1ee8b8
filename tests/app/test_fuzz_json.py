"""Property-based fuzzing of the JSON endpoints: the answering page's autosave and attempt
state (quiz/api.py), and the live contest's moves (quizapp/contest/routes.py: the host's
advance, end, judge and stake, the members' answer and press). Hostile bodies and ids never
give a 500, a refused request changes no row, a stored response always fits its question's
type, and nothing touches the other 总支's contest."""

from __future__ import annotations

import json
from typing import Any

import pytest
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
from publish_helpers import ORGANIZER
from quiz_helpers import MEMBER, MEMBER_2, OUTSIDER, items_of
from quizapp.contest import play
from quizapp.extensions import db
from quizapp.models import (
    AttemptItem,
    BankQuestion,
    Contest,
    ContestAnswer,
    ContestBuzz,
    ContestEntrant,
    ContestQuestion,
    ContestStake,
    ContestTeam,
    QuestionType,
)


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


def test_batch_autosave_fuzz(app: Flask, world: dict[str, Any], login: Any) -> None:
    """The page's batch (``{"answers": [...]}``): hostile entries among good ones never give a
    500; a refused batch (4xx) changes no row; a 200 saves only well-formed entries."""
    ids = world["ids"]
    client = logged_in(app, login, MEMBER)
    attempts = [ids["practice"], ids["attempt"]]
    types = {**_types(app, ids["practice"]), **_types(app, ids["attempt"])}
    question_ids = [*types, ids["foreign_question"]]
    targets = st.sampled_from([*attempts, ids["foreign_attempt"], 0, 2**62])
    batches = st.one_of(
        st.lists(_bodies(question_ids, types), max_size=6).map(lambda entries: {"answers": entries}),
        st.fixed_dictionaries({"answers": json_values(2)}),
    )
    saved: list[int] = []
    watcher = Watcher(app)

    @given(attempt=targets, body=batches)
    def run(attempt: int, body: Any) -> None:
        response = watcher.send(lambda: client.post(
            f"/quiz/attempts/{attempt}/answers", data=json.dumps(body),
            content_type="application/json"))
        if response.status_code == 200:
            assert attempt in attempts
            saved.extend(result["question_id"] for result in response.get_json()["results"]
                         if result["ok"])
        elif attempt not in attempts:
            assert response.status_code in (400, 404)

    for attempt_id in attempts:  # one well-formed batch per attempt always runs
        entries = [{"question_id": question, "response": VALID_SHOWN[qtype], "seq": 1}
                   for question, qtype in _types(app, attempt_id).items() if qtype in VALID_SHOWN]
        run = example(attempt=attempt_id, body={"answers": entries})(run)
    fuzz_settings(run)()
    assert saved  # not vacuous: well-formed entries went through


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


# ---------------------------------------------------------------- the live contest

RAW = st.one_of(st.none(), st.none(), st.binary(max_size=40),
                st.sampled_from([b"{", b'{"position": 1e999}', b"\xff\xfe", b"[" * 5000, b"null"]))


def _move_to(app: Flask, contest_id: int, position: int) -> None:
    """Play the contest (as its host would) until the question at ``position`` is on screen."""
    with app.app_context():
        while True:
            contest = db.session.get_one(Contest, contest_id)
            if contest.phase.value == "question" and contest.position == position:
                return
            play.advance(db.session, contest_id, contest.phase.value, contest.position)
            db.session.commit()


def _contest_rows(app: Flask, contest_id: int) -> list[Any]:
    """Everything stored about one contest: its row, teams, entrants, answers, presses, stakes."""
    with app.app_context():
        contest = db.session.get_one(Contest, contest_id)
        items = select(ContestQuestion.id).where(ContestQuestion.contest_id == contest_id)
        rows: list[Any] = [(contest.phase, contest.position, contest.deadline, contest.ended_at,
                            contest.points_posted_at)]
        for model, where in ((ContestTeam, ContestTeam.contest_id == contest_id),
                             (ContestEntrant, ContestEntrant.contest_id == contest_id),
                             (ContestAnswer, ContestAnswer.contest_id == contest_id),
                             (ContestBuzz, ContestBuzz.contest_question_id.in_(items)),
                             (ContestStake, ContestStake.contest_question_id.in_(items))):
            table = model.__table__
            rows.append([tuple(r) for r in db.session.execute(
                select(table).where(where).order_by(*table.primary_key.columns))])
        db.session.rollback()
        return rows


def _team_ids(app: Flask, *contest_ids: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(ContestTeam.id)
                                       .where(ContestTeam.contest_id.in_(contest_ids))))


def _assert_refused(response: Any) -> None:
    """A refusal in JSON with a message for the person: the view's ``error``, or ``message``
    when quizapp.security refused the request before the view (a NUL, a bad CSRF token)."""
    assert response.is_json, response.status_code
    body = response.get_json()
    assert body.get("error") or body.get("message"), (response.status_code, body)


def _send_json(client: Any, url: str, body: Any, raw: bytes | None) -> Any:
    data = raw if raw is not None else json.dumps(body)
    return client.post(url, data=data, content_type="application/json")


def _move_bodies(team_ids: list[int]) -> st.SearchStrategy[Any]:
    """The host's moves: well-formed bodies (phases, positions, teams and stakes near the
    contest's own, some out of range), the same with keys dropped or added, and any JSON."""
    @st.composite
    def shaped(draw: Any) -> dict[str, Any]:
        body = {
            "phase": draw(st.one_of(st.sampled_from(["lobby", "question", "reveal", "ended"]),
                                    json_values(2))),
            "position": draw(st.one_of(st.integers(-1, 4), st.integers(-(2**70), 2**70),
                                       json_values(2))),
            "correct": draw(st.one_of(st.booleans(), json_values(2))),
            "team_id": draw(st.one_of(st.sampled_from(team_ids), st.integers(-(2**70), 2**70),
                                      json_values(2))),
            "stake": draw(st.one_of(st.integers(-5, 40), st.integers(-(2**70), 2**70),
                                    json_values(2))),
        }
        for key in draw(st.lists(st.sampled_from(list(body)), max_size=3, unique=True)):
            del body[key]
        body.update(draw(st.dictionaries(st.text(max_size=6), json_values(2), max_size=2)))
        return body

    return st.one_of(shaped(), shaped(), shaped(), json_values())


# Where the host's contest stands while a move is fuzzed, and a well-formed move from there.
HOST_MOVES = {
    "advance": (None, {"phase": "lobby", "position": 0}),
    "end": (0, {}),
    "judge": (2, {"position": 2, "correct": True}),
    "stake": (2, {"position": 2, "team_id": "first", "stake": 5}),
}


@pytest.mark.parametrize("move", list(HOST_MOVES))
def test_contest_host_move_fuzz(move: str, app: Flask, world: dict[str, Any], login: Any) -> None:
    ids = world["ids"]
    own, foreign = ids["contest"], ids["foreign_contest"]
    at, valid = HOST_MOVES[move]
    for contest_id in (own, foreign):
        if at is not None:
            _move_to(app, contest_id, at)
    if move == "judge":  # a team pressed first: there is an answer to judge
        with app.app_context():
            for contest_id in (own, foreign):
                entrant = db.session.scalars(select(ContestEntrant)
                                             .where(ContestEntrant.contest_id == contest_id)).one()
                play.press(db.session, contest_id, entrant.person_id, entrant.team_id, 2)
            db.session.commit()
    own_teams = _team_ids(app, own)
    if valid.get("team_id") == "first":
        valid = {**valid, "team_id": own_teams[0]}
    clients = {"organizer": logged_in(app, login, ORGANIZER),
               "member": logged_in(app, login, MEMBER)}
    foreign_before = _contest_rows(app, foreign)
    moved: list[int] = []
    watcher = Watcher(app)

    @given(who=st.sampled_from(list(clients)),
           contest=st.sampled_from([own, own, foreign, 0, 2**62]),
           body=_move_bodies([*own_teams, *_team_ids(app, foreign)]), raw=RAW)
    def run(who: str, contest: int, body: Any, raw: bytes | None) -> None:
        response = watcher.send(lambda: _send_json(clients[who], f"/contest/{contest}/{move}",
                                                   body, raw))
        if response.status_code == 200:
            assert who == "organizer" and contest == own and raw is None
            assert response.get_json()["phase"] in ("lobby", "question", "reveal", "ended")
            moved.append(contest)
        elif who == "member" or contest != own:
            # 400 on PostgreSQL for an id past its INTEGER column.
            assert response.status_code in (400, 403, 404), response.status_code
        else:
            _assert_refused(response)

    run = example(who="organizer", contest=own, body=valid, raw=None)(run)
    # Ids past any integer column on a move that is otherwise well-formed.
    for huge in (2**31, 2**63, 2**70):
        run = example(who="organizer", contest=own, raw=None,
                      body={**valid, "position": 2, "team_id": huge, "stake": 5})(run)
    fuzz_settings(run)()
    assert moved  # not vacuous: the well-formed move went through
    assert _contest_rows(app, foreign) == foreign_before


def _answer_bodies() -> st.SearchStrategy[Any]:
    """Members' answers and presses: positions near the contest's, responses of every shape."""
    shown = st.one_of(st.integers(-2, 6), st.lists(st.integers(-1, 5), max_size=5), st.booleans(),
                      st.lists(st.text(max_size=210), max_size=3), json_values())

    @st.composite
    def shaped(draw: Any) -> dict[str, Any]:
        body = {"position": draw(st.one_of(st.integers(-1, 4), st.integers(-(2**70), 2**70),
                                           json_values(2))),
                "response": draw(shown)}
        for key in draw(st.lists(st.sampled_from(list(body)), max_size=1, unique=True)):
            del body[key]
        body.update(draw(st.dictionaries(st.text(max_size=6), json_values(2), max_size=2)))
        return body

    return st.one_of(shaped(), shaped(), shaped(), json_values())


# The question on screen while a member's move is fuzzed (0: 全员答题, 2: 抢答).
MEMBER_MOVES = {"answer": 0, "press": 2}
SHOWN = {**VALID_SHOWN, QuestionType.FILL: ["党课"]}


@pytest.mark.parametrize("move", list(MEMBER_MOVES))
def test_contest_member_move_fuzz(move: str, app: Flask, world: dict[str, Any], login: Any) -> None:
    ids = world["ids"]
    own, foreign = ids["contest"], ids["foreign_contest"]
    position = MEMBER_MOVES[move]
    for contest_id in (own, foreign):
        _move_to(app, contest_id, position)
    with app.app_context():
        qtype = db.session.scalars(
            select(BankQuestion.type)
            .join(ContestQuestion, ContestQuestion.question_id == BankQuestion.id).where(ContestQuestion.contest_id == own, ContestQuestion.position == position)).one()
    valid: dict[str, Any] = {"position": position}
    if move == "answer":
        valid["response"] = SHOWN[qtype]
    # member joined the own contest; member2 joined none (the outsider plays the foreign one).
    clients = {"member": logged_in(app, login, MEMBER), "member2": logged_in(app, login, MEMBER_2)}
    foreign_before = _contest_rows(app, foreign)
    accepted: list[int] = []
    watcher = Watcher(app)

    @given(who=st.sampled_from(list(clients)),
           contest=st.sampled_from([own, own, foreign, 0, 2**62]), body=_answer_bodies(), raw=RAW)
    def run(who: str, contest: int, body: Any, raw: bytes | None) -> None:
        response = watcher.send(lambda: _send_json(clients[who], f"/contest/{contest}/{move}",
                                                   body, raw))
        if response.status_code == 200:
            assert who == "member" and contest == own and raw is None
            assert response.get_json()["ok"] is True
            accepted.append(contest)
        elif who == "member2" or contest != own:
            assert response.status_code in (400, 404), response.status_code
        else:
            _assert_refused(response)

    run = example(who="member", contest=own, body=valid, raw=None)(run)
    fuzz_settings(run)()
    assert accepted  # not vacuous: the well-formed move was taken
    assert _contest_rows(app, foreign) == foreign_before
    with app.app_context():  # stored answers fit the question's type (or the press is kept)
        if move == "answer":
            answers = db.session.scalars(select(ContestAnswer)
                                         .where(ContestAnswer.contest_id == own)).all()
            assert len(answers) == 1 and answers[0].response is not None
        else:
            assert db.session.scalars(select(ContestBuzz.team_id).join(ContestQuestion)
                                      .where(ContestQuestion.contest_id == own)).one() \
                in _team_ids(app, own)
