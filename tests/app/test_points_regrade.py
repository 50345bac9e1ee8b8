"""Regrading after an organizer corrects an answer key: scores, the ledger delta, practice
regraded without points, partial credit, idempotence, and the organizer's message."""

from __future__ import annotations

from datetime import date

import pytest
from activity_helpers import Outcome, add_result, at, make_activity
from quiz_helpers import bank, quiz_org  # noqa: F401 - fixtures
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptItem,
    AttemptKind,
    AttemptStatus,
    BankQuestion,
    EntryKind,
    PointEntry,
    PracticeSource,
    QuestionReport,
    QuestionType,
    Role,
)
from quizapp.organize.content import format_answer, format_options, format_variants
from quizapp.points.queries import total_for
from quizapp.results.regrade import regrade_question
from quizapp.results.awards import award_for_activity

ORGANIZER = "13900000001"


@pytest.fixture
def organizer(make_person, quiz_org):
    return make_person(name="组织员", phone=ORGANIZER, unit=quiz_org["units"]["general"],
                       roles=[(Role.ORGANIZER, quiz_org["units"]["general"])])


def _practice(app, person_id, question_id, response, correct):
    with app.app_context():
        attempt = Attempt(person_id=person_id, kind=AttemptKind.PRACTICE,
                          source=PracticeSource.RANDOM, status=AttemptStatus.SUBMITTED,
                          question_count=1, submitted_at=at("2026-11-03"), score=int(correct),
                          max_score=1, correct_count=int(correct))
        db.session.add(attempt)
        db.session.flush()
        db.session.add(AttemptItem(attempt_id=attempt.id, position=1, question_id=question_id,
                                   question_version=1, option_order=[], response=response,
                                   max_points=1, correct=correct, points=int(correct)))
        db.session.commit()
        return attempt.id


