"""Shared pieces for the property-based fuzz tests (test_fuzz_forms.py, test_fuzz_json.py):
the hypothesis profile, hostile and valid-shaped values, a world with objects of two
organizations, and the properties every request must keep.

The properties: never a 500 nor a stack trace in the body; a 4xx changes no stored row; a
2xx/3xx leaves every stored row valid (``check_invariants``).

``QUIZAPP_FUZZ_EXAMPLES`` sets the examples per endpoint: 100 by default, so that the whole suite
fits CI's budget on two databases; the full run of 1,000 each (about half an hour on SQLite on two
cores) is ``QUIZAPP_FUZZ_EXAMPLES=1000 bash scripts/test tests/app/test_fuzz_forms.py
tests/app/test_fuzz_json.py``. Runs are derandomized and keep no example database, so every run
sees the same cases.
"""

from __future__ import annotations

import io
import math
import os
import re
import string
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from activity_flow import now, open_activity, start_scored
from bank_helpers import add_report
from publish_helpers import ORGANIZER, org, pub_bank, set_status  # noqa: F401 - fixtures
from quiz_helpers import MEMBER, attempt_id_from, quiz_org, start  # noqa: F401 - fixture
from quizapp.contest import play, services
from quizapp.extensions import db
from quizapp.models import (
    Activity,
    ActivityStatus,
    AttemptItem,
    BankQuestion,
    BlueprintPart,
    Notice,
    Person,
    PointEntry,
    QuestionType,
)
from quizapp.quiz.responses import MAX_FILL_LENGTH, blank_count

EXAMPLES = int(os.environ.get("QUIZAPP_FUZZ_EXAMPLES") or 100)

fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")
PHONE = re.compile(r"^1\d{10}$")

# ---------------------------------------------------------------- values

_ODD = [
    "", " ", "\t\n", "0", "-0", "-1", "1", "2", "5", "10", "20", "100", "101", "1e3", "1e309", "NaN",
    "inf", "-inf", "0x10", "1_000", "+7", " 7 ", "3.5", "9" * 19, "9" * 40, "-" + "9" * 25,
    "²", "٣", "１２", "۴۵", "Ⅻ", "〇", "十", "true", "false", "on", "y", "null", "None", "[]", "{}",
    "\x00", "a\x00b", "\x01\x02\x1b[31m", "\u202eRTL文本\u202c", "שלום", "مرحبا", "😀👍🏽", "𠮷野家",
    "党建知识", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%s%n", "{{7*7}}",
    "2026-02-30", "2026-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01",
    "2026-11-20", "2026/11/20", "20261120", "2026-11-20T09:00", "2026-11-20 09:00",
    "2026-11-20T25:61", "2026-11-20T09:00:00+08:00", "2026-11-20T09:00Z", "1969-12-31 23:59",
    "2026-11", "2026-00", "2026-1", "2026-Q4", "2026-10-01", "2027-01-01", "Q5",
    "13800000001", "1380000000١", "138 0000 0001", "+8613800000001", "A", "ACD", "对", "错",
]

_CHARS = st.characters(blacklist_categories=("Cs",))


def hostile_text() -> st.SearchStrategy[str]:
    """Strings a form field may receive: odd tokens, any unicode, control characters, huge."""
    return st.one_of(
        st.sampled_from(_ODD),
        st.text(_CHARS, max_size=30),
        st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=8),
        st.integers(-(2**70), 2**70).map(str),
        st.sampled_from([100, 201, 2001, 10_000]).map(lambda n: "党" * n),
        st.sampled_from(["9" * 10_000, "a\x00" * 5_000]),
    )


def _dates() -> st.SearchStrategy[str]:
    return st.dates().map(lambda d: d.isoformat())


def valid_shaped(kind: str) -> st.SearchStrategy[str]:
    """Values of the right shape for a field kind, often in range, sometimes not.

    Kinds: text, int, date, datetime, month, bool, or ``choice:a|b|c``.
    """
    if kind.startswith("choice:"):
        return st.sampled_from(kind.removeprefix("choice:").split("|"))
    return {
        "text": st.text(_CHARS, min_size=1, max_size=40),
        "int": st.one_of(st.integers(-5, 120), st.integers(-(2**64), 2**64)).map(str),
        "date": _dates(),
        "datetime": st.one_of(
            st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
            st.builds(lambda days, minutes: (now() + timedelta(days=days, minutes=minutes))
                      .strftime("%Y-%m-%dT%H:%M"), st.integers(-40, 400), st.integers(0, 1440)),
        ),
        "month": st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1, 9999), st.integers(0, 13)),
        "bool": st.sampled_from(["y", "on", "1", "true", ""]),
    }[kind]


def field_value(kind: str) -> st.SearchStrategy[str]:
    return st.one_of(valid_shaped(kind), valid_shaped(kind), hostile_text())


