"""Shared pieces of the fault tests (tests/app/test_fault_*.py, test_sql_counts.py): a 总支 of
many members in a scored test of single-choice questions that is open now, their sittings
started in one go, a member's phone speaking real HTTP to ``live_server.serve`` (session cookie,
CSRF header), and a counter of the SQL statements an engine runs.

Building the members and sittings goes through the models and ``starting.start_scored`` in one
transaction each (hundreds of members in a second or two); what the tests are about (saving,
submitting, closing) goes through the real endpoints and jobs.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookiejar import CookieJar
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from flask import Flask
from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Engine

from activity_flow import add_pool, now
from activity_helpers import make_activity
from quiz_helpers import add_speech
from quizapp.auth.passwords import hash_password
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    Attempt,
    AttemptItem,
    AttemptStatus,
    BankQuestion,
    Person,
    PointEntry,
    QuestionType,
    ReportRollup,
    Unit,
    UnitKind,
    WrongBookEntry,
)
from quizapp.models.base import utcnow
from quizapp.results.awards import award_for_members
from quizapp.quiz import services, starting
from quizapp.results import windows
from quizapp.quiz.responses import to_shown
from quizapp.reports import pages, queries
from quizapp.results.figures import round1
from tests.conftest import DEFAULT_PASSWORD, csrf_token_from

POINTS_EACH = 5


@dataclass(frozen=True)
class Crowd:
    """A 总支 with branches of members, a scored test open now, and each member's sitting."""

    general_id: int
    branch_ids: list[int]
    activity_id: int
    phones: list[str]                 # member i logs in with phones[i]
    person_ids: list[int]
    attempt_ids: list[int]            # attempt_ids[i] is member i's sitting (if started)
    items: dict[int, list[AttemptItem]] = field(repr=False)  # attempt id -> items by position


def make_crowd(app: Flask, members: int, questions: int, *, branches: int = 2,
               closes_in: timedelta = timedelta(hours=2), seed: int = 7, started: bool = True,
               serial: int = 0) -> Crowd:
    """``members`` members spread over ``branches`` 党支部 of one 总支, a test of ``questions``
    single-choice questions (``POINTS_EACH`` points each) closing ``closes_in`` from now, and
    (if ``started``) a started sitting for every member. Crowds of one database need
    different ``serial`` numbers (0–9: their members' phones differ)."""
    with app.app_context():
        general = Unit(name=f"压力测试党总支{serial}", kind=UnitKind.GENERAL_BRANCH)
        db.session.add(general)
        db.session.flush()
        units = [Unit(name=f"压力测试第{i + 1}支部", kind=UnitKind.BRANCH, parent_id=general.id)
                 for i in range(branches)]
        db.session.add_all(units)
        db.session.flush()
        password = hash_password(DEFAULT_PASSWORD)
        phones = [f"15{serial}{i:08d}" for i in range(members)]
        people = [Person(name=f"党员{i}", phone=phone, unit_id=units[i % branches].id,
                         password_hash=password, must_change_password=False)
                  for i, phone in enumerate(phones)]
        db.session.add_all(people)
        db.session.commit()
        general_id, branch_ids = general.id, [unit.id for unit in units]
        person_ids = [person.id for person in people]
    speech = add_speech(app, general_id)
    add_pool(app, speech, QuestionType.SINGLE, [2] * questions)
    activity_id = make_activity(app, general_id, opens_at=now() - timedelta(hours=1),
                                closes_at=now() + closes_in,
                                parts=[(QuestionType.SINGLE, questions, POINTS_EACH)])
    rng = random.Random(seed)
    with app.app_context():
        attempt_ids = [
            starting.start_scored(db.session, db.session.get_one(Person, person_id), activity_id,
                                  rng=rng).id
            for person_id in (person_ids if started else [])
        ]
        db.session.commit()
    return Crowd(general_id, branch_ids, activity_id, phones, person_ids, attempt_ids,
                 items_by_attempt(app, attempt_ids))


def items_by_attempt(app: Flask, attempt_ids: list[int]) -> dict[int, list[AttemptItem]]:
    """Every item of these attempts, detached, in position order."""
    found: dict[int, list[AttemptItem]] = {attempt_id: [] for attempt_id in attempt_ids}
    with app.app_context():
        rows = db.session.scalars(
            select(AttemptItem).where(AttemptItem.attempt_id.in_(attempt_ids))
            .order_by(AttemptItem.attempt_id, AttemptItem.position))
        for item in rows:
            db.session.expunge(item)
            found[item.attempt_id].append(item)
    return found


def answer_keys(app: Flask, question_ids: set[int]) -> dict[int, int]:
    """The right option index of each (single-choice) question."""
    with app.app_context():
        return {qid: answer[0] for qid, answer in db.session.execute(
            select(BankQuestion.id, BankQuestion.answer).where(BankQuestion.id.in_(question_ids)))}


