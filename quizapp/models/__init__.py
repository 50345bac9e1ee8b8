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
from quizapp.models.contest import (
    Contest,
    ContestAnswer,
    ContestAward,
    ContestBuzz,
    ContestEntrant,
    ContestFormat,
    ContestPhase,
    ContestQuestion,
    ContestRound,
    ContestScore,
    ContestStake,
    ContestTeam,
    TeamMode,
)
from quizapp.models.drawn import DrawnItem
from quizapp.models.org import LoginSession, Person, Role, RoleGrant, Unit, UnitKind
from quizapp.models.paper import PAPER_LABELS, Paper
from quizapp.models.points import EntryKind, PointCap, PointDecision, PointEntry, RuleKind, RuleVersion
from quizapp.models.reports import ReportRollup, RollupState
from quizapp.models.throttle import LoginThrottle

__all__ = [
    "DrawnItem",
    "LoginThrottle",
    "Activity", "ActivityChange", "ActivityKind", "ActivityMember", "ActivityStatus", "AnswerPolicy",
    "BlueprintPart", "Notice", "StudyPassage",
    "PAPER_LABELS", "Paper",
    "Contest", "ContestAnswer", "ContestAward", "ContestBuzz", "ContestEntrant", "ContestFormat",
    "ContestPhase", "ContestQuestion", "ContestRound", "ContestScore", "ContestStake", "ContestTeam",
    "TeamMode",
    "EntryKind", "PointCap", "PointDecision", "PointEntry", "RuleKind", "RuleVersion",
    "Attempt", "AttemptItem", "AttemptKind", "AttemptStatus", "PracticeSource", "WrongBookEntry",
    "BankQuestion", "Base", "LoginSession", "Person", "QuestionOrigin", "QuestionReport", "QuestionStatus", "QuestionType",
    "ReportRollup", "ReportStatus", "Role", "RollupState", "RoleGrant", "Speech", "Unit", "UnitKind",
]
