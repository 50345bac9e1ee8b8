"""The blueprint draw of a scored sitting: counts and points per part, the same difficulty
mix for every member, unseen questions first, no duplicates, only approved questions the
whole audience may see, and shuffled orders that are stored."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from activity_flow import add_pool, open_activity, questions_of, start_scored
from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    add_question,
    add_speech,
    items_of,
    quiz_org,
)
from quizapp.extensions import db
from quizapp.models import BlueprintPart, Person, QuestionStatus, QuestionType, UnitKind
from quizapp.quiz import services
from quizapp.quiz.draw import difficulty_mix
from quizapp.quiz.errors import QuizError


@pytest.fixture
def pools(app, quiz_org):
    """A speech of the first 总支 with approved questions of known difficulties."""
    speech = add_speech(app, quiz_org["units"]["general"].id)
    return {
        "speech": speech,
        QuestionType.SINGLE: add_pool(app, speech, QuestionType.SINGLE, [1, 1, 1, 2, 2, 2, 2, 2, 3, 3]),
        QuestionType.JUDGE: add_pool(app, speech, QuestionType.JUDGE, [1, 2, 2, 3]),
        QuestionType.FILL: add_pool(app, speech, QuestionType.FILL, [1, 2]),
    }


def _difficulties(app, attempt_id):
    by_type: dict[QuestionType, Counter] = {}
    for question in questions_of(app, attempt_id):
        by_type.setdefault(question.type, Counter())[question.difficulty] += 1
    return by_type


@pytest.mark.parametrize(("levels", "count", "expected"), [
    ([1, 1, 1, 2, 2, 2, 2, 2, 3, 3], 5, {1: 2, 2: 2, 3: 1}),  # 1.5 / 2.5 / 1: a tie goes low
    ([1, 1, 1, 2, 2, 2, 2, 2, 3, 3], 10, {1: 3, 2: 5, 3: 2}),
    ([1, 2, 2, 3], 2, {2: 1, 1: 1}),  # 0.5 / 1 / 0.5
    ([2, 2, 2, 3], 1, {2: 1}),
    ([1, 3], 5, {1: 1, 3: 1}),  # a short pool gives all it has
])
def test_difficulty_mix_is_proportional_with_largest_remainders(levels, count, expected):
    mix = difficulty_mix(levels, count)
    assert mix == expected
    assert sum(mix.values()) == min(count, len(levels))


def test_draw_follows_the_blueprint_with_points_per_part(app, quiz_org, pools):
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=[
        (QuestionType.SINGLE, 5, 2), (QuestionType.JUDGE, 2, 1), (QuestionType.FILL, 1, 3)])
    attempt = start_scored(app, quiz_org["people"]["member"].id, activity)
    items = items_of(app, attempt)
    questions = {q.id: q for q in questions_of(app, attempt)}
    assert Counter(questions[i.question_id].type for i in items) == {
        QuestionType.SINGLE: 5, QuestionType.JUDGE: 2, QuestionType.FILL: 1}
    assert {questions[i.question_id].type: i.max_points for i in items} == {
        QuestionType.SINGLE: 2, QuestionType.JUDGE: 1, QuestionType.FILL: 3}
    assert [i.position for i in items] == list(range(1, 9))
    assert len({i.question_id for i in items}) == 8


def test_every_member_draws_the_same_difficulty_mix(app, quiz_org, make_person, pools):
    group = quiz_org["units"]["group"]
    others = [make_person(name=f"党员{n}", unit=group).id for n in range(4)]
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=[
        (QuestionType.SINGLE, 5, 2), (QuestionType.JUDGE, 2, 1)])
    members = [quiz_org["people"]["member"].id, quiz_org["people"]["member2"].id, *others]
    mixes = [_difficulties(app, start_scored(app, person, activity, seed=seed))
             for seed, person in enumerate(members)]
    assert all(mix == mixes[0] for mix in mixes)
    assert mixes[0][QuestionType.SINGLE] == {1: 2, 2: 2, 3: 1}
    assert mixes[0][QuestionType.JUDGE] == {1: 1, 2: 1}


def test_later_rounds_prefer_questions_not_seen_before(app, db, quiz_org, pools):
    member = quiz_org["people"]["member"].id
    speech = add_speech(app, quiz_org["units"]["general"].id, title="第二篇讲话")
    pool = add_pool(app, speech, QuestionType.MULTIPLE, [1, 1, 2, 2, 2, 2, 3, 3])
    general = quiz_org["units"]["general"].id
    first = open_activity(app, general, attempts_allowed=2,
                          parts=[(QuestionType.MULTIPLE, 4, 1)])
    round_one = start_scored(app, member, first, seed=1)
    services.submit_attempt(db.session, member, round_one)
    db.session.commit()
    round_two = start_scored(app, member, first, seed=1)
    seen = {q.id for q in questions_of(app, round_one)}
    again = {q.id for q in questions_of(app, round_two)}
    assert len(seen) == len(again) == 4
    assert not seen & again  # the mix {1: 1, 2: 2, 3: 1} leaves an unseen one at each level
    assert seen | again == set(pool)
    # Another activity later: every question has been seen, so the draw still fills up.
    services.submit_attempt(db.session, member, round_two)
    db.session.commit()
    second = open_activity(app, general, title="下一季度", parts=[(QuestionType.MULTIPLE, 4, 1)])
    assert len(questions_of(app, start_scored(app, member, second, seed=3))) == 4


def test_no_question_twice_when_parts_share_a_pool(app, quiz_org, pools):
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=[
        (QuestionType.SINGLE, 4, 1), (QuestionType.SINGLE, 4, 2)])
    items = items_of(app, start_scored(app, quiz_org["people"]["member"].id, activity))
    assert len(items) == 8 and len({i.question_id for i in items}) == 8
    assert Counter(i.max_points for i in items) == {1: 4, 2: 4}


def test_only_approved_questions_the_whole_audience_may_see(app, quiz_org, pools):
    units = quiz_org["units"]
    speech = pools["speech"]
    draft = add_question(app, speech, QuestionType.FILL, status=QuestionStatus.DRAFT).id
    retired = add_question(app, speech, QuestionType.FILL, status=QuestionStatus.RETIRED).id
    # A 党小组's own speech: its members see it, the rest of the 总支 does not.
    group_speech = add_speech(app, units["group"].id, title="党小组的讲话")
    group_only = add_question(app, group_speech, QuestionType.FILL).id
    other = add_question(app, add_speech(app, units["other"].id, title="别处"), QuestionType.FILL).id
    activity = open_activity(app, units["general"].id, parts=[(QuestionType.FILL, 10, 1)])
    drawn = {q.id for q in questions_of(app, start_scored(app, quiz_org["people"]["member"].id,
                                                         activity))}
    assert drawn == set(pools[QuestionType.FILL])  # a short pool gives what it has
    assert not drawn & {draft, retired, group_only, other}


def test_a_member_moved_out_of_the_audience_units_draws_only_what_they_may_see(
        app, make_unit, make_person):
    # 机关党委 > two 总支 > a 支部 each; the test is published to the first 总支.
    committee = make_unit("机关党委", UnitKind.COMMITTEE)
    first, second = (make_unit(name, UnitKind.GENERAL_BRANCH, committee)
                     for name in ("第一党总支", "第二党总支"))
    branch_one = make_unit("第一支部", UnitKind.BRANCH, first)
    branch_two = make_unit("第二支部", UnitKind.BRANCH, second)
    stays = make_person(name="留下", unit=branch_one).id
    moves = make_person(name="调走", unit=branch_one).id
    everyone = add_pool(app, add_speech(app, committee.id, title="党委的讲话"),
                        QuestionType.JUDGE, [1, 2, 3])
    first_only = add_pool(app, add_speech(app, first.id, title="第一总支的讲话"),
                          QuestionType.JUDGE, [1, 2, 3])
    activity = open_activity(app, first.id, parts=[(QuestionType.JUDGE, 4, 1)])
    with app.app_context():  # moved after publication: still in the audience
        db.session.get_one(Person, moves).unit_id = branch_two.id
        db.session.commit()
    kept = {q.id for q in questions_of(app, start_scored(app, stays, activity))}
    moved = {q.id for q in questions_of(app, start_scored(app, moves, activity))}
    assert len(kept) == 4 and kept <= set(everyone) | set(first_only)
    assert kept & set(first_only)  # the audience's pool holds the 总支's questions
    assert moved == set(everyone)  # the new branch no longer sees the first 总支's speech


def test_option_orders_cover_each_questions_own_options(app, quiz_org):
    speech = add_speech(app, quiz_org["units"]["general"].id)
    five = add_question(app, speech, QuestionType.MULTIPLE, options=list("甲乙丙丁戊"),
                        answer=[0, 4]).id
    three = add_question(app, speech, QuestionType.SINGLE, options=list("甲乙丙"), answer=[2]).id
    judge = add_question(app, speech, QuestionType.JUDGE).id
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=[
        (QuestionType.MULTIPLE, 1, 2), (QuestionType.SINGLE, 1, 1), (QuestionType.JUDGE, 1, 1)])
    orders = {i.question_id: i.option_order
              for i in items_of(app, start_scored(app, quiz_org["people"]["member"].id, activity))}
    assert sorted(orders[five]) == [0, 1, 2, 3, 4]
    assert sorted(orders[three]) == [0, 1, 2]
    assert orders[judge] == []


def test_parts_by_speech_and_concept(app, quiz_org, pools):
    general = quiz_org["units"]["general"].id
    speech2 = add_speech(app, general, title="另一篇")
    wanted = add_pool(app, speech2, QuestionType.JUDGE, [1, 2, 3], concept="两个维护")
    add_pool(app, speech2, QuestionType.JUDGE, [2, 2], concept="四个意识")
    activity = open_activity(app, general, parts=[(QuestionType.JUDGE, 3, 1)])
    with app.app_context():
        part = db.session.scalars(select(BlueprintPart).where(BlueprintPart.activity_id == activity)).one()
        part.speech_id, part.concept = speech2, "两个维护"
        db.session.commit()
    drawn = {q.id for q in questions_of(app, start_scored(app, quiz_org["people"]["member"].id, activity))}
    assert drawn == set(wanted)


def test_an_empty_pool_is_refused_clearly(app, db, quiz_org):
    activity = open_activity(app, quiz_org["units"]["general"].id,
                             parts=[(QuestionType.SINGLE, 3, 1)])
    with pytest.raises(QuizError, match="题库中暂无符合要求的题目"):
        start_scored(app, quiz_org["people"]["member"].id, activity)


def test_orders_are_shuffled_per_member_and_stored(app, client, login, quiz_org, pools):
    activity = open_activity(app, quiz_org["units"]["general"].id,
                             parts=[(QuestionType.SINGLE, 10, 1)])
    first = start_scored(app, quiz_org["people"]["member"].id, activity, seed=11)
    second = start_scored(app, quiz_org["people"]["member2"].id, activity, seed=12)
    one, two = items_of(app, first), items_of(app, second)
    assert {i.question_id for i in one} == {i.question_id for i in two} == set(pools[QuestionType.SINGLE])
    assert [i.question_id for i in one] != [i.question_id for i in two]
    assert [i.option_order for i in one] != [i.option_order for i in two]
    assert all(sorted(i.option_order) == [0, 1, 2, 3] for i in one)
    # The stored order is what the page shows, on every reload.
    login(client, MEMBER)
    shown = [re.findall(r'data-question="(\d+)"', client.get(f"/quiz/attempts/{first}/q/1").get_data(as_text=True))
             for _ in range(2)]
    assert shown[0] == shown[1] == [str(i.question_id) for i in one]
    assert [i.option_order for i in items_of(app, first)] == [i.option_order for i in one]
