"""The result page, 查看原文 (the speech at the sentence, highlighted) and 纠错."""

from __future__ import annotations

import html as htmllib

import pytest
from sqlalchemy import func, select, update

from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    MEMBER_2,
    OUTSIDER,
    add_question,
    add_speech,
    answer_all,
    attempt_id_from,
    bank,
    items_of,
    question_of,
    quiz_org,
    save,
    start,
    submit,
)
from quizapp.extensions import db
from quizapp.models import QuestionReport, QuestionType, ReportStatus
from quizapp.quiz.pages import bare_stem


@pytest.fixture
def done(app, client, bank, login) -> int:
    """A submitted practice of the four questions, all answered wrong."""
    login(client, MEMBER)
    attempt = attempt_id_from(start(client))
    answer_all(app, client, attempt, right=False)
    submit(client, attempt)
    return attempt


def _card(html: str, position: int) -> str:
    start_at = html.index(f'id="item-{position}"')
    return html[start_at:html.index("</article>", start_at)]


def test_the_result_shows_score_answers_explanation_and_source(app, client, done):
    html = client.get(f"/quiz/attempts/{done}/result").get_data(as_text=True)
    assert "0<span" in html and "/ 4 分" in html and "答对 0 / 4 题" in html
    for item in items_of(app, done):
        question = question_of(app, item.question_id)
        card = htmllib.unescape(_card(html, item.position))
        assert "✗ 答错" in card
        assert bare_stem(question.stem) in card and bare_stem(question.stem) != question.stem[:3]
        assert question.explanation in card
        assert question.sentence in card
        assert "出自《在机关党建工作会议上的讲话》" in card
        assert f"/quiz/speeches/{question.speech_id}?q={question.id}#source" in card
        right = {
            QuestionType.SINGLE: "党课", QuestionType.MULTIPLE: "支部党员大会",
            QuestionType.JUDGE: "正确", QuestionType.FILL: "党课",
        }[question.type]
        my_answer = card.split('data-role="my-answer">')[1].split("</dd>")[0]
        right_answer = card.split('data-role="right-answer">')[1].split("</dd>")[0]
        assert right in right_answer
        assert my_answer != right_answer
        if question.type is QuestionType.FILL:
            assert my_answer == "不知道"


def test_choice_answers_use_the_letters_the_member_saw(app, client, bank, login):
    login(client, MEMBER)
    attempt = attempt_id_from(start(client))
    item = next(i for i in items_of(app, attempt)
                if question_of(app, i.question_id).type is QuestionType.SINGLE)
    shown = item.option_order.index(0)  # option 0, 党课, is right
    save(client, attempt, item.question_id, shown, seq=1)
    submit(client, attempt)
    card = _card(client.get(f"/quiz/attempts/{attempt}/result").get_data(as_text=True), item.position)
    letter = "ABCD"[shown]
    assert f'data-role="my-answer">{letter}. 党课</dd>' in card
    assert f'data-role="right-answer">{letter}. 党课</dd>' in card
    assert "✓ 答对" in card


def test_an_open_attempt_has_no_result_yet(app, client, bank, login):
    login(client, MEMBER)
    attempt = attempt_id_from(start(client))
    assert client.get(f"/quiz/attempts/{attempt}/result").headers["Location"].endswith(
        f"/quiz/attempts/{attempt}")


# --- 查看原文 -------------------------------------------------------------------------------------

def test_the_speech_opens_at_the_sentence_highlighted(app, client, bank, login):
    login(client, MEMBER)
    fill = bank["questions"]["fill"]
    html = client.get(f"/quiz/speeches/{bank['speech']}?q={fill.id}").get_data(as_text=True)
    assert ('<p id="source" class="quiz-target">我们要坚持“三会一课”制度。一是开好支部党员大会。'
            '二是开好支部委员会。三是开好党小组会。<mark>四是上好党课。</mark></p>') in html
    assert html.count("<mark>") == 1
    # The speech's own text is escaped, never markup.
    assert "注意&lt;script&gt;alert(1)&lt;/script&gt;这样的文字" in html
    assert "<script>alert" not in html


def test_the_highlight_is_escaped_and_found_when_the_paragraph_number_is_off(app, client, quiz_org, login):
    speech = add_speech(app, quiz_org["units"]["general"].id)
    odd = add_question(app, speech, QuestionType.JUDGE, paragraph=2,
                       sentence="注意<script>alert(1)</script>这样的文字必须原样显示。")
    login(client, MEMBER)
    html = client.get(f"/quiz/speeches/{speech}?q={odd.id}").get_data(as_text=True)
    assert ('<p id="source" class="quiz-target"><mark>注意&lt;script&gt;alert(1)&lt;/script&gt;'
            '这样的文字必须原样显示。</mark></p>') in html


