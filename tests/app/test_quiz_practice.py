"""Starting a practice: what is drawn, the fixed order, and idempotent starts."""

from __future__ import annotations

import random
import re

from sqlalchemy import func, select

from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    OUTSIDER,
    add_question,
    add_speech,
    attempt_id_from,
    attempt_of,
    bank,
    items_of,
    question_of,
    quiz_org,
    start,
)
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptStatus, Person, PracticeSource, QuestionType
from quizapp.quiz import starting
from quizapp.quiz.errors import QuizError

_OPTION_RE = re.compile(r'<span class="quiz-letter">([A-J])</span>\s*<span>([^<]*)</span>')


def section(html: str, position: int) -> str:
    start_at = html.index(f'id="q-{position}"')
    return html[start_at:html.index("</section>", start_at)]


def test_practice_page_lists_only_visible_speeches_with_approved_questions(client, bank, login):
    login(client, MEMBER)
    html = client.get("/quiz/practice").get_data(as_text=True)
    assert "在机关党建工作会议上的讲话" in html
    assert f'value="speech-{bank["speech"]}"' in html
    assert "第二党总支的讲话" not in html
    assert re.search(r'name="start_key"[^>]*value="[A-Za-z0-9_-]{16,}"', html)


def test_start_creates_an_attempt_with_its_questions_and_option_order(app, client, bank, login):
    login(client, MEMBER)
    response = start(client, count=5)
    assert response.status_code == 302
    attempt_id = attempt_id_from(response)
    attempt = attempt_of(app, attempt_id)
    assert attempt.status is AttemptStatus.OPEN
    assert attempt.source is PracticeSource.RANDOM
    items = items_of(app, attempt_id)
    # Only the four approved questions of the member's 总支: not the draft, the retired one
    # or the other 总支's.
    expected = {q.id for q in bank["questions"].values()}
    assert {item.question_id for item in items} == expected
    assert attempt.question_count == len(items) == 4
    assert [item.position for item in items] == [1, 2, 3, 4]
    for item in items:
        question = question_of(app, item.question_id)
        assert item.question_version == question.version
        if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            assert sorted(item.option_order) == list(range(len(question.options)))
        else:
            assert item.option_order == []
        assert item.response is None


def test_the_page_shows_the_stored_option_order_and_a_reload_shows_the_same(app, client, bank, login):
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.phone == MEMBER))
        attempt = starting.start_practice(db.session, person, PracticeSource.SPEECH, 5,
                                          speech_id=bank["speech"], rng=random.Random(7))
        db.session.commit()
        attempt_id = attempt.id
    stored = [(i.position, i.question_id, i.option_order) for i in items_of(app, attempt_id)]
    login(client, MEMBER)
    first = client.get(f"/quiz/attempts/{attempt_id}/q/1").get_data(as_text=True)
    second = client.get(f"/quiz/attempts/{attempt_id}/q/1").get_data(as_text=True)
    for item in items_of(app, attempt_id):
        question = question_of(app, item.question_id)
        if not item.option_order:
            continue
        shown = [text for _, text in _OPTION_RE.findall(section(first, item.position))]
        assert shown == [question.options[i] for i in item.option_order]
        assert shown == [text for _, text in _OPTION_RE.findall(section(second, item.position))]
    assert [(i.position, i.question_id, i.option_order) for i in items_of(app, attempt_id)] == stored


def test_option_orders_are_shuffled(app, bank):
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.phone == MEMBER))
        orders = set()
        for seed in range(8):
            attempt = starting.start_practice(db.session, person, PracticeSource.RANDOM, 5,
                                              rng=random.Random(seed))
            orders.update(tuple(i.option_order) for i in attempt.items if len(i.option_order) == 4)
            attempt.status = AttemptStatus.ABANDONED
            db.session.flush()
        assert len(orders) > 2


