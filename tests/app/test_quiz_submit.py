"""Submitting: graded once, whatever the number of clicks, tabs or racing requests."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    answer_all,
    attempt_id_from,
    attempt_of,
    bank,
    items_of,
    question_of,
    quiz_org,
    save,
    shown_answer,
    start,
    submit,
)
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptStatus, Person, WrongBookEntry
from quizapp.models.base import utcnow
from quizapp.quiz import services
from quizapp.results.clock import as_utc


@pytest.fixture
def attempt(app, client, bank, login) -> int:
    login(client, MEMBER)
    return attempt_id_from(start(client))


def _member_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Person.id).where(Person.phone == MEMBER))


def test_submit_grades_every_item_and_the_attempt(app, client, attempt):
    items = items_of(app, attempt)
    for index, item in enumerate(items):  # right, wrong, right, unanswered
        if index < 3:
            response = shown_answer(item, question_of(app, item.question_id), right=index != 1)
            assert save(client, attempt, item.question_id, response, seq=1).status_code == 200
    reply = submit(client, attempt)
    assert reply.headers["Location"].endswith(f"/quiz/attempts/{attempt}/result")
    graded = attempt_of(app, attempt)
    assert graded.status is AttemptStatus.SUBMITTED
    assert (graded.score, graded.max_score, graded.correct_count) == (2, 4, 2)
    assert graded.submitted_at is not None
    assert [(i.correct, i.points) for i in items_of(app, attempt)] == [
        (True, 1), (False, 0), (True, 1), (False, 0)]


def test_submitting_twice_gives_one_score(app, client, attempt):
    answer_all(app, client, attempt, right=False)
    submit(client, attempt)
    first = attempt_of(app, attempt)
    second = submit(client, attempt)
    assert second.headers["Location"].endswith(f"/quiz/attempts/{attempt}/result")
    assert "本次答题已交卷" in client.get(second.headers["Location"]).get_data(as_text=True)
    again = attempt_of(app, attempt)
    assert (again.score, again.submitted_at) == (first.score, first.submitted_at)
    with app.app_context():
        # Graded once: each wrong answer was counted into the 错题本 once.
        counts = db.session.scalars(select(WrongBookEntry.wrong_count)).all()
        assert counts and set(counts) == {1}
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_a_second_submit_in_the_service_changes_nothing(app, attempt):
    person_id = _member_id(app)
    with app.app_context():
        done = services.submit_attempt(db.session, person_id, attempt)
        db.session.commit()
        assert done.graded_now
        again = services.submit_attempt(db.session, person_id, attempt)
        assert not again.graded_now and again.attempt.score == done.attempt.score


def test_racing_submits_grade_once(app, client, attempt):
    """Two tabs (or a double click that beat the browser) submit at the same moment."""
    answer_all(app, client, attempt, right=False)
    person_id = _member_id(app)
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def racer() -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes.append(services.submit_attempt(db.session, person_id, attempt).graded_now)
                db.session.commit()
            except Exception as error:  # recorded and asserted below
                db.session.rollback()
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=racer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str) == [False, False, False, True], outcomes
    with app.app_context():
        assert set(db.session.scalars(select(WrongBookEntry.wrong_count))) == {1}


def test_a_submitted_attempt_cannot_be_graded_without_a_score(app, attempt):
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(update(Attempt).where(Attempt.id == attempt)
                               .values(status=AttemptStatus.SUBMITTED, submitted_at=utcnow()))
            db.session.flush()
        db.session.rollback()


def test_a_late_submit_is_graded_as_of_the_deadline(app, client, attempt):
    answer_all(app, client, attempt)
    deadline = utcnow() - timedelta(minutes=5)
    with app.app_context():
        db.session.execute(update(Attempt).where(Attempt.id == attempt).values(deadline_at=deadline))
        db.session.commit()
    submit(client, attempt)
    graded = attempt_of(app, attempt)
    assert graded.status is AttemptStatus.SUBMITTED and graded.score == 4
    assert abs(as_utc(graded.submitted_at) - deadline) < timedelta(seconds=1)


def test_the_submit_page_lists_what_is_unanswered(app, client, attempt):
    first = items_of(app, attempt)[0]
    save(client, attempt, first.question_id, shown_answer(first, question_of(app, first.question_id)), 1)
    html = client.get(f"/quiz/attempts/{attempt}/submit").get_data(as_text=True)
    assert "已答 <strong>1</strong> / 4 题" in html
    assert "还有 3 题未作答" in html
    for position in (2, 3, 4):
        assert f'/quiz/attempts/{attempt}/q/{position}"' in html


def test_after_submission_the_answering_pages_lead_to_the_result(app, client, attempt):
    submit(client, attempt)
    for url in (f"/quiz/attempts/{attempt}", f"/quiz/attempts/{attempt}/q/1",
                f"/quiz/attempts/{attempt}/submit"):
        assert client.get(url).headers["Location"].endswith(f"/quiz/attempts/{attempt}/result")
    assert client.post(f"/quiz/attempts/{attempt}/abandon").headers["Location"].endswith("/quiz/")
    assert attempt_of(app, attempt).status is AttemptStatus.SUBMITTED
