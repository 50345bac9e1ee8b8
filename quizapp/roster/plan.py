"""What a roster import plans and what it did: plain records for the dry run, the commit
and their pages (``services`` builds them)."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass

from quizapp.models import Role

# Changes of these need the importer's own confirmation: they are how a person logs in and
# is recognised, and a move to another unit takes their results and tests with them (a row
# that carries someone else's phone number renames and moves that person).
IDENTITY_LABELS = ("姓名", "所属单位", "手机号", "党员编号")


class RowAction(enum.StrEnum):
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowError:
    row: int
    message: str


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def identity(self) -> bool:
        return self.label in IDENTITY_LABELS


@dataclass(frozen=True)
class PlannedGrant:
    role: Role
    unit_id: int
    unit_label: str

    @property
    def label(self) -> str:
        return f"{self.role.label}（{self.unit_label}）"


@dataclass(frozen=True)
class PlannedRow:
    """What importing one valid row will do."""

    row: int
    action: RowAction
    name: str
    phone: str | None
    member_no: str | None
    unit_id: int
    unit_label: str
    person_id: int | None = None
    changes: tuple[FieldChange, ...] = ()
    grants: tuple[PlannedGrant, ...] = ()
    # Held at the commit: a number belongs to someone outside the scope. Never shown and not
    # in the digest, so the dry run reads the same whether or not that person exists.
    held_outside: bool = False

    @property
    def account(self) -> str:
        return self.phone or self.member_no or ""

    @property
    def changes_identity(self) -> bool:
        """The row renames the person or changes a number they log in with."""
        return any(change.identity for change in self.changes)


@dataclass(frozen=True)
class ImportPlan:
    """The dry run of a roster file: what would change, and every row error."""

    filename: str
    sha256: str
    source: str
    scope_name: str
    ignored_headers: tuple[str, ...]
    rows: tuple[PlannedRow, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def _with(self, action: RowAction) -> list[PlannedRow]:
        return [row for row in self.rows if row.action is action]

    @property
    def new_rows(self) -> list[PlannedRow]:
        return self._with(RowAction.NEW)

    @property
    def updated_rows(self) -> list[PlannedRow]:
        return self._with(RowAction.UPDATE)

    @property
    def identity_rows(self) -> list[PlannedRow]:
        """Updates that change a name or a login number: applied only when confirmed."""
        return [row for row in self.updated_rows if row.changes_identity]

    @property
    def other_updated_rows(self) -> list[PlannedRow]:
        return [row for row in self.updated_rows if not row.changes_identity]

    @property
    def unchanged_rows(self) -> list[PlannedRow]:
        return self._with(RowAction.UNCHANGED)

    @property
    def grant_count(self) -> int:
        return sum(len(row.grants) for row in self.rows)

    @property
    def error_row_count(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def digest(self) -> str:
        """A fingerprint of every planned change: the commit must match it."""
        payload = [self.sha256] + [
            [r.row, r.action.value, r.person_id, r.name, r.phone, r.member_no, r.unit_id,
             [[g.role.value, g.unit_id] for g in r.grants]]
            for r in self.rows
        ]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class IssuedPassword:
    """A new person's initial password, shown once to the importer."""

    name: str
    account: str
    unit_label: str
    password: str


@dataclass(frozen=True)
class HeldRow:
    """A row the commit left alone, and why (shown to the importer)."""

    row: int
    name: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    created: tuple[IssuedPassword, ...] = ()
    updated: int = 0
    unchanged: int = 0
    grants_added: int = 0
    held: tuple[HeldRow, ...] = ()


