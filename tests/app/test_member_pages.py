"""What a member reads (issue 17): feedback after a practice answer (never in scored work),
one label per question type, one 交卷 button, the grid's legend, a result that says when the
answers come out, a home notice once they are out, the 错题本's timing, and a study's passages
before its 开始答题."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta

from activity_flow import now, open_activity, scored_attempts, start_via_page
from activity_helpers import make_activity
from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    answer_all,
    attempt_id_from,
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
from quizapp.models import Activity, ActivityKind, AnswerPolicy, QuestionType, StudyPassage
from quizapp.quiz.pages import bare_stem


def _form_values(shown):
    """A response in display form as the page's form posts it."""
    if isinstance(shown, bool):
        return "true" if shown else "false"
    if isinstance(shown, list):
        return [str(value) for value in shown]
    return str(shown)


def _practice(app, client, login):
    login(client, MEMBER)
    attempt = attempt_id_from(start(client, count=5))
    return attempt, items_of(app, attempt)


def test_practice_checks_an_answer_and_shows_the_key_and_explanation(app, client, login, bank):
    attempt, items = _practice(app, client, login)
    first = items[0]
    question = question_of(app, first.question_id)
    page = client.get(f"/quiz/attempts/{attempt}/q/1").get_data(as_text=True)
    assert 'value="check"' in page and "核对答案" in page and 'data-role="feedback"' not in page
    wrong = _form_values(shown_answer(first, question, right=False))
    checked = client.post(f"/quiz/attempts/{attempt}/q/1", data={"answer-1": wrong, "go": "check"})
    assert checked.status_code == 302 and checked.headers["Location"].endswith("/q/1?check=1")
    html = client.get(checked.headers["Location"]).get_data(as_text=True)
    feedback = html.split('data-role="feedback"', 1)[1].split("</div>", 1)[0]
    assert "✗ 回答错误" in feedback and "正确答案" in feedback
    assert question.explanation and question.explanation in feedback
    save(client, attempt, first.question_id, shown_answer(first, question, right=True), 2)
    html = client.get(f"/quiz/attempts/{attempt}/q/1?check=1").get_data(as_text=True)
    assert "✓ 回答正确" in html


def test_a_scored_sitting_never_shows_right_or_wrong_while_answering(app, client, login, quiz_org, bank):
    activity = open_activity(app, quiz_org["units"]["general"].id)
    login(client, MEMBER)
    start_via_page(client, activity)
    attempt = scored_attempts(app, quiz_org["people"]["member"].id, activity)[0].id
    item = items_of(app, attempt)[0]
    save(client, attempt, item.question_id, shown_answer(item, question_of(app, item.question_id)), 1)
    html = client.get(f"/quiz/attempts/{attempt}/q/1?check=1").get_data(as_text=True)
    assert "核对答案" not in html and 'data-role="feedback"' not in html and "回答正确" not in html
    moved = client.post(f"/quiz/attempts/{attempt}/q/1", data={"go": "check"})
    assert "check" not in moved.headers["Location"]


def test_a_question_names_its_type_once_and_has_one_submit_button(app, client, login, bank):
    attempt, items = _practice(app, client, login)
    for item in items:
        question = question_of(app, item.question_id)
        html = client.get(f"/quiz/attempts/{attempt}/q/{item.position}").get_data(as_text=True)
        section = html[html.index(f'id="q-{item.position}"'):]
        section = section[:section.index("</section>")]
        legend = re.search(r'<legend class="quiz-stem">([^<]*)</legend>', section).group(1)
        assert not legend.startswith(("判断：", "单选：", "多选：")) and not legend.endswith("（多选）")
        assert htmllib.unescape(legend) == bare_stem(question.stem)
        assert "（可多选）" not in section
        submit_early = re.search(r'<button[^>]*data-role="submit-early"[^>]*>', html).group(0)
        last = item.position == len(items)
        assert (" hidden" in submit_early) == last  # the last question's 去交卷 is the only one
    assert 'data-role="legend"' in html and "已答" in html and "未答" in html and "当前题" in html


def test_bare_stem_drops_the_type_a_stem_names():
    assert bare_stem("判断：“三会一课”中的“一课”是党课。") == "“三会一课”中的“一课”是党课。"
    assert bare_stem("下列属于“四个意识”的是（多选）") == "下列属于“四个意识”的是"
    assert bare_stem("判断：") == "判断："  # never an empty stem


def test_a_result_held_to_the_close_says_so_and_home_says_when_answers_are_out(app, client, login, quiz_org, bank):
    activity = open_activity(app, quiz_org["units"]["general"].id, answers_shown=AnswerPolicy.AFTER_CLOSE,
                             title="十二月测试")
    login(client, MEMBER)
    start_via_page(client, activity)
    attempt = scored_attempts(app, quiz_org["people"]["member"].id, activity)[0].id
    answer_all(app, client, attempt, right=False)
    submit(client, attempt)
    html = client.get(f"/quiz/attempts/{attempt}/result").get_data(as_text=True)
    later = html.split('data-role="answers-later"', 1)[1].split("</div>", 1)[0]
    assert "截止后公布答案" in later and "首页会通知你" in later and "收入错题本" in later
    assert "✗ 答错" not in html
    assert 'data-role="answers-out"' not in client.get("/").get_data(as_text=True)
    with app.app_context():
        row = db.session.get(Activity, activity)
        row.opens_at = now() - timedelta(days=3)
        row.closes_at = now() - timedelta(hours=1)
        db.session.commit()
    home = client.get("/").get_data(as_text=True)
    notice = home.split('data-role="answers-out"', 1)[1].split("</div>", 1)[0]
    assert "十二月测试" in notice and "答案已公布" in notice and f"/quiz/attempts/{attempt}/result" in notice
    assert "✗ 答错" in client.get(f"/quiz/attempts/{attempt}/result").get_data(as_text=True)
    with app.app_context():  # old news leaves the home page
        row = db.session.get(Activity, activity)
        row.opens_at = now() - timedelta(days=40)
        row.closes_at = now() - timedelta(days=30)
        db.session.commit()
    assert 'data-role="answers-out"' not in client.get("/").get_data(as_text=True)


def test_the_wrong_book_says_when_items_arrive(client, login, bank):
    login(client, MEMBER)
    html = client.get("/quiz/mistakes").get_data(as_text=True)
    assert "错题本是空的" in html and "截止、答案公布后收入" in html


def test_a_study_shows_its_passages_before_the_start_button(app, client, login, quiz_org, bank):
    moment = now()
    activity = open_activity(app, quiz_org["units"]["general"].id, kind=ActivityKind.STUDY,
                             title="十二月选学", practice_opens_at=moment - timedelta(days=1))
    with app.app_context():
        db.session.add(StudyPassage(activity_id=activity, position=1, speech_id=bank["speech"],
                                    first_paragraph=0, last_paragraph=0))
        db.session.commit()
    login(client, MEMBER)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert html.index('data-role="passage"') < html.index("开始答题")
    assert "考前练习" not in html and "学习练习" in html
