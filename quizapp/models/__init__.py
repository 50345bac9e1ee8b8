"""Shared models, one module per area. Import models from here."""

from quizapp.models.assess import Attempt, AttemptItem, AttemptKind, AttemptStatus, PracticeSource, WrongBookEntry
from quizapp.models.bank import (
    BankQuestion,
    QuestionOrigin,
    QuestionReport,
    QuestionStatus,
    QuestionType,
    ReportStatus,
    Speech,
)
from quizapp.models.base import Base
from quizapp.models.org import Person, Role, RoleGrant, Unit, UnitKind

__all__ = [
    "Attempt", "AttemptItem", "AttemptKind", "AttemptStatus", "PracticeSource", "WrongBookEntry",
    "BankQuestion", "Base", "Person", "QuestionOrigin", "QuestionReport", "QuestionStatus", "QuestionType",
    "ReportStatus", "Role", "RoleGrant", "Speech", "Unit", "UnitKind",
]