def form_data(fields: dict[str, str]) -> st.SearchStrategy[MultiDict[str, str]]:
    """Form bodies for these fields (name -> kind): each field missing, once or repeated,
    valid-shaped or hostile, plus unknown extra fields."""
    def one(name: str, kind: str) -> st.SearchStrategy[list[tuple[str, str]]]:
        values = field_value(kind)
        return st.one_of(
            st.just([]),
            values.map(lambda v: [(name, v)]),
            values.map(lambda v: [(name, v)]),
            st.lists(values, min_size=2, max_size=3).map(lambda vs: [(name, v) for v in vs]),
        )

    extra = st.lists(st.tuples(st.one_of(st.sampled_from(["id", "unit_id", "person_id", "status",
                                                          "csrf_token", "__proto__"]),
                                         st.text(string.ascii_letters + "-_[]", min_size=1,
                                                 max_size=12)),
                               hostile_text()), max_size=2)
    parts = [one(name, kind) for name, kind in fields.items()]
    return st.tuples(*parts, extra).map(lambda chunks: MultiDict([p for c in chunks for p in c]))


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """Any JSON document, including huge numbers, floats, unicode and nesting."""
    leaves = st.one_of(
        st.none(), st.booleans(), st.integers(), st.integers(-(2**80), 2**80),
        st.floats(allow_nan=False, allow_infinity=False), hostile_text(),
    )
    return st.recursive(leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(_CHARS, max_size=8), inner, max_size=4),
    ), max_leaves=max_leaves)


# ---------------------------------------------------------------- the world

@pytest.fixture
def world(app: Flask, org: dict[str, Any], pub_bank: dict[str, Any], login: Any
          ) -> dict[str, Any]:
    """The world below."""
    return build_world(app, org, pub_bank, login)


