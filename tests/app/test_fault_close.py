"""The close of a test passing while members are mid-attempt.

Members have saved answers over HTTP; the server job runs as a real process
(``flask --app wsgi attempts close-due --every N``); the deadline passes. The job submits every
open sitting with its saved answers within a round of its interval (well within the 60 s the
issue allows), the recorded finish time is the deadline, not the time the job ran; saves sent
after the deadline are refused with a clear Chinese message and never counted; and a second
run of the job changes nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from fault_helpers import (
    POINTS_EACH,
    answer_keys,
    check_graded_once,
    logged_in_phones,
    make_crowd,
    move_close,
    run_threads,
    serve_over_http,
    shown_choice,
)
from live_server import serve
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    PointEntry,
    ReportRollup,
    WrongBookEntry,
)
from quizapp.results.clock import as_utc

MEMBERS, QUESTIONS, EVERY = 30, 6, 2
ROOT = Path(__file__).resolve().parents[2]
GRADED_LINE = re.compile(r"已自动交卷 (\d+) 份")
LATE_MESSAGES = {"答题时间已到，答案未能保存", "本次答题已交卷，不能再修改答案"}


def job_command(database_url: str, *extra: str) -> tuple[list[str], dict[str, str]]:
    """``flask attempts close-due`` against the test database, as the server would run it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUIZAPP_")}
    env.update(QUIZAPP_ENV="testing", QUIZAPP_SECRET_KEY="close-job-test",
               QUIZAPP_DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
    flask = str(Path(sys.executable).with_name("flask"))
    return [flask, "--app", "wsgi", "attempts", "close-due", *extra], env


def snapshot(app: Flask, activity_id: int) -> tuple:
    """Everything a close could write for the activity."""
    with app.app_context():
        return (
            db.session.execute(select(Attempt.id, Attempt.status, Attempt.score,
                                      Attempt.submitted_at, Attempt.updated_at)
                               .where(Attempt.activity_id == activity_id)
                               .order_by(Attempt.id)).all(),
            db.session.execute(select(AttemptItem.id, AttemptItem.response, AttemptItem.saved_seq,
                                      AttemptItem.points).order_by(AttemptItem.id)).all(),
            db.session.execute(select(PointEntry.id, PointEntry.points)
                               .order_by(PointEntry.id)).all(),
            db.session.execute(select(ReportRollup.unit_id, ReportRollup.participants,
                                      ReportRollup.pct_sum).order_by(ReportRollup.unit_id)).all(),
            db.session.execute(select(WrongBookEntry.id, WrongBookEntry.wrong_count)
                               .order_by(WrongBookEntry.id)).all(),
        )


def test_the_close_job_submits_open_sittings_at_the_deadline_and_refuses_late_saves(
        app: Flask, database_url: str) -> None:
    serve_over_http(app)
    crowd = make_crowd(app, MEMBERS, QUESTIONS)
    keys = answer_keys(app, {i.question_id for items in crowd.items.values() for i in items})
    right = [member % (QUESTIONS + 1) for member in range(MEMBERS)]

    def answer(member: int, position: int, correct: bool) -> int:
        item = crowd.items[crowd.attempt_ids[member]][position]
        option = keys[item.question_id] if correct else (keys[item.question_id] + 1) % 4
        return shown_choice(item, option)

    def save_all(phones: list, member: int, seq: int, late: bool) -> list:
        """Member saves every question: before the close as planned, after it all right. Odd
        members send them all in one request, as the answering page batches them."""
        attempt_id = crowd.attempt_ids[member]
        if member % 2:
            return [phones[member].save_batch(attempt_id, [
                {"question_id": item.question_id, "seq": seq,
                 "response": answer(member, p, late or p < right[member])}
                for p, item in enumerate(crowd.items[attempt_id])])]
        return [phones[member].save(attempt_id, item.question_id,
                                    answer(member, p, late or p < right[member]), seq)
                for p, item in enumerate(crowd.items[attempt_id])]

    command, env = job_command(database_url, "--every", str(EVERY))
    job = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        with serve(app) as base_url:
            phones = logged_in_phones(base_url, crowd)
            saved = run_threads(8, MEMBERS, lambda m: save_all(phones, m, 1, late=False))
            assert {reply.status for replies in saved for reply in replies} == {200}
            assert all(reply.json["ok"] for replies in saved for reply in replies)
            deadline = move_close(app, crowd.activity_id, 2)
            while time.time() < deadline.timestamp() + 0.2:
                time.sleep(0.05)
            late = run_threads(8, MEMBERS, lambda m: save_all(phones, m, 2, late=True))
            wait_all_submitted(app, crowd.attempt_ids, timeout=60)
            after_job = run_threads(8, MEMBERS, lambda m: save_all(phones, m, 3, late=True))
    finally:
        job.terminate()
        output, errors = job.communicate(timeout=30)

    assert "Traceback" not in errors, errors
    assert sum(int(n) for n in GRADED_LINE.findall(output)) == MEMBERS, output
    for reply in [r for replies in late + after_job for r in replies]:
        assert reply.status == 409, (reply.status, reply.body)
        assert reply.json["closed"] is True and reply.json["message"] in LATE_MESSAGES
    with app.app_context():
        rows = db.session.execute(select(Attempt.submitted_at, Attempt.deadline_at,
                                         Attempt.updated_at)
                                  .where(Attempt.id.in_(crowd.attempt_ids))).all()
        assert all(as_utc(submitted) == as_utc(finish) == deadline for submitted, finish, _ in rows)
        # The job stamps the time of its round on what it submits.
        lag = max(as_utc(ran) for _, _, ran in rows) - deadline
        print(f"\nthe job submitted all {MEMBERS} sittings {lag.total_seconds():.1f} s after the "
              f"deadline (interval {EVERY} s)")
        assert lag.total_seconds() < 60
        # Only the answers saved before the close were stored and counted.
        assert set(db.session.scalars(select(AttemptItem.saved_seq).where(
            AttemptItem.attempt_id.in_(crowd.attempt_ids)))) == {1}
    check_graded_once(app, crowd, [count * POINTS_EACH for count in right])

    before = snapshot(app, crowd.activity_id)
    command, env = job_command(database_url)
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert GRADED_LINE.findall(again.stdout) == ["0"]
    assert snapshot(app, crowd.activity_id) == before


def wait_all_submitted(app: Flask, attempt_ids: list[int], timeout: float) -> None:
    """Return once every attempt is submitted; fail after ``timeout`` seconds."""
    started = time.monotonic()
    while True:
        with app.app_context():
            still_open = db.session.scalar(select(Attempt.id).where(
                Attempt.id.in_(attempt_ids), Attempt.status == AttemptStatus.OPEN).limit(1))
        waited = time.monotonic() - started
        if still_open is None:
            return
        assert waited < timeout, "the close job left sittings open"
        time.sleep(0.1)
