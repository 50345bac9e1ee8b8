"""The member's activity page and starting a scored sitting: who may open it, what it shows,
windows, make-up windows, extra time, attempts allowed, late starts and saves, the practice
set, and that the answer key never reaches the browser before submitting."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from activity_flow import (
    add_pool,
    now,
    open_activity,
    scored_attempts,
    start_via_page,
)
from activity_helpers import make_activity
from fault_helpers import counting_statements
from quiz_helpers import (  # noqa: F401 - fixtures
    MEMBER,
    MEMBER_2,
    OUTSIDER,
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
    ActivityKind,
    ActivityMember,
    ActivityStatus,
    Attempt,
    AttemptKind,
    AttemptStatus,
    PointEntry,
    PracticeSource,
    QuestionType,
    StudyPassage,
)

SECRET_EXPLANATION = "解析：这是只有交卷后才能看到的解析。"
SECRET_FILL = "独一无二的填空答案"


@pytest.fixture
def setup(app, quiz_org):
    units = quiz_org["units"]
    speech = add_speech(app, units["general"].id)
    add_pool(app, speech, QuestionType.SINGLE, [1, 2, 2, 3], explanation=SECRET_EXPLANATION)
    add_pool(app, speech, QuestionType.FILL, [2, 2], answer=[SECRET_FILL],
             explanation=SECRET_EXPLANATION)
    return {"speech": speech, "units": units, "people": quiz_org["people"]}


def _activity(app, setup, **columns):
    columns.setdefault("parts", [(QuestionType.SINGLE, 2, 5), (QuestionType.FILL, 1, 10)])
    return open_activity(app, setup["units"]["general"].id, **columns)


def _set(app, model, key, **values):
    with app.app_context():
        row = db.session.get_one(model, key)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def test_the_page_is_for_the_audience_only(app, client, login, setup, make_person):
    activity = _activity(app, setup)
    login(client, OUTSIDER)
    assert client.get(f"/quiz/activities/{activity}").status_code == 404
    assert start_via_page(client, activity).status_code == 404
    assert client.get("/quiz/activities/999999").status_code == 404
    client.post("/auth/logout")
    login(client, MEMBER)
    for status in (ActivityStatus.DRAFT, ActivityStatus.CANCELLED):
        _set(app, Activity, activity, status=status)
        assert client.get(f"/quiz/activities/{activity}").status_code == 404
        assert start_via_page(client, activity).status_code == 404
    _set(app, Activity, activity, status=ActivityStatus.PUBLISHED)
    assert client.get(f"/quiz/activities/{activity}").status_code == 200


def test_someone_who_joined_later_is_added_in_their_unit(app, client, login, setup, make_person):
    activity = _activity(app, setup)
    branch = setup["units"]["branch"]
    make_person(name="新党员", phone="13800000055", unit=branch)
    login(client, "13800000055")
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert "2026年第四季度党建知识测试" in html
    with app.app_context():
        member = db.session.scalars(select(ActivityMember).where(
            ActivityMember.activity_id == activity,
            ActivityMember.unit_id == branch.id)).one()
        assert member.person.name == "新党员"


def test_the_page_shows_times_limits_attempts_and_state(app, client, login, setup):
    moment = now()
    activity = make_activity(app, setup["units"]["general"].id,
                             opens_at=moment - timedelta(hours=1),
                             closes_at=moment.replace(hour=10, minute=0) + timedelta(days=2),
                             time_limit_minutes=30, attempts_allowed=2,
                             parts=[(QuestionType.SINGLE, 2, 5)])
    login(client, MEMBER)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert "季度测试" in html and "答题时限：30 分钟" in html
    assert "已用 0 / 2 次" in html
    assert re.search(r'data-role="state">进行中<', html)
    assert "开始答题" in html
    start_via_page(client, activity)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert re.search(r'data-role="state">进行中<', html) and "继续答题" in html
    assert "已用 1 / 2 次" in html


def test_beijing_time_on_the_page(app, client, login, setup):
    moment = now()
    closes = (moment + timedelta(days=3)).replace(hour=10, minute=0, second=0)  # 18:00 in Beijing
    activity = make_activity(app, setup["units"]["general"].id,
                             opens_at=moment - timedelta(hours=1), closes_at=closes)
    login(client, MEMBER)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert f"{(closes + timedelta(hours=8)).strftime('%m月%d日')} 18:00（北京时间）" in html


def test_a_study_shows_its_intro_and_passages(app, client, login, setup):
    activity = _activity(app, setup, kind=ActivityKind.STUDY, title="11月党建知识选学",
                         intro="本月重点学习“三会一课”制度。")
    with app.app_context():
        db.session.add(StudyPassage(activity_id=activity, position=1, speech_id=setup["speech"],
                                    first_paragraph=2, last_paragraph=3, concept="三会一课"))
        db.session.commit()
    login(client, MEMBER)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert "月度选学" in html and "本月重点学习“三会一课”制度。" in html
    assert "我们要坚持“三会一课”制度。" in html and "要增强“四个意识”" in html
    assert "同志们：今天召开会议" not in html and "全年开展主题党日活动" not in html
    assert f'href="/quiz/speeches/{setup["speech"]}"' in html


def test_a_passage_of_a_speech_the_member_may_not_open_is_shown_without_its_link(
        app, client, login, setup):
    """Passages in order, each with its text; only a speech of the member's units is linked."""
    other = add_speech(app, setup["units"]["other"].id, title="第二党总支的讲话")
    activity = _activity(app, setup, kind=ActivityKind.STUDY, title="11月党建知识选学")
    with app.app_context():
        db.session.add_all([
            StudyPassage(activity_id=activity, position=1, speech_id=other,
                         first_paragraph=2, last_paragraph=2, concept=""),
            StudyPassage(activity_id=activity, position=2, speech_id=setup["speech"],
                         first_paragraph=3, last_paragraph=3, concept="四个意识")])
        db.session.commit()
    login(client, MEMBER)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert html.index("我们要坚持“三会一课”制度。") < html.index("要增强“四个意识”")
    assert f'href="/quiz/speeches/{setup["speech"]}"' in html
    assert f'href="/quiz/speeches/{other}"' not in html


