"""Shared models, one module per area. Import models from here."""

from quizapp.models.base import Base
from quizapp.models.org import Person, Role, RoleGrant, Unit, UnitKind

__all__ = ["Base", "Person", "Role", "RoleGrant", "Unit", "UnitKind"]
