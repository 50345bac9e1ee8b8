"""Checking roster rows: formats, duplicates, units, roles and matching people.

``RowChecker`` loads what a whole file needs in a few queries (the scope's
units, the people whose numbers the file mentions, their grants) and then
checks rows one by one, in file order, remembering what earlier rows claimed.
Every error message is Chinese and meant for the organizer as is.

A login tries the phone number first, then the member number, so the two share one
namespace: a row's numbers are checked against both fields of every other person. People
outside the scope are never named nor hinted at, unless the importer may manage them too:
a row whose number someone outside holds reads like any other and is held at the commit
(``RowFacts.held_outside``), for an admin who manages both units to import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from quizapp.auth.access import has_role, may_manage_account
from quizapp.auth.services import normalize_member_no, normalize_phone
from quizapp.models import Person, Role
from quizapp.roster.plan import FieldChange
from quizapp.roster.reader import RawRow
from quizapp.roster.units import UnitIndex, UnitNotFound, UnitRef
from quizapp.spreadsheet import FORMULA_STARTS

ROLE_BY_LABEL = {role.label: role for role in Role}
ROLE_NAMES = "、".join(role.label for role in Role)
MAX_NAME_LENGTH = 50
MAX_MEMBER_NO_LENGTH = 32
_MOBILE = re.compile(r"1[3-9]\d{9}")
_MEMBER_NO = re.compile(r"[0-9A-Z][0-9A-Z_\-]*")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+\d+", re.IGNORECASE)


@dataclass
class RowFacts:
    """A row's cleaned values, the units and person they resolve to, and its errors."""

    name: str = ""
    phone: str | None = None
    member_no: str | None = None
    branch: UnitRef | None = None
    group: UnitRef | None = None
    roles: list[Role] = field(default_factory=list)
    person: Person | None = None
    # What the row changes of ``person`` (a blank number keeps the one on record).
    changes: tuple[FieldChange, ...] = ()
    # A number of the row belongs to someone the importer may not see: never shown in the dry
    # run (it must read the same whether or not that person exists), held at the commit.
    held_outside: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def unit(self) -> UnitRef | None:
        return self.group or self.branch


def parse_roles(text: str) -> tuple[list[Role], list[str]]:
    """Roles named in a 角色 cell (empty means 党员) and the names not recognised."""
    roles: list[Role] = []
    unknown: list[str] = []
    for part in re.split(r"[、,，;；/\s]+", text):
        if not part:
            continue
        role = ROLE_BY_LABEL.get(part)
        if role is None:
            unknown.append(part)
        elif role not in roles:
            roles.append(role)
    return roles, unknown


def _phone(text: str) -> str | None:
    phone = normalize_phone(text)
    return phone if phone is not None and _MOBILE.fullmatch(phone) else None


