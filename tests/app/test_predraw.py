"""Papers drawn before the rush (quiz.predraw): who gets one, that it follows the blueprint as a
start's draw does, that a start copies it, and that a stale paper is never used: an edit of the
activity, a question retired or edited, a member moved; the job and the command that draw them."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from activity_flow import add_pool, open_activity, questions_of, start_scored, start_via_page
from publish_helpers import ORGANIZER, org  # noqa: F401 - fixtures
from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    add_speech,
    attempt_id_from,
    items_of,
    quiz_org,
)
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    Attempt,
    BankQuestion,
    DrawnItem,
    Person,
    QuestionStatus,
    QuestionType,
)
from quizapp.quiz import predraw, services
from quizapp.quiz.starting import _paper_size

PARTS = [(QuestionType.SINGLE, 3, 2), (QuestionType.JUDGE, 2, 1), (QuestionType.FILL, 1, 3)]


@pytest.fixture
def pools(app, quiz_org):
    speech = add_speech(app, quiz_org["units"]["general"].id)
    return {
        QuestionType.SINGLE: add_pool(app, speech, QuestionType.SINGLE, [1, 1, 2, 2, 2, 3, 3, 3]),
        QuestionType.JUDGE: add_pool(app, speech, QuestionType.JUDGE, [1, 2, 2, 3]),
        QuestionType.FILL: add_pool(app, speech, QuestionType.FILL, [1, 2]),
    }


def _draw(app, activity_id: int, seed: int = 1) -> int:
    with app.app_context():
        activity = db.session.get_one(Activity, activity_id)
        count = predraw.draw_papers(db.session, activity, rng=random.Random(seed))
        db.session.commit()
        return count


def _paper(app, activity_id: int, person_id: int) -> list[DrawnItem]:
    with app.app_context():
        rows = list(db.session.scalars(
            select(DrawnItem).where(DrawnItem.activity_id == activity_id,
                                    DrawnItem.person_id == person_id)
            .order_by(DrawnItem.position)))
        db.session.expunge_all()
        return rows


def _as_items(rows) -> list[tuple]:
    return [(r.position, r.question_id, r.question_version, list(r.option_order), r.max_points)
            for r in rows]


def test_papers_are_drawn_for_the_audience_by_the_blueprint(app, quiz_org, pools):
    people = quiz_org["people"]
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=PARTS)
    assert _draw(app, activity) == 2  # the two members of the 总支; not the outsider
    assert _paper(app, activity, people["outsider"].id) == []
    for member in ("member", "member2"):
        paper = _paper(app, activity, people[member].id)
        with app.app_context():
            questions = {q.id: q for q in db.session.scalars(
                select(BankQuestion).where(BankQuestion.id.in_([r.question_id for r in paper])))}
            assert Counter(questions[r.question_id].type for r in paper) == {
                QuestionType.SINGLE: 3, QuestionType.JUDGE: 2, QuestionType.FILL: 1}
            assert {questions[r.question_id].type: r.max_points for r in paper} == {
                QuestionType.SINGLE: 2, QuestionType.JUDGE: 1, QuestionType.FILL: 3}
            assert len({questions[r.question_id].point for r in paper}) == 6  # one a key point
            # The same difficulty mix as a start's draw: {1: 1, 2: 1, 3: 1} of the singles.
            assert Counter(questions[r.question_id].difficulty for r in paper
                           if questions[r.question_id].type is QuestionType.SINGLE) == {
                1: 1, 2: 1, 3: 1}
            for row in paper:
                expected = 4 if questions[row.question_id].type is QuestionType.SINGLE else 0
                assert sorted(row.option_order) == list(range(expected))
        assert [r.position for r in paper] == list(range(1, 7))
    # Drawn once: a second run finds nothing to draw.
    assert _draw(app, activity) == 0


def test_a_start_copies_its_paper(app, client, login, quiz_org, pools):
    member = quiz_org["people"]["member"].id
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=PARTS)
    _draw(app, activity)
    paper = _paper(app, activity, member)
    login(client, MEMBER)
    reply = start_via_page(client, activity)
    assert reply.status_code == 302
    assert "/attempts/" in reply.headers["Location"], client.get(
        reply.headers["Location"]).get_data(as_text=True)
    attempt = attempt_id_from(reply)
    assert reply.headers["Location"].endswith(f"/quiz/attempts/{attempt}/q/1")
    items = items_of(app, attempt)
    assert _as_items(items) == _as_items(paper)
    with app.app_context():
        assert db.session.get_one(Attempt, attempt).question_count == 6
    # The page shows the whole paper in the one response the start redirects to.
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert all(f'data-question="{item.question_id}"' in page for item in items)


def test_an_edit_of_the_activity_makes_its_papers_stale(app, quiz_org, pools):
    member = quiz_org["people"]["member"].id
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=PARTS)
    _draw(app, activity, seed=1)
    with app.app_context():
        row = db.session.get_one(Activity, activity)
        row.version += 1  # as publish.edits does on every edit
        row.parts[0].count = 2
        db.session.commit()
    # The start draws afresh by the new blueprint, not the old paper's 3 singles.
    attempt = start_scored(app, member, activity, seed=5)
    assert Counter(q.type for q in questions_of(app, attempt))[QuestionType.SINGLE] == 2
    # The job redraws the other member's paper for the new version (not the one who started).
    assert _draw(app, activity, seed=2) == 1
    paper = _paper(app, activity, quiz_org["people"]["member2"].id)
    assert len(paper) == 5 and {r.activity_version for r in paper} == {2}


@pytest.mark.parametrize("change", ["retire", "edit", "review"])
def test_a_paper_with_a_question_retired_or_edited_is_never_used(app, quiz_org, pools, change):
    member = quiz_org["people"]["member"].id
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=PARTS)
    _draw(app, activity)
    both = ({r.question_id for r in _paper(app, activity, member)}
            & {r.question_id for r in _paper(app, activity, quiz_org["people"]["member2"].id)})
    gone = min(both)  # the fill question at least: its mix takes the one of level 1
    with app.app_context():
        question = db.session.get_one(BankQuestion, gone)
        if change == "retire":
            question.status = QuestionStatus.RETIRED
        elif change == "review":
            question.status = QuestionStatus.DRAFT
        else:  # an edit raises the version (organize.review, organize.services)
            question.version += 1
        db.session.commit()
    attempt = start_scored(app, member, activity, seed=9)
    items = items_of(app, attempt)
    assert len(items) == 6
    if change == "edit":  # still approved: it may be drawn again, at its new version
        assert all(i.question_version == 2 for i in items if i.question_id == gone)
    else:
        assert gone not in {i.question_id for i in items}
    # The job replaces the paper of the member who has not started if it held the question:
    # it is left with none not approved at the version drawn.
    _draw(app, activity, seed=3)
    with app.app_context():
        rows = db.session.execute(
            select(DrawnItem.question_version, BankQuestion.version, BankQuestion.status)
            .join(BankQuestion, BankQuestion.id == DrawnItem.question_id)
            .where(DrawnItem.person_id == quiz_org["people"]["member2"].id)).all()
    assert len(rows) == 6
    assert all(drawn == now and status is QuestionStatus.APPROVED
               for drawn, now, status in rows), rows


def test_a_member_moved_after_the_draw_is_drawn_for_at_the_start(app, quiz_org, pools):
    member = quiz_org["people"]["member"].id
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=PARTS)
    _draw(app, activity)
    with app.app_context():
        db.session.get_one(Person, member).unit_id = quiz_org["units"]["branch"].id
        db.session.commit()
    with app.app_context():
        row = db.session.get_one(Activity, activity)
        person = db.session.get_one(Person, member)
        assert _paper_size(db.session, row, person) == 0  # drawn for another unit
    assert len(items_of(app, start_scored(app, member, activity))) == 6
    # The job draws the member who has not started again, for their new unit.
    assert _draw(app, activity) == 0  # the mover started; the other member's paper is current


def _submit(app, person_id: int, attempt_id: int) -> None:
    with app.app_context():
        services.submit_attempt(db.session, person_id, attempt_id)
        db.session.commit()


def test_only_the_first_sitting_uses_a_paper_and_seen_questions_come_last(
        app, quiz_org, pools):
    member = quiz_org["people"]["member"].id
    general = quiz_org["units"]["general"].id
    first = open_activity(app, general, title="上一季度", parts=[(QuestionType.SINGLE, 2, 1)])
    earlier = start_scored(app, member, first, seed=1)
    _submit(app, member, earlier)
    seen = {i.question_id for i in items_of(app, earlier)}  # one of level 2, one of level 3
    activity = open_activity(app, general, attempts_allowed=2,
                             parts=[(QuestionType.SINGLE, 4, 1)])
    assert _draw(app, first) == 1  # only member2, who has not sat it
    assert _paper(app, first, member) == []
    _draw(app, activity)
    paper = {r.question_id for r in _paper(app, activity, member)}
    assert len(paper) == 4 and not paper & seen  # the mix {1: 1, 2: 2, 3: 1}, all unseen
    one = start_scored(app, member, activity, seed=2)
    assert {i.question_id for i in items_of(app, one)} == paper
    _submit(app, member, one)
    two = start_scored(app, member, activity, seed=3, key="second")
    assert {i.question_id for i in items_of(app, two)} != paper  # drawn afresh, unseen first


def test_the_draw_command_and_the_close_due_job_draw_papers(app, quiz_org, pools):
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=PARTS)
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["attempts", "draw-papers", "999999"])
    assert unknown.exit_code != 0 and "找不到编号为 999999 的活动" in unknown.output
    done = runner.invoke(args=["attempts", "draw-papers", str(activity)])
    assert done.exit_code == 0, done.output
    assert "已备卷 2 份" in done.output and "本次备卷 2 份" in done.output
    later = open_activity(app, quiz_org["units"]["general"].id, title="另一项", parts=PARTS)
    with app.app_context():  # the first closes: the job drops its papers
        row = db.session.get_one(Activity, activity)
        row.closes_at = row.opens_at + timedelta(minutes=1)
        db.session.commit()
    job = runner.invoke(args=["attempts", "close-due"])
    assert job.exit_code == 0, job.output
    assert "已为 2 名党员预先抽好试卷" in job.output
    assert len(_paper(app, later, quiz_org["people"]["member2"].id)) == 6
    assert _paper(app, activity, quiz_org["people"]["member2"].id) == []


def test_a_round_of_the_job_draws_a_bounded_number_of_batches(app, quiz_org, pools,
                                                              monkeypatch):
    """A large audience is drawn over several rounds: closing must not wait behind it."""
    from quizapp.quiz import cli

    monkeypatch.setattr(predraw, "BATCH", 1)
    monkeypatch.setattr(cli, "ROUND_BATCHES", 1)
    activity = open_activity(app, quiz_org["units"]["general"].id, parts=PARTS)
    people = [quiz_org["people"][m].id for m in ("member", "member2")]
    runner = app.test_cli_runner()
    papers = []
    for _ in range(3):
        assert runner.invoke(args=["attempts", "close-due"]).exit_code == 0
        papers.append([bool(_paper(app, activity, person)) for person in people])
    assert papers == [[True, False], [True, True], [True, True]]


def test_the_organizers_page_shows_how_many_papers_are_drawn(app, client, login, org, pools):
    activity = open_activity(app, org["units"]["general"].id, parts=PARTS)
    login(client, ORGANIZER)

    def shown() -> str:
        page = client.get(f"/publish/{activity}").get_data(as_text=True)
        return re.search(r'data-role="papers-drawn">([^<]*)<', page).group(1)

    assert shown() == "已为 0 人抽好试卷"
    # The two members, the branch member, the organizer and the admin; not the inactive one.
    assert _draw(app, activity) == 5
    assert shown() == "已为 5 人抽好试卷"
    with app.app_context():  # an edit: the papers drawn are for the old version
        db.session.get_one(Activity, activity).version += 1
        db.session.commit()
    assert shown() == "已为 0 人抽好试卷"
