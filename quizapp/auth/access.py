"""Who holds which role where: the single place role checks are decided."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import Person, Role, RoleGrant
from quizapp.models.org import ancestor_ids

# Roles from the least authority to the most.
ROLES_BY_RANK = (Role.MEMBER, Role.SECRETARY, Role.ORGANIZER, Role.ADMIN)


def roles_held(session: Session, person: Person) -> frozenset[Role]:
    """Every role ``person`` is granted anywhere (one query)."""
    return frozenset(session.scalars(
        select(RoleGrant.role).where(RoleGrant.person_id == person.id)))


def holds_anywhere(held: Callable[[], frozenset[Role]], roles: Iterable[Role]) -> bool:
    """Whether an active person whose grants are ``held()`` holds one of ``roles`` somewhere:
    MEMBER needs no grant, ADMIN satisfies every role."""
    wanted = set(roles)
    if Role.MEMBER in wanted:
        return True
    return any(role in wanted or role is Role.ADMIN for role in held())


def has_role(
    session: Session, person: Person, roles: Iterable[Role], unit_id: int | None = None
) -> bool:
    """True when ``person`` holds one of ``roles`` over ``unit_id``.

    Without ``unit_id`` the role may be held anywhere. A grant on a unit covers
    its whole subtree, and ADMIN satisfies every role within its scope.
    MEMBER needs no grant: a person is a member of their own unit and of every
    unit above it (a test published to a 党总支 reaches its 党小组 members).
    """
    wanted = set(roles)
    if not person.active:
        return False
    if unit_id is None:
        return holds_anywhere(lambda: roles_held(session, person), wanted)

    scope = ancestor_ids(session, unit_id)
    if not scope:
        return False
    if Role.MEMBER in wanted and unit_id in ancestor_ids(session, person.unit_id):
        return True
    managing = (wanted - {Role.MEMBER}) | {Role.ADMIN}
    grant = session.scalar(
        select(RoleGrant.id).where(
            RoleGrant.person_id == person.id,
            RoleGrant.role.in_(managing),
            RoleGrant.unit_id.in_(scope),
        )
    )
    if grant is not None:
        return True
    if Role.MEMBER in wanted:
        extra = session.scalars(
            select(RoleGrant.unit_id).where(
                RoleGrant.person_id == person.id, RoleGrant.role == Role.MEMBER
            )
        )
        return any(unit_id in ancestor_ids(session, unit) for unit in extra)
    return False


def roles_at_least(role: Role) -> tuple[Role, ...]:
    """``role`` and every role above it."""
    return ROLES_BY_RANK[ROLES_BY_RANK.index(role):]


def may_manage_account(session: Session, actor: Person, target: Person, acting_role: Role) -> bool:
    """Whether ``actor``, acting as ``acting_role``, may change ``target``'s account: reset its
    password (ADMIN) or change its name, phone, member number or unit (ORGANIZER, a roster
    update). Every role ``target`` holds must lie where ``actor`` holds ``acting_role``, and a
    role above ``acting_role`` where ``actor`` holds that role or a higher one; otherwise a lower
    admin or organizer could take over a higher account, and with it a wider scope. Whether
    ``target``'s own unit is within reach is the caller's check."""
    return all(
        has_role(session, actor,
                 roles_at_least(max(grant.role, acting_role, key=ROLES_BY_RANK.index)),
                 grant.unit_id)
        for grant in target.grants
    )


def granted_unit_ids(session: Session, person: Person, role: Role) -> list[int]:
    """Units on which ``person`` holds ``role`` explicitly (their scope roots)."""
    return list(
        session.scalars(
            select(RoleGrant.unit_id)
            .where(RoleGrant.person_id == person.id, RoleGrant.role == role)
            .order_by(RoleGrant.unit_id)
        )
    )
