"""Shared pieces for the manual points tests: the staff around ``quiz_org``'s member, and
helpers to read the ledger.

Test modules import the fixtures they use (``staff`` needs ``quiz_org`` from quiz_helpers).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from activity_helpers import Outcome, add_result, at, make_activity
from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import ActivityKind, PointEntry, QuestionType, Role
from quizapp.points.queries import total_for
from quizapp.results.awards import award_for_activity

SECRETARY = "13900000002"
ORGANIZER = "13900000003"
OTHER_SECRETARY = "13900000004"
DEPUTY = "13900000005"  # a second secretary of the same branch
GENERAL_SECRETARY = "13900000006"  # the secretary of the 总支 above
ADMIN = "13900000007"
BRANCH_ADMIN = "13900000008"


@pytest.fixture
def staff(make_person: Any, quiz_org: dict[str, Any]) -> dict[str, Any]:
    """Who adds and decides around the member of ``quiz_org``'s 党小组."""
    units = quiz_org["units"]

    def make(name: str, phone: str, role: Role, unit: str) -> Any:
        return make_person(name=name, phone=phone, unit=units[unit], roles=[(role, units[unit])])

    return {
        "secretary": make("书记", SECRETARY, Role.SECRETARY, "branch"),
        "organizer": make("组织员", ORGANIZER, Role.ORGANIZER, "general"),
        "other": make("别的书记", OTHER_SECRETARY, Role.SECRETARY, "other_branch"),
        "deputy": make("副书记", DEPUTY, Role.SECRETARY, "branch"),
        # Decides the branch secretary's own entries (issue 19: they go to the unit above).
        "general": make("总支书记", GENERAL_SECRETARY, Role.SECRETARY, "general"),
        "admin": make("管理员", ADMIN, Role.ADMIN, "general"),
        "branch_admin": make("支部管理员", BRANCH_ADMIN, Role.ADMIN, "branch"),
    }


def total(app: Flask, person_id: int) -> int:
    with app.app_context():
        return total_for(db.session, person_id)


def last_entry_id(app: Flask) -> int | None:
    with app.app_context():
        return db.session.scalar(select(PointEntry.id).order_by(PointEntry.id.desc()).limit(1))


def counting_entry(app: Flask, quiz_org: dict[str, Any], bank: dict[str, Any]) -> int:
    """A study entry (+5) of the member that counts, to be corrected."""
    member = quiz_org["people"]["member"]
    study = make_activity(app, quiz_org["units"]["general"].id, kind=ActivityKind.STUDY,
                          period_start=date(2026, 11, 1), parts=((QuestionType.SINGLE, 1, 10),))
    add_result(app, study, member.id, [Outcome(bank["questions"]["single"].id, True, 10, 10)])
    with app.app_context():
        entry = award_for_activity(db.session, member.id, study, now=at("2026-11-05")).id
        db.session.commit()
    return entry
