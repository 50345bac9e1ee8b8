"""Roster import: a dry run that plans every change, and the commit of that plan.

``plan_import`` reads a file and checks every row against the database
without writing anything. ``commit_import`` plans the same bytes again and,
only if the plan has no errors and is exactly the one the organizer saw,
writes it: new people with an issued password they must change at first
login, updates (matched by 党员编号, then 手机号), and role grants. It flushes;
the caller commits, so a file is imported whole or not at all, except for the rows it
holds: a change of name or login number the importer did not confirm separately, and a row
whose number belongs to someone outside the scope (``checks``).
"""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from quizapp.admin.services import generate_temporary_password
from quizapp.auth.access import has_role
from quizapp.auth.passwords import hash_issued_password
from quizapp.models import Person, Role, RoleGrant
from quizapp.roster import reader
from quizapp.roster.checks import RowChecker, RowFacts
from quizapp.roster.plan import (
    HeldRow,
    ImportPlan,
    ImportResult,
    IssuedPassword,
    PlannedGrant,
    PlannedRow,
    RowAction,
    RowError,
)
from quizapp.roster.template import build_template
from quizapp.roster.units import UnitIndex

MAX_FILENAME_LENGTH = 120


class RosterImportError(Exception):
    """The import cannot go ahead; ``str(error)`` is shown to the organizer."""


class PlanChanged(RosterImportError):
    """At commit time the file no longer gives the plan that was confirmed."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("名单预览后数据已发生变化，请核对新的预览后再确认导入。")
        self.plan = plan


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def clean_filename(raw: str | None) -> str:
    """The uploaded file's own name, without any folder a browser sent."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[-MAX_FILENAME_LENGTH:]


def template_for(session: Session, scope_unit_id: int) -> bytes:
    """The .xlsx template, its example row naming a real unit of the scope."""
    branch, group = UnitIndex(session, scope_unit_id).example()
    return build_template(branch, group)


def plan_import(
    session: Session, data: bytes, filename: str, importer: Person, scope_unit_id: int
) -> ImportPlan:
    """Dry-run a roster file for ``importer`` into the subtree of ``scope_unit_id``.

    Raises ``reader.RosterFileError`` when the file cannot be read at all and
    ``RosterImportError`` when the importer may not import there. Writes nothing.
    """
    if not has_role(session, importer, [Role.ORGANIZER], scope_unit_id):
        raise RosterImportError("您没有导入该组织名单的权限。")
    table = reader.read_roster(data, filename)
    checker = RowChecker(session, importer, scope_unit_id, table.rows)
    rows: list[PlannedRow] = []
    errors: list[RowError] = []
    for raw in table.rows:
        facts = checker.check(raw)
        if facts.errors:
            errors.extend(RowError(raw.number, message) for message in facts.errors)
        else:
            rows.append(_planned_row(checker, raw.number, facts))
    return ImportPlan(
        filename=filename,
        sha256=file_sha256(data),
        source=table.source,
        scope_name=checker.units.root.name,
        ignored_headers=table.ignored_headers,
        rows=tuple(rows),
        errors=tuple(errors),
    )


def _planned_row(checker: RowChecker, number: int, facts: RowFacts) -> PlannedRow:
    unit = facts.unit
    assert unit is not None and facts.branch is not None
    person = facts.person
    held = checker.held_grants(person.id) if person is not None else set()
    grants = tuple(
        PlannedGrant(role, facts.branch.id, facts.branch.label)
        for role in facts.roles
        if role is not Role.MEMBER and (role, facts.branch.id) not in held
    )
    common = {
        "row": number, "name": facts.name, "phone": facts.phone,
        "member_no": facts.member_no, "unit_id": unit.id, "unit_label": unit.label,
        "grants": grants, "held_outside": facts.held_outside,
    }
    if person is None:
        return PlannedRow(action=RowAction.NEW, **common)
    action = RowAction.UPDATE if facts.changes or grants else RowAction.UNCHANGED
    return PlannedRow(action=action, person_id=person.id, changes=facts.changes, **common)


def commit_import(
    session: Session,
    data: bytes,
    filename: str,
    importer: Person,
    scope_unit_id: int,
    expected_digest: str,
    confirm_identity: bool = False,
) -> ImportResult:
    """Import a file whose dry run the importer confirmed (``expected_digest``).

    Plans again from the same bytes; raises ``PlanChanged`` (carrying the new
    plan) if the plan now has errors or differs from the confirmed one, for
    example because someone else imported in between. Changes of name or login
    number are made only with ``confirm_identity``; those rows, and rows whose
    number belongs to someone outside the scope, are held (``ImportResult.held``).
    Flushes, never commits.
    """
    plan = plan_import(session, data, filename, importer, scope_unit_id)
    if not plan.ok or plan.digest != expected_digest:
        raise PlanChanged(plan)
    created: list[IssuedPassword] = []
    held: list[HeldRow] = []
    updated = unchanged = grants_added = 0
    for row in plan.rows:
        reason = _hold_reason(row, confirm_identity)
        if reason:
            held.append(HeldRow(row.row, row.name, reason))
            continue
        if row.action is RowAction.UNCHANGED:
            unchanged += 1
            continue
        if row.action is RowAction.NEW:
            password = generate_temporary_password()
            person = Person(
                name=row.name, phone=row.phone, member_no=row.member_no,
                unit_id=row.unit_id, password_hash=hash_issued_password(password),
                must_change_password=True,
            )
            session.add(person)
            created.append(IssuedPassword(row.name, row.account, row.unit_label, password))
        else:
            person = session.get_one(Person, row.person_id)
            person.name = row.name
            person.phone = row.phone or person.phone
            person.member_no = row.member_no or person.member_no
            person.unit_id = row.unit_id
            updated += 1
        for grant in row.grants:
            person.grants.append(RoleGrant(role=grant.role, unit_id=grant.unit_id))
        grants_added += len(row.grants)
    session.flush()
    return ImportResult(
        created=tuple(created),
        updated=updated,
        unchanged=unchanged,
        grants_added=grants_added,
        held=tuple(held),
    )


def _hold_reason(row: PlannedRow, confirm_identity: bool) -> str:
    """Why the commit leaves ``row`` alone, or "" to import it."""
    if row.changes_identity and not confirm_identity:
        return "姓名、手机号或党员编号的修改未勾选确认，本行未导入；核对后请重新导入并勾选确认"
    if row.held_outside:
        return "本行的手机号或党员编号需由上级管理员核对，未导入；请联系同时管理相关单位的管理员导入"
    return ""
