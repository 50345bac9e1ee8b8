"""Property-based fuzzing of every route that accepts a POST (the WTForms of
quizapp/*/forms.py and the hand-built answering form), and of every query argument a GET route
reads (the search and filter forms, ``?p=`` periods, ``?next=``): valid-shaped and hostile
values, missing, repeated and extra fields, and ids of the other organization's objects.

``test_every_post_route_is_fuzzed`` fails when a route that accepts POST has no row here;
``test_every_query_argument_is_fuzzed`` when the code or a GET form reads an argument that no
row of ``QUERIES`` sends.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from werkzeug.datastructures import FileStorage, MultiDict

import roster_helpers
from bank_helpers import xlsx_bytes as bank_xlsx
from fuzz_helpers import (  # noqa: F401 - fixtures re-exported
    Watcher,
    form_data,
    fuzz_settings,
    hostile_text,
    logged_in,
    org,
    pub_bank,
    quiz_org,
    snapshot,
    world,
)
from publish_helpers import ADMIN, ORGANIZER, OTHER_ORGANIZER
from quiz_helpers import MEMBER, OUTSIDER
from quizapp.models import QuestionOrigin, QuestionStatus, QuestionType

TYPES = "|".join(t.value for t in QuestionType)
STATUSES = "|".join(s.value for s in QuestionStatus)
ORIGINS = "|".join(o.value for o in QuestionOrigin)
QUESTION = {"stem": "text", "options": "text", "answer": "choice:A|B|AB|ACD|对|错|党课|E",
            "explanation": "text", "difficulty": "choice:1|2|3|0|4", "concept": "text",
            "accepted_variants": "text", "resolve_reports": "bool", "next": "text"}
AUTHOR = {"paragraph": "choice:1|2|3|4|5|0|99|x|", "phrase": "choice:三会一课|党课|上好党课|四个意识|一|"}
ACTIVITY = {"title": "text", "unit": "int", "intro": "text", "practice_opens_at": "datetime",
            "opens_at": "datetime", "closes_at": "datetime", "time_limit": "int", "attempts": "int",
            "answers_shown": "choice:after_submit|after_close|never", "partial_multiple": "bool",
            "pass_percent": "int", "excellent_percent": "int", "save": "bool", "publish": "bool",
            "parts-0-type": f"choice:{TYPES}|", "parts-0-count": "int", "parts-0-points_each": "int",
            "parts-0-speech": "int", "parts-0-concept": "text", "parts-1-type": f"choice:{TYPES}",
            "parts-1-count": "int", "parts-11-type": f"choice:{TYPES}", "parts-11-count": "int"}
STUDY = {**ACTIVITY, "month": "month", "passages-0-speech": "int", "passages-0-first": "int",
         "passages-0-last": "int", "passages-0-concept": "text"}
TEST = {**ACTIVITY, "quarter": "choice:2026-10-01|2027-01-01|2026-07-01|2026-10-02"}
POINT_RULES = {"effective_from": "date", "note": "text", "study_points": "int", "study_cap": "int",
               "test_points": "int", "test_cap": "int"}
RATING_RULES = {"effective_from": "date", "note": "text", "min_members": "int",
                "yellow_participation": "int", "yellow_average": "int", "red_participation": "int",
                "red_average": "int", "star5_participation": "int", "star5_average": "int",
                "star1_participation": "int", "star1_average": "int"}
CONTEST = {"title": "text", "unit": "int", "team_mode": "choice:free|branch|group|units|",
           "team_names": "choice:红队,蓝队|一队，二队，三队|独一队|红队,红队|",
           "rounds": "choice:全员答题,2,10,20|抢答,2,20,15,风险|全员答题,1,10,20\n抢答,1,10,15"
                     "|全员答题,60,10,20|全员答题,0,10,20|抢答,1,10,4|全员答题,1,10,20,x|x",
           "speech": "int", "qtype": "choice:|single|multiple|judge|fill|essay",
           "concept": "choice:三会一课|四个意识|不存在的要点|", "picked": "text"}
# Fuzzed with JSON bodies in test_fuzz_json.py.
JSON_ROUTES = {"/quiz/attempts/<int:attempt_id>/answers",
               *(f"/contest/<int:contest_id>/{move}"
                 for move in ("advance", "end", "judge", "stake", "answer", "press"))}


@dataclass(frozen=True)
class Endpoint:
    """One POST route: who posts, which ids go into the URL, and the form's fields."""

    rule: str
    persona: str
    url: str  # format string over the world's ids, e.g. "/quiz/attempts/{attempt}/submit"
    ids: dict[str, tuple[str, ...]] = field(default_factory=dict)  # placeholder -> world id names
    fields: dict[str, str] = field(default_factory=dict)
    file: str | None = None  # "roster", "speech" or "excel": a multipart upload in field "file"
    relogin: bool = False  # the request may end the session
    # A well-formed body (values format strings over the world's ids) posted after the fuzzing
    # with the first ids: it must succeed (a redirect), so the route's success path is reached.
    example: dict[str, str] | None = None