def test_the_study_page_reads_its_passages_in_the_same_statements_however_many(
        app, client, login, setup):
    other = add_speech(app, setup["units"]["other"].id, title="第二党总支的讲话")
    counts = []
    for speeches in ([setup["speech"]], [other, setup["speech"], setup["speech"]]):
        activity = _activity(app, setup, kind=ActivityKind.STUDY, title="11月党建知识选学")
        with app.app_context():
            db.session.add_all([StudyPassage(activity_id=activity, position=i, speech_id=speech,
                                             first_paragraph=1, last_paragraph=2, concept="")
                                for i, speech in enumerate(speeches, 1)])
            db.session.commit()
            engine = db.engine
        login(client, MEMBER)
        client.get(f"/quiz/activities/{activity}")
        with counting_statements(engine) as count:
            assert client.get(f"/quiz/activities/{activity}").status_code == 200
        counts.append(len(count))
    assert counts[0] == counts[1], counts


def test_start_is_idempotent_by_key_and_counts_attempts(app, client, login, setup):
    activity = _activity(app, setup, attempts_allowed=2)
    login(client, MEMBER)
    first = attempt_id_from(start_via_page(client, activity, "key-a"))
    assert attempt_id_from(start_via_page(client, activity, "key-a")) == first
    assert attempt_id_from(start_via_page(client, activity, "key-b")) == first  # still open
    client.post(f"/quiz/attempts/{first}/submit")
    second = attempt_id_from(start_via_page(client, activity, "key-c"))
    client.post(f"/quiz/attempts/{second}/submit")
    response = start_via_page(client, activity, "key-d")
    assert response.headers["Location"].endswith(f"/quiz/activities/{activity}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "你的答题次数已用完（共 2 次）" in html
    attempts = scored_attempts(app, setup["people"]["member"].id, activity)
    assert [(a.attempt_no, a.kind) for a in attempts] == [(1, AttemptKind.TEST), (2, AttemptKind.TEST)]


def test_a_start_opens_the_question_the_sitting_is_on(app, client, login, setup):
    """No stop at the attempt's address (one request less a start): straight to its first
    question, and a repeated start to where the member has got to."""
    activity = _activity(app, setup)
    login(client, MEMBER)
    response = start_via_page(client, activity, "key-a")
    attempt = attempt_id_from(response)
    assert response.headers["Location"].endswith(f"/quiz/attempts/{attempt}/q/1")
    assert client.get(response.headers["Location"]).status_code == 200
    third = items_of(app, attempt)[2]
    assert save(client, attempt, third.question_id, None, seq=1).status_code == 200

    again = start_via_page(client, activity, "key-b")

    assert again.headers["Location"].endswith(f"/quiz/attempts/{attempt}/q/3")


@pytest.mark.parametrize(("opens", "closes", "message"), [
    (2, 5, "答题尚未开始，开始时间："),
    (-5, -2, "答题已截止，不能再开始答题"),
])
def test_start_outside_the_window_is_refused(app, client, login, setup, opens, closes, message):
    moment = now()
    activity = make_activity(app, setup["units"]["general"].id,
                             opens_at=moment + timedelta(hours=opens),
                             closes_at=moment + timedelta(hours=closes))
    login(client, MEMBER)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert "开始答题" not in html
    response = start_via_page(client, activity)
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert scored_attempts(app, setup["people"]["member"].id, activity) == []


def test_a_makeup_window_lets_one_member_start_after_the_close(app, client, login, setup):
    moment = now()
    activity = make_activity(app, setup["units"]["general"].id,
                             opens_at=moment - timedelta(days=3), closes_at=moment - timedelta(days=1),
                             parts=[(QuestionType.SINGLE, 2, 5)])
    member = setup["people"]["member"].id
    _set(app, ActivityMember, (activity, member), makeup_opens_at=moment - timedelta(hours=1),
         makeup_closes_at=moment + timedelta(hours=5), override_reason="出差")
    login(client, MEMBER)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert re.search(r'data-role="state">补考中<', html) and "补考时间" in html
    attempt = attempt_id_from(start_via_page(client, activity))
    with app.app_context():
        deadline = db.session.get_one(Attempt, attempt).deadline_at
    assert abs((deadline.replace(tzinfo=None) - (moment + timedelta(hours=5)).replace(tzinfo=None))
               .total_seconds()) < 1
    client.post("/auth/logout")
    login(client, MEMBER_2)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert re.search(r'data-role="state">已截止<', html)
    response = start_via_page(client, activity)
    assert "答题已截止" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_extra_time_extends_the_deadline(app, client, login, setup):
    activity = _activity(app, setup, time_limit_minutes=30)
    member = setup["people"]["member"].id
    _set(app, ActivityMember, (activity, member), extra_minutes=15, override_reason="视力不便")
    login(client, MEMBER)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert "45 分钟（含延长 15 分钟）" in html
    attempt = attempt_id_from(start_via_page(client, activity))
    with app.app_context():
        row = db.session.get_one(Attempt, attempt)
        assert (row.deadline_at - row.started_at) == timedelta(minutes=45)
    client.post("/auth/logout")
    login(client, MEMBER_2)
    other = attempt_id_from(start_via_page(client, activity))
    with app.app_context():
        row = db.session.get_one(Attempt, other)
        assert (row.deadline_at - row.started_at) == timedelta(minutes=30)


def test_a_save_after_the_deadline_is_refused_and_a_late_submit_says_so(app, client, login, setup):
    activity = _activity(app, setup)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    first, second, third = items_of(app, attempt)
    right = shown_answer(first, question_of(app, first.question_id))
    assert save(client, attempt, first.question_id, right, 1).status_code == 200
    _set(app, Attempt, attempt, deadline_at=now() - timedelta(minutes=1))
    late = save(client, attempt, second.question_id,
                shown_answer(second, question_of(app, second.question_id)), 1)
    assert late.status_code == 409 and late.get_json()["closed"] is True
    assert "答题时间已到" in late.get_json()["message"]
    response = client.post(f"/quiz/attempts/{attempt}/submit", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "超时后的作答不计入成绩" in html and 'data-role="timed-out"' in html
    with app.app_context():
        row = db.session.get_one(Attempt, attempt)
        assert row.status is AttemptStatus.SUBMITTED and row.submitted_at == row.deadline_at
        assert row.correct_count == 1


def test_opening_an_expired_sitting_submits_it(app, client, login, setup):
    activity = _activity(app, setup)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    _set(app, Attempt, attempt, deadline_at=now() - timedelta(minutes=1))
    response = client.get(f"/quiz/attempts/{attempt}/q/1")
    assert response.headers["Location"].endswith(f"/quiz/attempts/{attempt}/result")
    assert "答题时间已到" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Attempt, attempt).status is AttemptStatus.SUBMITTED


def test_the_answer_key_never_reaches_the_browser_before_submitting(app, client, login, setup):
    activity = _activity(app, setup)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    pages = [client.get(f"/quiz/attempts/{attempt}/q/{n}").get_data(as_text=True) for n in (1, 2, 3)]
    pages.append(client.get(f"/quiz/attempts/{attempt}/submit").get_data(as_text=True))
    pages.append(client.get(f"/quiz/attempts/{attempt}/state").get_data(as_text=True))
    pages.append(client.get(f"/quiz/activities/{activity}").get_data(as_text=True))
    for item in items_of(app, attempt):
        question = question_of(app, item.question_id)
        speech = client.get(f"/quiz/speeches/{question.speech_id}?q={question.id}").get_data(as_text=True)
        assert "<mark>" not in speech  # the source sentence is not marked while it counts
    for html in pages:
        assert SECRET_FILL not in html and SECRET_EXPLANATION not in html
        assert "正确答案" not in html and '"answer"' not in html
    state = client.get(f"/quiz/attempts/{attempt}/state").get_json()
    assert set(state) == {"ok", "status", "csrf_token", "saved"}


def test_the_practice_set_is_never_scored(app, client, login, setup):
    moment = now()
    activity = make_activity(app, setup["units"]["general"].id,
                             practice_opens_at=moment - timedelta(days=1),
                             opens_at=moment + timedelta(days=1), closes_at=moment + timedelta(days=3),
                             parts=[(QuestionType.SINGLE, 2, 5), (QuestionType.FILL, 1, 10)])
    login(client, MEMBER)
    html = client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    assert re.search(r'data-role="state">可练习<', html) and "考前练习" in html
    assert "开始答题" not in html
    response = client.post(f"/quiz/activities/{activity}/practice", data={"start_key": "p1"})
    attempt = attempt_id_from(response)
    with app.app_context():
        row = db.session.get_one(Attempt, attempt)
        assert (row.kind, row.source, row.activity_id, row.attempt_no) == (
            AttemptKind.PRACTICE, PracticeSource.ACTIVITY, activity, None)
        assert row.question_count == 3
    client.post(f"/quiz/attempts/{attempt}/submit")
    html = client.get(f"/quiz/attempts/{attempt}/result").get_data(as_text=True)
    assert "考前练习 · 2026年第四季度党建知识测试" in html and SECRET_EXPLANATION in html
    with app.app_context():
        assert db.session.scalars(select(PointEntry)).all() == []
    assert scored_attempts(app, setup["people"]["member"].id, activity) == []


def test_a_practice_start_reads_the_membership_once(app, client, login, setup):
    """The view reads the activity with the member's audience row and passes it on, as for a
    scored start: one query naming activity_member, not one in the view and one in the service."""
    moment = now()
    activity = make_activity(app, setup["units"]["general"].id,
                             practice_opens_at=moment - timedelta(days=1),
                             opens_at=moment + timedelta(days=1), closes_at=moment + timedelta(days=3),
                             parts=[(QuestionType.SINGLE, 2, 5)])
    login(client, MEMBER)
    assert client.get(f"/quiz/activities/{activity}").status_code == 200
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as count:
        response = client.post(f"/quiz/activities/{activity}/practice", data={"start_key": "p1"})
    assert attempt_id_from(response)
    # The membership row is loaded once (``quiz.secrecy`` reads other activities' audience
    # rows in SQL, without loading any).
    assert sum("activity_member.added_at" in statement for statement in count.statements) == 1


def test_the_practice_set_is_closed_before_it_opens(app, client, login, setup):
    moment = now()
    activity = make_activity(app, setup["units"]["general"].id,
                             practice_opens_at=moment + timedelta(hours=1),
                             opens_at=moment + timedelta(days=1), closes_at=moment + timedelta(days=3))
    login(client, MEMBER)
    assert "考前练习（不计分）" not in client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    response = client.post(f"/quiz/activities/{activity}/practice", data={"start_key": "p1"})
    assert "考前练习现在没有开放" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_bad_start_key_is_a_clear_message(app, client, login, setup):
    activity = _activity(app, setup)
    login(client, MEMBER)
    response = client.post(f"/quiz/activities/{activity}/start", data={"start_key": "bad key!"})
    assert "页面已过期" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert scored_attempts(app, setup["people"]["member"].id, activity) == []


def test_an_open_sitting_is_not_offered_as_a_practice_to_abandon(app, client, login, setup):
    activity = _activity(app, setup)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    html = client.get("/quiz/practice").get_data(as_text=True)
    assert "你有一次未完成的练习" not in html
    assert f"/quiz/attempts/{attempt}/abandon" not in html
    assert client.post(f"/quiz/attempts/{attempt}/abandon").status_code == 302
    with app.app_context():
        assert db.session.get_one(Attempt, attempt).status is AttemptStatus.OPEN


def test_no_practice_while_a_sitting_is_open(app, client, login, setup):
    moment = now()
    activity = make_activity(app, setup["units"]["general"].id,
                             practice_opens_at=moment - timedelta(days=1),
                             opens_at=moment - timedelta(hours=1), closes_at=moment + timedelta(days=3),
                             parts=[(QuestionType.SINGLE, 2, 5)])
    login(client, MEMBER)
    # The scored window is open: the practice set's pool is secret until the answers are out
    # (quiz.secrecy; tests/app/test_security_key_secrecy.py), sitting or not.
    assert "考前练习（不计分）" not in client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    attempt_id_from(start_via_page(client, activity))
    assert "考前练习（不计分）" not in client.get(f"/quiz/activities/{activity}").get_data(as_text=True)
    response = client.post(f"/quiz/activities/{activity}/practice", data={"start_key": "p9"})
    assert "请先交卷，再做考前练习" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_timed_sitting_shows_the_seconds_left_by_the_servers_clock(app, client, login, setup):
    activity = _activity(app, setup, time_limit_minutes=30)
    login(client, MEMBER)
    attempt = attempt_id_from(start_via_page(client, activity))
    html = client.get(f"/quiz/attempts/{attempt}/q/1").get_data(as_text=True)
    left = int(re.search(r'data-role="deadline" data-seconds-left="(\d+)"', html).group(1))
    assert 29 * 60 < left <= 30 * 60
