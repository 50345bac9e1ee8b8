"""A small organization with made-up results whose every report figure is computed by hand.

第一党总支 (G)
├── 第一党支部 (A): a5 directly (its secretary)
│   ├── 第一党小组 (A1): a1, a2
│   └── 第二党小组 (A2): a3, a4
├── 第二党支部 (B): b1, b2, b3, b4, and 调动 (counted in B for the test, moved to A since)
└── 第三党支部 (C): c1, c2  (below the default min_members of 3)
第二党总支 (O) └── O1: o1

Questions (25 points each): q1, q2 三会一课; q3 四个意识; q4 主题党日.
Patterns: 100 all right; 75 q4 wrong; 50 q1, q3 right; 25 q1 right only; 50' q2, q4 right.

Test T (2026-Q4, period_start 2026-10-01, published before the move):
  a1 100 · a2 75 · a3 50 then 75 (best 75) · a4 open attempt · a5 none
  b1 50 · b2 50 then 50' later (the earlier counts) · b3 100 · 调动 25 · b4 abandoned
  c1 100 · c2 none
Study S (2026-11, published after the move, so 调动 is counted in A):
  a1 100 · 调动 50 · b1 100

Hand-computed (T): A 5/3 60.0% avg 83.3 pass 100 exc 33.3 bins [0,0,2,0,1] unfinished 1;
B 5/4 80.0% avg 56.3 pass 25.0 exc 25.0 bins [3,0,0,0,1]; C 2/1 50.0% avg 100;
G 12/8 66.7% avg 71.9 (575/8), pass 62.5, exc 37.5, bins [3,0,2,0,3].
Concepts over G (T): 主题党日 3/8, 三会一课 13/16, 四个意识 7/8.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from activity_helpers import Outcome, add_result, at, make_activity
from quiz_helpers import add_question, add_speech
from quizapp.extensions import db
from quizapp.models import ActivityKind, AttemptStatus, Person, QuestionType, Role, UnitKind

SECRETARY_A = "13900000005"
ORGANIZER_G = "13900000100"
MEMBER_A2 = "13900000002"
SECRETARY_B = "13900000011"
ADMIN = "13900000999"


def outcomes(q: dict[str, int], pattern: str) -> list[Outcome]:
    """The four outcomes of a pattern ('100', '75', '50', '50b', '25')."""
    right = {"100": "1234", "75": "123", "50": "13", "50b": "24", "25": "1"}[pattern]
    return [Outcome(q[f"q{i}"], str(i) in right, 25 if str(i) in right else 0, 25)
            for i in range(1, 5)]


@pytest.fixture
def org(app: Flask, make_unit: Any, make_person: Any) -> dict[str, Any]:
    """The organization above, with test T and study S and their results."""
    g = make_unit("第一党总支", UnitKind.GENERAL_BRANCH)
    a = make_unit("第一党支部", UnitKind.BRANCH, g)
    a1 = make_unit("第一党小组", UnitKind.GROUP, a)
    a2 = make_unit("第二党小组", UnitKind.GROUP, a)
    b = make_unit("第二党支部", UnitKind.BRANCH, g)
    c = make_unit("第三党支部", UnitKind.BRANCH, g)
    o = make_unit("第二党总支", UnitKind.GENERAL_BRANCH)
    o1 = make_unit("第二党总支支部", UnitKind.BRANCH, o)
    units = {"G": g, "A": a, "A1": a1, "A2": a2, "B": b, "C": c, "O": o, "O1": o1}
    p = {
        "a1": make_person("甲一", a1, phone="13900000001"),
        "a2": make_person("甲二", a1, phone=MEMBER_A2),
        "a3": make_person("甲三", a2, phone="13900000003"),
        "a4": make_person("甲四", a2, phone="13900000004"),
        "a5": make_person("甲五", a, phone=SECRETARY_A, roles=[(Role.SECRETARY, a)]),
        "b1": make_person("乙一", b, phone="13900000011", roles=[(Role.SECRETARY, b)]),
        "b2": make_person("乙二", b), "b3": make_person("乙三", b), "b4": make_person("乙四", b),
        "m": make_person("调动", b),
        "c1": make_person("丙一", c), "c2": make_person("丙二", c),
        "o1": make_person("丁一", o1),
        "org": make_person("组织员", o, phone=ORGANIZER_G, roles=[(Role.ORGANIZER, g)]),
        "admin": make_person("管理员", o, phone=ADMIN, roles=[(Role.ADMIN, o)]),
    }
    # The organizer and the admin sit in O: outside the audiences of G's activities.
    speech = add_speech(app, g.id)
    q = {"q1": add_question(app, speech, QuestionType.SINGLE, concept="三会一课").id,
         "q2": add_question(app, speech, QuestionType.SINGLE, concept="三会一课").id,
         "q3": add_question(app, speech, QuestionType.SINGLE, concept="四个意识").id,
         "q4": add_question(app, speech, QuestionType.SINGLE, concept="主题党日").id}
    test = make_activity(app, g.id, parts=((QuestionType.SINGLE, 4, 25),), attempts_allowed=2)
    pid = {k: v.id for k, v in p.items()}
    for name, pattern in (("a1", "100"), ("a2", "75"), ("b1", "50"), ("b3", "100"), ("m", "25"),
                          ("c1", "100")):
        add_result(app, test, pid[name], outcomes(q, pattern))
    add_result(app, test, pid["a3"], outcomes(q, "50"), submitted_at=at("2026-11-02"))
    add_result(app, test, pid["a3"], outcomes(q, "75"), submitted_at=at("2026-11-03"), attempt_no=2)
    add_result(app, test, pid["b2"], outcomes(q, "50"), submitted_at=at("2026-11-02"))
    add_result(app, test, pid["b2"], outcomes(q, "50b"), submitted_at=at("2026-11-03"), attempt_no=2)
    add_result(app, test, pid["a4"], outcomes(q, "75"), status=AttemptStatus.OPEN)
    add_result(app, test, pid["b4"], outcomes(q, "75"), status=AttemptStatus.ABANDONED)
    with app.app_context():
        db.session.execute(update(Person).where(Person.id == pid["m"]).values(unit_id=a.id))
        db.session.commit()
    study = make_activity(app, g.id, kind=ActivityKind.STUDY, title="11月党建知识选学",
                          period_start=date(2026, 11, 1), parts=((QuestionType.SINGLE, 4, 25),))
    add_result(app, study, pid["a1"], outcomes(q, "100"))
    add_result(app, study, pid["m"], outcomes(q, "50"))
    add_result(app, study, pid["b1"], outcomes(q, "100"))
    return {"units": units, "people": p, "pid": pid, "q": q, "test": test, "study": study}
