"""The organization: units in a tree, the people in them, and their roles.

A unit is a 机关党委, 党总支, 党支部 or 党小组; units nest to any depth. Every
person belongs to exactly one unit. A RoleGrant gives a person a role over a
unit and, by extension, over the unit's whole subtree.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    CTE,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
    bindparam,
    literal,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from quizapp.models.base import Base, enum_column, utcnow


class UnitKind(enum.StrEnum):
    """The kinds of party organization a unit can be."""

    COMMITTEE = "committee"
    GENERAL_BRANCH = "general_branch"
    BRANCH = "branch"
    GROUP = "group"

    @property
    def label(self) -> str:
        return _UNIT_KIND_LABELS[self]


_UNIT_KIND_LABELS = {
    UnitKind.COMMITTEE: "机关党委",
    UnitKind.GENERAL_BRANCH: "党总支",
    UnitKind.BRANCH: "党支部",
    UnitKind.GROUP: "党小组",
}


class Role(enum.StrEnum):
    """What a person may do within a unit's subtree.

    MEMBER is implied for a person's own unit and needs no grant; ADMIN
    satisfies every role check within its scope.
    """

    MEMBER = "member"
    SECRETARY = "secretary"
    ORGANIZER = "organizer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.MEMBER: "党员",
    Role.SECRETARY: "支部书记",
    Role.ORGANIZER: "组织员",
    Role.ADMIN: "管理员",
}


class Unit(Base):
    """A node in the organization tree."""

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("name <> ''", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "unit_kind"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="RESTRICT"), index=True
    )

    parent: Mapped[Unit | None] = relationship(
        back_populates="children", remote_side=[id]
    )
    children: Mapped[list[Unit]] = relationship(
        back_populates="parent", order_by="Unit.id"
    )

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r} {self.kind.value}>"


class Person(UserMixin, Base):
    """Someone who can log in: by phone number or by party member number."""

    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint(
            "phone IS NOT NULL OR member_no IS NOT NULL", name="has_login"
        ),
        CheckConstraint("phone <> ''", name="phone_not_blank"),
        CheckConstraint("member_no <> ''", name="member_no_not_blank"),
        CheckConstraint("name <> ''", name="name_not_blank"),
        CheckConstraint("auth_version >= 1", name="auth_version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    member_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="RESTRICT"), index=True
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session id: bumping it logs the person out everywhere,
    # including remember-me cookies (done on every password change).
    auth_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    unit: Mapped[Unit] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RoleGrant.id",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive people cannot log in
        return self.active

    def get_id(self) -> str:
        # The login session's token is set on the instance when the session is opened or loaded
        # (quizapp.auth.session); without it the id matches no session and logs nobody in.
        return f"{self.id}:{self.auth_version}:{getattr(self, 'login_token', '')}"

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name!r}>"


class LoginSession(Base):
    """One login on one device: the session cookie carries its token, the table its SHA-256.

    Logging out deletes the row, so a copied cookie dies with it; a password change
    (``Person.auth_version``) ends every session of the person.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # What the member sees in 我的登录设备 ("iPhone · 微信"), from the login's User-Agent.
    device: Mapped[str | None] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} of person {self.person_id}>"


class RoleGrant(Base):
    """A role held by a person over a unit and its subtree."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("person_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="RESTRICT"), index=True
    )

    person: Mapped[Person] = relationship(back_populates="grants")
    unit: Mapped[Unit] = relationship()

    def __repr__(self) -> str:
        return f"<RoleGrant {self.role.value} of person {self.person_id} on unit {self.unit_id}>"


def subtree_ids(session: Session, unit_id: int) -> set[int]:
    """Ids of a unit and all its descendants (empty if the unit does not exist)."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("subtree", recursive=True)
    # UNION, not UNION ALL: stops even if bad data ever forms a cycle.
    tree = tree.union(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return set(session.scalars(select(tree.c.id)))


def _unit_chain() -> CTE:
    """The unit bound as ``unit_id`` and its ancestors with their depth (0 for the unit): one
    recursive query. The depth bound only stops a cycle that bad data might form."""
    up = select(Unit.id, Unit.parent_id, literal(0).label("depth")).where(
        Unit.id == bindparam("unit_id")).cte("chain", recursive=True)
    return up.union_all(
        select(Unit.id, Unit.parent_id, up.c.depth + 1)
        .join(up, Unit.id == up.c.parent_id).where(up.c.depth < 100))


UNIT_CHAIN = _unit_chain()
_ANCESTOR_IDS = select(UNIT_CHAIN.c.id).order_by(UNIT_CHAIN.c.depth)


def ancestor_ids(session: Session, unit_id: int) -> list[int]:
    """Ids from the unit itself up to its root, nearest first (one query; a statement a level
    was nine statements of a member's home page)."""
    return list(dict.fromkeys(session.scalars(_ANCESTOR_IDS, {"unit_id": unit_id})))


def unit_path(session: Session, unit_id: int) -> list[Unit]:
    """The units from the root down to this unit, for breadcrumbs."""
    ids = ancestor_ids(session, unit_id)
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [units[i] for i in reversed(ids) if i in units]
