"""Every route × method × persona, each cell's outcome written down here (issue 5's access matrix).

The world (``access_fixtures``): org A (第一党总支) with branches A1 and A2, org B (第二党总支);
anonymous, a member of A1, the secretary of A1 ("secretary A"), the secretary of A2
("secretary B", another branch), the organizer of org B (another 总支) and the admin of org A.
Every URL names an object of org A / branch A1. Outcomes:

- ``OK``: 2xx, a redirect that is not to the login page, or a 400 from form validation;
- ``LOGIN``: the redirect to the login page (with ``next``) an anonymous visitor gets;
- ``FORBIDDEN``: 403, the object exists and the persona may not act on it;
- ``HIDDEN``: 404, the app does not admit the object exists for this persona (someone else's
  attempt or notice, an activity the persona is not in, a speech outside their units).

POSTs carry a valid CSRF token and an empty or minimal body. Each persona gets a fresh world;
within it GETs run first, then POSTs, and the few that end something (submitting the open
sitting, cancelling or deleting the test, logging out) last, so no cell sees another's damage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from access_fixtures import (
    MEMBER_NAME,
    PERSONAS,
    SPEECH_TITLE,
    TEST_TITLE,
    World,
    build_world,
    sign_in,
)

OK, LOGIN, FORBIDDEN, HIDDEN = "ok", "login", "403", "404"

# One row per endpoint, one outcome per persona, the same for every method of the endpoint.
#                                     anonymous member     sec. A     sec. B     org. B     admin
EXPECTED: dict[str, tuple[str, str, str, str, str, str]] = {
    "static":                         (OK,    OK,        OK,        OK,        OK,        OK),
    "bootstrap.static":               (OK,    OK,        OK,        OK,        OK,        OK),
    "auth.login":                     (OK,    OK,        OK,        OK,        OK,        OK),
    "auth.logout":                    (LOGIN, OK,        OK,        OK,        OK,        OK),
    "auth.change_password":           (LOGIN, OK,        OK,        OK,        OK,        OK),
    "auth.devices_page":              (LOGIN, OK,        OK,        OK,        OK,        OK),
    "auth.end_device":                (LOGIN, OK,        OK,        OK,        OK,        OK),
    "main.home":                      (LOGIN, OK,        OK,        OK,        OK,        OK),
    "main.favicon":                   (OK,    OK,        OK,        OK,        OK,        OK),
    "main.notice_read":               (LOGIN, OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    # The live contest (知识竞赛) of org A: its hosts are org A's organizers and admin; its
    # audience (org A's members) joins, and only who joined polls or answers.
    "contest.index":                  (LOGIN, OK,        OK,        OK,        OK,        OK),
    "contest.join_code":              (LOGIN, OK,        OK,        OK,        OK,        OK),
    "contest.join":                   (LOGIN, OK,        OK,        OK,        FORBIDDEN, OK),
    "contest.phone":                  (LOGIN, HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    "contest.phone_state":            (LOGIN, HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    "contest.answer":                 (LOGIN, HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    # After joining (POSTs run in endpoint order: join before press); the admin ended it first.
    "contest.press":                  (LOGIN, OK,        OK,        OK,        HIDDEN,    HIDDEN),
    "contest.new":                    (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "contest.host":                   (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "contest.host_state":             (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "contest.advance":                (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "contest.end":                    (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "contest.judge":                  (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "contest.stake":                  (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "contest.results_page":           (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "contest.export":                 (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "contest.post_points":            (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "admin.people":                   (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "admin.reset_password":           (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "admin.login_throttles":          (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "admin.clear_login_throttle":     (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    # The member's pages: their own attempts only; the test's audience is all of org A.
    "quiz.home":                      (LOGIN, OK,        OK,        OK,        OK,        OK),
    "quiz.practice":                  (LOGIN, OK,        OK,        OK,        OK,        OK),
    "quiz.mistakes":                  (LOGIN, OK,        OK,        OK,        OK,        OK),
    "quiz.speech":                    (LOGIN, OK,        OK,        OK,        HIDDEN,    OK),
    "quiz.activity":                  (LOGIN, OK,        OK,        OK,        HIDDEN,    OK),
    "quiz.activity_start":            (LOGIN, OK,        OK,        OK,        HIDDEN,    OK),
    "quiz.activity_practice":         (LOGIN, OK,        OK,        OK,        HIDDEN,    OK),
    "quiz.resume":                    (LOGIN, OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    "quiz.answer":                    (LOGIN, OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    "quiz.save_answer":               (LOGIN, OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    "quiz.attempt_state":             (LOGIN, OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    "quiz.submit":                    (LOGIN, OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    "quiz.abandon":                   (LOGIN, OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    "quiz.result":                    (LOGIN, OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    "quiz.report":                    (LOGIN, OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    # Org A's bank: its organizers and admin. Lists are open to any organizer (their own units).
    "organize.speeches":              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "organize.upload":                (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "organize.bank":                  (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "organize.bulk_approve":          (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "organize.reports":               (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "organize.speech":                (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.edit_speech":           (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.reimport":              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.export_bank":           (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.import_bank":           (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.confirm_import":        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.new_question":          (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.author":                (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.author_add":            (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.question":              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.edit_question":         (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.approve_question":      (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.retire_question":       (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "organize.resolve_report":        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    # Publishing: org A's test is its organizers' and admin's.
    "publish.index":                  (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "publish.new_study":              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "publish.new_test":               (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "publish.activity":               (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "publish.edit":                   (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "publish.publish":                (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "publish.cancel":                 (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "publish.delete":                 (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "publish.members":                (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "publish.override":               (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "publish.clear_override":         (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "publish.qr_image":               (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "publish.poster":                 (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    # Rosters of A1: org A's organizers and admin.
    "roster.index":                   (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "roster.upload":                  (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "roster.commit":                  (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "roster.template":                (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "roster.passwords":               (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    # Points: one's own ledger; A1's ledgers for A1's secretary; rules for organizers.
    "points.mine":                    (LOGIN, OK,        OK,        OK,        OK,        OK),
    "points.units_home":              (LOGIN, FORBIDDEN, OK,        OK,        OK,        OK),
    "points.unit":                    (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "points.person":                  (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "points.new_entry":               (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "points.correct":                 (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "points.decide":                  (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "points.rules_home":              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "points.rules":                   (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "points.new_rules":               (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "points.manual_cap":              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    # Reports: one's own results; A1's reports for A1's secretary and org A's admin.
    "reports.me":                     (LOGIN, OK,        OK,        OK,        OK,        OK),
    "reports.index":                  (LOGIN, FORBIDDEN, OK,        OK,        OK,        OK),
    "reports.activity":               (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "reports.activity_xlsx":          (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "reports.remind":                 (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "reports.period":                 (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "reports.period_xlsx":            (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "reports.mastery":                (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    "reports.mastery_xlsx":           (LOGIN, FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, OK),
    # Paper tests: organizers and secretaries of units in the test's audience (both branches
    # of org A); making papers is for the test's organizers. The world's test has no papers
    # made, so their downloads are 404 to those who may see them (test_paper downloads them).
    "paper.index":                    (LOGIN, FORBIDDEN, OK,        OK,        FORBIDDEN, OK),
    "paper.make":                     (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "paper.paper_file":               (LOGIN, FORBIDDEN, HIDDEN,    HIDDEN,    FORBIDDEN, HIDDEN),
    "paper.key_file":                 (LOGIN, FORBIDDEN, HIDDEN,    HIDDEN,    FORBIDDEN, HIDDEN),
    "paper.enter":                    (LOGIN, FORBIDDEN, OK,        OK,        FORBIDDEN, OK),
}

# What each persona's allowed pages must never show: org A's bank, test and people for the
# organizer of another 总支; A1's member for the secretary of another branch.
NEVER_SHOWN = {
    "organizer_b": (SPEECH_TITLE, TEST_TITLE, MEMBER_NAME),
    "secretary_b": (MEMBER_NAME,),
}

# Ways round the URL arguments: another unit, speech or person named in the query string or
# the form, each with its expected outcome (``{A}``, ``{A1}``, ``{B}``: units; ``{member}``,
# ``{organizer_b}``: people; ``{speech}``, ``{activity}``: org A's speech and test).
PROBES = [
    ("secretary_b", "GET", "/reports/?unit={A1}", FORBIDDEN),
    ("secretary_b", "GET", "/reports/units/{A}/activities/{activity}", FORBIDDEN),
    ("secretary_b", "GET", "/points/people/{secretary_a}", FORBIDDEN),
    ("secretary_a", "GET", "/reports/?unit={A}", FORBIDDEN),
    ("secretary_a", "GET", "/points/people/{admin}", FORBIDDEN),
    ("organizer_b", "GET", "/reports/?unit={A}", FORBIDDEN),
    ("organizer_b", "GET", "/organize/questions?speech={speech}", FORBIDDEN),
    ("organizer_b", "GET", "/organize/questions/approve?speech={speech}", FORBIDDEN),
    ("organizer_b", "GET", "/quiz/speeches/{speech}?q={question}", HIDDEN),
    ("admin", "POST", "/admin/people/{organizer_b}/reset-password", FORBIDDEN),
    ("admin", "GET", "/points/people/{organizer_b}", FORBIDDEN),
    ("admin", "GET", "/reports/units/{B}/period", FORBIDDEN),
    ("admin", "GET", "/publish/{activity}/members/{organizer_b}", HIDDEN),
    ("member", "GET", "/quiz/attempts/{open_attempt}/q/99", HIDDEN),
]

# URL arguments by name; the endpoints listed in ARGUMENT_OVERRIDES use other objects.
ARGUMENTS: dict[str, Callable[[World], Any]] = {
    "attempt_id": lambda w: w.open_attempt,
    "activity_id": lambda w: w.activity,
    "speech_id": lambda w: w.speech,
    "question_id": lambda w: w.question,
    "report_id": lambda w: w.report,
    "unit_id": lambda w: w.units["A1"],
    "person_id": lambda w: w.people["member"],
    "entry_id": lambda w: w.entry,
    "notice_id": lambda w: w.notice,
    "position": lambda w: 1,
    "token": lambda w: "A" * 43,
    "kind": lambda w: "points",
    "label": lambda w: "A",
    "contest_id": lambda w: w.contest,
    "code": lambda w: w.contest_code,
}
ARGUMENT_OVERRIDES: dict[str, dict[str, Callable[[World], Any]]] = {
    # The result page and 纠错 need a submitted sitting.
    "quiz.result": {"attempt_id": lambda w: w.submitted_attempt},
    "quiz.report": {"attempt_id": lambda w: w.submitted_attempt},
    "static": {"filename": lambda w: "css/app.css"},
    "bootstrap.static": {"filename": lambda w: "css/bootstrap.min.css"},
}

# The cells that end something for the cells after them, in the order they run (last of all).
RUN_LAST = [("quiz.submit", "POST"), ("publish.cancel", "POST"), ("publish.delete", "POST"),
            ("auth.logout", "POST")]


def routes(app: Flask) -> list[tuple[str, str, Any]]:
    """(endpoint, method, rule) for every route and method but HEAD and OPTIONS."""
    return [(rule.endpoint, method, rule) for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def run_order(cell: tuple[str, str, Any]) -> tuple[int, int, str]:
    endpoint, method, _rule = cell
    if (endpoint, method) in RUN_LAST:
        return 2, RUN_LAST.index((endpoint, method)), endpoint
    return (0 if method == "GET" else 1), 0, endpoint


def url_for_cell(endpoint: str, rule: Any, world: World) -> str:
    chosen = {**ARGUMENTS, **ARGUMENT_OVERRIDES.get(endpoint, {})}
    missing = set(rule.arguments) - set(chosen)
    assert not missing, f"{endpoint}: give ARGUMENTS a value for {sorted(missing)}"
    return rule.build({name: chosen[name](world) for name in rule.arguments},
                      append_unknown=False)[1]


def outcome(response: Any) -> str:
    """The outcome class of a response; anything else (a 500, a refused token) is itself."""
    status = response.status_code
    if 300 <= status < 400:
        target = urlsplit(response.headers["Location"])
        if target.path == "/auth/login" and "next=" in target.query:
            return LOGIN
        return OK
    if 200 <= status < 300 or (status == 400 and "X-CSRF-Refused" not in response.headers):
        return OK
    return {403: FORBIDDEN, 404: HIDDEN}.get(status, f"status {status}")


def send(client: FlaskClient, method: str, endpoint: str, url: str, token: str,
         world: World) -> Any:
    if method == "GET":
        return client.get(url)
    if endpoint == "quiz.save_answer":
        return client.post(url, headers={"X-CSRFToken": token}, json={
            "question_id": world.open_question, "response": 0, "seq": 10**9})
    return client.open(url, method=method, data={"csrf_token": token})


@pytest.fixture
def world(app: Flask, make_unit: Any, make_person: Any) -> World:
    made = build_world(app, make_unit, make_person)
    app.config["WTF_CSRF_ENABLED"] = True
    return made


def test_every_route_has_a_row_and_every_row_a_route(app):
    endpoints = {endpoint for endpoint, _method, _rule in routes(app)}
    assert sorted(endpoints - set(EXPECTED)) == [], "routes without a row in EXPECTED"
    assert sorted(set(EXPECTED) - endpoints) == [], "rows in EXPECTED for routes that do not exist"
    assert all(len(row) == len(PERSONAS) for row in EXPECTED.values())


def test_the_last_cells_exist_and_everyone_is_refused_somewhere(app):
    cells = {(endpoint, method) for endpoint, method, _rule in routes(app)}
    assert set(RUN_LAST) <= cells
    for column, persona in enumerate(PERSONAS):
        seen = {row[column] for row in EXPECTED.values()}
        if persona != "admin":  # the admin of org A may do everything on org A's objects
            assert seen - {OK}, f"{persona} is refused nothing"


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(app, client, world, persona):
    column = PERSONAS.index(persona)
    token = sign_in(client, persona)
    wrong, leaks, shown = [], [], set()
    for endpoint, method, rule in sorted(routes(app), key=run_order):
        url = url_for_cell(endpoint, rule, world)
        response = send(client, method, endpoint, url, token, world)
        response.close()  # a static file's response holds the file open until closed
        got, expected = outcome(response), EXPECTED[endpoint][column]
        if got != expected:
            wrong.append(f"{method} {url} ({endpoint}): expected {expected}, got {got}")
        if got == OK and response.mimetype in {"text/html", "application/json"}:
            body = response.get_data(as_text=True)
            leaks += [f"{method} {url} shows {text!r}" for text in NEVER_SHOWN.get(persona, ())
                      if text in body]
            shown |= {text for texts in NEVER_SHOWN.values() for text in texts if text in body}
    assert wrong == [], f"{persona}:\n" + "\n".join(wrong)
    assert leaks == [], f"{persona}:\n" + "\n".join(leaks)
    if persona == "admin":  # the strings looked for are really on org A's pages
        assert shown == {text for texts in NEVER_SHOWN.values() for text in texts}


def test_probes_round_the_url_arguments(app, world):
    names = {**world.units, **world.people, "speech": world.speech, "activity": world.activity,
             "question": world.question, "open_attempt": world.open_attempt}
    wrong = []
    for persona in dict.fromkeys(probe[0] for probe in PROBES):
        client = app.test_client()
        token = sign_in(client, persona)
        for who, method, template, expected in PROBES:
            if who != persona:
                continue
            url = template.format(**names)
            response = client.open(url, method=method, data={"csrf_token": token}
                                   if method == "POST" else None, follow_redirects=True)
            if outcome(response) != expected:
                wrong.append(f"{persona} {method} {url}: expected {expected}, "
                             f"got {outcome(response)}")
    assert wrong == []