class RowChecker:
    """Checks the rows of one file for one importer and scope."""

    def __init__(
        self, session: Session, importer: Person, scope_unit_id: int, rows: list[RawRow]
    ) -> None:
        self.session = session
        self.importer = importer
        self.units = UnitIndex(session, scope_unit_id)
        phones = {p for p in (_phone(r.get("phone")) for r in rows) if p}
        numbers = {n for n in (normalize_member_no(r.get("member_no")) for r in rows) if n}
        people = _people_with(session, phones | numbers)
        self.by_phone = {p.phone: p for p in people if p.phone}
        self.by_member_no = {p.member_no: p for p in people if p.member_no}
        self._grants = {p.id: {(g.role, g.unit_id) for g in p.grants} for p in people}
        self._account_rows: dict[str, int] = {}
        self._person_rows: dict[int, int] = {}
        self._may_grant_admin: dict[int, bool] = {}
        self._may_see_unit: dict[int, bool] = {}

    def held_grants(self, person_id: int) -> set[tuple[Role, int]]:
        return self._grants.get(person_id, set())

    def check(self, raw: RawRow) -> RowFacts:
        """Every problem with one row; rows are checked in file order."""
        facts = RowFacts()
        self._check_name(raw, facts)
        self._check_numbers(raw, facts)
        self._check_units(raw, facts)
        self._check_roles(raw, facts)
        self._match_person(raw, facts)
        if facts.person is not None and not facts.errors:
            facts.changes = self._changes(facts, facts.person)
            self._check_authority(facts, facts.person)
        return facts

    def _check_name(self, raw: RawRow, facts: RowFacts) -> None:
        facts.name = re.sub(r"\s+", " ", raw.get("name")).strip()
        if not facts.name:
            facts.errors.append("缺少姓名")
        elif len(facts.name) > MAX_NAME_LENGTH:
            facts.errors.append(f"姓名过长（最多 {MAX_NAME_LENGTH} 个字）")
        elif facts.name.startswith(FORMULA_STARTS):
            facts.errors.append("姓名不能以 = + - @ 开头")

    def _check_numbers(self, raw: RawRow, facts: RowFacts) -> None:
        phone_text, number_text = raw.get("phone"), raw.get("member_no")
        if phone_text:
            facts.phone = _phone(phone_text)
            if facts.phone is None:
                hint = "（显示成了科学计数法，请把该列设为“文本”格式后重新填写）" if _SCIENTIFIC.fullmatch(phone_text) else ""
                facts.errors.append(f"手机号“{phone_text}”格式不正确，应为 11 位手机号码{hint}")
        if number_text:
            facts.member_no = normalize_member_no(number_text)
            if not (facts.member_no and _MEMBER_NO.fullmatch(facts.member_no)):
                facts.errors.append(f"党员编号“{number_text}”格式不正确，只能包含字母、数字和连字符")
                facts.member_no = None
            elif len(facts.member_no) > MAX_MEMBER_NO_LENGTH:
                facts.errors.append(f"党员编号过长（最多 {MAX_MEMBER_NO_LENGTH} 位）")
                facts.member_no = None
        if not phone_text and not number_text:
            facts.errors.append("手机号和党员编号至少填写一项（用于登录）")
        # One namespace for both: a login tries the phone number, then the member number.
        if facts.phone:
            self._check_repeat(facts, "手机号", facts.phone, self._account_rows, raw.number)
        if facts.member_no:
            self._check_repeat(facts, "党员编号", facts.member_no, self._account_rows, raw.number)

    @staticmethod
    def _check_repeat(facts: RowFacts, label: str, value: str, seen: dict[str, int], number: int) -> None:
        first = seen.setdefault(value, number)
        if first != number:
            facts.errors.append(f"{label} {value} 与第 {first} 行重复")

    def _check_units(self, raw: RawRow, facts: RowFacts) -> None:
        branch_text, group_text = raw.get("branch"), raw.get("group")
        if not branch_text:
            facts.errors.append("缺少所属支部")
            return
        try:
            facts.branch = self.units.find_branch(branch_text)
            if group_text:
                facts.group = self.units.find_group(group_text, facts.branch)
        except UnitNotFound as error:
            facts.errors.append(str(error))

    def _check_roles(self, raw: RawRow, facts: RowFacts) -> None:
        facts.roles, unknown = parse_roles(raw.get("roles"))
        for name in unknown:
            facts.errors.append(f"角色“{name}”无法识别，可填：{ROLE_NAMES}")
        if Role.ADMIN in facts.roles and facts.branch is not None:
            unit_id = facts.branch.id
            if unit_id not in self._may_grant_admin:
                self._may_grant_admin[unit_id] = has_role(
                    self.session, self.importer, [Role.ADMIN], unit_id
                )
            if not self._may_grant_admin[unit_id]:
                facts.errors.append("只有管理员可以授予“管理员”角色")

    def _match_person(self, raw: RawRow, facts: RowFacts) -> None:
        """Find the existing person by 党员编号, then 手机号, and check for clashes with the
        logins of everybody else."""
        by_number = self.by_member_no.get(facts.member_no) if facts.member_no else None
        by_phone = self.by_phone.get(facts.phone) if facts.phone else None
        person = next((p for p in (by_number, by_phone) if p is not None and p.unit_id in self.units),
                      None)
        for label, value, other in self._holders(facts):
            if other is person:
                continue
            if other.unit_id in self.units:
                facts.errors.append(f"{label} {value} 已被“{other.name}”使用")
                return
            if self._may_see(other.unit_id):
                facts.errors.append(
                    f"{label} {value} 已登记在{self.units.root.name}以外的单位（{other.name}），"
                    "不能在此导入；如需调入，请在同时包含两个单位的上级单位导入"
                )
                return
            facts.held_outside = True
        if person is None:
            return
        first = self._person_rows.setdefault(person.id, raw.number)
        if first != raw.number:
            facts.errors.append(f"与第 {first} 行是同一人（{person.name}），请合并为一行")
            return
        facts.person = person

    def _holders(self, facts: RowFacts) -> list[tuple[str, str, Person]]:
        """Everybody whose phone or member number is one of the row's numbers, in either field."""
        found: list[tuple[str, str, Person]] = []
        for label, value in (("党员编号", facts.member_no), ("手机号", facts.phone)):
            if not value:
                continue
            for other in (self.by_member_no.get(value), self.by_phone.get(value)):
                if other is not None and all(other is not seen for _, _, seen in found):
                    found.append((label, value, other))
        return found

    def _may_see(self, unit_id: int) -> bool:
        """Whether the importer manages ``unit_id`` as well (and so may be told who is there)."""
        if unit_id not in self._may_see_unit:
            self._may_see_unit[unit_id] = has_role(
                self.session, self.importer, [Role.ORGANIZER], unit_id
            )
        return self._may_see_unit[unit_id]

    def _changes(self, facts: RowFacts, person: Person) -> tuple[FieldChange, ...]:
        """The fields the row changes; a blank 手机号 or 党员编号 cell keeps what is on record."""
        unit = facts.unit
        assert unit is not None
        changes: list[FieldChange] = []
        if facts.name != person.name:
            changes.append(FieldChange("姓名", person.name, facts.name))
        if facts.phone and facts.phone != person.phone:
            changes.append(FieldChange("手机号", person.phone or "（无）", facts.phone))
        if facts.member_no and facts.member_no != person.member_no:
            changes.append(FieldChange("党员编号", person.member_no or "（无）", facts.member_no))
        if unit.id != person.unit_id:
            changes.append(FieldChange("所属单位", self.units.label(person.unit_id), unit.label))
        return tuple(changes)

    def _check_authority(self, facts: RowFacts, person: Person) -> None:
        """A change of name, numbers or unit needs authority over every role the person holds
        (the rule password resets follow)."""
        if facts.changes and not may_manage_account(self.session, self.importer, person,
                                                    Role.ORGANIZER):
            roles = "、".join(dict.fromkeys(grant.role.label for grant in person.grants))
            facts.errors.append(
                f"“{person.name}”担任{roles}，超出您的权限：名单不能修改其姓名、手机号、党员编号或所属单位，"
                "请联系其上级管理员"
            )

def _people_with(session: Session, accounts: set[str]) -> list[Person]:
    """People whose phone or member number is one of ``accounts``, with their grants."""
    if not accounts:
        return []
    return list(session.scalars(
        select(Person).options(selectinload(Person.grants))
        .where(or_(Person.phone.in_(accounts), Person.member_no.in_(accounts)))
    ))