ENDPOINTS = [
    Endpoint("/auth/login", "anonymous", "/auth/login",
             fields={"account": f"choice:{MEMBER}|{ORGANIZER}|DY0100|T000001", "password":
                     "choice:secret123|wrong-pass1", "remember": "bool"}, relogin=True),
    Endpoint("/auth/change-password", "member2", "/auth/change-password",
             fields={"current_password": "text", "new_password": "text", "confirm": "text"}),
    Endpoint("/auth/logout", "member", "/auth/logout", relogin=True),
    Endpoint("/auth/devices/end", "member", "/auth/devices/end", fields={"login_id": "int"},
             relogin=True),
    Endpoint("/admin/people/<int:person_id>/reset-password", "admin",
             "/admin/people/{person}/reset-password", {"person": ("member2_id", "outsider_id")}),
    Endpoint("/admin/login-throttles/clear", "admin", "/admin/login-throttles/clear",
             fields={"key": "text"}),
    # Live contests (quizapp/contest): the host's form and results, the members' joins.
    Endpoint("/contest/new", "organizer", "/contest/new", fields=CONTEST,
             example={"title": "支部知识竞赛", "unit": "{general}", "team_mode": "free",
                      "team_names": "红队,蓝队", "rounds": "全员答题,2,10,20", "speech": "0"}),
    Endpoint("/contest/<int:contest_id>/points", "organizer", "/contest/{c}/points",
             {"c": ("contest", "foreign_contest")}),
    Endpoint("/contest/join", "member2", "/contest/join", fields={"code": "text"},
             example={"code": "{contest_code}"}),
    Endpoint("/contest/j/<code>", "member2", "/contest/j/{c}",
             {"c": ("contest_code", "foreign_code")}, {"team": "int"},
             example={"team": "{contest_team}"}),
    Endpoint("/notices/<int:notice_id>/read", "member", "/notices/{n}/read", {"n": ("notice", "foreign_notice")}),
    Endpoint("/organize/questions/<int:question_id>/approve", "organizer",
             "/organize/questions/{q}/approve", {"q": ("question", "foreign_question")},
             {"next": "text"}),
    Endpoint("/organize/questions/<int:question_id>/edit", "organizer",
             "/organize/questions/{q}/edit", {"q": ("question", "foreign_question")}, QUESTION),
    Endpoint("/organize/questions/<int:question_id>/retire", "organizer",
             "/organize/questions/{q}/retire", {"q": ("question", "foreign_question")},
             {"next": "text"}),
    Endpoint("/organize/questions/approve", "organizer", "/organize/questions/approve",
             fields={"expected": "int", "speech": "int", "concept": "text",
                     "type": f"choice:{TYPES}", "status": f"choice:{STATUSES}",
                     "origin": f"choice:{ORIGINS}", "missing": "bool", "q": "text",
                     "top": "int", "all_variants": "bool"}),
    Endpoint("/organize/reports/<int:report_id>/resolve", "organizer",
             "/organize/reports/{r}/resolve", {"r": ("report",)},
             {"note": "text", "corrected": "bool", "retired": "bool", "dismissed": "bool"}),
    Endpoint("/organize/speeches/<int:speech_id>/edit", "organizer", "/organize/speeches/{s}/edit",
             {"s": ("speech", "other_speech")},
             {"title": "text", "delivered_on": "date", "occasion": "text"}),
    Endpoint("/organize/speeches/<int:speech_id>/import", "organizer",
             "/organize/speeches/{s}/import", {"s": ("speech", "other_speech")}, file="excel"),
    Endpoint("/organize/speeches/<int:speech_id>/import/confirm", "organizer",
             "/organize/speeches/{s}/import/confirm", {"s": ("speech", "other_speech")},
             {"token": "text"}),
    Endpoint("/organize/speeches/<int:speech_id>/author", "organizer",
             "/organize/speeches/{s}/author", {"s": ("speech", "other_speech")}, AUTHOR),
    Endpoint("/organize/speeches/<int:speech_id>/author/add", "organizer",
             "/organize/speeches/{s}/author/add", {"s": ("speech", "other_speech")},
             {**AUTHOR, "pick": "text"}),
    Endpoint("/organize/speeches/<int:speech_id>/questions/new", "organizer",
             "/organize/speeches/{s}/questions/new", {"s": ("speech", "other_speech")},
             {**QUESTION, "type": f"choice:{TYPES}"}),
    Endpoint("/organize/speeches/<int:speech_id>/reimport", "organizer",
             "/organize/speeches/{s}/reimport", {"s": ("speech", "other_speech")}, file="speech"),
    Endpoint("/organize/speeches/new", "organizer", "/organize/speeches/new",
             fields={"unit": "int", "title": "text", "delivered_on": "date", "occasion": "text"},
             file="speech"),
    Endpoint("/points/entries/<int:entry_id>/correct", "organizer", "/points/entries/{e}/correct",
             {"e": ("entry",)}, {"points": "int", "reason": "text", "next": "text"}),
    Endpoint("/points/entries/<int:entry_id>/decide", "admin", "/points/entries/{e}/decide",
             {"e": ("entry",)}, {"note": "text", "approve": "bool", "reject": "bool", "next": "text"}),
    Endpoint("/points/people/<int:person_id>/entries/new", "organizer",
             "/points/people/{p}/entries/new", {"p": ("member_id", "outsider_id")},
             {"kind": "choice:award|penalty|correction|study", "points": "int", "reason": "text"}),
    Endpoint("/points/rules/<int:unit_id>/cap", "admin", "/points/rules/{u}/cap",
             {"u": ("general", "other")}, {"cap": "int"}),
    Endpoint("/points/rules/<int:unit_id>/<any(points, rating):kind>/new", "organizer",
             "/points/rules/{u}/points/new", {"u": ("general", "other")}, POINT_RULES),
    Endpoint("/points/rules/<int:unit_id>/<any(points, rating):kind>/new", "organizer",
             "/points/rules/{u}/rating/new", {"u": ("general", "other")}, RATING_RULES),
    Endpoint("/publish/<int:activity_id>/cancel", "organizer", "/publish/{a}/cancel",
             {"a": ("activity", "foreign_activity", "draft")}),
    Endpoint("/publish/<int:activity_id>/delete", "organizer", "/publish/{a}/delete",
             {"a": ("draft", "foreign_activity", "activity")}),
    Endpoint("/publish/<int:activity_id>/edit", "organizer", "/publish/{a}/edit",
             {"a": ("draft", "activity", "foreign_activity")}, TEST),
    Endpoint("/publish/<int:activity_id>/members/<int:person_id>", "organizer",
             "/publish/{a}/members/{p}", {"a": ("activity", "foreign_activity"),
                                          "p": ("member_id", "outsider_id")},
             {"extra_minutes": "int", "makeup_opens_at": "datetime", "makeup_closes_at": "datetime",
              "reason": "choice:出差|生病|其他|", "reason_text": "text"}),
    Endpoint("/publish/<int:activity_id>/members/<int:person_id>/clear", "organizer",
             "/publish/{a}/members/{p}/clear", {"a": ("activity", "foreign_activity"),
                                                "p": ("member_id", "outsider_id")}),
    Endpoint("/publish/<int:activity_id>/publish", "organizer", "/publish/{a}/publish",
             {"a": ("draft", "foreign_activity", "activity")}),
    Endpoint("/paper/activities/<int:activity_id>/make", "organizer", "/paper/activities/{a}/make",
             {"a": ("activity", "foreign_activity", "draft")}, {"versions": "choice:1|2|3|0|"}),
    Endpoint("/paper/activities/<int:activity_id>/entry", "organizer", "/paper/activities/{a}/entry",
             {"a": ("activity", "foreign_activity", "draft")}, {"lines": "text"}),
    Endpoint("/publish/studies/new", "organizer", "/publish/studies/new", fields=STUDY),
    Endpoint("/publish/tests/new", "organizer", "/publish/tests/new", fields=TEST),
    Endpoint("/quiz/activities/<int:activity_id>/practice", "member",
             "/quiz/activities/{a}/practice", {"a": ("activity", "foreign_activity", "draft")},
             {"start_key": "text"}),
    Endpoint("/quiz/activities/<int:activity_id>/start", "member", "/quiz/activities/{a}/start",
             {"a": ("activity", "foreign_activity", "draft")}, {"start_key": "text"}),
    Endpoint("/quiz/attempts/<int:attempt_id>/abandon", "member", "/quiz/attempts/{t}/abandon",
             {"t": ("foreign_attempt", "practice", "attempt")}),
    Endpoint("/quiz/attempts/<int:attempt_id>/q/<int:position>", "member",
             "/quiz/attempts/{t}/q/{n}", {"t": ("practice", "attempt", "foreign_attempt"),
                                          "n": ("one", "two", "three", "four")},
             {"answer-1": "choice:0|1|2|3|true|false|党课", "answer-2": "choice:0|1|2|true",
              "answer-3": "choice:0|1|2|3|true|false", "answer-4": "text",
              "go": "choice:next|prev|submit|1|3|99"}),
    Endpoint("/quiz/attempts/<int:attempt_id>/q/<int:position>/report", "member",
             "/quiz/attempts/{t}/q/{n}/report", {"t": ("practice", "attempt", "foreign_attempt"),
                                                 "n": ("one", "two", "four")}, {"reason": "text"}),
    Endpoint("/quiz/attempts/<int:attempt_id>/submit", "member", "/quiz/attempts/{t}/submit",
             {"t": ("foreign_attempt", "practice", "attempt")}),
    Endpoint("/quiz/practice", "member", "/quiz/practice",
             fields={"scope": "choice:random|mistakes|speech-1|speech-2|speech-3|speech-0",
                     "count": "choice:5|10|20|0|21", "start_key": "text"}),
    Endpoint("/reports/units/<int:unit_id>/activities/<int:activity_id>/remind", "organizer",
             "/reports/units/{u}/activities/{a}/remind",
             {"u": ("general", "other", "branch"), "a": ("activity", "foreign_activity")},
             {"person_ids": "int", "selected": "bool", "everyone": "bool", "back": "choice:index|"}),
    Endpoint("/roster/<int:unit_id>/commit", "organizer", "/roster/{u}/commit",
             {"u": ("general", "other")}, {"token": "text", "sha256": "text", "digest": "text",
                                           "confirm_identity": "bool"}),
    Endpoint("/roster/<int:unit_id>/import", "organizer", "/roster/{u}/import",
             {"u": ("general", "branch", "other")}, file="roster"),
]