def _state(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return attempt.score, attempt.correct_count, [
            (i.correct, i.points, i.question_version) for i in attempt.items]


def _ledger(app, person_id):
    with app.app_context():
        return [(e.kind, e.points) for e in db.session.scalars(
            select(PointEntry).where(PointEntry.person_id == person_id).order_by(PointEntry.id))]


def _edit_form(app, question_id, **changes):
    with app.app_context():
        q = db.session.get(BankQuestion, question_id)
        data = {"stem": q.stem, "options": format_options(q.options),
                "answer": format_answer(q.type, q.answer), "explanation": q.explanation,
                "difficulty": str(q.difficulty), "concept": q.concept,
                "accepted_variants": format_variants(q.accepted_variants)}
    data.update(changes)
    return data


def _scored_results(app, quiz_org, bank):
    """A test of two 5-point questions; member has the single wrong (answered B), member2
    right (A); both have the judge right. Points awarded: 5 and 10."""
    people, qs = quiz_org["people"], bank["questions"]
    test = make_activity(app, quiz_org["units"]["general"].id,
                         parts=((QuestionType.SINGLE, 1, 5), (QuestionType.JUDGE, 1, 5)))
    attempts = {}
    for who, response, right in (("member", [1], False), ("member2", [0], True)):
        attempts[who] = add_result(app, test, people[who].id, [
            Outcome(qs["single"].id, right, 5 if right else 0, 5, response=response),
            Outcome(qs["judge"].id, True, 5, 5, response=True)], submitted_at=at("2026-11-05"))
        with app.app_context():
            award_for_activity(db.session, people[who].id, test, now=at("2026-11-05", 10))
            db.session.commit()
    return test, attempts


def test_an_answer_change_regrades_scores_and_ledger_once(app, client, login, quiz_org, bank, organizer):
    people, qs = quiz_org["people"], bank["questions"]
    _, attempts = _scored_results(app, quiz_org, bank)
    practice = _practice(app, people["member"].id, qs["single"].id, [1], False)

    login(client, ORGANIZER)
    response = client.post(f"/organize/questions/{qs['single'].id}/edit",
                           data=_edit_form(app, qs["single"].id, answer="B"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "题目版本升为第 2 版" in page
    assert "已重新判分 3 份答卷，其中 3 份得分有变化" in page
    assert "2 名党员的积分随之调整（合计 +0 分）" in page

    assert _state(app, attempts["member"]) == (10, 2, [(True, 5, 2), (True, 5, 1)])
    assert _state(app, attempts["member2"]) == (5, 1, [(False, 0, 2), (True, 5, 1)])
    assert _state(app, practice) == (1, 1, [(True, 1, 2)])
    assert _ledger(app, people["member"].id) == [(EntryKind.TEST, 5), (EntryKind.REGRADE, 5)]
    assert _ledger(app, people["member2"].id) == [(EntryKind.TEST, 10), (EntryKind.REGRADE, -5)]
    with app.app_context():
        regrade = db.session.scalars(select(PointEntry).where(PointEntry.kind == EntryKind.REGRADE,
                                                              PointEntry.person_id == people["member"].id)).one()
        assert regrade.attempt_id == attempts["member"] and regrade.rule_version_id is not None
        assert total_for(db.session, people["member"].id) == 10
        # Again: every item is at the new version; nothing changes, nothing is appended.
        again = regrade_question(db.session, qs["single"].id)
        db.session.commit()
        assert (again.attempts, again.entries) == (0, 0)
    assert len(_ledger(app, people["member"].id)) == 2
    assert len(_ledger(app, people["member2"].id)) == 2


def test_an_edit_that_keeps_the_key_regrades_nothing(app, client, login, quiz_org, bank, organizer):
    _, attempts = _scored_results(app, quiz_org, bank)
    qid = bank["questions"]["single"].id
    login(client, ORGANIZER)
    page = client.post(f"/organize/questions/{qid}/edit", data=_edit_form(app, qid, stem="新题干？"),
                       follow_redirects=True).get_data(as_text=True)
    assert "重新判分" not in page
    assert _state(app, attempts["member"])[2][0] == (False, 0, 1)


def test_partial_credit_of_the_activity_is_used_when_regrading(app, quiz_org, bank):
    people, qs = quiz_org["people"], bank["questions"]
    multiple = qs["multiple"].id  # key A, B, C
    test = make_activity(app, quiz_org["units"]["general"].id, partial_multiple=True,
                         parts=((QuestionType.MULTIPLE, 1, 6),))
    attempt = add_result(app, test, people["member"].id,
                         [Outcome(multiple, False, 4, 6, response=[0, 1])])
    with app.app_context():
        award_for_activity(db.session, people["member"].id, test, now=at("2026-11-05"))
        question = db.session.get(BankQuestion, multiple)
        question.answer, question.version = [0, 1, 3], 2  # D instead of C: A, B still earn 2/3
        db.session.flush()
        first = regrade_question(db.session, multiple, now=at("2026-11-06"))
        assert (first.attempts, first.changed, first.entries) == (1, 0, 0)
        question.answer, question.version = [0, 1], 3  # now A, B is all of it
        db.session.flush()
        second = regrade_question(db.session, multiple, now=at("2026-11-07"))
        db.session.commit()
        assert (second.attempts, second.changed, second.entries, second.points) == (1, 1, 1, 3)
    assert _state(app, attempt) == (6, 1, [(True, 6, 3)])
    assert _ledger(app, people["member"].id) == [(EntryKind.TEST, 7), (EntryKind.REGRADE, 3)]


def test_resolving_a_report_as_corrected_regrades_attempts_behind_the_key(
        app, client, login, quiz_org, bank, organizer):
    people, qs = quiz_org["people"], bank["questions"]
    _, attempts = _scored_results(app, quiz_org, bank)
    with app.app_context():
        question = db.session.get(BankQuestion, qs["single"].id)
        question.answer, question.version = [1], 2  # as a re-import would leave it
        report = QuestionReport(question_id=question.id, person_id=people["member"].id,
                                reason="答案应为B")
        db.session.add(report)
        db.session.commit()
        report_id = report.id
    login(client, ORGANIZER)
    page = client.post(f"/organize/reports/{report_id}/resolve", data={"corrected": "y", "note": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "纠错已处理" in page and "已重新判分 2 份答卷" in page
    assert _state(app, attempts["member"])[0] == 10
    assert _ledger(app, people["member"].id)[-1] == (EntryKind.REGRADE, 5)


def test_open_and_abandoned_attempts_are_left_to_their_own_grading(app, quiz_org, bank):
    people, qs = quiz_org["people"], bank["questions"]
    test = make_activity(app, quiz_org["units"]["general"].id, period_start=date(2026, 10, 1))
    open_attempt = add_result(app, test, people["member"].id,
                              [Outcome(qs["single"].id, False, 0, 10, response=[1])],
                              status=AttemptStatus.OPEN)
    with app.app_context():
        question = db.session.get(BankQuestion, qs["single"].id)
        question.answer, question.version = [1], 2
        db.session.flush()
        assert regrade_question(db.session, question.id).attempts == 0
        db.session.commit()
    assert _state(app, open_attempt) == (None, None, [(None, None, 1)])
