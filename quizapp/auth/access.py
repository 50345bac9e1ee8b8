"""Who holds which role where: the single place role checks are decided, and the one owner
of scopes (role -> units): which units a person manages, reads reports of, or studies under."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from quizapp.collation import natural_key
from quizapp.models import BankQuestion, Person, QuestionStatus, Role, RoleGrant, Speech, Unit
from quizapp.models.org import ancestor_ids, subtree_ids, unit_path

# Roles from the least authority to the most.
ROLES_BY_RANK = (Role.MEMBER, Role.SECRETARY, Role.ORGANIZER, Role.ADMIN)
# Roles whose holders read a unit's reports.
REPORT_READERS = (Role.SECRETARY, Role.ORGANIZER, Role.ADMIN)


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


# -- scopes: role -> units ---------------------------------------------------------------------

def scope_roots(session: Session, person: Person, roles: Iterable[Role]) -> list[int]:
    """The roots of the subtrees where the person holds one of the roles (or is admin),
    without roots inside another root's subtree, highest first."""
    roots: set[int] = set()
    for role in {*roles, Role.ADMIN}:
        roots.update(granted_unit_ids(session, person, role))
    covered: set[int] = set()
    kept = []
    for root in sorted(roots, key=lambda unit_id: (len(unit_path(session, unit_id)), unit_id)):
        if root in covered:
            continue
        kept.append(root)
        covered |= subtree_ids(session, root)
    return kept


def units_held(session: Session, person: Person, roles: Iterable[Role]) -> set[int]:
    """Every unit in the subtrees where an active person holds one of the roles (or admin)."""
    if not person.active:
        return set()
    ids: set[int] = set()
    for root in scope_roots(session, person, roles):
        ids |= subtree_ids(session, root)
    return ids


def managed_unit_ids(session: Session, person: Person) -> set[int]:
    """Every unit in the subtrees where ``person`` is an organizer or an admin."""
    return units_held(session, person, (Role.ORGANIZER,))


def organizer_unit_choices(session: Session, person: Person) -> list[tuple[int, str]]:
    """(id, "党总支 / 第一党支部") for every unit the person organizes (``managed_unit_ids``),
    by path: the choices of a form's unit field."""
    ids = managed_unit_ids(session, person)
    units = session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.id))
    labelled = [(u.id, " / ".join(p.name for p in unit_path(session, u.id))) for u in units]
    return sorted(labelled, key=lambda pair: natural_key(pair[1]))


def member_unit_ids(session: Session, person: Person) -> set[int]:
    """The units a person belongs under: their unit and every unit above it (and the same
    for any explicit MEMBER grant), as ``has_role`` decides membership."""
    if not person.active:
        return set()
    ids = set(ancestor_ids(session, person.unit_id))
    for unit_id in session.scalars(
        select(RoleGrant.unit_id).where(RoleGrant.person_id == person.id, RoleGrant.role == Role.MEMBER)
    ):
        ids.update(ancestor_ids(session, unit_id))
    return ids


def _subtree_units(root_ids: list[int]) -> Select:
    tree = select(Unit.id).where(Unit.id.in_(root_ids)).cte("scope_tree", recursive=True)
    tree = tree.union(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return select(Unit).where(Unit.id.in_(select(tree.c.id)))


def report_units(session: Session, person: Person) -> list[Unit]:
    """Units whose reports the person may read: their SECRETARY units first, then every unit
    in the subtrees they hold a report-reading role on (one recursive query)."""
    secretary = granted_unit_ids(session, person, Role.SECRETARY)
    roots = sorted({u for role in REPORT_READERS for u in granted_unit_ids(session, person, role)})
    if not roots:
        return []
    units = list(session.scalars(_subtree_units(roots).order_by(Unit.id)))
    units.sort(key=lambda u: (u.id not in secretary, u.id))
    return units


def approved_questions_for(
    session: Session, person: Person, speech_id: int | None = None
) -> Select[tuple[BankQuestion]]:
    """A statement for the APPROVED questions ``person`` may be asked: those of speeches whose
    unit is the person's unit or one above it, optionally of one speech; by speech then id.

    Use it as ``session.scalars(approved_questions_for(session, me).limit(10))``. Drafts and
    retired questions never come out of it.
    """
    statement = (
        select(BankQuestion)
        .join(BankQuestion.speech)
        .where(Speech.unit_id.in_(member_unit_ids(session, person)), BankQuestion.status == QuestionStatus.APPROVED)
        .order_by(BankQuestion.speech_id, BankQuestion.id)
    )
    if speech_id is not None:
        statement = statement.where(BankQuestion.speech_id == speech_id)
    return statement
