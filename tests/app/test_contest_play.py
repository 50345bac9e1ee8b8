"""The live contest's state machine through its routes: join, question, countdown, a late
answer refused by the server's clock, reveal, next, a late joiner, end; the 抢答 and 风险题
moves; and who may host and who may join."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contest_helpers import build_world, host_move, make_contest, signed_in
from quizapp.contest import clock, play
from quizapp.extensions import db
from quizapp.models import Contest, ContestAnswer, ContestEntrant, ContestScore

RIGHT = {0: 1, 1: True, 2: ["结合"]}
WRONG = {0: 0, 1: False, 2: ["脱节"]}


@pytest.fixture
def world(app, make_unit, make_person):
    return build_world(app, make_unit, make_person)


def _join(app, person, code):
    client = signed_in(app, person)
    page = client.get(f"/contest/j/{code}")
    assert "加入竞赛" in page.get_data(as_text=True)
    response = client.post(f"/contest/j/{code}", data={})
    assert response.status_code == 302 and "/play" in response.headers["Location"]
    return client


def _code(app, contest_id):
    with app.app_context():
        return db.session.get_one(Contest, contest_id).code


def test_create_through_the_form_draws_approved_questions_one_per_point(app, client, login, world):
    login(client, world.organizer.phone)
    response = client.post("/contest/new", data={
        "title": "季度知识竞赛", "unit": world.general.id, "team_mode": "branch",
        "rounds": "全员答题,2,10,20\n抢答，1，20，15，风险", "speech": 0, "qtype": "",
        "concept": "", "picked": str(world.question_ids[3])})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        contest = db.session.scalars(select(Contest)).one()
        assert [t.name for t in contest.teams] == ["第一党支部", "第二党支部"]
        assert [r.format.value for r in contest.rounds] == ["all", "buzz"] and contest.rounds[1].risk
        # the picked question first, then the best of the rest
        assert [q.question_id for q in contest.questions] == [world.question_ids[i] for i in (3, 0, 1)]
    bad = client.post("/contest/new", data={"title": "x", "unit": world.general.id, "team_mode": "branch",
                                            "rounds": "全员答题,9,10,20", "speech": 0, "qtype": ""})
    assert bad.status_code == 200 and "符合条件的题目只有 5 道" in bad.get_data(as_text=True)
    bad = client.post("/contest/new", data={"title": "x", "unit": world.general.id, "team_mode": "branch",
                                            "rounds": "答题,1,10", "speech": 0, "qtype": ""})
    assert "第 1 行格式不对" in bad.get_data(as_text=True)


def test_join_question_answer_countdown_reveal_next_late_joiner_end(app, world, monkeypatch):
    contest_id = make_contest(app, world)
    code = _code(app, contest_id)
    host = signed_in(app, world.organizer)
    phones = {p.id: _join(app, p, code) for p in [*world.a, world.b[0]]}
    lobby = host.get(f"/contest/{contest_id}/host/state").get_json()
    assert lobby["phase"] == "lobby" and lobby["joined"] == 3

    first = host_move(host, contest_id)  # question 1
    assert first["phase"] == "question" and first["position"] == 0
    assert 19_000 < first["remaining_ms"] <= 20_000
    phone_state = phones[world.a[0].id].get(f"/contest/{contest_id}/state").get_json()
    assert phone_state["question"]["stem"].startswith("测试讲话要求")
    assert "answer" not in phone_state["question"] and "reveal" not in phone_state

    ack = phones[world.a[0].id].post(f"/contest/{contest_id}/answer", json={"position": 0, "response": RIGHT[0]})
    assert ack.status_code == 200 and ack.get_json()["new"] is True
    again = phones[world.a[0].id].post(f"/contest/{contest_id}/answer", json={"position": 0, "response": WRONG[0]})
    assert again.get_json()["new"] is False  # the first answer stands
    wrong_question = phones[world.a[1].id].post(f"/contest/{contest_id}/answer", json={"position": 1, "response": True})
    assert wrong_question.status_code == 409
    bad = phones[world.a[1].id].post(f"/contest/{contest_id}/answer", json={"position": 0, "response": 9})
    assert bad.status_code == 400 and "格式" in bad.get_json()["error"]
    assert host.get(f"/contest/{contest_id}/host/state").get_json()["answered"] == 1

    # The countdown ends by the server's clock: one second after the deadline, refused.
    with app.app_context():
        deadline = clock.aware(db.session.get_one(Contest, contest_id).deadline)
    monkeypatch.setattr(play, "utcnow", lambda: deadline + timedelta(seconds=1))
    late = phones[world.b[0].id].post(f"/contest/{contest_id}/answer", json={"position": 0, "response": RIGHT[0]})
    assert late.status_code == 409 and "答题时间已到" in late.get_json()["error"]
    monkeypatch.setattr(play, "utcnow", lambda: deadline - timedelta(milliseconds=5))
    just_in = phones[world.b[0].id].post(f"/contest/{contest_id}/answer", json={"position": 0, "response": WRONG[0]})
    assert just_in.status_code == 200
    monkeypatch.undo()

    reveal = host_move(host, contest_id)
    assert reveal["phase"] == "reveal" and reveal["reveal"]["key"] == "B. 政治建设"
    assert reveal["reveal"]["sentence"] == "要把政治建设摆在首位。" and reveal["right"] == 1
    # A: 1 of 2 right = 5 points; B: 0 of 1
    assert [(r["name"], r["points"]) for r in reveal["ranking"]] == [("第一党支部", 5.0), ("第二党支部", 0.0)]
    shared = phones[world.a[0].id].get(f"/contest/{contest_id}/state").get_json()
    assert "correct" not in shared and "reveal" not in shared  # the shared poll reads no rows
    mine = phones[world.a[0].id].get(f"/contest/{contest_id}/state?mine=1").get_json()
    assert mine["correct"] is True and mine["reveal"]["explanation"]
    after = phones[world.a[1].id].post(f"/contest/{contest_id}/answer", json={"position": 0, "response": RIGHT[0]})
    assert after.status_code == 409

    second = host_move(host, contest_id)
    assert second["phase"] == "question" and second["position"] == 1
    late_joiner = _join(app, world.b[1], code)
    joined_now = late_joiner.get(f"/contest/{contest_id}/state").get_json()
    assert joined_now["position"] == 1 and joined_now["question"]["type"] == "judge"
    assert late_joiner.post(f"/contest/{contest_id}/answer", json={"position": 1, "response": True}).status_code == 200

    host_move(host, contest_id)  # reveal 2
    host_move(host, contest_id)  # question 3
    host_move(host, contest_id)  # reveal 3
    ended = host_move(host, contest_id)
    assert ended["phase"] == "ended"
    refused = host.post(f"/contest/{contest_id}/advance", json={"phase": "ended", "position": 2})
    assert refused.status_code == 409
    assert _join_refused(app, world.b[2], code) == "竞赛已经结束"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContestScore)) == 6  # 3 questions × 2 teams


def _join_refused(app, person, code):
    client = signed_in(app, person)
    page = client.post(f"/contest/j/{code}", data={})
    text = page.get_data(as_text=True)
    return "竞赛已经结束" if "竞赛已经结束" in text else text


def test_a_stale_move_never_skips_a_question(app, world):
    contest_id = make_contest(app, world)
    host = signed_in(app, world.organizer)
    host_move(host, contest_id)
    stale = host.post(f"/contest/{contest_id}/advance", json={"phase": "lobby", "position": 0})
    assert stale.status_code == 409 and "进度已变化" in stale.get_json()["error"]
    with app.app_context():
        contest = db.session.get_one(Contest, contest_id)
        assert (contest.phase.value, contest.position) == ("question", 0)


def test_buzz_round_first_team_answers_judge_marks_and_stakes(app, world):
    contest_id = make_contest(app, world, rounds="抢答,1,20,15,风险")
    code = _code(app, contest_id)
    host = signed_in(app, world.organizer)
    a0, b0 = _join(app, world.a[0], code), _join(app, world.b[0], code)
    state = host_move(host, contest_id)
    teams = {r["name"]: r["team_id"] for r in state["ranking"]}
    assert host.post(f"/contest/{contest_id}/stake", json={"position": 0, "team_id": teams["第二党支部"],
                                                           "stake": 30}).status_code == 200
    too_much = host.post(f"/contest/{contest_id}/stake", json={"position": 0, "team_id": teams["第二党支部"], "stake": 999})
    assert too_much.status_code == 400 and "押分" in too_much.get_json()["error"]
    assert b0.post(f"/contest/{contest_id}/press", json={"position": 0}).get_json()["first"] is True
    assert a0.post(f"/contest/{contest_id}/press", json={"position": 0}).get_json()["first"] is False
    assert a0.post(f"/contest/{contest_id}/answer", json={"position": 0, "response": 1}).status_code == 400
    judged = host.post(f"/contest/{contest_id}/judge", json={"position": 0, "correct": False})
    assert judged.get_json()["buzz"] == {"team": "第二党支部", "correct": False}
    shown = host_move(host, contest_id)
    # wrong on a 风险题 loses the stake
    assert {r["name"]: r["points"] for r in shown["ranking"]} == {"第一党支部": 0.0, "第二党支部": -30.0}


def test_access_members_cannot_host_only_the_audience_joins(app, world):
    contest_id = make_contest(app, world)
    code = _code(app, contest_id)
    member = signed_in(app, world.a[0])
    assert member.get(f"/contest/{contest_id}/host").status_code == 403
    assert member.get(f"/contest/{contest_id}/host/state").status_code == 403
    assert member.post(f"/contest/{contest_id}/advance", json={"phase": "lobby", "position": 0}).status_code == 403
    assert member.get(f"/contest/{contest_id}/results").status_code == 403
    assert member.get("/contest/new").status_code == 403
    # not joined yet: no state, no answers
    assert member.get(f"/contest/{contest_id}/state").status_code == 404
    not_joined = member.post(f"/contest/{contest_id}/answer", json={"position": 0, "response": 1})
    assert not_joined.status_code == 404
    outsider = signed_in(app, world.outsider)
    refused = outsider.post(f"/contest/j/{code}", data={})
    assert refused.status_code == 403 and "不面向您所在的组织" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContestEntrant)) == 0
    # the organizer hosts; an anonymous visitor is sent to log in
    host = signed_in(app, world.organizer)
    page = host.get(f"/contest/{contest_id}/host").get_data(as_text=True)
    assert code in page and "<svg" in page
    assert app.test_client().get(f"/contest/{contest_id}/host").status_code == 302
    assert signed_in(app, world.secretary).get(f"/contest/{contest_id}/host").status_code == 403


def test_free_teams_pick_on_joining(app, world):
    contest_id = make_contest(app, world, team_mode="free", team_names="红旗队，先锋队")
    code = _code(app, contest_id)
    client = signed_in(app, world.b[3])
    assert "红旗队" in client.get(f"/contest/j/{code}").get_data(as_text=True)
    assert "请选择一支队伍" in client.post(f"/contest/j/{code}", data={}).get_data(as_text=True)
    with app.app_context():
        team_id = db.session.get_one(Contest, contest_id).teams[1].id
    assert client.post(f"/contest/j/{code}", data={"team": team_id}).status_code == 302
    assert client.get(f"/contest/{contest_id}/state").get_json()["team"] == "先锋队"
