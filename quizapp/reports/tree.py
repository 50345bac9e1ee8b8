"""The units of a report: a unit's subtree, each unit in its bucket (the row of the report it
is counted in), fetched once per transaction.

Report queries name the units of a branch or a 党总支 outright (``units_of``), so that the
planner reads their rows by the key; a whole organization's thousands are joined as the
``subtree`` CTE instead (``few_units_of`` tells which, without fetching thousands).
``transaction_state`` keeps what a report's several queries share in one transaction, and
tunes PostgreSQL for them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam, case, null, select, text
from sqlalchemy.orm import Session

from quizapp.models import Unit, UnitKind

Split = bool | UnitKind
NAMED_UNITS = 200


def transaction_state(session: Session) -> dict[Any, Any]:
    """What the report queries keep for the current transaction (and savepoint); tunes
    PostgreSQL for them the first time."""
    connection = session.connection()
    current = connection.get_nested_transaction() or connection.get_transaction()
    kept = session.info.get("reports")
    if kept is not None and kept[0] is current:
        return kept[1]
    state: dict[Any, Any] = {}
    session.info["reports"] = (current, state)
    if connection.dialect.name == "postgresql":
        # PostgreSQL's JIT compiles these joins for ~100 ms, far longer than they run; a whole
        # organization's aggregate sorts and hashes more than the default 4 MB; and the
        # default random_page_cost (4, for disks) makes the planner hash all 200,000 people
        # rather than look up a 党总支's 2,000 by their key (230 ms against 25 ms: the
        # tables are cached).
        connection.execute(text(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true),"
            " set_config('random_page_cost', '1.1', true)"))
    return state


def split_params(root_id: int, split: Split) -> tuple[str, dict[str, Any]]:
    """The shape of a split ("root", "children" or "kind") and the parameters of ``subtree``."""
    if isinstance(split, UnitKind):
        return "kind", {"report_root": root_id, "report_kind": split}
    return ("children" if split else "root"), {"report_root": root_id}


def subtree(shape: str) -> Any:
    """The subtree of the unit ``:report_root`` as a CTE of (id, bucket).

    The bucket is the root ("root"), the child of the root a unit lies under ("children";
    members directly in the root stay in the root's bucket), or the nearest unit of the kind
    ``:report_kind`` at or above it ("kind", e.g. every 党支部 of a 机关党委; units above one have
    none).
    """
    root_id = bindparam("report_root", type_=Integer)
    kind = bindparam("report_kind", type_=Unit.kind.type)
    top: Any = case((Unit.kind == kind, Unit.id), else_=null()) if shape == "kind" else root_id
    tree = (select(Unit.id, top.label("bucket")).where(Unit.id == root_id)
            .cte("report_tree", recursive=True))
    below: Any = {"kind": case((Unit.kind == kind, Unit.id), else_=tree.c.bucket),
                  "children": case((tree.c.id == root_id, Unit.id), else_=tree.c.bucket),
                  "root": tree.c.bucket}[shape]
    return tree.union(select(Unit.id, below).join(tree, Unit.parent_id == tree.c.id))


@cache
def _units_statement(shape: str, few: bool) -> Any:
    tree = subtree(shape)
    statement = select(tree.c.id, tree.c.bucket).where(tree.c.bucket.is_not(None))
    # PostgreSQL and SQLite stop walking the tree once the limit is reached.
    return statement.limit(bindparam("report_limit", type_=Integer)) if few else statement


def _fetch_units(session: Session, root_id: int, split: Split, few: bool) -> dict[int, int] | None:
    """Units of the root's subtree and their bucket (see ``subtree``), fetched first (one
    query) so that the report queries name the units outright and the planner knows how few
    a branch has. Units without a bucket are left out. With ``few``, None for a subtree of
    more than ``NAMED_UNITS`` (a whole organization), without fetching them.

    Kept for the transaction, which a report reads the tree in several times (units are not
    edited in a transaction that reads reports): callers must not change the dict.
    """
    state = transaction_state(session)
    shape, params = split_params(root_id, split)
    key = (shape, root_id, params.get("report_kind"))
    if ("units", *key) in state:
        return state[("units", *key)]
    children = state.get(("units", "children", root_id, None))
    if shape == "root" and children is not None:  # the same units, in one bucket
        state[("units", *key)] = dict.fromkeys(children, root_id)
        return state[("units", *key)]
    if few and ("many", *key) in state:
        return None
    if few:
        params["report_limit"] = NAMED_UNITS + 1
    rows = session.execute(_units_statement(shape, few), params).tuples().all()
    if few and len(rows) > NAMED_UNITS:
        state[("many", *key)] = True
        return None
    state[("units", *key)] = dict(rows)
    return state[("units", *key)]


def units_of(session: Session, root_id: int, split: Split) -> dict[int, int]:
    """Every unit of the root's subtree with its bucket (see ``_fetch_units``)."""
    units = _fetch_units(session, root_id, split, False)
    assert units is not None
    return units


def few_units_of(session: Session, root_id: int, split: Split) -> dict[int, int] | None:
    """The units of the root's subtree with their bucket, or None for more than
    ``NAMED_UNITS`` of them (see ``_fetch_units``)."""
    return _fetch_units(session, root_id, split, True)