def test_the_same_start_key_twice_gives_one_attempt(app, client, bank, login):
    login(client, MEMBER)
    first = start(client, key="double-tap")
    second = start(client, key="double-tap")
    assert attempt_id_from(first) == attempt_id_from(second)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_a_start_key_that_was_used_leads_back_to_its_attempt_even_when_submitted(app, client, bank, login):
    login(client, MEMBER)
    attempt_id = attempt_id_from(start(client, key="once"))
    client.post(f"/quiz/attempts/{attempt_id}/submit")
    again = start(client, key="once")
    assert attempt_id_from(again) == attempt_id
    assert client.get(again.headers["Location"]).headers["Location"].endswith(
        f"/quiz/attempts/{attempt_id}/result"
    )


def test_a_second_start_while_one_is_open_resumes_the_open_one(app, client, bank, login):
    login(client, MEMBER)
    attempt_id = attempt_id_from(start(client, key="first"))
    response = start(client, key="second")
    assert attempt_id_from(response) == attempt_id
    assert "未完成的练习" in client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_one_open_practice_per_person_is_a_database_rule(app, bank):
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.phone == MEMBER))
        starting.start_practice(db.session, person, PracticeSource.RANDOM, 5)
        db.session.add(Attempt(person_id=person.id, kind="practice", source=PracticeSource.RANDOM,
                               question_count=1))
        try:
            db.session.flush()
        except Exception as error:  # IntegrityError, whatever the driver calls it
            assert "unique" in str(error).lower()
        else:
            raise AssertionError("a second open practice was accepted")
        finally:
            db.session.rollback()


def test_abandon_then_start_again(app, client, bank, login):
    login(client, MEMBER)
    attempt_id = attempt_id_from(start(client, key="a"))
    assert client.post(f"/quiz/attempts/{attempt_id}/abandon").status_code == 302
    assert attempt_of(app, attempt_id).status is AttemptStatus.ABANDONED
    new_id = attempt_id_from(start(client, key="b"))
    assert new_id != attempt_id
    # An abandoned practice is closed: no answering, no result.
    assert client.get(f"/quiz/attempts/{attempt_id}/q/1").headers["Location"].endswith("/quiz/")


def test_practice_by_speech_draws_from_that_speech_only(app, client, bank, quiz_org, login):
    other = add_speech(app, quiz_org["units"]["general"].id, title="另一篇讲话")
    extra = add_question(app, other, QuestionType.JUDGE)
    login(client, MEMBER)
    attempt_id = attempt_id_from(start(client, scope=f"speech-{other}", key="s"))
    assert [item.question_id for item in items_of(app, attempt_id)] == [extra.id]
    assert attempt_of(app, attempt_id).speech_id == other


def test_a_speech_of_another_general_branch_cannot_be_practised(app, client, bank, login):
    login(client, MEMBER)
    response = start(client, scope=f"speech-{bank['other_speech']}")
    assert response.status_code == 200
    assert "请选择练习范围" in response.get_data(as_text=True)
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.phone == MEMBER))
        try:
            starting.start_practice(db.session, person, PracticeSource.SPEECH, 5,
                                    speech_id=bank["other_speech"])
        except QuizError as error:
            assert "找不到" in str(error)
        else:
            raise AssertionError("another 总支's speech was practised")


def test_the_count_is_limited_to_the_offered_sizes(app, client, bank, login):
    login(client, MEMBER)
    response = start(client, count=7)
    assert response.status_code == 200
    assert "题量只能是 5、10 或 20 题" in response.get_data(as_text=True)


def test_no_questions_is_said_plainly(app, client, quiz_org, login):
    login(client, OUTSIDER)
    assert "暂无可练习的题目" in client.get("/quiz/practice").get_data(as_text=True)
    response = start(client)
    assert response.headers["Location"].endswith("/quiz/practice")
    assert "暂无可练习的题目" in client.get("/quiz/practice").get_data(as_text=True)


def test_count_caps_the_draw(app, client, quiz_org, login):
    speech = add_speech(app, quiz_org["units"]["general"].id)
    for _ in range(12):
        add_question(app, speech, QuestionType.JUDGE)
    login(client, MEMBER)
    attempt_id = attempt_id_from(start(client, count=10))
    assert len(items_of(app, attempt_id)) == 10
