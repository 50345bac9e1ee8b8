"""Who decides a manual entry or a correction: four eyes, and a secretary's own go up.

An entry is decided by a secretary (or admin) over the member's current unit who is neither
the member nor the entry's author. When the author could decide it themselves (they are a
secretary or admin over the member's unit), it goes to the unit above the highest unit where
they are: only a secretary or admin of a unit above it, or an admin over it, decides. This is
the one place the rule is written; the service (``manual.decide``) and the pages ask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.auth.access import has_role
from quizapp.models import Person, PointEntry, Role, RoleGrant, Unit
from quizapp.models.org import ancestor_ids

DECIDING_ROLES = (Role.SECRETARY,)
_UP = "由上级组织的书记或管理员审批（书记、管理员本人提交的记录须上报）"
_BRANCH = "由该党员所在支部的书记审批"


@dataclass(frozen=True)
class Route:
    """Where an entry's decision goes: the member's unit, and the author's highest unit
    of decision over it (None when the author could not decide it)."""

    member_unit_id: int
    author_unit_id: int | None


def route_of(session: Session, entry: PointEntry) -> Route:
    """The units that decide who may decide ``entry``."""
    member_unit = entry.person.unit_id
    if entry.created_by_id is None:
        return Route(member_unit, None)
    chain = ancestor_ids(session, member_unit)  # nearest first
    held = set(session.scalars(select(RoleGrant.unit_id).where(
        RoleGrant.person_id == entry.created_by_id,
        RoleGrant.role.in_([*DECIDING_ROLES, Role.ADMIN]), RoleGrant.unit_id.in_(chain))))
    highest = next((unit_id for unit_id in reversed(chain) if unit_id in held), None)
    return Route(member_unit, highest)


def refusal(session: Session, decider: Person, entry: PointEntry,
            route: Route | None = None) -> str:
    """Why ``decider`` may not decide ``entry`` (Chinese), or "" when they may."""
    if decider.id == entry.person_id:
        return "不能审批自己的积分，请由上级书记审批"
    if decider.id == entry.created_by_id:
        return "不能审批自己提交的记录，须由他人审批"
    route = route or route_of(session, entry)
    if not has_role(session, decider, DECIDING_ROLES, route.member_unit_id):
        return "您没有审批这条记录的权限：" + _BRANCH
    if route.author_unit_id is None:
        return ""
    above = session.scalar(select(Unit.parent_id).where(Unit.id == route.author_unit_id))
    if above is not None and has_role(session, decider, DECIDING_ROLES, above):
        return ""
    if has_role(session, decider, [Role.ADMIN], route.author_unit_id):
        return ""
    return "这条记录由书记或管理员本人提交，" + _UP


def _whom(route: Route) -> str:
    return _UP if route.author_unit_id is not None else _BRANCH


def who_decides(session: Session, entry: PointEntry) -> str:
    """Who will decide ``entry``, for its author and for those who may not (Chinese)."""
    return _whom(route_of(session, entry))


@dataclass(frozen=True)
class Pending:
    """An entry waiting for a decision as one viewer sees it."""

    may_decide: bool
    note: str  # "" when the viewer may decide; else whose turn it is


def pending_for(session: Session, viewer: Person, entries: Iterable[PointEntry]) -> dict[int, Pending]:
    """For each entry waiting for a decision: whether ``viewer`` may decide it, and if not,
    who will (their own entries say that they wait for another person)."""
    result: dict[int, Pending] = {}
    routes: dict[tuple[int | None, int], Route] = {}
    verdicts: dict[tuple[Route, bool, bool], str] = {}  # the answer depends on these alone
    for entry in entries:
        key = (entry.created_by_id, entry.person.unit_id)
        if key not in routes:
            routes[key] = route_of(session, entry)
        route = routes[key]
        seat = (route, viewer.id == entry.person_id, viewer.id == entry.created_by_id)
        if seat not in verdicts:
            verdicts[seat] = refusal(session, viewer, entry, route)
        if not verdicts[seat]:
            result[entry.id] = Pending(True, "")
        elif viewer.id == entry.created_by_id:
            result[entry.id] = Pending(False, f"您提交的记录，等待他人审批：{_whom(route)}")
        else:
            result[entry.id] = Pending(False, _whom(route))
    return result
