"""Submitting at the close under fire: 500 members submitting the same test at once, one
member's submit fired 50 times at once, and the server's close job running through the
deadline beside them. Every sitting is graded exactly once (one score, one points ledger entry
per member, no doubled rows), none is lost, and the branch reports count each member once.

All through real HTTP against ``live_server.serve`` (login form, session cookie, the submit
form with its CSRF token), from a pool of client threads released together.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from flask import Flask
from sqlalchemy import select

from fault_helpers import (
    POINTS_EACH,
    Reply,
    check_graded_once,
    logged_in_phones,
    make_crowd,
    move_close,
    run_threads,
    save_right_answers,
    serve_over_http,
)
from live_server import serve
from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.models.base import utcnow
from quizapp.quiz import cli
from quizapp.results.clock import as_utc

MEMBERS, QUESTIONS, FIRED_AT_ONCE, CLIENT_THREADS = 500, 5, 50, 50


def fire_at_once(count: int, job) -> list[Reply]:
    """``job(i)`` for i in range(count), each on its own thread, all released together."""
    gate = threading.Barrier(count)
    return run_threads(count, count, lambda i: (gate.wait(), job(i))[1])


def run_close_job(app: Flask, stop: threading.Event, graded: list[int]) -> None:
    """The job's rounds (``flask attempts close-due``'s), back to back, until told to stop,
    and one more after."""
    with app.app_context():
        while True:
            stopping = stop.is_set()
            graded.append(cli._one_round())
            if stopping:
                return
            time.sleep(0.05)


def test_five_hundred_submits_at_the_close_and_one_fired_fifty_times_grade_once(
        app: Flask) -> None:
    serve_over_http(app)
    crowd = make_crowd(app, MEMBERS, QUESTIONS, branches=4)
    right = [member % (QUESTIONS + 1) for member in range(MEMBERS)]
    save_right_answers(app, crowd, right, utcnow())
    with serve(app) as base_url:
        started = time.monotonic()
        phones = logged_in_phones(base_url, crowd)
        logged_in = time.monotonic()
        move_close(app, crowd.activity_id, 2)

        # One member's submit fired 50 times at once.
        first = crowd.attempt_ids[0]
        repeated = fire_at_once(FIRED_AT_ONCE, lambda _i: phones[0].submit(first))

        # Everyone else at once, while the close job runs through the deadline.
        stop, graded_by_job = threading.Event(), []
        job = threading.Thread(target=run_close_job, args=(app, stop, graded_by_job))
        job.start()
        gate = threading.Barrier(CLIENT_THREADS)
        released = []

        def submit(member: int) -> Reply:
            if member <= CLIENT_THREADS:  # the first request of each client thread
                gate.wait()
                released.append(time.monotonic())
            return phones[member].submit(crowd.attempt_ids[member])

        others = run_threads(CLIENT_THREADS, MEMBERS - 1, lambda i: submit(i + 1))
        stop.set()
        job.join()
        again = phones[0].submit(first)
        done = time.monotonic()

    assert max(released) - min(released) < 1  # the storm was released within one second
    for reply in [*repeated, *others, again]:
        assert reply.status == 302, (reply.status, reply.body[:200])
        assert reply.location.endswith("/result"), reply.location
    scores = [count * POINTS_EACH for count in right]
    check_graded_once(app, crowd, scores)
    with app.app_context():
        rows = db.session.execute(select(Attempt.submitted_at, Attempt.deadline_at)
                                  .where(Attempt.activity_id == crowd.activity_id)).all()
    # A sitting submitted after the deadline (by its member or the job) finished at it.
    assert all(as_utc(submitted) <= as_utc(deadline) for submitted, deadline in rows)
    assert None not in graded_by_job  # no round of the job failed
    print(f"\nlogins {logged_in - started:.1f} s, submits {done - logged_in:.1f} s; "
          f"close job graded {sum(graded_by_job)} in {len(graded_by_job)} rounds; "
          f"submit replies {Counter(r.status for r in others)}")
