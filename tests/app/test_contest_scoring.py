"""Team scoring fair to team size, the 风险题 formula, the ranking's shared ranks, and the live
state mirrored in Redis (db 7 when it answers) and rebuilt from the database when it is lost."""

from __future__ import annotations

import os

import pytest
import redis
from sqlalchemy import select

from contest_helpers import build_world, make_contest
from quizapp.contest import play, scoring, state
from quizapp.extensions import db
from quizapp.models import Contest, ContestScore, Person

REDIS_URL = os.environ.get("QUIZAPP_TEST_CONTEST_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def world(app, make_unit, make_person):
    return build_world(app, make_unit, make_person)


def _play_one(app, world, right_in_a, right_in_b, members_a, members_b):
    """One 全员答题 question: the first ``members_*`` of each branch join, the first
    ``right_in_*`` answer right, the next one wrong, the rest do not answer."""
    contest_id = make_contest(app, world, rounds="全员答题,1,12,20")
    with app.app_context():
        contest = db.session.get_one(Contest, contest_id)
        people = [*world.a[:members_a], *world.b[:members_b]]
        teams = {person.id: play.join(db.session, contest, db.session.get_one(Person, person.id)).team_id
                 for person in people}
        play.advance(db.session, contest_id, "lobby", 0)
        for team, right in ((world.a[:members_a], right_in_a), (world.b[:members_b], right_in_b)):
            for index, person in enumerate(team):
                if index < right:
                    play.answer(db.session, contest_id, person.id, teams[person.id], 0, 1)
                elif index == right:
                    play.answer(db.session, contest_id, person.id, teams[person.id], 0, 0)
        play.advance(db.session, contest_id, "question", 0)
        db.session.commit()
        scores = {s.team_id: s for s in db.session.scalars(select(ContestScore))}
        teams = {t.name: t.id for t in contest.teams}
        return {name: (scores[tid].share, scores[tid].points) for name, tid in teams.items()}


def test_equal_shares_score_equally_whatever_the_team_size(app, world):
    # A: 1 of 2 right; B: 2 of 4 right (one wrong, one silent): both half, both 6 of 12.
    result = _play_one(app, world, 1, 2, 2, 4)
    assert result == {"第一党支部": (0.5, 6.0), "第二党支部": (0.5, 6.0)}


def test_a_bigger_team_does_not_win_by_numbers(app, world):
    # B has three right answers to A's two, but A's two are all of A: A scores more.
    result = _play_one(app, world, 2, 3, 2, 4)
    assert result["第一党支部"] == (1.0, 12.0)
    assert result["第二党支部"] == (0.75, 9.0)


def test_risk_formula():
    assert scoring.question_points(10, 1.0, None) == 10
    assert scoring.question_points(10, 0.25, None) == 2.5
    assert scoring.question_points(10, 1.0, 30) == 30
    assert scoring.question_points(10, 0.0, 30) == -30
    assert scoring.question_points(10, 0.5, 30) == 0


def _redis_or_skip():
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    return client


def test_state_is_mirrored_in_redis_and_rebuilt_when_lost(make_app, make_unit, make_person, app):
    client = _redis_or_skip()
    world = build_world(app, make_unit, make_person)
    contest_id = make_contest(app, world)
    shared = make_app(CONTEST_REDIS_URL=REDIS_URL)
    key = state.KEY.format(contest_id)
    client.delete(key)
    with shared.app_context():
        contest = db.session.get_one(Contest, contest_id)
        assert state.read(db.session, contest_id)["phase"] == "lobby"  # rebuilt and published
        assert client.get(key) is not None
        play.advance(db.session, contest_id, "lobby", 0)
        db.session.commit()
        state.publish(db.session, contest)
        # Every node reads Redis, not the database: a blob changed there is what they see.
        client.set(key, client.get(key).replace(b'"phase": "question"', b'"phase": "reveal"'))
        assert state.read(db.session, contest_id)["phase"] == "reveal"
        # A state rebuilt from the database never overwrites one a move published meanwhile.
        state.publish(db.session, contest, rebuilt=True)
        assert state.read(db.session, contest_id)["phase"] == "reveal"
        assert 0 < client.ttl(key) <= state.TTL_SECONDS or client.ttl(key) == -1
        client.delete(key)  # Redis lost it: the database still knows
        assert state.read(db.session, contest_id)["phase"] == "question"
        assert 0 < client.ttl(key) <= state.TTL_SECONDS
        db.session.remove()
        db.engine.dispose()  # the next test empties the tables: no connection of ours may hold them
    client.delete(key)


def test_without_redis_the_database_answers(app, make_unit, make_person):
    world = build_world(app, make_unit, make_person)
    contest_id = make_contest(app, world)
    with app.app_context():
        assert app.extensions["contest_redis"] is None
        play.advance(db.session, contest_id, "lobby", 0)
        db.session.commit()
        read = state.read(db.session, contest_id)
        assert read["phase"] == "question" and read["deadline"] is not None