BANK_FILTER = {"speech": "int", "concept": "text", "type": f"choice:{TYPES}",
               "status": f"choice:{STATUSES}", "origin": f"choice:{ORIGINS}", "missing": "bool",
               "q": "text", "page": "int"}
PERIOD = {"p": "choice:2026-Q4|2026-q4|2026-12|2026|2026-Q5|2026-13|2026-0|0000|Q4|２０２６"}
# The GET routes that read query arguments (``page`` is read by Flask-SQLAlchemy's paginate).
QUERIES = [
    Endpoint("/auth/login", "anonymous", "/auth/login", fields={"next": "text"}),
    Endpoint("/admin/people", "admin", "/admin/people", fields={"q": "text", "page": "int"}),
    Endpoint("/organize/questions", "organizer", "/organize/questions", fields=BANK_FILTER),
    Endpoint("/organize/questions/approve", "organizer", "/organize/questions/approve",
             fields={**BANK_FILTER, "top": "int", "all_variants": "bool"}),
    Endpoint("/organize/questions/<int:question_id>/edit", "organizer",
             "/organize/questions/{q}/edit", {"q": ("question", "foreign_question")},
             {"next": "text"}),
    Endpoint("/organize/reports", "organizer", "/organize/reports",
             fields={"handled": "choice:1|0|", "page": "int"}),
    Endpoint("/organize/speeches/<int:speech_id>", "organizer", "/organize/speeches/{s}",
             {"s": ("speech", "other_speech")}, {"p": "int", "s": "text"}),
    Endpoint("/contest/<int:contest_id>/state", "member", "/contest/{c}/state",
             {"c": ("contest", "foreign_contest")}, {"mine": "choice:1|0|true|", "answered": "int"}),
    Endpoint("/points/units", "organizer", "/points/units", fields={"unit": "int"}),
    Endpoint("/points/units/<int:unit_id>", "organizer", "/points/units/{u}",
             {"u": ("general", "branch", "other")}, {"page": "int"}),
    Endpoint("/points/rules", "organizer", "/points/rules", fields={"unit": "int"}),
    Endpoint("/publish/<int:activity_id>/members", "organizer", "/publish/{a}/members",
             {"a": ("activity", "foreign_activity", "draft")}, {"q": "text"}),
    Endpoint("/quiz/speeches/<int:speech_id>", "member", "/quiz/speeches/{s}",
             {"s": ("speech", "other_speech")}, {"q": "int"}),
    # 核对答案 (issue 17): feedback on a practice's saved answer, never on a scored sitting.
    Endpoint("/quiz/attempts/<int:attempt_id>/q/<int:position>", "member", "/quiz/attempts/{t}/q/1",
             {"t": ("foreign_attempt", "practice", "attempt")}, {"check": "choice:1|0|x|"}),
    Endpoint("/reports/", "organizer", "/reports/", fields={"unit": "int"}),
    Endpoint("/reports/units/<int:unit_id>/period", "organizer", "/reports/units/{u}/period",
             {"u": ("general", "branch", "other")}, PERIOD),
    Endpoint("/reports/units/<int:unit_id>/period.xlsx", "organizer",
             "/reports/units/{u}/period.xlsx", {"u": ("general", "branch", "other")}, PERIOD),
    Endpoint("/reports/units/<int:unit_id>/mastery", "organizer", "/reports/units/{u}/mastery",
             {"u": ("general", "branch", "other")}, PERIOD),
    Endpoint("/reports/units/<int:unit_id>/mastery.xlsx", "organizer",
             "/reports/units/{u}/mastery.xlsx", {"u": ("general", "branch", "other")}, PERIOD),
]


