"""Grading a scored sitting: every type at its part's points, partial credit for 多选 as the
activity says, fill variants, 合格/优秀, points appended once, and answers shown after
submitting or only after the close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from activity_flow import now, open_activity, start_via_page
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
)
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    AnswerPolicy,
    Attempt,
    AttemptItem,
    EntryKind,
    PointEntry,
    QuestionType,
    WrongBookEntry,
)
from quizapp.quiz.closing import close_due

EXPLAIN = "解析：本题出自讲话第三段。"
PARTS = [(QuestionType.SINGLE, 1, 4), (QuestionType.MULTIPLE, 1, 6), (QuestionType.JUDGE, 1, 2),
         (QuestionType.FILL, 1, 5)]


@pytest.fixture
def one_of_each(app, quiz_org):
    speech = add_speech(app, quiz_org["units"]["general"].id)
    for qtype in QuestionType:
        add_question(app, speech, qtype, explanation=EXPLAIN,
                     variants=[["党的课"]] if qtype is QuestionType.FILL else None)
    return quiz_org


def _answer(app, client, attempt):
    """Single right, multiple two of its three, judge wrong, fill by an accepted variant."""
    for item in items_of(app, attempt):
        question = question_of(app, item.question_id)
        if question.type is QuestionType.MULTIPLE:
            response = sorted(item.option_order.index(i) for i in question.answer[:2])
        elif question.type is QuestionType.JUDGE:
            response = shown_answer(item, question, right=False)
        elif question.type is QuestionType.FILL:
            response = [" 党的课。"]
        else:
            response = shown_answer(item, question)
        assert save(client, attempt, item.question_id, response, 1).status_code == 200


def _points(app, attempt):
    with app.app_context():
        return {i.question.type: (i.correct, i.points, i.max_points)
                for i in db.session.get_one(Attempt, attempt).items}


@pytest.mark.parametrize(("partial", "score", "verdict"), [(True, 13, "合格"), (False, 9, "不合格")])
def test_each_type_is_graded_at_its_parts_points(app, client, login, one_of_each, partial, score,
                                                  verdict):
    activity = open_activity(app, one_of_each["units"]["general"].id, parts=PARTS,
                             partial_multiple=partial)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    _answer(app, client, attempt)
    html = client.post(f"/quiz/attempts/{attempt}/submit", follow_redirects=True).get_data(as_text=True)
    assert _points(app, attempt) == {
        QuestionType.SINGLE: (True, 4, 4),
        QuestionType.MULTIPLE: (False, 4 if partial else 0, 6),
        QuestionType.JUDGE: (False, 0, 2),
        QuestionType.FILL: (True, 5, 5),
    }
    with app.app_context():
        row = db.session.get_one(Attempt, attempt)
        assert (row.score, row.max_score, row.correct_count) == (score, 17, 2)
    assert f'{score}<span class="fs-4 text-muted"> / 17 分' in html
    assert f'data-role="verdict">{verdict}<' in html


def test_excellent_at_the_excellent_percent(app, client, login, one_of_each):
    activity = open_activity(app, one_of_each["units"]["general"].id, parts=PARTS,
                             excellent_percent=75)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    for item in items_of(app, attempt):
        save(client, attempt, item.question_id, shown_answer(item, question_of(app, item.question_id)), 1)
    html = client.post(f"/quiz/attempts/{attempt}/submit", follow_redirects=True).get_data(as_text=True)
    assert 'data-role="verdict">优秀<' in html and "17<span" in html


def test_points_are_appended_once_on_submit(app, client, login, one_of_each):
    activity = open_activity(app, one_of_each["units"]["general"].id, parts=PARTS)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    _answer(app, client, attempt)
    client.post(f"/quiz/attempts/{attempt}/submit")
    client.post(f"/quiz/attempts/{attempt}/submit")  # a double tap grades nothing twice
    with app.app_context():
        close_due(db.session)
        db.session.commit()
        entries = db.session.scalars(select(PointEntry)).all()
        assert [(e.kind, e.attempt_id, e.activity_id) for e in entries] == [
            (EntryKind.TEST, attempt, activity)]
        assert entries[0].points > 0
    assert f'data-role="points">{entries[0].points}<' in client.get("/").get_data(as_text=True)


def test_answers_after_the_close_are_withheld_until_then(app, client, login, one_of_each):
    activity = open_activity(app, one_of_each["units"]["general"].id, parts=PARTS,
                             answers_shown=AnswerPolicy.AFTER_CLOSE)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    _answer(app, client, attempt)
    html = client.post(f"/quiz/attempts/{attempt}/submit", follow_redirects=True).get_data(as_text=True)
    assert 'data-role="answers-later"' in html and "截止后公布" in html
    assert "<dt>正确答案</dt>" not in html and EXPLAIN not in html and "✗ 答错" not in html and "✓ 答对" not in html
    assert "我的答案" in html and "纠错" in html and "9<span" in html
    question = question_of(app, items_of(app, attempt)[0].question_id)
    speech = client.get(f"/quiz/speeches/{question.speech_id}?q={question.id}").get_data(as_text=True)
    assert "<mark>" not in speech
    with app.app_context():  # the 错题本 would show the key: it waits for the close
        assert db.session.scalars(select(WrongBookEntry)).all() == []
        activity_row = db.session.get_one(Activity, activity)
        activity_row.opens_at = now() - timedelta(days=2)
        activity_row.closes_at = now() - timedelta(minutes=1)
        db.session.commit()
    html = client.get(f"/quiz/attempts/{attempt}/result").get_data(as_text=True)
    assert 'data-role="answers-later"' not in html and "正确答案" in html and EXPLAIN in html
    speech = client.get(f"/quiz/speeches/{question.speech_id}?q={question.id}").get_data(as_text=True)
    assert "<mark>" in speech
    with app.app_context():
        close_due(db.session)
        db.session.commit()
        wrong = db.session.scalars(select(WrongBookEntry.question_id)).all()
        graded_wrong = db.session.scalars(select(AttemptItem.question_id).where(
            AttemptItem.attempt_id == attempt, AttemptItem.correct.is_(False))).all()
        assert sorted(wrong) == sorted(graded_wrong) and len(wrong) == 2


def test_answers_after_submit_are_shown_at_once(app, client, login, one_of_each):
    activity = open_activity(app, one_of_each["units"]["general"].id, parts=PARTS)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    _answer(app, client, attempt)
    html = client.post(f"/quiz/attempts/{attempt}/submit", follow_redirects=True).get_data(as_text=True)
    assert "正确答案" in html and EXPLAIN in html and 'data-role="answers-later"' not in html
    assert "查看原文" in html and "季度测试 · 2026年第四季度党建知识测试" in html
    with app.app_context():
        assert len(db.session.scalars(select(WrongBookEntry)).all()) == 2
