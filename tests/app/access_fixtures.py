"""The world of the access matrix (tests/app/test_access_matrix.py): two 总支 and six personas.

第一党总支 (A) ── 第一党支部 (A1): the member, secretary A
             └─ 第二党支部 (A2): secretary B (a secretary of a different branch)
第二党总支 (B): the organizer of another 总支

The admin is granted on A (org A's root) and sits in A. Every object a URL names belongs to
org A: a speech of A's bank with approved questions, a member's 纠错 report, a quarterly test
published to A (audience: everyone in A's subtree), the member's submitted first sitting and
open second sitting of it, a pending award for the member, and a notice on the member's home.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask
from flask.testing import FlaskClient

from activity_flow import open_activity, start_scored
from activity_helpers import Outcome, add_result
from bank_helpers import add_report
from quiz_helpers import add_question, add_speech, items_of
from quizapp.extensions import db
from quizapp.models import (
    Contest,
    ContestFormat,
    ContestQuestion,
    ContestRound,
    ContestTeam,
    EntryKind,
    Notice,
    QuestionType,
    Role,
    TeamMode,
    UnitKind,
)
from quizapp.points import manual
from tests.conftest import DEFAULT_PASSWORD, csrf_token_from

PERSONAS = ("anonymous", "member", "secretary_a", "secretary_b", "organizer_b", "admin")
PHONES = {
    "member": "13700000001",
    "secretary_a": "13700000002",
    "secretary_b": "13700000003",
    "organizer_b": "13700000004",
    "admin": "13700000005",
}
# Strings that exist only in org A's data: what an outsider's pages must never contain.
SPEECH_TITLE = "甲总支机关党建讲话"
TEST_TITLE = "甲总支第四季度测试"
MEMBER_NAME = "张甲一"


@dataclass(frozen=True)
class World:
    """Ids of the org-A objects the matrix's URLs point at."""

    units: dict[str, int]
    people: dict[str, int]
    speech: int
    question: int
    report: int
    activity: int
    submitted_attempt: int
    open_attempt: int
    open_question: int
    entry: int
    notice: int
    contest: int = 0
    contest_code: str = ""


def build_world(app: Flask, make_unit: Callable[..., Any], make_person: Callable[..., Any]) -> World:
    """Create the organization, the personas and org A's objects; returns their ids."""
    org_a = make_unit("第一党总支", UnitKind.GENERAL_BRANCH)
    a1 = make_unit("第一党支部", UnitKind.BRANCH, org_a)
    a2 = make_unit("第二党支部", UnitKind.BRANCH, org_a)
    org_b = make_unit("第二党总支", UnitKind.GENERAL_BRANCH)
    people = {
        "member": make_person(MEMBER_NAME, a1, phone=PHONES["member"]),
        "secretary_a": make_person("李书记", a1, phone=PHONES["secretary_a"],
                                   roles=[(Role.SECRETARY, a1)]),
        "secretary_b": make_person("王书记", a2, phone=PHONES["secretary_b"],
                                   roles=[(Role.SECRETARY, a2)]),
        "organizer_b": make_person("赵组织", org_b, phone=PHONES["organizer_b"],
                                   roles=[(Role.ORGANIZER, org_b)]),
        "admin": make_person("钱管理", org_a, phone=PHONES["admin"], roles=[(Role.ADMIN, org_a)]),
    }
    member = people["member"]
    speech = add_speech(app, org_a.id, title=SPEECH_TITLE)
    questions = [add_question(app, speech, QuestionType.SINGLE).id for _ in range(3)]
    report = add_report(app, questions[0], member)
    activity = open_activity(app, org_a.id, title=TEST_TITLE, attempts_allowed=2,
                             parts=((QuestionType.SINGLE, 2, 5),))
    submitted = add_result(app, activity, member.id,
                           [Outcome(questions[0], True, 5, 5), Outcome(questions[1], False, 0, 5)])
    opened = start_scored(app, member.id, activity)
    with app.app_context():
        entry = manual.add_manual_entry(db.session, member.id, EntryKind.AWARD, 5, "志愿服务",
                                        people["admin"].id)
        notice = Notice(person_id=member.id, activity_id=activity, text="请按时完成季度测试",
                        created_by_id=people["secretary_a"].id)
        db.session.add(notice)
        # A live contest of org A in its lobby, teams by branch (quizapp.contest).
        contest = Contest(title="访问测试竞赛", unit_id=org_a.id, code="246810",
                          team_mode=TeamMode.UNITS, created_by_id=people["admin"].id,
                          teams=[ContestTeam(name="一支部", unit_id=a1.id, position=0),
                                 ContestTeam(name="二支部", unit_id=a2.id, position=1)])
        db.session.add(contest)
        db.session.flush()
        first_round = ContestRound(contest_id=contest.id, position=0, format=ContestFormat.ALL,
                                   points=10, seconds=20)
        db.session.add(first_round)
        db.session.flush()
        db.session.add(ContestQuestion(contest_id=contest.id, round_id=first_round.id, position=0,
                                       question_id=questions[1]))
        db.session.commit()
        entry_id, notice_id, contest_id = entry.id, notice.id, contest.id
    return World(
        units={"A": org_a.id, "A1": a1.id, "A2": a2.id, "B": org_b.id},
        people={name: person.id for name, person in people.items()},
        speech=speech, question=questions[0], report=report, activity=activity,
        submitted_attempt=submitted, open_attempt=opened,
        open_question=items_of(app, opened)[0].question_id, entry=entry_id, notice=notice_id,
        contest=contest_id, contest_code="246810",
    )


def sign_in(client: FlaskClient, persona: str) -> str:
    """Log the persona in with a CSRF-checked form (anonymous stays out); returns the session's
    CSRF token for the POSTs that follow."""
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    if persona == "anonymous":
        return token
    response = client.post("/auth/login", data={"account": PHONES[persona],
                                                "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"{persona} could not log in"
    # The login opened a new session: the token from before it is gone.
    return csrf_token_from(client.get("/auth/change-password").get_data(as_text=True))
