"""Finding the units a roster names (所属支部, 党小组) inside an importer's scope."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import Unit, UnitKind
from quizapp.models.org import subtree_ids

_PATH_SEPARATORS = re.compile(r"[/／>＞]")


class UnitNotFound(Exception):
    """A 所属支部 or 党小组 cell names no usable unit; ``str(error)`` is the message."""


@dataclass(frozen=True)
class UnitRef:
    """A unit of the scope with its path below the scope root, for display."""

    id: int
    name: str
    kind: UnitKind
    parent_id: int | None
    path: tuple[str, ...]  # names from the scope root down to this unit

    @property
    def label(self) -> str:
        """The path without the scope root, or the root's own name."""
        return " / ".join(self.path[1:]) if len(self.path) > 1 else self.path[0]


def _clean(name: str) -> str:
    return re.sub(r"\s", "", name)


class UnitIndex:
    """Every unit in the subtree of ``root_id``, loaded once for a whole file."""

    def __init__(self, session: Session, root_id: int) -> None:
        ids = subtree_ids(session, root_id)
        units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
        self.root_id = root_id
        self.refs: dict[int, UnitRef] = {}
        for unit_id in sorted(units):
            self.refs[unit_id] = UnitRef(
                unit_id, units[unit_id].name, units[unit_id].kind,
                units[unit_id].parent_id, self._path(units, unit_id),
            )

    def _path(self, units: dict[int, Unit], unit_id: int) -> tuple[str, ...]:
        names: list[str] = []
        current: int | None = unit_id
        while current is not None and current in units:
            names.append(_clean(units[current].name))
            if current == self.root_id:
                break
            current = units[current].parent_id
        return tuple(reversed(names))

    def __contains__(self, unit_id: int) -> bool:
        return unit_id in self.refs

    @property
    def root(self) -> UnitRef:
        return self.refs[self.root_id]

    def label(self, unit_id: int) -> str:
        return self.refs[unit_id].label

    def is_within(self, unit_id: int, ancestor_id: int) -> bool:
        """True when ``unit_id`` is ``ancestor_id`` or below it."""
        current: int | None = unit_id
        while current is not None and current in self.refs:
            if current == ancestor_id:
                return True
            current = self.refs[current].parent_id
        return False

    def _matching(self, text: str, refs: list[UnitRef]) -> list[UnitRef]:
        wanted = tuple(_clean(s) for s in _PATH_SEPARATORS.split(text) if _clean(s))
        if not wanted:
            return []
        return [ref for ref in refs if ref.path[-len(wanted):] == wanted]

    def find_branch(self, text: str) -> UnitRef:
        """The unit a 所属支部 cell names: any unit but a 党小组.

        A name may be given with its parents (``第一党总支/第一党支部``) when the
        scope holds two units of that name.
        """
        candidates = [r for r in self.refs.values() if r.kind is not UnitKind.GROUP]
        found = self._matching(text, candidates)
        if not found:
            raise UnitNotFound(f"所属支部“{text}”不存在，或不在{self.root.name}范围内")
        if len(found) > 1:
            example = "/".join(found[0].path[-2:])
            raise UnitNotFound(
                f"所属支部“{text}”有 {len(found)} 个同名单位，请连同上级一起填写，如“{example}”"
            )
        return found[0]

    def find_group(self, text: str, branch: UnitRef) -> UnitRef:
        """The 党小组 a cell names, which must be inside ``branch``."""
        candidates = [
            r for r in self.refs.values()
            if r.kind is UnitKind.GROUP and self.is_within(r.id, branch.id)
        ]
        found = self._matching(text, candidates)
        if not found:
            raise UnitNotFound(f"党小组“{text}”不在“{branch.label}”下")
        if len(found) > 1:
            raise UnitNotFound(
                f"党小组“{text}”在“{branch.label}”下有 {len(found)} 个同名，请连同上级一起填写"
            )
        return found[0]

    def example(self) -> tuple[str, str]:
        """A real 所属支部 and 党小组 of the scope, for the template's example row."""
        groups = [r for r in self.refs.values() if r.kind is UnitKind.GROUP]
        for group in groups:
            parent = self.refs.get(group.parent_id) if group.parent_id else None
            if parent is not None and parent.kind is not UnitKind.GROUP:
                return self._branch_text(parent), group.name
        branches = [r for r in self.refs.values() if r.kind is UnitKind.BRANCH]
        return self._branch_text(branches[0] if branches else self.root), ""

    def _branch_text(self, ref: UnitRef) -> str:
        """How to write ``ref`` in a 所属支部 cell: its name, or its path if the name repeats."""
        try:
            if self.find_branch(ref.name).id == ref.id:
                return ref.name
        except UnitNotFound:
            pass
        return "/".join(ref.path)
