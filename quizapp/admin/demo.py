"""The demo organization behind ``flask seed-demo``.

One 党总支 with three 党支部 and two or three 党小组 each, 32 people, all with the
password ``DEMO_PASSWORD`` and no forced password change:

==========================  ============  =========  ===================
who                         phone         member no  role
==========================  ============  =========  ===================
管理员 (admin)               13900000000   DEMO0001   ADMIN on the 党总支
组织员 (organizer)           13900000001   DEMO0002   ORGANIZER on 党总支
第一/二/三党支部书记          1390000001k   DEMO001k   SECRETARY on branch k
党员 (members)               13800000nnn   DEMO1nnn   member of a 党小组
==========================  ============  =========  ===================

Seeding is idempotent: units are found by (parent, name), people by member
number, grants by (person, role, unit); nothing existing is modified.

The demo bank (``approve_demo_bank``, after the speeches are imported) approves on its own only
what the builder ranks at least ``questions.quality.THRESHOLD``, one question per key point (the
best variant); every other question waits for an organizer, as a real bank would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from questions.quality import THRESHOLD
from quizapp.auth.passwords import hash_password
from quizapp.models import Person, Role, RoleGrant, Unit, UnitKind
from quizapp.models.org import subtree_ids
from quizapp.organize import queries, ranking, review

DEMO_PASSWORD = "demo1234"
ROOT_NAME = "示范机关党总支"
# Branch name -> its 党小组 names.
BRANCHES = {
    "第一党支部": ["第一党小组", "第二党小组"],
    "第二党支部": ["第一党小组", "第二党小组", "第三党小组"],
    "第三党支部": ["第一党小组", "第二党小组"],
}
MEMBERS_PER_BRANCH = 9
_NAMES = (
    "王建国 李秀英 张伟 刘洋 陈静 杨帆 赵敏 黄磊 周婷 吴强 徐丽 孙浩 胡军 朱琳 高峰 林芳 "
    "何勇 郭燕 马超 罗娟 梁斌 宋佳 郑凯 谢娜 韩涛 唐雪 冯刚 于倩 董明 萧红 程亮 曹颖"
).split()


@dataclass(frozen=True)
class DemoLogin:
    """A documented demo account."""

    description: str
    name: str
    phone: str
    member_no: str


@dataclass
class DemoResult:
    """What seeding created, and every demo login (new or existing)."""

    units_created: int = 0
    people_created: int = 0
    grants_created: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


class _Seeder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.result = DemoResult()
        self._password_hash: str | None = None
        self._names = iter(_NAMES)

    def unit(self, name: str, kind: UnitKind, parent: Unit | None) -> Unit:
        parent_id = parent.id if parent else None
        # Comparing with None renders IS NULL.
        unit = self.session.scalar(
            select(Unit).where(Unit.name == name, Unit.parent_id == parent_id)
        )
        if unit is None:
            unit = Unit(name=name, kind=kind, parent=parent)
            self.session.add(unit)
            self.session.flush()
            self.result.units_created += 1
        return unit

    def person(self, description: str, phone: str, member_no: str, unit: Unit) -> Person:
        name = next(self._names)
        person = self.session.scalar(select(Person).where(Person.member_no == member_no))
        if person is None:
            # One hash for every demo account: they share a published password.
            if self._password_hash is None:
                self._password_hash = hash_password(DEMO_PASSWORD)
            person = Person(
                name=name,
                phone=phone,
                member_no=member_no,
                unit=unit,
                password_hash=self._password_hash,
                must_change_password=False,
            )
            self.session.add(person)
            self.session.flush()
            self.result.people_created += 1
        self.result.logins.append(
            DemoLogin(description, person.name, person.phone or "", member_no)
        )
        return person

    def grant(self, person: Person, role: Role, unit: Unit) -> None:
        exists = self.session.scalar(
            select(RoleGrant.id).where(
                RoleGrant.person_id == person.id,
                RoleGrant.role == role,
                RoleGrant.unit_id == unit.id,
            )
        )
        if exists is None:
            self.session.add(RoleGrant(person=person, role=role, unit=unit))
            self.session.flush()
            self.result.grants_created += 1


def seed_demo_organization(session: Session) -> DemoResult:
    """Create (or complete) the demo organization; flushes, the caller commits."""
    seeder = _Seeder(session)
    root = seeder.unit(ROOT_NAME, UnitKind.GENERAL_BRANCH, None)
    admin = seeder.person("管理员", "13900000000", "DEMO0001", root)
    seeder.grant(admin, Role.ADMIN, root)
    organizer = seeder.person("组织员", "13900000001", "DEMO0002", root)
    seeder.grant(organizer, Role.ORGANIZER, root)

    serial = 0
    for number, (branch_name, group_names) in enumerate(BRANCHES.items(), start=1):
        branch = seeder.unit(branch_name, UnitKind.BRANCH, root)
        groups = [seeder.unit(g, UnitKind.GROUP, branch) for g in group_names]
        secretary = seeder.person(
            f"{branch_name}书记", f"139000000{10 + number}", f"DEMO00{10 + number}", branch
        )
        seeder.grant(secretary, Role.SECRETARY, branch)
        for index in range(MEMBERS_PER_BRANCH):
            serial += 1
            group = groups[index % len(groups)]
            seeder.person(
                f"党员（{branch_name}{group.name}）",
                f"13800000{serial:03d}",
                f"DEMO1{serial:03d}",
                group,
            )
    return seeder.result


@dataclass(frozen=True)
class DemoBank:
    """What the demo's approval did: approved on its own, and left for an organizer."""

    approved: int
    waiting: int
    threshold: float = THRESHOLD

    def summary(self) -> str:
        return (f"示范题库：已自动通过 {self.approved} 道（质量分 ≥ {self.threshold:g}，每个要点一道），"
                f"其余 {self.waiting} 道待组织员审核")


class DemoBankError(Exception):
    """The demo organization is not there yet."""


def approve_demo_bank(session: Session) -> DemoBank:
    """Approve the demo 党总支's drafts that the builder ranks at least THRESHOLD, the best of each
    key point (none of a point that already has an approved question); flushes."""
    root = session.scalar(select(Unit).where(Unit.name == ROOT_NAME, Unit.parent_id.is_(None)))
    if root is None:
        raise DemoBankError("请先运行 flask seed-demo 建立示范组织")
    unit_ids = subtree_ids(session, root.id)
    matching = queries.matching_questions(unit_ids, queries.BankFilter())
    picked = ranking.pick_drafts(session, matching, unit_ids, None, min_quality=THRESHOLD)
    approved = review.approve_ids(session, picked, None)
    session.flush()
    waiting = queries.count_of(session, queries.drafts_among(matching))
    return DemoBank(approved, waiting)