def _ids(world: dict[str, Any]) -> dict[str, int]:
    units, people = world["units"], world["people"]
    return {**world["ids"], "speech": world["speech"], "other_speech": world["other_speech"],
            "general": units["general"].id, "branch": units["branch"].id, "other": units["other"].id,
            "member_id": people["member"].id, "member2_id": people["member2"].id,
            "outsider_id": people["outsider"].id, "one": 1, "two": 2, "three": 3, "four": 4}


# A strategy for the ids that fill a URL: the named objects, or any number.
def _url_ids(endpoint: Endpoint, known: dict[str, int]) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({
        key: st.one_of(st.sampled_from([known[name] for name in names]),
                       st.sampled_from([known[name] for name in names]),
                       st.integers(0, 2**63 - 1))
        for key, names in endpoint.ids.items()
    })


def _cells(rows: list[list[Any]]) -> list[list[Any]]:
    """Cells a worksheet can hold (openpyxl refuses control characters)."""
    return [[ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row]
            for row in rows]


def _roster_file() -> st.SearchStrategy[tuple[bytes, str]]:
    cell = st.one_of(hostile_text(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
                     st.sampled_from(["13812345678", "第一党支部", "第一党小组", "组织员", "党员"]))
    row = st.lists(cell, min_size=0, max_size=7)
    header = st.one_of(st.just(roster_helpers.HEADER), st.lists(hostile_text(), max_size=6))
    rows = st.lists(row, max_size=4)
    xlsx = st.builds(lambda r, h: (roster_helpers.xlsx_bytes(_cells(r), _cells([h])[0]), "名单.xlsx"), rows, header)
    as_csv = st.builds(lambda r: (roster_helpers.csv_bytes([[str(c) for c in x] for x in r]),
                                  "名单.csv"), rows)
    return st.one_of(xlsx, as_csv, _raw_file(["名单.xlsx", "名单.csv", "a.exe", ""]))


def _raw_file(names: list[str]) -> st.SearchStrategy[tuple[bytes, str]]:
    return st.tuples(st.one_of(st.binary(max_size=200), hostile_text().map(str.encode),
                               st.just(b"PK\x03\x04" + b"\x00" * 100)),
                     st.one_of(st.sampled_from(names), hostile_text()))


def _speech_file() -> st.SearchStrategy[tuple[bytes, str]]:
    lines = st.lists(hostile_text(), min_size=1, max_size=4).map(lambda xs: "\n".join(xs).encode())
    return st.one_of(st.tuples(lines, st.sampled_from(["讲话.txt", "讲话.docx", "讲话.pdf"])),
                     _raw_file(["讲话.txt", "讲话.docx"]))


def _excel_file() -> st.SearchStrategy[tuple[bytes, str]]:
    cell = st.one_of(hostile_text(), st.integers(-(2**70), 2**70), st.none())
    rows = st.lists(st.lists(cell, max_size=9), max_size=3)
    return st.one_of(st.builds(lambda r: (bank_xlsx(_cells(r)), "题库.xlsx"), rows),
                     _raw_file(["题库.xlsx", "题库.xls"]))


FILES: dict[str, Callable[[], st.SearchStrategy[tuple[bytes, str]]]] = {
    "roster": _roster_file, "speech": _speech_file, "excel": _excel_file,
}


def _post(client: Any, url: str, data: MultiDict[str, str], upload: tuple[bytes, str] | None
          ) -> Any:
    if upload is None:
        return client.post(url, data=data)
    content, name = upload
    body = MultiDict(data)
    body.add("file", FileStorage(io.BytesIO(content), name))
    return client.post(url, data=body, content_type="multipart/form-data")


ACCOUNTS = {"member": MEMBER, "member2": "13800000002", "organizer": ORGANIZER, "admin": ADMIN,
            "outsider": OUTSIDER, "other_organizer": OTHER_ORGANIZER}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.url)
