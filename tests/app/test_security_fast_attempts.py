"""Attempts answered faster than a person can read: the rule's boundaries, and the organizer's
activity page that lists them (疑似过快作答)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, QuestionType
from quizapp.results.integrity import (
    MAX_CHARS_PER_SECOND,
    MIN_SECONDS_PER_QUESTION,
    TimedAnswer,
    fast_attempts,
    judge,
    question_chars,
    reading_seconds,
)
from report_helpers import ORGANIZER_G, org  # noqa: F401 - fixture

START = datetime(2026, 11, 5, 9, tzinfo=timezone.utc)


def paced(count: int, chars: int, gap: float, first: float = 5.0) -> list[TimedAnswer]:
    """``count`` answers of ``chars``-long questions, saved ``gap`` seconds apart."""
    return [TimedAnswer(START + timedelta(seconds=first + i * gap), chars) for i in range(count)]


def after(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def test_the_rule_is_per_question_time_or_reading_speed():
    assert MIN_SECONDS_PER_QUESTION == 1.5 and MAX_CHARS_PER_SECOND == 25
    assert reading_seconds([20] * 10) == 15.0  # short questions: 1.5 s each
    assert reading_seconds([100] * 5) == 20.0  # long questions: 500 characters at 25 a second


@pytest.mark.parametrize(("total", "flagged"), [(14.9, True), (15.0, False), (60.0, False)])
def test_the_whole_sitting_against_the_time_per_question(total, flagged):
    answers = [TimedAnswer(after(total * (i + 1) / 10), 20) for i in range(10)]
    verdict = judge(START, after(total), answers)
    assert verdict.flagged is flagged
    assert verdict.answered == 10


@pytest.mark.parametrize(("total", "flagged"), [(19.9, True), (20.0, False)])
def test_the_whole_sitting_against_the_reading_speed(total, flagged):
    answers = [TimedAnswer(after(total * (i + 1) / 5), 100) for i in range(5)]
    verdict = judge(START, after(total), answers)
    assert verdict.flagged is flagged
    assert verdict.needed == 20.0


@pytest.mark.parametrize(("gap", "flagged"), [(1.49, True), (1.5, False)])
def test_a_burst_of_saves_after_a_long_wait_is_flagged(gap, flagged):
    # Ten minutes pass before the first save, then every answer follows ``gap`` seconds apart:
    # the sitting is long enough, the saves are not.
    answers = paced(10, 20, gap=gap, first=600)
    verdict = judge(START, after(700), answers)
    assert verdict.flagged is flagged
    if flagged:
        assert verdict.needed == 13.5 and verdict.seconds == pytest.approx(9 * gap)


def test_saves_in_any_order_are_sorted_first():
    answers = paced(10, 20, gap=2.0)
    assert not judge(START, after(60), list(reversed(answers))).flagged


def test_fewer_than_three_answers_are_never_flagged():
    assert not judge(START, after(0.5), paced(2, 200, gap=0.1, first=0.1)).flagged
    assert judge(START, after(0.5), paced(3, 200, gap=0.1, first=0.1)).flagged


def test_question_length_counts_what_is_read():
    assert question_chars(QuestionType.SINGLE, "三会一课 是 什么？", ["甲", "乙乙", "丙", "丁"]) == 13
    assert question_chars(QuestionType.MULTIPLE, "问题", ["一", "二"]) == 4
    assert question_chars(QuestionType.JUDGE, "对不对", []) == 3
    assert question_chars(QuestionType.FILL, "填____空", []) == 6


def _retime(app: Flask, attempt_id: int, started: datetime, submitted: datetime,
            saves: list[datetime]) -> None:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.started_at, attempt.submitted_at = started, submitted
        items = sorted(db.session.get(Attempt, attempt_id).items, key=lambda item: item.position)
        for item, saved in zip(items, saves, strict=True):
            item.answered_at = saved
        db.session.commit()


def _attempt_of(app: Flask, activity_id: int, person_id: int) -> int:
    with app.app_context():
        return db.session.scalars(
            db.select(Attempt.id).where(Attempt.activity_id == activity_id,
                                        Attempt.person_id == person_id).order_by(Attempt.id)
        ).first()


def test_the_organizer_sees_the_fast_attempts_on_the_activity_page(app, client, login,
                                                                    org: dict[str, Any]):
    test, pid = org["test"], org["pid"]
    # 甲一: the whole test in 4 seconds. 甲二: 20 minutes, but all four answers saved in one
    # second at the end. 乙三: a human pace (a minute a question).
    fast = _attempt_of(app, test, pid["a1"])
    _retime(app, fast, START, after(4), [after(1), after(2), after(3), after(3.5)])
    burst = _attempt_of(app, test, pid["a2"])
    _retime(app, burst, START, after(1200), [after(1199), after(1199.2), after(1199.4),
                                             after(1199.6)])
    human = _attempt_of(app, test, pid["b3"])
    _retime(app, human, START, after(300), [after(60), after(120), after(180), after(240)])

    login(client, ORGANIZER_G)
    html = client.get(f"/publish/{test}").get_data(as_text=True)
    assert "疑似过快作答" in html
    assert re.search(r"疑似过快作答</dt><dd[^>]*><a[^>]*>2 份答卷", html)
    rows = re.findall(r'<li class="[^"]*fast-row">(.*?)</li>', html, re.S)
    assert len(rows) == 2
    # The most blatant first: 甲二's saves took 0.6 s of the 4.5 s three questions need.
    assert "甲二" in rows[0] and "用时 0.6 秒，至少需要 4.5 秒" in rows[0]
    assert "甲一" in rows[1] and "用时 2.5 秒，至少需要 4.5 秒" in rows[1]
    assert not any("乙三" in row for row in rows)


def test_no_flag_section_when_every_attempt_is_paced(app, client, login, org: dict[str, Any]):
    login(client, ORGANIZER_G)
    html = client.get(f"/publish/{org['test']}").get_data(as_text=True)
    assert "已交卷" in html  # the page rendered the activity's figures
    assert "疑似过快作答" not in html  # add_result's attempts have no save times: nothing flagged


def test_unanswered_items_do_not_count(app, org: dict[str, Any]):
    attempt_id = _attempt_of(app, org["test"], org["pid"]["a1"])
    _retime(app, attempt_id, START, after(2), [after(1), after(1.5), None, None])
    with app.app_context():
        assert fast_attempts(db.session, org["test"]) == []  # two answers only
        db.session.get(AttemptItem, db.session.scalars(
            db.select(AttemptItem.id).where(AttemptItem.attempt_id == attempt_id,
                                            AttemptItem.position == 3)).one()
                       ).answered_at = after(1.8)
        db.session.commit()
        flagged = fast_attempts(db.session, org["test"])
    assert [row.attempt_id for row in flagged] == [attempt_id]
    assert flagged[0].speed.answered == 3