def logged_in(app: Flask, login: Any, account: str) -> FlaskClient:
    """A new client logged in as ``account`` (conftest's ``login`` fixture)."""
    client = app.test_client()
    response = login(client, account)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def build_world(app: Flask, org: dict[str, Any], pub_bank: dict[str, Any], login: Any
                ) -> dict[str, Any]:
    """Objects every endpoint can aim at, in the first 总支 and (foreign) in the second:
    open tests with a started attempt each, a draft test, a member's practice covering every
    question type, a pending manual points entry, a 纠错 report, and a live contest in its
    lobby (free teams 红队 and 蓝队; a 全员答题 round of two questions, then a 抢答 风险 round of
    one) that the member joined (the outsider joined the foreign one; member2 joined none)."""
    units, people = org["units"], org["people"]
    mine = open_activity(app, units["general"].id)
    foreign = open_activity(app, units["other"].id)
    draft = set_status(app, open_activity(app, units["general"].id, started=-24, hours_open=48,
                                     audience=False),
                       ActivityStatus.DRAFT)
    scored = start_scored(app, people["member"].id, mine)
    foreign_attempt = start_scored(app, people["outsider"].id, foreign)
    client = logged_in(app, login, MEMBER)
    practice = attempt_id_from(start(client, count=20, key="fuzzworld"))
    with app.app_context():
        question = db.session.scalars(select(BankQuestion.id).order_by(BankQuestion.id)).first()
        foreign_question = db.session.scalars(
            select(BankQuestion.id).where(BankQuestion.speech_id == pub_bank["other_speech"])
        ).first()
    report = add_report(app, question, people["member"])
    organizer = logged_in(app, login, ORGANIZER)
    response = organizer.post(f"/points/people/{people['member'].id}/entries/new",
                              data={"kind": "award", "points": "5", "reason": "积极参加主题党日"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        entry = db.session.scalars(select(PointEntry.id).order_by(PointEntry.id.desc())).first()
        notices = [Notice(person_id=people[who].id, activity_id=mine, text="请按时完成季度测试")
                   for who in ("member", "outsider")]
        db.session.add_all(notices)
        db.session.commit()
        notice, foreign_notice = (n.id for n in notices)
    contest, contest_code, contest_team = add_contest(
        app, units["general"].id, people["organizer"].id, people["member"].id)
    foreign_contest, foreign_code, _ = add_contest(
        app, units["other"].id, people["other_organizer"].id, people["outsider"].id)
    ids = {"activity": mine, "foreign_activity": foreign, "draft": draft, "attempt": scored,
           "foreign_attempt": foreign_attempt, "practice": practice, "question": question,
           "foreign_question": foreign_question, "report": report, "entry": entry,
           "notice": notice, "foreign_notice": foreign_notice, "contest": contest,
           "contest_code": contest_code, "contest_team": contest_team,
           "foreign_contest": foreign_contest, "foreign_code": foreign_code}
    return {"units": units, "people": people, "ids": ids, **pub_bank}


CONTEST_ROUNDS = "全员答题,2,10,600\n抢答,1,10,600,风险"


def add_contest(app: Flask, unit_id: int, organizer_id: int, entrant_id: int
                ) -> tuple[int, str, int]:
    """A contest of the unit in its lobby (quizapp.contest.services), joined by one member
    of 红队; returns its id, its code and the id of 蓝队."""
    with app.app_context():
        organizer = db.session.get_one(Person, organizer_id)
        contest = services.create_contest(db.session, organizer, "党建知识竞赛", unit_id, "free",
                                          "红队,蓝队", services.parse_rounds(CONTEST_ROUNDS),
                                          services.Selection())
        play.join(db.session, contest, db.session.get_one(Person, entrant_id), contest.teams[0].id)
        db.session.commit()
        return contest.id, contest.code, contest.teams[1].id


# ---------------------------------------------------------------- properties

def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (login sessions' last-seen times left out)."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in {"last_seen_at"}]
            rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
            tables[table.name] = [tuple(row) for row in rows]
        db.session.rollback()
        return tables


def assert_no_crash(response: Any) -> None:
    mimetype = response.mimetype or ""
    if mimetype.startswith("text/") or response.is_json:
        body = response.get_data(as_text=True)
    else:  # a workbook: it opens, and there is no text to read a traceback in
        body = f"<{mimetype}, {len(response.get_data())} bytes>"
        if response.status_code == 200 and mimetype == XLSX:
            load_workbook(io.BytesIO(response.get_data()), read_only=True).close()
    assert response.status_code < 500, (response.status_code, body[:2000])
    assert not TRACEBACK.search(body), body[:2000]


class Watcher:
    """Sends requests and checks the properties, keeping the last snapshot of every table
    (one snapshot per request: the one after a request is the one before the next)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.last = snapshot(app)
        self.statuses: dict[int, int] = {}

    def send(self, request: Callable[[], Any]) -> Any:
        response = request()
        assert_no_crash(response)
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        after = snapshot(self.app)
        if 400 <= response.status_code < 500:
            changed = [name for name in after if after[name] != self.last[name]]
            assert not changed, (response.status_code, changed)
        elif after != self.last:
            check_invariants(self.app, after)
        self.last = after
        return response


def _has_nul(value: Any) -> bool:
    """A NUL character anywhere in a stored value (PostgreSQL refuses them in text and JSON,
    so SQLite must not keep them either)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def _response_ok(qtype: QuestionType, options: list[str], blanks: int, stored: Any) -> bool:
    if stored is None:
        return True
    if qtype is QuestionType.JUDGE:
        return isinstance(stored, bool)
    if qtype is QuestionType.FILL:
        return (isinstance(stored, list) and len(stored) == blanks
                and all(isinstance(v, str) and len(v) <= MAX_FILL_LENGTH for v in stored))
    ok = (isinstance(stored, list) and stored == sorted(set(stored))
          and all(type(v) is int and 0 <= v < len(options) for v in stored))
    return ok and (len(stored) == 1 if qtype is QuestionType.SINGLE else len(stored) >= 1)


def check_invariants(app: Flask, tables: dict[str, list[tuple[Any, ...]]]) -> None:
    """What no successful request may leave behind (``tables``: a snapshot taken after it)."""
    with app.app_context():
        for phone, in db.session.execute(select(Person.phone).where(Person.phone.is_not(None))):
            assert PHONE.match(phone), phone
        for activity in db.session.scalars(select(Activity)):
            assert activity.opens_at < activity.closes_at, activity.id
            if activity.practice_opens_at is not None:
                assert activity.practice_opens_at <= activity.opens_at, activity.id
            assert activity.title.strip(), activity.id
            assert activity.time_limit_minutes is None or activity.time_limit_minutes >= 1
        for part in db.session.scalars(select(BlueprintPart)):
            assert 1 <= part.count <= 100 and 1 <= part.points_each <= 100
        rows = db.session.execute(
            select(AttemptItem.response, AttemptItem.option_order, BankQuestion.type,
                   BankQuestion.options, BankQuestion.stem, BankQuestion.answer)
            .join(BankQuestion, BankQuestion.id == AttemptItem.question_id)
        )
        for response, order, qtype, options, stem, answer in rows:
            blanks = blank_count(stem, len(answer) if isinstance(answer, list) else 1)
            assert _response_ok(qtype, options, blanks, response), (qtype, response)
        for question in db.session.scalars(select(BankQuestion)):
            assert question.stem.strip() and 1 <= question.difficulty <= 3, question.id
            _check_question(question)
        for entry in db.session.scalars(select(PointEntry)):
            assert entry.points != 0 and math.isfinite(entry.points)
        db.session.rollback()
    garbage = [name for name, rows in tables.items() if _has_nul(rows)]
    assert not garbage, garbage


def _check_question(question: BankQuestion) -> None:
    options, answer = question.options, question.answer
    if question.type is QuestionType.JUDGE:
        assert isinstance(answer, bool) and options == [], question.id
    elif question.type is QuestionType.FILL:
        assert isinstance(answer, list) and answer and all(isinstance(a, str) and a.strip()
                                                           for a in answer), question.id
    else:
        assert all(isinstance(o, str) and o.strip() for o in options), question.id
        assert isinstance(answer, list) and answer == sorted(set(answer)), question.id
        assert all(type(a) is int and 0 <= a < len(options) for a in answer), question.id
        assert len(answer) == 1 if question.type is QuestionType.SINGLE else len(answer) >= 2