def shown_choice(item: AttemptItem, option: int) -> int:
    """The display position of a question's option in this item (what the phone sends)."""
    return to_shown(QuestionType.SINGLE, item.option_order, [option])


@dataclass
class Reply:
    status: int
    body: str
    location: str | None = None

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class _KeepRedirects(HTTPRedirectHandler):
    """Hand a redirect back to the caller (as a 30x reply) instead of following it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Phone:
    """One member's browser against a live server: its own cookies, real HTTP requests.

    Safe to use from several threads at once (the cookie jar locks itself), as a member tapping
    a button on two tabs would.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = CookieJar()
        self._opener = build_opener(HTTPCookieProcessor(self.cookies), _KeepRedirects())
        self.csrf_token = ""

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                json_body: Any = None, timeout: float = 60) -> Reply:
        headers = {"X-CSRFToken": self.csrf_token} if self.csrf_token else {}
        data = None
        if form is not None:
            data = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        request = Request(self.base_url + path, data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return Reply(response.status, response.read().decode("utf-8"))
        except HTTPError as error:  # 30x (not followed), 4xx and 5xx
            with error:
                return Reply(error.code, error.read().decode("utf-8"),
                             error.headers.get("Location"))

    def login(self, phone: str, attempt_id: int) -> None:
        """Log in through the form and take the CSRF token the answering script would use
        (from the attempt's state endpoint)."""
        page = self.request("GET", "/auth/login")
        form = {"account": phone, "password": DEFAULT_PASSWORD,
                "csrf_token": csrf_token_from(page.body)}
        reply = self.request("POST", "/auth/login", form=form)
        assert reply.status == 302, (phone, reply.status, reply.body[:300])
        state = self.request("GET", f"/quiz/attempts/{attempt_id}/state")
        assert state.status == 200, state.body
        self.csrf_token = state.json["csrf_token"]

    def save(self, attempt_id: int, question_id: int, shown: Any, seq: int) -> Reply:
        return self.request("POST", f"/quiz/attempts/{attempt_id}/answers",
                            json_body={"question_id": question_id, "response": shown, "seq": seq})

    def save_batch(self, attempt_id: int, entries: list[dict[str, Any]]) -> Reply:
        """The answering page's batch: ``entries`` of {"question_id", "response", "seq"}."""
        return self.request("POST", f"/quiz/attempts/{attempt_id}/answers",
                            json_body={"answers": entries})

    def submit(self, attempt_id: int) -> Reply:
        """The submit page's button: the form carries the token (the header does too)."""
        return self.request("POST", f"/quiz/attempts/{attempt_id}/submit",
                            form={"csrf_token": self.csrf_token})


def serve_over_http(app: Flask) -> None:
    """Ready the app for many concurrent clients over real HTTP.

    Production's CSRF checks on, and cookies sent over plain HTTP (as with
    ``QUIZAPP_SECURE_COOKIES=0`` on an intranet): urllib, unlike a browser, keeps no Secure
    cookie for http://127.0.0.1. On SQLite the file goes to WAL mode with ``synchronous=NORMAL``
    (what a SQLite site with concurrent writers must run): in the default rollback journal every
    commit waits for an fsync and readers block the writer, so 32 clients saving at once queue
    past SQLite's 5-second busy timeout and get 503s (2 of 1,280 saves in a trial run). The
    busy timeout goes to 60 s: with one writer at a time, 50 submits at once wait their turn.
    """
    app.config.update(WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=False,
                      REMEMBER_COOKIE_SECURE=False)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        event.listen(engine, "connect", _sqlite_normal_sync)
        engine.dispose()


def _sqlite_normal_sync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    # SQLite has one writer at a time: 50 submits at once queue longer than the default 5 s.
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()


def logged_in_phones(base_url: str, crowd: Crowd, workers: int = 16) -> list[Phone]:
    """A logged-in phone for every member of the crowd (logins run on ``workers`` threads)."""
    phones = [Phone(base_url) for _ in crowd.phones]
    run_threads(workers, len(phones),
                lambda i: phones[i].login(crowd.phones[i], crowd.attempt_ids[i]))
    return phones


def run_threads(workers: int, count: int, job: Any) -> list[Any]:
    """Run ``job(i)`` for i in range(count) on ``workers`` threads; re-raise the first error.
    Returns the results by i."""
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    cursor = iter(range(count))
    lock = threading.Lock()

    def work() -> None:
        while not errors:
            with lock:
                i = next(cursor, None)
            if i is None:
                return
            try:
                results[i] = job(i)
            except BaseException as error:  # noqa: BLE001 - handed to the test thread
                errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


class StatementCount:
    """SQL statements the engine ran while counting (``before_cursor_execute``)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)


@contextmanager
def counting_statements(engine: Engine) -> Iterator[StatementCount]:
    """Count the statements ``engine`` runs inside the ``with`` block."""
    count = StatementCount()
    event.listen(engine, "before_cursor_execute", count._seen)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", count._seen)


def move_close(app: Flask, activity_id: int, seconds: float) -> datetime:
    """Move the test's close (and so its open sittings' deadlines) to ``seconds`` from now;
    returns the new close."""
    closes = utcnow() + timedelta(seconds=seconds)
    with app.app_context():
        db.session.execute(update(Activity).where(Activity.id == activity_id)
                           .values(closes_at=closes))
        windows.refresh_deadlines(db.session, activity_id)
        db.session.commit()
    return closes


def save_right_answers(app: Flask, crowd: Crowd, right: list[int], at: datetime) -> None:
    """Member i answers every question through the service (seq 1): the first ``right[i]``
    right, the others wrong; one commit."""
    keys = answer_keys(app, {item.question_id for items in crowd.items.values() for item in items})
    with app.app_context():
        for member, attempt_id in enumerate(crowd.attempt_ids):
            for position, item in enumerate(crowd.items[attempt_id]):
                option = keys[item.question_id]
                if position >= right[member]:
                    option = (option + 1) % len(item.option_order)
                services.save_answer(db.session, crowd.person_ids[member], attempt_id,
                                     question_id=item.question_id,
                                     shown=shown_choice(item, option), seq=1, now=at)
        db.session.commit()


def check_graded_once(app: Flask, crowd: Crowd, scores: list[int]) -> None:
    """Every member has one scored sitting, submitted and graded with ``scores[i]`` points,
    one points ledger entry for the activity that a repeated award leaves alone, no wrong
    answer counted twice in the 错题本, and report figures that count each member once."""
    with app.app_context():
        attempts = list(db.session.scalars(
            select(Attempt).where(Attempt.activity_id == crowd.activity_id)))
        assert sorted(a.person_id for a in attempts) == sorted(crowd.person_ids)  # none doubled
        by_person = {a.person_id: a for a in attempts}
        for member, person_id in enumerate(crowd.person_ids):
            attempt = by_person[person_id]
            assert attempt.status is AttemptStatus.SUBMITTED, member
            assert attempt.score == scores[member], (member, attempt.score)
            assert attempt.correct_count == scores[member] // POINTS_EACH
        ungraded = db.session.scalar(select(func.count()).select_from(AttemptItem).where(
            AttemptItem.attempt_id.in_(crowd.attempt_ids), AttemptItem.points.is_(None)))
        assert ungraded == 0
        entries = Counter(db.session.scalars(select(PointEntry.person_id).where(
            PointEntry.activity_id == crowd.activity_id)))
        earning = [p for member, p in enumerate(crowd.person_ids) if scores[member] > 0]
        assert entries == Counter(earning)  # one entry each (none for a score of 0), none doubled
        assert award_for_members(db.session, crowd.activity_id, crowd.person_ids) == {}
        assert db.session.scalar(select(func.max(WrongBookEntry.wrong_count)).where(
            WrongBookEntry.person_id.in_(crowd.person_ids))) in (None, 1)
        db.session.rollback()
        _check_reports(crowd, by_person)


def _check_reports(crowd: Crowd, attempts: dict[int, Attempt]) -> None:
    """The 总支's and each branch's report figures equal what the attempts give, and the
    stored roll-up equals the figures recomputed from the attempts."""
    activity = db.session.get_one(Activity, crowd.activity_id)
    units = {person.id: person.unit_id for person in db.session.scalars(
        select(Person).where(Person.id.in_(crowd.person_ids)))}
    for unit_id in [crowd.general_id, *crowd.branch_ids]:
        members = [p for p in crowd.person_ids if unit_id in (crowd.general_id, units[p])]
        percents = [attempts[p].score * 100 / attempts[p].max_score for p in members
                    if attempts[p].status is AttemptStatus.SUBMITTED]
        total = pages.activity_report(db.session, db.session.get_one(Unit, unit_id),
                                      activity).total
        assert (total.audience, total.participants, total.unfinished) == (
            len(members), len(percents), len(members) - len(percents)), unit_id
        assert total.average == (round1(sum(percents) / len(percents)) if percents else None)
    live = queries.unit_results(db.session, crowd.activity_id)
    stored = {row.unit_id: row for row in db.session.scalars(
        select(ReportRollup).where(ReportRollup.activity_id == crowd.activity_id))}
    for unit_id, part in live.items():
        row = stored.get(unit_id)
        kept = (row.participants, row.passed, row.excellent) if row else (0, 0, 0)
        assert kept == (part.participants, part.passed, part.excellent), unit_id
        assert abs((row.pct_sum if row else 0.0) - part.pct_sum) < 1e-6