def test_post_fuzz(endpoint: Endpoint, app: Flask, world: dict[str, Any], login: Any,
                   tmp_path: Any) -> None:
    app.config["ROSTER_UPLOAD_DIR"] = str(tmp_path / "roster")
    app.config["BANK_IMPORT_DIR"] = str(tmp_path / "bank")
    account = ACCOUNTS.get(endpoint.persona)
    client = logged_in(app, login, account) if account else app.test_client()
    known = _ids(world)
    watcher = Watcher(app)
    upload = FILES[endpoint.file]() if endpoint.file else st.none()

    @fuzz_settings
    @given(ids=_url_ids(endpoint, known), data=form_data(endpoint.fields), file=upload)
    def run(ids: dict[str, int], data: MultiDict[str, str], file: tuple[bytes, str] | None) -> None:
        nonlocal client
        if endpoint.relogin:
            client = logged_in(app, login, account) if account else app.test_client()
            watcher.last = snapshot(app)  # the login wrote a session row
        watcher.send(lambda: _post(client, endpoint.url.format(**ids), data, file))

    run()
    # Not vacuous: the route answered something other than "not found" at least once.
    assert set(watcher.statuses) - {404}, watcher.statuses
    if endpoint.example is not None:
        first = {key: known[names[0]] for key, names in endpoint.ids.items()}
        data = MultiDict({name: value.format(**known) for name, value in endpoint.example.items()})
        response = watcher.send(lambda: _post(client, endpoint.url.format(**first), data, None))
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_every_post_route_is_fuzzed(app: Flask) -> None:
    posting = {rule.rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert posting == {e.rule for e in ENDPOINTS} | JSON_ROUTES


@pytest.mark.parametrize("endpoint", QUERIES, ids=lambda e: e.url)
def test_query_fuzz(endpoint: Endpoint, app: Flask, world: dict[str, Any], login: Any) -> None:
    account = ACCOUNTS.get(endpoint.persona)
    client = logged_in(app, login, account) if account else app.test_client()
    known = _ids(world)
    watcher = Watcher(app)

    @fuzz_settings
    @given(ids=_url_ids(endpoint, known), query=form_data(endpoint.fields))
    def run(ids: dict[str, int], query: MultiDict[str, str]) -> None:
        watcher.send(lambda: client.get(endpoint.url.format(**ids), query_string=query))

    run()
    # Not vacuous: some requests got through to the page (many are refused as they should be).
    assert {200, 302} & set(watcher.statuses), watcher.statuses


ROOT = Path(__file__).resolve().parents[2] / "quizapp"
# What the code and the templates read from the query string: args.get("name"),
# args.getlist("name") or args["name"] (request.args, or the args a helper was given); the
# fields of a form built from request.args (the GET forms' fields, found in the templates); and
# ``page`` for Flask-SQLAlchemy's paginate when the call does not pass it.
_ARG = re.compile(r"""\bargs(?:\.get(?:list)?\(|\[)\s*["'](\w+)["']""")
_WHOLE = re.compile(r"""request\.args(?!\.get\(|\.getlist\(|\[|\.lists\(\))""")
# Who is handed request.args whole: each reads the fields of a GET form below.
WHOLE_READERS = ("PeopleSearchForm(", "BankFilterForm(", "bank_filter_from(", "approval_choice_from(")
_GET_FORM = re.compile(r"""<form\b(?![^>]*method="post")[^>]*>(.*?)</form>""", re.S | re.I)
_FIELD = re.compile(r"""name="(\w+)"|\bform\.(\w+)""")
_PAGINATE = re.compile(r"""\bdb\.paginate\(([^\n]*)""")


def _sources() -> list[tuple[Path, str]]:
    return [(path, path.read_text()) for pattern in ("*.py", "*.html")
            for path in sorted(ROOT.rglob(pattern))]


def test_every_query_argument_is_fuzzed() -> None:
    sources = _sources()
    read = {name for _path, text in sources for name in _ARG.findall(text)}
    if any(not re.search(r"\bpage=", call)  # per_page= is not page=
           for _path, text in sources for call in _PAGINATE.findall(text)):
        read.add("page")
    whole = [f"{path.relative_to(ROOT)}: {line.strip()}" for path, text in sources
             for line in text.splitlines()
             if _WHOLE.search(line) and not any(reader in line for reader in WHOLE_READERS)]
    assert whole == [], "request.args handed to a reader this test does not know"
    in_forms = {a or b for path, text in sources if path.suffix == ".html"
                for body in _GET_FORM.findall(text) for a, b in _FIELD.findall(body)}
    assert read and in_forms  # the scans found something: they would catch a new argument
    sent = {name for endpoint in QUERIES for name in endpoint.fields}
    assert sorted((read | in_forms) - sent) == []


def test_every_query_row_is_a_get_route(app: Flask) -> None:
    getting = {rule.rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    assert sorted({e.rule for e in QUERIES} - getting) == []
