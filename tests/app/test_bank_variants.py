"""Variants: the questions of one key point (``BankQuestion.point``) give one another away, so
no paper holds two of them: not a practice (by speech, at random, from the 错题本, an
activity's practice set), not a study's quiz, not a test's draw; and publishing counts a row's
pool in points."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from activity_flow import now, open_activity, start_scored
from fault_helpers import counting_statements
from publish_helpers import org, pub_bank, quarter_spec  # noqa: F401 - fixtures
from quiz_helpers import add_question, add_speech, quiz_org  # noqa: F401 - fixtures
from quizapp.extensions import db
from quizapp.models import (
    ActivityKind,
    AttemptItem,
    AttemptStatus,
    BankQuestion,
    Person,
    PracticeSource,
    QuestionStatus,
    QuestionType,
    WrongBookEntry,
)
from quizapp.publish import services as publish
from quizapp.publish.specs import PartSpec, PublishError
from quizapp.quiz import starting

POINTS = 5
TYPES = (QuestionType.SINGLE, QuestionType.JUDGE, QuestionType.FILL, QuestionType.MULTIPLE)


def _set_point(app, question_ids, point):
    with app.app_context():
        for question_id in question_ids:
            db.session.get_one(BankQuestion, question_id).point = point
        db.session.commit()


@pytest.fixture
def variants(app, quiz_org):
    """A speech of the first 总支 whose approved questions are POINTS key points of four
    variants each (a 单选, a 判断, a 填空 and a 多选 on one sentence)."""
    speech = add_speech(app, quiz_org["units"]["general"].id)
    ids = []
    for n in range(POINTS):
        made = [add_question(app, speech, qtype).id for qtype in TYPES]
        _set_point(app, made, f"speech-p{n}")
        ids += made
    return {"speech": speech, "ids": ids}


def _points(app, attempt_id):
    with app.app_context():
        return list(db.session.scalars(
            select(BankQuestion.point).join(AttemptItem, AttemptItem.question_id == BankQuestion.id)
            .where(AttemptItem.attempt_id == attempt_id)))


def _member(app, quiz_org):
    with app.app_context():
        person = db.session.get_one(Person, quiz_org["people"]["member"].id)
        db.session.expunge(person)
        return person


def _practice(app, person, source, count=20, seed=0, **kwargs):
    """Start a practice through the service, then abandon it (one practice is open at a time)."""
    with app.app_context():
        attempt = starting.start_practice(db.session, db.session.merge(person), source, count,
                                          rng=random.Random(seed), **kwargs)
        attempt.status = AttemptStatus.ABANDONED
        db.session.commit()
        return attempt.id


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("source", [PracticeSource.RANDOM, PracticeSource.SPEECH])
def test_a_practice_holds_one_variant_of_each_point(app, quiz_org, variants, source, seed):
    person = _member(app, quiz_org)
    speech_id = variants["speech"] if source is PracticeSource.SPEECH else None
    points = _points(app, _practice(app, person, source, 20, seed, speech_id=speech_id))
    assert sorted(points) == sorted(f"speech-p{n}" for n in range(POINTS))  # all, once each
    short = _points(app, _practice(app, person, source, 5, seed + 10, speech_id=speech_id))
    assert len(short) == 5 and len(set(short)) == 5


def test_a_practice_of_mistakes_holds_one_variant_of_each_point(app, quiz_org, variants):
    person = _member(app, quiz_org)
    with app.app_context():
        for question_id in variants["ids"]:
            db.session.add(WrongBookEntry(person_id=person.id, question_id=question_id))
        db.session.commit()
    for seed in range(3):
        points = _points(app, _practice(app, person, PracticeSource.MISTAKES, 20, seed))
        assert Counter(points).most_common(1)[0][1] == 1 and len(points) == POINTS


@pytest.mark.parametrize("kind", [ActivityKind.TEST, ActivityKind.STUDY])
def test_a_scored_draw_and_the_activity_practice_hold_one_variant_of_each_point(app, quiz_org, variants,
                                                                                 make_person, kind):
    # Each part could be filled from its own type alone: together they would repeat points.
    parts = [(QuestionType.SINGLE, 2, 2), (QuestionType.JUDGE, 2, 1), (QuestionType.FILL, 1, 3)]
    unit = quiz_org["units"]["general"].id
    # The practice set is open before the scored window (it pauses once answering starts).
    ahead = open_activity(app, unit, kind=kind, started=-2, parts=parts, title="下周的测试",
                          practice_opens_at=now() - timedelta(hours=1))
    person = _member(app, quiz_org)
    for seed in range(3):
        points = _points(app, _practice(app, person, PracticeSource.ACTIVITY, None, seed,
                                        activity_id=ahead))
        assert len(points) == POINTS and len(set(points)) == POINTS, points
    activity = open_activity(app, unit, kind=kind, parts=parts)
    group = quiz_org["units"]["group"]
    people = [person.id, *(make_person(name=f"党员{n}", unit=group).id for n in range(5))]
    for seed, person_id in enumerate(people):
        points = _points(app, start_scored(app, person_id, activity, seed=seed))
        assert len(points) == POINTS and len(set(points)) == POINTS, points


def test_publishing_counts_a_rows_pool_in_points(app, org, pub_bank):
    speech = pub_bank["speech"]
    singles = _ids_of(app, speech, QuestionType.SINGLE)
    _set_point(app, singles[:3], "speech-shared")  # 6 approved singles, 4 points
    organizer = _organizer(app)
    unit = org["units"]["general"].id
    with app.app_context():
        spec = quarter_spec(unit, parts=[PartSpec(QuestionType.SINGLE, 5, 1)])
        with pytest.raises(PublishError, match="需要 5 道，已审核通过、该组织党员可见的题只有 4 道"):
            publish.create_activity(db.session, spec, by=db.session.merge(organizer))
        db.session.rollback()
    # The 判断 and 填空 on the shared point too: rows of different types share points.
    _set_point(app, _ids_of(app, speech, QuestionType.JUDGE) + _ids_of(app, speech, QuestionType.FILL),
               "speech-shared")
    with app.app_context():
        spec = quarter_spec(unit, parts=[PartSpec(QuestionType.SINGLE, 4, 1), PartSpec(QuestionType.JUDGE, 1, 1)])
        with pytest.raises(PublishError, match="可用的要点只有 4 个，还差 1 个"):
            publish.create_activity(db.session, spec, by=db.session.merge(organizer))
        db.session.rollback()
        spec = quarter_spec(unit, parts=[PartSpec(QuestionType.SINGLE, 3, 1), PartSpec(QuestionType.JUDGE, 1, 1)])
        organizer = db.session.merge(organizer)
        with counting_statements(db.engine) as count:
            assert publish.create_activity(db.session, spec, by=organizer).id
    # Each row's pool is read once, for its size and for the checks across rows.
    assert sum("bank_question.point" in statement for statement in count.statements) == 2


def _ids_of(app, speech_id, qtype):
    with app.app_context():
        return list(db.session.scalars(select(BankQuestion.id).where(
            BankQuestion.speech_id == speech_id, BankQuestion.type == qtype,
            BankQuestion.status == QuestionStatus.APPROVED).order_by(BankQuestion.id)))


def _organizer(app):
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.name == "赵组织"))
        db.session.expunge(person)
        return person