def test_the_speech_without_a_question_is_plain(client, bank, login):
    login(client, MEMBER)
    html = client.get(f"/quiz/speeches/{bank['speech']}").get_data(as_text=True)
    assert "<mark>" not in html and 'id="p-3"' in html
    # A question of another speech highlights nothing here.
    html = client.get(f"/quiz/speeches/{bank['speech']}?q={bank['other_question'].id}").get_data(as_text=True)
    assert "<mark>" not in html


def test_a_speech_of_another_general_branch_is_404(client, bank, login):
    login(client, MEMBER)
    assert client.get(f"/quiz/speeches/{bank['other_speech']}").status_code == 404
    assert client.get("/quiz/speeches/987654").status_code == 404
    client.post("/auth/logout")
    login(client, OUTSIDER)
    assert client.get(f"/quiz/speeches/{bank['speech']}").status_code == 404
    assert client.get(f"/quiz/speeches/{bank['other_speech']}").status_code == 200


# --- 纠错 -----------------------------------------------------------------------------------------

def _reports(app) -> list[QuestionReport]:
    with app.app_context():
        reports = list(db.session.scalars(select(QuestionReport).order_by(QuestionReport.id)))
        for report in reports:
            db.session.expunge(report)
        return reports


def test_a_report_is_filed_once(app, client, done):
    item = items_of(app, done)[0]
    url = f"/quiz/attempts/{done}/q/1/report"
    reply = client.post(url, data={"reason": "  答案应为“党课”，题干有歧义。 "})
    assert reply.headers["Location"].endswith(f"/quiz/attempts/{done}/result#item-1")
    page = client.get(f"/quiz/attempts/{done}/result").get_data(as_text=True)
    assert "已收到你的纠错反馈" in page
    assert "你已提交纠错，组织员处理中" in _card(page, 1)
    [report] = _reports(app)
    assert (report.question_id, report.reason, report.status) == (
        item.question_id, "答案应为“党课”，题干有歧义。", ReportStatus.OPEN)
    client.post(url, data={"reason": "再报一次"})
    assert "你对这道题的纠错已提交" in client.get(f"/quiz/attempts/{done}/result").get_data(as_text=True)
    assert len(_reports(app)) == 1
    # Once the organizer has handled it, the member may report the question again.
    with app.app_context():
        db.session.execute(update(QuestionReport).values(status=ReportStatus.DISMISSED))
        db.session.commit()
    client.post(url, data={"reason": "还是觉得有问题"})
    assert len(_reports(app)) == 2


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "请写明纠错理由"), ("   ", "请写明纠错理由"), ("长" * 501, "纠错理由不能超过 500 字")],
)
def test_a_report_needs_a_reason_of_at_most_500_characters(app, client, done, reason, message):
    reply = client.post(f"/quiz/attempts/{done}/q/1/report", data={"reason": reason})
    assert message in client.get(reply.headers["Location"]).get_data(as_text=True)
    assert _reports(app) == []


def test_500_characters_are_enough(app, client, done):
    client.post(f"/quiz/attempts/{done}/q/2/report", data={"reason": "长" * 500})
    assert len(_reports(app)[0].reason) == 500


def test_reports_only_on_my_own_submitted_attempts(app, client, bank, done, login):
    assert client.post(f"/quiz/attempts/{done}/q/9/report", data={"reason": "x"}).status_code == 404
    client.post("/auth/logout")
    login(client, MEMBER_2)
    assert client.post(f"/quiz/attempts/{done}/q/1/report", data={"reason": "x"}).status_code == 404
    open_attempt = attempt_id_from(start(client))
    reply = client.post(f"/quiz/attempts/{open_attempt}/q/1/report", data={"reason": "x"})
    assert "交卷后才能纠错" in client.get(reply.headers["Location"], follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionReport)) == 0


def test_one_open_report_per_person_and_question_is_a_database_rule(app, done):
    question_id = items_of(app, done)[0].question_id
    with app.app_context():
        from quizapp.models import Person
        person_id = db.session.scalar(select(Person.id).where(Person.phone == MEMBER))
        db.session.add(QuestionReport(question_id=question_id, person_id=person_id, reason="一"))
        db.session.flush()
        db.session.add(QuestionReport(question_id=question_id, person_id=person_id, reason="二"))
        with pytest.raises(Exception, match="(?i)unique"):
            db.session.flush()
        db.session.rollback()
