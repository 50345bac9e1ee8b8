"""错题本: in on a wrong answer, out after right answers in a row, practised again."""

from __future__ import annotations

from sqlalchemy import select, update

from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    add_question,
    add_speech,
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
from quizapp.models import BankQuestion, PracticeSource, QuestionStatus, QuestionType, WrongBookEntry

_key = iter(range(1, 10_000))


def _practise(app, client, scope: str, answers: dict[int, bool | None]) -> int:
    """Start a practice and answer each question right (True), wrong (False) or not (None);
    questions not named are answered right."""
    attempt = attempt_id_from(start(client, scope=scope, key=f"k{next(_key)}"))
    for item in items_of(app, attempt):
        right = answers.get(item.question_id, True)
        if right is not None:
            response = shown_answer(item, question_of(app, item.question_id), right=right)
            assert save(client, attempt, item.question_id, response, seq=1).status_code == 200
    submit(client, attempt)
    return attempt


def _entry(app, question_id: int) -> WrongBookEntry | None:
    with app.app_context():
        entry = db.session.scalar(select(WrongBookEntry).where(WrongBookEntry.question_id == question_id))
        if entry is not None:
            db.session.expunge(entry)
        return entry


def test_a_wrong_answer_enters_and_two_right_in_a_row_clear_it(app, client, bank, login):
    login(client, MEMBER)
    judge = bank["questions"]["judge"].id
    fill = bank["questions"]["fill"].id
    _practise(app, client, "random", {judge: False, fill: None})
    entry = _entry(app, judge)
    assert (entry.wrong_count, entry.right_streak, entry.cleared_at) == (1, 0, None)
    assert _entry(app, fill) is None  # unanswered: never tried, not a mistake
    assert _entry(app, bank["questions"]["single"].id) is None  # right first time

    _practise(app, client, "random", {judge: True})
    entry = _entry(app, judge)
    assert (entry.right_streak, entry.cleared_at) == (1, None)
    _practise(app, client, "random", {judge: True})
    entry = _entry(app, judge)
    assert entry.right_streak == 2 and entry.cleared_at is not None
    assert "错题本是空的" in client.get("/quiz/mistakes").get_data(as_text=True)


def test_a_wrong_answer_in_between_starts_the_run_again(app, client, bank, login):
    login(client, MEMBER)
    judge = bank["questions"]["judge"].id
    for right in (False, True, False, True):
        _practise(app, client, "random", {judge: right})
    entry = _entry(app, judge)
    assert (entry.wrong_count, entry.right_streak, entry.cleared_at) == (2, 1, None)


def test_a_cleared_question_comes_back_on_the_next_mistake(app, client, bank, login):
    login(client, MEMBER)
    judge = bank["questions"]["judge"].id
    for right in (False, True, True, False):
        _practise(app, client, "random", {judge: right})
    entry = _entry(app, judge)
    assert (entry.wrong_count, entry.right_streak, entry.cleared_at) == (2, 0, None)


def test_the_run_length_is_configurable(app, client, bank, login):
    app.config["QUIZ_WRONG_BOOK_CLEAR_STREAK"] = 3
    login(client, MEMBER)
    judge = bank["questions"]["judge"].id
    for right in (False, True, True):
        _practise(app, client, "random", {judge: right})
    assert _entry(app, judge).cleared_at is None
    assert "连续答对 3 次后移出" in client.get("/quiz/mistakes").get_data(as_text=True)
    _practise(app, client, "random", {judge: True})
    assert _entry(app, judge).cleared_at is not None


def test_the_book_is_grouped_by_speech_and_concept_with_answers(app, client, bank, quiz_org, login):
    second = add_speech(app, quiz_org["units"]["general"].id, title="第二篇讲话")
    other = add_question(app, second, QuestionType.JUDGE, concept="四个意识", answer=False,
                         explanation="错误。应为四个意识。")
    login(client, MEMBER)
    wrong = {q.id: False for q in bank["questions"].values()} | {other.id: False}
    _practise(app, client, "random", wrong)
    html = client.get("/quiz/mistakes").get_data(as_text=True)
    assert "共 5 题" in html
    sections = {part.split("《")[1].split("》")[0]: part
                for part in html.split('<section class="mb-4">')[1:]}
    assert set(sections) == {"在机关党建工作会议上的讲话", "第二篇讲话"}
    concept = '<h3 class="h6 text-danger mt-3">{}</h3>'.format
    assert sections["在机关党建工作会议上的讲话"].count(concept("三会一课")) == 1
    assert concept("四个意识") not in sections["在机关党建工作会议上的讲话"]
    assert concept("四个意识") in sections["第二篇讲话"]
    assert "错误。应为四个意识。" in sections["第二篇讲话"]
    assert "答错 1 次" in html
    assert "正确答案：</strong>错误" in html  # the judge's key
    assert "正确答案：</strong>A. 党课" in html  # the single's key, in the question's own order


def test_practising_the_book_draws_only_its_questions(app, client, bank, login):
    login(client, MEMBER)
    judge = bank["questions"]["judge"].id
    single = bank["questions"]["single"].id
    _practise(app, client, "random", {judge: False, single: False})
    html = client.get("/quiz/mistakes").get_data(as_text=True)
    assert "练习错题" in html and 'name="scope" value="mistakes"' in html
    attempt = attempt_id_from(start(client, scope="mistakes", key="mistakes-1"))
    assert attempt_of(app, attempt).source is PracticeSource.MISTAKES
    assert {item.question_id for item in items_of(app, attempt)} == {judge, single}
    assert "错题练习" in client.get("/quiz/").get_data(as_text=True)


def test_retired_questions_leave_the_book(app, client, bank, login):
    login(client, MEMBER)
    judge = bank["questions"]["judge"].id
    _practise(app, client, "random", {judge: False})
    with app.app_context():
        db.session.execute(update(BankQuestion).where(BankQuestion.id == judge)
                           .values(status=QuestionStatus.RETIRED))
        db.session.commit()
    assert "错题本是空的" in client.get("/quiz/mistakes").get_data(as_text=True)
    reply = start(client, scope="mistakes", key="none-left")
    assert "暂无可练习的题目" in client.get(reply.headers["Location"]).get_data(as_text=True)
