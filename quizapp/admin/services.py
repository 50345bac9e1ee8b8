"""Administrative writes on accounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.auth.access import may_manage_account
from quizapp.auth.services import find_person_by_account, normalize_member_no, normalize_phone, set_password
from quizapp.models import Person, Role, RoleGrant, Unit, UnitKind

# No 0/O, 1/l/I: temporary passwords are read aloud or copied by hand.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMP_PASSWORD_LENGTH = 10


def generate_temporary_password() -> str:
    """A random password with letters and digits, easy to read out."""
    while True:
        password = "".join(
            secrets.choice(_TEMP_ALPHABET) for _ in range(TEMP_PASSWORD_LENGTH)
        )
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def may_reset(session: Session, actor: Person, target: Person) -> bool:
    """Whether ``actor`` may reset ``target``'s password: besides ``target``'s unit (checked by
    the route), every role ``target`` holds must lie within ``actor``'s administration, or a
    lower admin could take over a higher admin's account and with it a wider scope (the rule
    roster updates share: ``may_manage_account``)."""
    return may_manage_account(session, actor, target, Role.ADMIN)


def reset_password(person: Person) -> str:
    """Give ``person`` a new temporary password and return it.

    The person must change it at next login, and every existing session of
    theirs (including remember-me cookies) ends. The caller commits.
    """
    password = generate_temporary_password()
    set_password(person, password, must_change=True)
    return password


class AdminSetupError(Exception):
    """The first administrator cannot be created; the message says why, in Chinese."""


@dataclass(frozen=True)
class FirstAdmin:
    person: Person
    unit: Unit
    password: str


def create_first_admin(session: Session, *, unit_name: str, unit_kind: UnitKind, name: str,
                       phone: str | None, member_no: str | None) -> FirstAdmin:
    """Create (or find) a top-level unit and an administrator over it, with a temporary password
    to change at first login: how a new installation gets its first account. The caller commits."""
    unit_name, name = unit_name.strip(), name.strip()
    if not unit_name or not name:
        raise AdminSetupError("单位名称和姓名都不能为空")
    normalized_phone = normalize_phone(phone) if phone else None
    if phone and normalized_phone is None:
        raise AdminSetupError(f"手机号格式不正确：{phone}")
    normalized_no = normalize_member_no(member_no)
    if normalized_phone is None and normalized_no is None:
        raise AdminSetupError("请至少提供手机号或党员编号之一，用于登录")
    for account in (normalized_phone, normalized_no):
        if account and find_person_by_account(session, account) is not None:
            raise AdminSetupError(f"账号已存在：{account}")
    unit = session.scalar(select(Unit).where(Unit.parent_id.is_(None), Unit.name == unit_name))
    if unit is None:
        unit = Unit(name=unit_name, kind=unit_kind)
        session.add(unit)
        session.flush()
    person = Person(name=name, phone=normalized_phone, member_no=normalized_no, unit_id=unit.id,
                    password_hash="", auth_version=1)
    password = generate_temporary_password()
    set_password(person, password, must_change=True)
    session.add(person)
    session.flush()
    session.add(RoleGrant(person_id=person.id, role=Role.ADMIN, unit_id=unit.id))
    session.flush()
    return FirstAdmin(person=person, unit=unit, password=password)
