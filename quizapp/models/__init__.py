"""Shared models, one module per area. Import models from here."""

from quizapp.models.activity import (
    Activity,
    ActivityChange,
    ActivityKind,
    ActivityMember,
    ActivityStatus,
    AnswerPolicy,
    BlueprintPart,
    Notice,
    StudyPassage,
)
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
from quizapp.models.points import EntryKind, PointDecision, PointEntry, RuleKind, RuleVersion

__all__ = [
    "Activity", "ActivityChange", "ActivityKind", "ActivityMember", "ActivityStatus", "AnswerPolicy",
    "BlueprintPart", "Notice", "StudyPassage",
    "EntryKind", "PointDecision", "PointEntry", "RuleKind", "RuleVersion",
    "Attempt", "AttemptItem", "AttemptKind", "AttemptStatus", "PracticeSource", "WrongBookEntry",
    "BankQuestion", "Base", "Person", "QuestionOrigin", "QuestionReport", "QuestionStatus", "QuestionType",
    "ReportStatus", "Role", "RoleGrant", "Speech", "Unit", "UnitKind",
]
